//! Comparisons and boolean logic (Equal, Less, LessOrEqual, Greater, GreaterOrEqual, Not,
//! And, Or, Xor, Where), with numpy broadcasting. On constants they fold at import (attention
//! masks computed from buffers). On activations a boolean is the real 0 or 1 at the
//! activation scale `S` (the integers 0 and `2^S`), so a comparison's result consumed by
//! arithmetic is never off by `2^S`. Quantized semantics, exact on the quantized operands:
//! - `a < b` ⟺ `d = b − a ≥ 1` (integers): `[d ≥ 1] = relu(d) − relu(d − 1)`; `a ≤ b` is
//!   `d = b − a + 1`, `>`/`≥` swap the operands; `a = b` is the is-zero gadget on `a − b`;
//! - `Not x = 2^S − x`, `And = a·b/2^S`, `Or = a + b − a·b/2^S`, `Xor = a + b − 2·a·b/2^S`
//!   (on booleans, as ONNX types them);
//! - `Where(c, a, b) = b + c·(a − b)/2^S` (exact for a boolean `c`); with a constant `c` (an
//!   attention mask) each output is a copy of `a` or `b`, no rows: the condition is then part of
//!   the circuit's structure (like a shape), not a parameter.
//!
//! Constant operands become activations first (one dot row per element, the constant a
//! parameter at scale `S`).

use super::{Func, OpError, Operand};
use crate::quant::compose::{mul, sub};
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::{broadcast_index_map, broadcast_shape, Tensor};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logic {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Not,
    And,
    Or,
    Xor,
    Where,
}

impl Logic {
    pub fn build(op_type: &str) -> Option<(Self, Vec<usize>)> {
        Some(match op_type {
            "Equal" => (Logic::Equal, vec![0, 1]),
            "Less" => (Logic::Less, vec![0, 1]),
            "LessOrEqual" => (Logic::LessOrEqual, vec![0, 1]),
            "Greater" => (Logic::Greater, vec![0, 1]),
            "GreaterOrEqual" => (Logic::GreaterOrEqual, vec![0, 1]),
            "Not" => (Logic::Not, vec![0]),
            "And" => (Logic::And, vec![0, 1]),
            "Or" => (Logic::Or, vec![0, 1]),
            "Xor" => (Logic::Xor, vec![0, 1]),
            "Where" => (Logic::Where, vec![0, 1, 2]),
            _ => return None,
        })
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        let arity = match self {
            Logic::Not => 1,
            Logic::Where => 3,
            _ => 2,
        };
        super::need(ins, arity)?;
        let mut shape = ins[0].shape.clone();
        for t in &ins[1..arity] {
            shape = broadcast_shape(&shape, &t.shape).ok_or_else(|| {
                OpError::Shape(format!("{:?} and {:?} do not broadcast", shape, t.shape))
            })?;
        }
        let maps: Vec<Vec<usize>> = ins[..arity]
            .iter()
            .map(|t| broadcast_index_map(&t.shape, &shape))
            .collect();
        let b = |v: bool| if v { 1.0 } else { 0.0 };
        let n: usize = shape.iter().product();
        let data = (0..n)
            .map(|i| {
                let v = |k: usize| ins[k].data[maps[k][i]];
                match self {
                    Logic::Equal => b(v(0) == v(1)),
                    Logic::Less => b(v(0) < v(1)),
                    Logic::LessOrEqual => b(v(0) <= v(1)),
                    Logic::Greater => b(v(0) > v(1)),
                    Logic::GreaterOrEqual => b(v(0) >= v(1)),
                    Logic::Not => b(v(0) == 0.0),
                    Logic::And => b(v(0) != 0.0 && v(1) != 0.0),
                    Logic::Or => b(v(0) != 0.0 || v(1) != 0.0),
                    Logic::Xor => b((v(0) != 0.0) != (v(1) != 0.0)),
                    Logic::Where => {
                        if v(0) != 0.0 {
                            v(1)
                        } else {
                            v(2)
                        }
                    }
                }
            })
            .collect();
        Ok(Tensor::new(shape, data))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let len: usize = out.iter().product();
        let one = 1i64 << ctx.act_scale;
        let mut lw = Lowered::default();
        // every operand as (tensor, broadcast map to the output)
        let mut ops = vec![];
        let spread_map = |o: &Operand| o.out_map(out);
        if let (Logic::Where, Some(Operand::Const(c))) = (self, ins.first()) {
            // a constant condition (an attention mask): each output is a copy of `a` or `b`
            let cond: Vec<f64> = spread_map(&ins[0])
                .iter()
                .map(|&i| c.data[i as usize])
                .collect();
            let (a, b) = (
                operand(&mut lw, ctx, &ins[1])?,
                operand(&mut lw, ctx, &ins[2])?,
            );
            let (ma, mb) = (spread_map(&ins[1]), spread_map(&ins[2]));
            let elems: Vec<(Src, u32)> = (0..len)
                .map(|i| {
                    if cond[i] != 0.0 {
                        (a, ma[i])
                    } else {
                        (b, mb[i])
                    }
                })
                .collect();
            crate::quant::compose::gather(&mut lw, &elems);
            lw.reshape_last(out);
            return Ok(lw);
        }
        for o in ins {
            ops.push((operand(&mut lw, ctx, o)?, spread_map(o)));
        }
        let every: Vec<u32> = (0..len as u32).collect();
        let act = |k: usize, c: i64| {
            (
                ASrc::Act {
                    slot: k,
                    map: every.clone(),
                },
                BSrc::Coef(c),
            )
        };
        // a linear combination Σ c_k·t_k (+ a constant) of per-output tensors
        let comb = |lw: &mut Lowered, terms: Vec<(Src, i64)>, constant: i64| {
            let mut parts: Vec<(ASrc, BSrc)> =
                (0..terms.len()).map(|k| act(k, terms[k].1)).collect();
            if constant != 0 {
                parts.push((ASrc::One, BSrc::Coef(constant)));
            }
            lw.push(
                lin(len, parts),
                terms.iter().map(|t| t.0).collect(),
                vec![len],
            )
        };
        let (a, am) = ops[0].clone();
        // bring an operand to the output's layout (a copy when it broadcasts)
        let spread = |lw: &mut Lowered, (s, m): (Src, Vec<u32>)| -> Src {
            if m.iter().enumerate().all(|(i, &j)| i as u32 == j) && m.len() == len {
                s
            } else {
                let elems: Vec<(Src, u32)> = m.iter().map(|&j| (s, j)).collect();
                crate::quant::compose::gather(lw, &elems)
            }
        };
        let _ = am;
        match self {
            Logic::Less | Logic::LessOrEqual | Logic::Greater | Logic::GreaterOrEqual => {
                let x = spread(&mut lw, ops[0].clone());
                let y = spread(&mut lw, ops[1].clone());
                let (hi, lo) = match self {
                    Logic::Less | Logic::LessOrEqual => (y, x),
                    _ => (x, y),
                };
                let inclusive = matches!(self, Logic::LessOrEqual | Logic::GreaterOrEqual);
                let d = comb(&mut lw, vec![(hi, 1), (lo, -1)], inclusive as i64);
                let d1 = comb(&mut lw, vec![(d, 1)], -1);
                let r0 = lw.push(QOp::Lookup(Func::Relu), vec![d], vec![len]);
                let r1 = lw.push(QOp::Lookup(Func::Relu), vec![d1], vec![len]);
                comb(&mut lw, vec![(r0, one), (r1, -one)], 0);
            }
            Logic::Equal => {
                let d = sub(&mut lw, a, ops[0].1.clone(), ops[1].0, ops[1].1.clone());
                let z = lw.push(QOp::IsZero, vec![d], vec![len]);
                comb(&mut lw, vec![(z, one)], 0);
            }
            Logic::Not => {
                let x = spread(&mut lw, ops[0].clone());
                comb(&mut lw, vec![(x, -1)], one);
            }
            Logic::And | Logic::Or | Logic::Xor => {
                let x = spread(&mut lw, ops[0].clone());
                let y = spread(&mut lw, ops[1].clone());
                let p = mul(&mut lw, x, every.clone(), y, every.clone(), ctx.act_scale);
                match self {
                    Logic::And => {}
                    Logic::Or => {
                        comb(&mut lw, vec![(x, 1), (y, 1), (p, -1)], 0);
                    }
                    _ => {
                        comb(&mut lw, vec![(x, 1), (y, 1), (p, -2)], 0);
                    }
                }
            }
            Logic::Where => {
                let c = spread(&mut lw, ops[0].clone());
                let x = spread(&mut lw, ops[1].clone());
                let y = spread(&mut lw, ops[2].clone());
                let diff = comb(&mut lw, vec![(x, 1), (y, -1)], 0);
                let p = mul(
                    &mut lw,
                    c,
                    every.clone(),
                    diff,
                    every.clone(),
                    ctx.act_scale,
                );
                comb(&mut lw, vec![(y, 1), (p, 1)], 0);
            }
        }
        lw.reshape_last(out);
        Ok(lw)
    }
}

/// An operand as a source: an activation input, or a constant made a parameter at the
/// activation scale and laid out by one dot row per element.
fn operand(lw: &mut Lowered, ctx: &mut LowerCtx, o: &Operand) -> Result<Src, QuantError> {
    Ok(match o {
        Operand::Act { slot, .. } => Src::In(*slot),
        Operand::Const(t) => {
            let id = ctx.param(t, ctx.act_scale, "constant", |v| v)?;
            let n = t.data.len();
            lw.push(
                lin(
                    n,
                    vec![(
                        ASrc::One,
                        BSrc::Param {
                            id,
                            map: (0..n as u32).collect(),
                        },
                    )],
                ),
                vec![],
                vec![n],
            )
        }
    })
}

/// Cast of an activation to bool: `[x ≠ 0]` at the activation scale, `2^S·(1 − is_zero(x))`.
pub fn cast_bool(ctx: &mut LowerCtx, out: &[usize]) -> Result<Lowered, QuantError> {
    let len: usize = out.iter().product();
    let one = 1i64 << ctx.act_scale;
    let mut lw = Lowered::default();
    let z = lw.push(QOp::IsZero, vec![Src::In(0)], vec![len]);
    lw.push(
        lin(
            len,
            vec![
                (
                    ASrc::Act {
                        slot: 0,
                        map: (0..len as u32).collect(),
                    },
                    BSrc::Coef(-one),
                ),
                (ASrc::One, BSrc::Coef(one)),
            ],
        ),
        vec![z],
        out.to_vec(),
    );
    Ok(lw)
}

/// `out[i] = Σ a·b` over the parts, no rescale.
fn lin(len: usize, parts: Vec<(ASrc, BSrc)>) -> QOp {
    crate::quant::compose::lin_pairs(len, parts, 0)
}
