//! BatchNormalization (inference): a per-channel affine map `x·a + b`, folded from the
//! statistics at quantization time.

use super::Attrs;
use super::{need, OpError, Operand};
use crate::quant::{ASrc, BSrc, Dot, DotKind, ElemPart, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::{broadcast_index_map, Tensor};

#[derive(Clone, Debug)]
pub struct BatchNorm {
    pub epsilon: f64,
}

impl BatchNorm {
    pub fn build(a: &Attrs) -> Result<Self, OpError> {
        if a.int("training_mode", 0) != 0 {
            return Err(OpError::Attribute {
                name: "training_mode".into(),
                msg: "training mode is not supported".into(),
            });
        }
        Ok(BatchNorm {
            epsilon: a.float("epsilon", 1e-5) as f64,
        })
    }

    /// Per-channel (scale, shift).
    fn affine(&self, ins: &[&Tensor], c: usize) -> Result<(Vec<f64>, Vec<f64>), OpError> {
        for (i, t) in ins[1..5].iter().enumerate() {
            if t.data.len() != c {
                return Err(OpError::Shape(format!(
                    "input {} has {} values, expected {c} channels",
                    i + 1,
                    t.data.len()
                )));
            }
        }
        let (g, b, mean, var) = (&ins[1].data, &ins[2].data, &ins[3].data, &ins[4].data);
        let a: Vec<f64> = (0..c)
            .map(|i| g[i] / (var[i] + self.epsilon).sqrt())
            .collect();
        let sh = (0..c).map(|i| b[i] - mean[i] * a[i]).collect();
        Ok((a, sh))
    }

    fn channel_shape(x: &[usize]) -> Result<Vec<usize>, OpError> {
        if x.len() < 2 {
            return Err(OpError::Shape(format!("input {x:?} has no channel axis")));
        }
        let mut s = vec![x[1]];
        s.extend(std::iter::repeat_n(1, x.len() - 2));
        Ok(s)
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 5)?;
        let cs = Self::channel_shape(&ins[0].shape)?;
        let (a, b) = self.affine(ins, cs[0])?;
        let map = broadcast_index_map(&cs, &ins[0].shape);
        let data = ins[0]
            .data
            .iter()
            .zip(&map)
            .map(|(&x, &c)| x * a[c] + b[c])
            .collect();
        Ok(Tensor::new(ins[0].shape.clone(), data))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<QOp, QuantError> {
        let slot = match ins[0] {
            Operand::Act { slot, .. } => slot,
            _ => return Err(QuantError::Internal("BatchNorm of a constant".into())),
        };
        let mut consts = vec![];
        for o in &ins[1..5] {
            match o {
                Operand::Const(t) => consts.push(*t),
                _ => {
                    return Err(QuantError::Unsupported(
                        "BatchNormalization statistics must be constants".into(),
                    ))
                }
            }
        }
        let cs = Self::channel_shape(out).map_err(|e| QuantError::Internal(e.to_string()))?;
        let dummy = Tensor::zeros(&[]);
        let mut all = vec![&dummy];
        all.extend(consts);
        let (a, b) = self
            .affine(&all, cs[0])
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let ta = Tensor::new(cs.clone(), a);
        let tb = Tensor::new(cs.clone(), b);
        let ia = ctx.param(&ta, ctx.param_scale, "scale", |v| v)?;
        let ib = ctx.param(&tb, ctx.act_scale + ctx.param_scale, "shift", |v| v)?;
        let xmap: Vec<u32> = (0..out.iter().product::<usize>() as u32).collect();
        let cmap: Vec<u32> = broadcast_index_map(&cs, out)
            .into_iter()
            .map(|i| i as u32)
            .collect();
        Ok(QOp::Dot(Box::new(Dot {
            divisor: None,
            rescale: ctx.param_scale,
            kind: DotKind::Elementwise {
                len: out.iter().product(),
                parts: vec![
                    ElemPart {
                        a: ASrc::Act { slot, map: xmap },
                        b: BSrc::Param {
                            id: ia,
                            map: cmap.clone(),
                        },
                    },
                    ElemPart {
                        a: ASrc::One,
                        b: BSrc::Param { id: ib, map: cmap },
                    },
                ],
            },
        })))
    }
}

/// LayerNormalization (over the axes from `axis` to the last) and InstanceNormalization (over
/// the spatial axes, per sample and channel): `(x − mean)/√(var + eps) · scale + bias`.
/// Quantized: [`crate::quant::compose::normalize`] (exact mean and variance up to their
/// roundings, `1/√(var + eps)` from a table), then one affine dot with `scale` at the param
/// scale and `bias` at the products' scale.
#[derive(Clone, Debug)]
pub struct Normalize {
    pub epsilon: f64,
    /// LayerNormalization's first normalized axis; `None`: InstanceNormalization
    pub axis: Option<i64>,
}

impl Normalize {
    pub fn build(op_type: &str, a: &Attrs) -> Result<Self, OpError> {
        if a.int("stash_type", 1) != 1 {
            return Err(OpError::Attribute {
                name: "stash_type".into(),
                msg: "only float statistics (1) are supported".into(),
            });
        }
        Ok(Normalize {
            epsilon: a.float("epsilon", 1e-5) as f64,
            axis: (op_type == "LayerNormalization").then(|| a.int("axis", -1)),
        })
    }

    /// The normalized axes of an input of shape `x`.
    fn axes(&self, x: &[usize]) -> Result<Vec<usize>, OpError> {
        match self.axis {
            Some(ax) => Ok((super::axis_attr("axis", ax, x.len())?..x.len()).collect()),
            None if x.len() >= 3 => Ok((2..x.len()).collect()),
            None => Err(OpError::Shape(format!(
                "InstanceNormalization needs [N, C, D1, ...], got {x:?}"
            ))),
        }
    }

    /// The shape `scale` and `bias` broadcast from: the normalized dims (LayerNorm) or
    /// `[C, 1, ...]` (InstanceNorm).
    fn param_shape(&self, x: &[usize], axes: &[usize]) -> Vec<usize> {
        match self.axis {
            Some(_) => axes.iter().map(|&a| x[a]).collect(),
            None => {
                let mut s = vec![x[1]];
                s.extend(std::iter::repeat_n(1, x.len() - 2));
                s
            }
        }
    }

    fn check_param(t: &Tensor, want: &[usize], what: &str) -> Result<(), OpError> {
        if t.data.len() != want.iter().product::<usize>() {
            return Err(OpError::Shape(format!(
                "{what} has shape {:?}, expected {want:?}",
                t.shape
            )));
        }
        Ok(())
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 2)?;
        let x = ins[0];
        let axes = self.axes(&x.shape)?;
        let ps = self.param_shape(&x.shape, &axes);
        Self::check_param(ins[1], &ps, "scale")?;
        if let Some(b) = ins.get(2) {
            Self::check_param(b, &ps, "bias")?;
        }
        let pmap = broadcast_index_map(&ps, &x.shape);
        let mut out = vec![0.0; x.data.len()];
        for g in crate::quant::compose::axis_groups(&x.shape, &axes) {
            let n = g.len() as f64;
            let mean = g.iter().map(|&i| x.data[i as usize]).sum::<f64>() / n;
            let var = g
                .iter()
                .map(|&i| (x.data[i as usize] - mean).powi(2))
                .sum::<f64>()
                / n;
            let inv = 1.0 / (var + self.epsilon).sqrt();
            for &i in &g {
                let i = i as usize;
                let b = ins.get(2).map_or(0.0, |b| b.data[pmap[i]]);
                out[i] = (x.data[i] - mean) * inv * ins[1].data[pmap[i]] + b;
            }
        }
        Ok(Tensor::new(x.shape.clone(), out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let internal = |e: OpError| QuantError::Internal(e.to_string());
        let Operand::Act { slot, shape } = ins[0] else {
            return Err(QuantError::Internal("normalization of a constant".into()));
        };
        let axes = self.axes(shape).map_err(internal)?;
        let ps = self.param_shape(shape, &axes);
        let consts: Vec<&Tensor> = ins[1..]
            .iter()
            .map(|o| match o {
                Operand::Const(t) => Ok(*t),
                Operand::Act { .. } => Err(QuantError::Unsupported(
                    "scale and bias must be constants".into(),
                )),
            })
            .collect::<Result<_, _>>()?;
        let len: usize = shape.iter().product();
        let groups = crate::quant::compose::axis_groups(shape, &axes);
        let mut lw = Lowered::default();
        let y = crate::quant::compose::normalize(
            &mut lw,
            Src::In(slot),
            len,
            &groups,
            self.epsilon,
            ctx.act_scale,
        );
        Self::check_param(consts[0], &ps, "scale").map_err(internal)?;
        let pmap: Vec<u32> = broadcast_index_map(&ps, shape)
            .into_iter()
            .map(|i| i as u32)
            .collect();
        let ia = ctx.param(consts[0], ctx.param_scale, "scale", |v| v)?;
        let mut parts = vec![ElemPart {
            a: ASrc::Act {
                slot: 0,
                map: (0..len as u32).collect(),
            },
            b: BSrc::Param {
                id: ia,
                map: pmap.clone(),
            },
        }];
        if let Some(b) = consts.get(1) {
            Self::check_param(b, &ps, "bias").map_err(internal)?;
            let ib = ctx.param(b, ctx.act_scale + ctx.param_scale, "bias", |v| v)?;
            parts.push(ElemPart {
                a: ASrc::One,
                b: BSrc::Param { id: ib, map: pmap },
            });
        }
        lw.push(
            crate::quant::compose::lin(len, parts, ctx.param_scale),
            vec![y],
            out.to_vec(),
        );
        Ok(lw)
    }
}
