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

/// Softmax (or LogSoftmax, `log`) of `x` over each group, at scale `s`: the maximum `m` of the
/// group (pairwise relu steps), `z = x − m`, `e = exp(z)` (a table), the group's sum and
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
    let e = lw.push(QOp::Lookup(Func::Exp), vec![z], vec![len]);
    let sum = sum_groups(lw, e, groups, 1);
    if log {
        let l = lw.push(QOp::Lookup(Func::Ln), vec![sum], vec![groups.len()]);
        sub(lw, z, (0..len as u32).collect(), l, group_of)
    } else {
        div(lw, e, sum, group_of, s)
    }
}
