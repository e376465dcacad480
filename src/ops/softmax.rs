//! Softmax and LogSoftmax over one axis, numerically stable as onnxruntime computes them:
//! `z = x − max(x)`, `e = exp(z)`, `s = Σ e`, then `e / s` (Softmax) or `z − ln s`
//! (LogSoftmax).
//!
//! Quantized semantics (activation scale `S`): the maximum is exact (pairwise relu steps), `z`
//! is exact and `≤ 0`, `e_q = round(exp(z/2^S)·2^S) ∈ [0, 2^S]` (a table), `s = Σ e_q ≥ 2^S`
//! exact, and Softmax's output is `round(e_q·2^S / s)` half up (the division gadget: exact
//! for the given `e_q` and `s`); LogSoftmax's is `z − round(ln(s/2^S)·2^S)` (a table over the
//! sums). The axis is ONNX opset 13's: one axis (default −1); older opsets' default (axis 1,
//! the input coerced to 2-D) is the same for 2-D inputs, the common case.

use super::Attrs;
use super::{need, Func, OpError, Operand};
use crate::quant::compose::{axis_groups, div, extreme_groups, sub, sum_groups};
use crate::quant::{LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;

#[derive(Clone, Debug)]
pub struct Softmax {
    pub axis: usize,
    pub log: bool,
}

impl Softmax {
    pub fn build(op_type: &str, a: &Attrs, shapes: &[Option<&[usize]>]) -> Result<Self, OpError> {
        let rank = shapes
            .first()
            .copied()
            .flatten()
            .ok_or(OpError::MissingInput(0))?
            .len();
        Ok(Softmax {
            axis: super::axis_attr("axis", a.int("axis", -1), rank)?,
            log: op_type == "LogSoftmax",
        })
    }

    fn groups(&self, shape: &[usize]) -> Result<Vec<Vec<u32>>, OpError> {
        if self.axis >= shape.len() || shape[self.axis] == 0 {
            return Err(OpError::Shape(format!(
                "axis {} does not fit an input of shape {shape:?}",
                self.axis
            )));
        }
        Ok(axis_groups(shape, &[self.axis]))
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let x = ins[0];
        let mut out = vec![0.0; x.data.len()];
        for g in self.groups(&x.shape)? {
            let m = g
                .iter()
                .map(|&i| x.data[i as usize])
                .fold(f64::NEG_INFINITY, f64::max);
            let s: f64 = g.iter().map(|&i| libm::exp(x.data[i as usize] - m)).sum();
            for &i in &g {
                let z = x.data[i as usize] - m;
                out[i as usize] = if self.log {
                    z - libm::log(s)
                } else {
                    libm::exp(z) / s
                };
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
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("softmax of a constant".into()));
        };
        let groups = self
            .groups(shape)
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let len: usize = shape.iter().product();
        let mut lw = Lowered::default();
        softmax_groups(&mut lw, Src::In(0), len, &groups, self.log, ctx.act_scale);
        lw.reshape_last(out);
        Ok(lw)
    }
}

/// The largest floor `T` (at scale `s`) below which exp's quantized value is 0 whatever table
/// input scale reads it: `exp(z)·2^s < ½` for `z < −(s+1)·ln 2`, and reading `z` up to one
/// unit coarser (`table_shift ≤ s`) moves it by at most ½: `T = ⌊−((s+1)·ln 2 + 1)·2^s⌋`. So
/// `exp_q(max(z, T)) = exp_q(z)` for every `z`.
pub(crate) fn exp_floor(s: u32) -> i64 {
    let s = s.min(40);
    (-((s as f64 + 1.0) * std::f64::consts::LN_2 + 1.0) * (1u64 << s) as f64).floor() as i64
}

/// Softmax (or LogSoftmax, `log`) of `x` over each group, at scale `s`: the maximum `m` of the
/// group (pairwise relu steps), `z = x − m`, `e = exp(max(z, T))` (the clamp gadget, then a
/// table over `[T, 0]`: [`exp_floor`]), the group's sum and
/// `e·2^s / Σe` (the division gadget; LogSoftmax: `z − ln Σe`, a table).
pub(crate) fn softmax_groups(
    lw: &mut Lowered,
    x: Src,
    len: usize,
    groups: &[Vec<u32>],
    log: bool,
    s: u32,
) -> Src {
    // the group of every element, in layout order
    let group_of = crate::quant::compose::group_of(groups, len);
    let every: Vec<u32> = (0..len as u32).collect();
    let m = extreme_groups(lw, x, groups, false);
    let z = sub(lw, x, every, m, group_of.clone());
    // exp reads z clamped at the floor where it has already quantized to 0, so a mask constant
    // (−10⁴, −∞, the float minimum) does not widen exp's table
    let zc = lw.push(QOp::Clamp { lo: exp_floor(s) }, vec![z], vec![len]);
    let e = lw.push(QOp::Lookup(Func::Exp), vec![zc], vec![len]);
    let sum = sum_groups(lw, e, groups, 1);
    if log {
        let l = lw.push(QOp::Lookup(Func::Ln), vec![sum], vec![groups.len()]);
        sub(lw, z, (0..len as u32).collect(), l, group_of)
    } else {
        div(lw, e, sum, group_of, s)
    }
}

#[cfg(test)]
mod tests {
    use super::exp_floor;
    use crate::quant::Func;

    #[test]
    fn below_the_floor_exp_is_already_zero_at_any_table_scale() {
        for s in [2u32, 5, 7, 10, 13] {
            let t = exp_floor(s);
            for shift in 0..=s {
                let coarse = |z: i64| {
                    let d = 1i64 << shift;
                    (z + d / 2).div_euclid(d)
                };
                let si = s - shift;
                assert_eq!(
                    Func::Exp.quantized_at(coarse(t), si, s),
                    0,
                    "s {s} shift {shift}"
                );
                // and one unit above the floor's zero region is still what the table gives
                assert!(Func::Exp.quantized_at(coarse(t / 2), si, s) >= 0);
            }
        }
    }
}
