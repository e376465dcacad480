//! BatchNormalization (inference): a per-channel affine map `x·a + b`, folded from the
//! statistics at quantization time.

use super::{need, OpError, Operand};
use crate::onnx::Attrs;
use crate::quant::{ASrc, BSrc, Dot, DotKind, ElemPart, LowerCtx, QOp, QuantError};
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
