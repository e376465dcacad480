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
//!
//! **Masked Softmax.** An attention mask written as `Softmax(Where(mask, x, c))` or
//! `Softmax(x + M)` with a constant mask and a mask value `c ≤` [`MASK_LIMIT`] (−10⁴, −∞, the
//! float minimum) is fused at import into a Softmax with a constant `keep` pattern: kept
//! positions get the Softmax over the kept ones, masked positions exactly 0, which is what
//! onnxruntime computes (`exp(c − max)` underflows to 0 in float32 once `c − max < −104`: any
//! row whose largest kept score is above `c + 104`). The circuit never holds `c`: the masked
//! positions read a kept score of their row (so the maximum is the kept maximum) and their
//! `exp` is replaced by the zero cell before the sum (copy constraints only). A row that
//! keeps nothing is not fused (onnxruntime's uniform row is then computed as written).

use super::Attrs;
use super::{need, Func, OpError, Operand};
use crate::quant::compose::{axis_groups, div, extreme_groups, sub, sum_groups};
use crate::quant::{LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;

/// Mask values at or below this are a mask (see the module's "Masked Softmax").
pub const MASK_LIMIT: f64 = -1000.0;

#[derive(Clone, Debug)]
pub struct Softmax {
    pub axis: usize,
    pub log: bool,
    /// A fused constant attention mask: `keep[i]` for every element of the input (Softmax
    /// only; every group keeps at least one).
    pub keep: Option<Vec<bool>>,
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
            keep: None,
        })
    }

    /// This Softmax with the constant mask `keep` (over an input of `shape`) fused in, if it
    /// can be: a Softmax (not Log) whose every group keeps at least one position.
    pub fn masked(&self, shape: &[usize], keep: Vec<bool>) -> Option<Softmax> {
        let groups = self.groups(shape).ok()?;
        let fits = !self.log
            && keep.len() == shape.iter().product::<usize>()
            && groups.iter().all(|g| g.iter().any(|&i| keep[i as usize]));
        fits.then(|| Softmax {
            keep: Some(keep),
            ..self.clone()
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
        let kept = |i: u32| self.keep.as_ref().is_none_or(|k| k[i as usize]);
        for mut g in self.groups(&x.shape)? {
            g.retain(|&i| kept(i)); // masked positions stay 0
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
        match &self.keep {
            None => {
                softmax_groups(&mut lw, Src::In(0), len, &groups, self.log, ctx.act_scale);
            }
            Some(keep) => masked_softmax_groups(&mut lw, len, &groups, keep, ctx.act_scale)?,
        }
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

/// Softmax of input 0 over each group with the constant mask `keep` (every group keeps one
/// position or more; module docs): `y` = the input with each masked position reading its
/// group's first kept score (a gather), the group maxima of `y` (= the kept maxima),
/// `z = y − m`, `e = exp(max(z, T))`, `e'` = `e` with the zero cell at masked positions (a
/// gather), `e'·2^s / Σe'`: masked outputs are `0`.
fn masked_softmax_groups(
    lw: &mut Lowered,
    len: usize,
    groups: &[Vec<u32>],
    keep: &[bool],
    s: u32,
) -> Result<(), QuantError> {
    let mut stand_in: Vec<(u32, u32)> = (0..len as u32).map(|i| (0, i)).collect();
    let mut zeroed = stand_in.clone();
    for g in groups {
        let first = g
            .iter()
            .copied()
            .find(|&i| keep[i as usize])
            .ok_or_else(|| QuantError::Internal("a mask row keeps nothing".into()))?;
        for &i in g.iter().filter(|&&i| !keep[i as usize]) {
            stand_in[i as usize] = (0, first);
            zeroed[i as usize] = (crate::quant::ZERO_SLOT, 0);
        }
    }
    let group_of = crate::quant::compose::group_of(groups, len);
    let every: Vec<u32> = (0..len as u32).collect();
    let y = lw.push(QOp::Gather(stand_in), vec![Src::In(0)], vec![len]);
    let m = extreme_groups(lw, y, groups, false);
    let z = sub(lw, y, every, m, group_of.clone());
    let zc = lw.push(QOp::Clamp { lo: exp_floor(s) }, vec![z], vec![len]);
    let e = lw.push(QOp::Lookup(Func::Exp), vec![zc], vec![len]);
    let e = lw.push(QOp::Gather(zeroed), vec![e], vec![len]);
    let sum = sum_groups(lw, e, groups, 1);
    div(lw, e, sum, group_of, s);
    Ok(())
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
