//! Normalizer and Scaler.

use super::{act, attr_err, internal};
use crate::ops::{need, Attrs, Func, OpError, Operand};
use crate::quant::compose::lin_pairs;
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;

/// Normalizer (`norm` MAX, L1 or L2 over each row) and Scaler (`(x − offset)·scale`).
#[derive(Clone, Debug)]
pub enum Rescale {
    Normalizer(Norm),
    Scaler { offset: Vec<f64>, scale: Vec<f64> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norm {
    Max,
    L1,
    L2,
}

impl Rescale {
    pub fn build(op_type: &str, a: &Attrs) -> Result<Self, OpError> {
        if op_type == "Normalizer" {
            let norm = match a.string("norm").as_deref().unwrap_or("MAX") {
                "MAX" => Norm::Max,
                "L1" => Norm::L1,
                "L2" => Norm::L2,
                other => return Err(attr_err("norm", format!("unknown norm `{other}`"))),
            };
            return Ok(Rescale::Normalizer(norm));
        }
        let get = |name: &str| -> Vec<f64> {
            a.floats(name)
                .map(|v| v.into_iter().map(|x| x as f64).collect())
                .unwrap_or_default()
        };
        let (offset, scale) = (get("offset"), get("scale"));
        if offset.iter().chain(&scale).any(|v| !v.is_finite()) {
            return Err(attr_err("scale", "not finite"));
        }
        Ok(Rescale::Scaler { offset, scale })
    }

    /// `(rows, row length)` of a `[N, F]` or `[F]` input.
    fn rows(shape: &[usize]) -> Result<(usize, usize), OpError> {
        match shape {
            [f] => Ok((1, *f)),
            [n, f] => Ok((*n, *f)),
            _ => Err(OpError::Shape(format!("input {shape:?}: expected [N, F]"))),
        }
    }

    /// The Scaler's per-feature `(offset, scale)` (one value: every feature).
    fn per_feature(v: &[f64], j: usize, default: f64) -> f64 {
        match v.len() {
            0 => default,
            1 => v[0],
            _ => v[j],
        }
    }

    fn check(&self, f: usize) -> Result<(), OpError> {
        if let Rescale::Scaler { offset, scale } = self {
            for (name, v) in [("offset", offset), ("scale", scale)] {
                if v.len() > 1 && v.len() != f {
                    return Err(attr_err(
                        name,
                        format!("{} values for {f} features", v.len()),
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let x = ins[0];
        let (n, f) = Self::rows(&x.shape)?;
        self.check(f)?;
        let mut out = x.data.clone();
        for i in 0..n {
            let row = &mut out[i * f..(i + 1) * f];
            match self {
                Rescale::Scaler { offset, scale } => {
                    for (j, v) in row.iter_mut().enumerate() {
                        *v = (*v - Self::per_feature(offset, j, 0.0))
                            * Self::per_feature(scale, j, 1.0);
                    }
                }
                Rescale::Normalizer(norm) => {
                    let d = match norm {
                        Norm::Max => row.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
                        Norm::L1 => row.iter().map(|v| v.abs()).sum(),
                        Norm::L2 => row.iter().map(|v| v * v).sum::<f64>().sqrt(),
                    };
                    if d != 0.0 {
                        row.iter_mut().for_each(|v| *v /= d);
                    }
                }
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
        use crate::quant::compose::{div, extreme_groups, mul, sum_groups};
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("a rescale of a constant".into()));
        };
        let (n, f) = Self::rows(shape).map_err(internal)?;
        self.check(f).map_err(internal)?;
        let (s, p) = (ctx.act_scale, ctx.param_scale);
        let len = n * f;
        let every: Vec<u32> = (0..len as u32).collect();
        let x = Src::In(0);
        let mut lw = Lowered::default();
        match self {
            Rescale::Scaler { offset, scale } => {
                // y = x·scale − offset·scale: the scale at p, the product at s + p
                let sc: Vec<f64> = (0..f).map(|j| Self::per_feature(scale, j, 1.0)).collect();
                let os: Vec<f64> = (0..f)
                    .map(|j| -Self::per_feature(offset, j, 0.0) * sc[j])
                    .collect();
                let sid = ctx.param(&Tensor::new(vec![f], sc), p, "scale", |v| v)?;
                let oid = ctx.param(&Tensor::new(vec![f], os), s + p, "offset", |v| v)?;
                let fm: Vec<u32> = (0..len).map(|i| (i % f) as u32).collect();
                lw.push(
                    lin_pairs(
                        len,
                        vec![
                            (
                                act(0, every),
                                BSrc::Param {
                                    id: sid,
                                    map: fm.clone(),
                                },
                            ),
                            (ASrc::One, BSrc::Param { id: oid, map: fm }),
                        ],
                        p,
                    ),
                    vec![x],
                    out.to_vec(),
                );
            }
            Rescale::Normalizer(norm) => {
                // x / d per row, d ≥ 1 quantum (the division gadget; a zero row is refused)
                let groups: Vec<Vec<u32>> = (0..n)
                    .map(|i| ((i * f) as u32..((i + 1) * f) as u32).collect())
                    .collect();
                let g: Vec<u32> = (0..len).map(|i| (i / f) as u32).collect();
                let d = match norm {
                    Norm::Max => extreme_groups(&mut lw, x, &groups, false),
                    Norm::L1 => {
                        // |x| = 2·relu(x) − x
                        let r = lw.push(QOp::Lookup(Func::Relu), vec![x], vec![len]);
                        let a = lw.push(
                            lin_pairs(
                                len,
                                vec![
                                    (act(0, every.clone()), BSrc::Coef(2)),
                                    (act(1, every.clone()), BSrc::Coef(-1)),
                                ],
                                0,
                            ),
                            vec![r, x],
                            vec![len],
                        );
                        sum_groups(&mut lw, a, &groups, 1)
                    }
                    Norm::L2 => {
                        let sq = mul(&mut lw, x, every.clone(), x, every.clone(), s);
                        let t = sum_groups(&mut lw, sq, &groups, 1);
                        lw.push(QOp::Lookup(Func::Sqrt), vec![t], vec![n])
                    }
                };
                div(&mut lw, x, d, g, s);
                lw.reshape_last(out);
            }
        }
        Ok(lw)
    }
}
