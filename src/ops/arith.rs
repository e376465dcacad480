//! Element-wise arithmetic with numpy broadcasting: Add, Sub, Mul, Div (by a constant), Neg,
//! and on integer types `Div` (truncating) and `BitShift`.
//! Lowered to an element-wise `Dot`: `x + y` is `x·1 + y·1`, `x · c` is `x·c` rescaled by the
//! param scale, `x · y` is rescaled by the activation scale; an integer division by a constant
//! is exact (`compose::trunc_div`). A small factor (`|c| < 1/2`, `1/917.6` in an
//! IsolationForest's score) that the param scale would round coarsely gets `t` more bits and
//! two rescales ([`Arith::small_factor`]).

use super::{need, Attrs, OpError, Operand};
use crate::quant::compose::{div, gather, trunc_div};
use crate::quant::{ASrc, BSrc, Dot, DotKind, ElemPart, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::{broadcast_index_map, broadcast_shape, Tensor};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    /// ONNX Mod: `fmod` (the sign of the dividend, as C's fmod) or, by default, the integer
    /// modulo with the sign of the divisor (as Python's `%`). Folded on constants (shape
    /// arithmetic exporters write); on an activation it is refused.
    Mod {
        fmod: bool,
    },
    /// ONNX `Div` on integer types: the quotient rounded toward zero (as onnxruntime), by a
    /// whole constant.
    IDiv,
    /// ONNX `Max` / `Min` of two operands (element-wise, broadcast): `b + relu(a − b)` and
    /// `a − relu(a − b)`, exact.
    Max,
    Min,
    /// ONNX `BitShift` (unsigned integers) by a constant amount: `x·2^y` to the left,
    /// `⌊x / 2^y⌋` to the right (rounded toward zero, the same for the unsigned values ONNX
    /// allows).
    BitShift {
        left: bool,
    },
}

impl Arith {
    /// `integer`: every input is integer-typed (an integer `Div` truncates).
    pub fn build(op_type: &str, a: &Attrs, integer: bool) -> Result<Self, OpError> {
        Ok(match op_type {
            "Add" => Arith::Add,
            "Sub" => Arith::Sub,
            "Mul" => Arith::Mul,
            "Div" if integer => Arith::IDiv,
            "Max" => Arith::Max,
            "Min" => Arith::Min,
            "Div" => Arith::Div,
            "BitShift" => Arith::BitShift {
                left: a.string_in("direction", "", &["LEFT", "RIGHT"])? == "LEFT",
            },
            _ => return Err(OpError::Unsupported),
        })
    }

    fn f(self, a: f64, b: f64) -> f64 {
        match self {
            Arith::Add => a + b,
            Arith::Sub => a - b,
            Arith::Mul => a * b,
            Arith::Div => a / b,
            Arith::IDiv => (a / b).trunc(),
            Arith::Max => a.max(b),
            Arith::Min => a.min(b),
            Arith::BitShift { left: true } => a * b.exp2(),
            Arith::BitShift { left: false } => (a / b.exp2()).trunc(),
            Arith::Neg => -a,
            Arith::Mod { fmod: true } => a % b,
            Arith::Mod { fmod: false } => {
                let r = a % b;
                if r != 0.0 && (r < 0.0) != (b < 0.0) {
                    r + b
                } else {
                    r
                }
            }
        }
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        if *self == Arith::Neg {
            need(ins, 1)?;
            return Ok(Tensor::new(
                ins[0].shape.clone(),
                ins[0].data.iter().map(|v| -v).collect(),
            ));
        }
        need(ins, 2)?;
        let shape = broadcast_shape(&ins[0].shape, &ins[1].shape).ok_or_else(|| {
            OpError::Shape(format!(
                "{:?} and {:?} do not broadcast",
                ins[0].shape, ins[1].shape
            ))
        })?;
        let ma = broadcast_index_map(&ins[0].shape, &shape);
        let mb = broadcast_index_map(&ins[1].shape, &shape);
        let data = ma
            .iter()
            .zip(&mb)
            .map(|(&i, &j)| self.f(ins[0].data[i], ins[1].data[j]))
            .collect();
        Ok(Tensor::new(shape, data))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<QOp, QuantError> {
        let len: usize = out.iter().product();
        let map = |o: &Operand| o.out_map(out);
        let (s, p) = (ctx.act_scale, ctx.param_scale);
        let dot = |rescale, parts| Ok(crate::quant::compose::lin(len, parts, rescale));
        let act = |o: &Operand| -> Option<usize> {
            match o {
                Operand::Act { slot, .. } => Some(*slot),
                Operand::Const(_) => None,
            }
        };
        if *self == Arith::Neg {
            let slot =
                act(&ins[0]).ok_or_else(|| QuantError::Internal("Neg of a constant".into()))?;
            return dot(
                0,
                vec![ElemPart {
                    a: ASrc::Act {
                        slot,
                        map: map(&ins[0]),
                    },
                    b: BSrc::Coef(-1),
                }],
            );
        }
        let (x, y) = (&ins[0], &ins[1]);
        if let Arith::Mod { .. } = self {
            return Err(QuantError::Unsupported(
                "Mod of an activation is not supported (only on constants)".into(),
            ));
        }
        match (*self, act(x), act(y)) {
            (Arith::Add | Arith::Sub, Some(sx), Some(sy)) => {
                let sign = if *self == Arith::Sub { -1 } else { 1 };
                dot(
                    0,
                    vec![
                        ElemPart {
                            a: ASrc::Act {
                                slot: sx,
                                map: map(x),
                            },
                            b: BSrc::Coef(1),
                        },
                        ElemPart {
                            a: ASrc::Act {
                                slot: sy,
                                map: map(y),
                            },
                            b: BSrc::Coef(sign),
                        },
                    ],
                )
            }
            (Arith::Add | Arith::Sub, Some(sx), None)
            | (Arith::Add | Arith::Sub, None, Some(sx)) => {
                let (a_op, c_op, act_first) = if act(x).is_some() {
                    (x, y, true)
                } else {
                    (y, x, false)
                };
                let c = match c_op {
                    Operand::Const(t) => *t,
                    _ => unreachable!(),
                };
                // x - c  |  c - x  |  x + c
                let (a_sign, c_sign) = match (*self, act_first) {
                    (Arith::Sub, true) => (1, -1.0),
                    (Arith::Sub, false) => (-1, 1.0),
                    _ => (1, 1.0),
                };
                let id = ctx.param(c, s, "constant", move |v| v * c_sign)?;
                dot(
                    0,
                    vec![
                        ElemPart {
                            a: ASrc::Act {
                                slot: sx,
                                map: map(a_op),
                            },
                            b: BSrc::Coef(a_sign),
                        },
                        ElemPart {
                            a: ASrc::One,
                            b: BSrc::Param { id, map: map(c_op) },
                        },
                    ],
                )
            }
            (Arith::Mul, Some(sx), Some(sy)) => dot(
                s,
                vec![ElemPart {
                    a: ASrc::Act {
                        slot: sx,
                        map: map(x),
                    },
                    b: BSrc::Act {
                        slot: sy,
                        map: map(y),
                    },
                }],
            ),
            (Arith::Mul, Some(sx), None)
            | (Arith::Mul, None, Some(sx))
            | (Arith::Div, Some(sx), None) => {
                let (a_op, c_op) = if act(x).is_some() { (x, y) } else { (y, x) };
                let c = match c_op {
                    Operand::Const(t) => *t,
                    _ => unreachable!(),
                };
                if *self == Arith::Div {
                    if let Some(pos) = c.data.iter().position(|&v| v == 0.0) {
                        return Err(QuantError::Unsupported(format!(
                            "division by zero (constant divisor at position {pos})"
                        )));
                    }
                }
                let div = *self == Arith::Div;
                let id = ctx.param(c, p, if div { "divisor" } else { "factor" }, move |v| {
                    if div {
                        1.0 / v
                    } else {
                        v
                    }
                })?;
                dot(
                    p,
                    vec![ElemPart {
                        a: ASrc::Act {
                            slot: sx,
                            map: map(a_op),
                        },
                        b: BSrc::Param { id, map: map(c_op) },
                    }],
                )
            }
            (Arith::Div, _, Some(_)) => Err(QuantError::Internal(
                "division by an activation lowers through `lower_div`".into(),
            )),
            _ => Err(QuantError::Internal("arithmetic on constants only".into())),
        }
    }
}

impl Arith {
    /// Whether this is a division by an activation (the division gadget's case).
    pub fn divides_by_act(&self, ins: &[Operand]) -> bool {
        *self == Arith::Div && matches!(ins.get(1), Some(Operand::Act { .. }))
    }

    /// `x / y` with `y` an activation: `round(x·2^S / y)` through the division gadget, which
    /// needs every divisor `≥ 1` at scale `S` (positive values `≥ 2^-S`; a divisor that is
    /// not is an error at witness time, naming the node). A constant numerator becomes an
    /// activation first (one dot row per element).
    pub fn lower_div(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let len: usize = out.iter().product();
        let map = |o: &Operand| o.out_map(out);
        let Operand::Act { slot: dslot, .. } = ins[1] else {
            return Err(QuantError::Internal(
                "not a division by an activation".into(),
            ));
        };
        let mut lw = Lowered::default();
        let n = match ins[0] {
            Operand::Act { slot, shape } => broadcast_act(&mut lw, slot, shape, out),
            Operand::Const(t) => {
                let id = ctx.param(t, ctx.act_scale, "numerator", |v| v)?;
                lw.push(
                    QOp::Dot(Box::new(Dot {
                        divisor: None,
                        rescale: 0,
                        kind: DotKind::Elementwise {
                            len,
                            parts: vec![ElemPart {
                                a: ASrc::One,
                                b: BSrc::Param {
                                    id,
                                    map: map(&ins[0]),
                                },
                            }],
                        },
                    })),
                    vec![],
                    vec![len],
                )
            }
        };
        div(&mut lw, n, Src::In(dslot), map(&ins[1]), ctx.act_scale);
        lw.reshape_last(out);
        Ok(lw)
    }
}

impl Arith {
    /// For `x·c` or `x / c` with a constant `c` whose factors (`c`, or `1/c`) are all below
    /// `1/2` in magnitude: `t = min(⌊−log2 max|factor|⌋, P) ≥ 1` extra bits, when the factors at the
    /// param scale `P + t` hold more than those at `P` (`0.5`, `0.125` do not). At scale `P`,
    /// `1/917.6 = 0.00109` would be `9/2^13` (1.3 % off); at `P + 9` it is `4571/2^22`.
    pub fn small_factor(&self, ins: &[Operand], p: u32) -> Option<u32> {
        let (c, div) = match (*self, ins.first()?, ins.get(1)?) {
            (Arith::Mul, Operand::Act { .. }, Operand::Const(c))
            | (Arith::Mul, Operand::Const(c), Operand::Act { .. }) => (*c, false),
            (Arith::Div, Operand::Act { .. }, Operand::Const(c)) => (*c, true),
            _ => return None,
        };
        let f = |v: f64| if div { 1.0 / v } else { v };
        let m = c.data.iter().map(|&v| f(v).abs()).fold(0.0, f64::max);
        if !(m > 0.0 && m < 0.5) || c.data.iter().any(|&v| v == 0.0 && div) {
            return None;
        }
        // at most `p` more bits: the second rescale, by `2^t`, then needs no wider range than
        // the first (by `2^p`) does
        let t = ((-m.log2()).floor() as u32).min(p);
        let gained = c.data.iter().any(|&v| {
            let q = |scale| crate::quant::quantize_value(f(v), scale);
            match (q(p + t), q(p)) {
                (Some(fine), Some(coarse)) => fine != coarse << t,
                _ => false,
            }
        });
        (t >= 1 && gained).then_some(t)
    }

    /// `x·c` (or `x / c`) with `t` = [`Arith::small_factor`] extra bits: the factor at param
    /// scale `P + t`, `z = round(x·c_q / 2^P)` (at scale `S + t`; `|z| ≤ |x|` since
    /// `max|c|·2^t ≤ 1`), then `y = round(z / 2^t)`. Two dot rows per element; the error is
    /// at most `(1 + 2^-t)/2` of a unit at scale `S`, plus the factor's `2^-(P+t+1)`.
    pub fn lower_small_factor(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
        t: u32,
    ) -> Result<Lowered, QuantError> {
        let len: usize = out.iter().product();
        // the activation and the constant, in either order
        let ((x, slot), (c, ct)) = match (ins[0], ins[1]) {
            (x @ Operand::Act { slot, .. }, c @ Operand::Const(ct))
            | (c @ Operand::Const(ct), x @ Operand::Act { slot, .. }) => ((x, slot), (c, ct)),
            _ => {
                return Err(QuantError::Internal(
                    "a small factor of two activations".into(),
                ))
            }
        };
        let div = *self == Arith::Div;
        let p = ctx.param_scale;
        let id = ctx.param(
            ct,
            p + t,
            if div { "divisor" } else { "factor" },
            move |v| {
                if div {
                    1.0 / v
                } else {
                    v
                }
            },
        )?;
        let mut lw = Lowered::default();
        let z = lw.push(
            crate::quant::compose::lin(
                len,
                vec![ElemPart {
                    a: ASrc::Act {
                        slot: 0,
                        map: x.out_map(out),
                    },
                    b: BSrc::Param {
                        id,
                        map: c.out_map(out),
                    },
                }],
                p,
            ),
            vec![Src::In(slot)],
            vec![len],
        );
        lw.push(
            crate::quant::compose::elementwise_scaled(len, t),
            vec![z],
            vec![len],
        );
        lw.reshape_last(out);
        Ok(lw)
    }

    /// `Max` / `Min`, lowered by [`Arith::lower_extreme`].
    pub fn is_extreme(&self) -> bool {
        matches!(self, Arith::Max | Arith::Min)
    }

    /// `max(a, b) = b + relu(a − b)`, `min(a, b) = a − relu(a − b)`: three steps (a difference,
    /// the relu gate, a sum), exact; a constant operand is a parameter at the activation scale.
    pub fn lower_extreme(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let len: usize = out.iter().product();
        let part = |ctx: &mut LowerCtx,
                    srcs: &mut Vec<Src>,
                    o: &Operand,
                    sign: i64|
         -> Result<ElemPart, QuantError> {
            let map = o.out_map(out);
            Ok(match o {
                Operand::Act { slot, .. } => {
                    srcs.push(Src::In(*slot));
                    ElemPart {
                        a: ASrc::Act {
                            slot: srcs.len() - 1,
                            map,
                        },
                        b: BSrc::Coef(sign),
                    }
                }
                Operand::Const(t) => {
                    // (params are shared by tensor, scale and name: the negated one is another)
                    let what = if sign < 0 {
                        "negated operand"
                    } else {
                        "operand"
                    };
                    let id = ctx.param(t, ctx.act_scale, what, move |v| v * sign as f64)?;
                    ElemPart {
                        a: ASrc::One,
                        b: BSrc::Param { id, map },
                    }
                }
            })
        };
        let (a, b) = (
            ins.first()
                .ok_or_else(|| QuantError::Internal("Max/Min: no input".into()))?,
            ins.get(1)
                .ok_or_else(|| QuantError::Unsupported("Max/Min of one input".into()))?,
        );
        let mut d_srcs = vec![];
        let diff = vec![
            part(ctx, &mut d_srcs, a, 1)?,
            part(ctx, &mut d_srcs, b, -1)?,
        ];
        let keep = if *self == Arith::Max { b } else { a };
        let mut k_srcs = vec![];
        let kept = part(ctx, &mut k_srcs, keep, 1)?;
        let mut lw = Lowered::default();
        let d = lw.push(crate::quant::compose::lin(len, diff, 0), d_srcs, vec![len]);
        let r = lw.push(QOp::Lookup(super::Func::Relu), vec![d], vec![len]);
        // the kept operand, its slots after `r`'s
        let kept = match kept.a {
            ASrc::Act { map, .. } => ElemPart {
                a: ASrc::Act { slot: 1, map },
                b: kept.b,
            },
            _ => kept,
        };
        let sign = if *self == Arith::Max { 1 } else { -1 };
        let mut inputs = vec![r];
        inputs.extend(k_srcs);
        lw.push(
            crate::quant::compose::lin(
                len,
                vec![
                    ElemPart {
                        a: ASrc::Act {
                            slot: 0,
                            map: (0..len as u32).collect(),
                        },
                        b: BSrc::Coef(sign),
                    },
                    kept,
                ],
                0,
            ),
            inputs,
            vec![len],
        );
        lw.reshape_last(out);
        Ok(lw)
    }

    /// Integer arithmetic lowered by [`Arith::lower_int`].
    pub fn is_integer_op(&self) -> bool {
        matches!(self, Arith::IDiv | Arith::BitShift { .. })
    }

    /// An integer `Div` or a `BitShift` of an integer activation `x` by a constant: exact.
    /// A left shift multiplies by the circuit constants `2^y`; a division (or right shift)
    /// by `c` is [`trunc_div`], which needs one divisor for the whole tensor.
    pub fn lower_int(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let what = if *self == Arith::IDiv {
            "integer division"
        } else {
            "BitShift"
        };
        let (Some(Operand::Act { slot, shape }), Some(Operand::Const(c))) =
            (ins.first().copied(), ins.get(1).copied())
        else {
            return Err(QuantError::Unsupported(format!(
                "{what}: the {} must be a constant and the other operand an activation",
                if *self == Arith::IDiv {
                    "divisor"
                } else {
                    "shift amount"
                }
            )));
        };
        let len: usize = out.iter().product();
        let vals: Vec<f64> = broadcast_index_map(&c.shape, out)
            .into_iter()
            .map(|i| c.data[i])
            .collect();
        let bad = |v: f64, why: &str| QuantError::Unsupported(format!("{what} by {v}: {why}"));
        let ints = vals
            .iter()
            .map(|&v| {
                if !v.is_finite() || v.fract() != 0.0 {
                    Err(bad(v, "not a whole number"))
                } else {
                    Ok(v as i64)
                }
            })
            .collect::<Result<Vec<i64>, _>>()?;
        let mut lw = Lowered::default();
        let x = broadcast_act(&mut lw, slot, shape, out);
        let s = ctx.act_scale;
        if let Some(&y) = ints.iter().find(|&&y| !(0..=40).contains(&y)) {
            if self.is_shift() {
                return Err(bad(y as f64, "shift amounts from 0 to 40 are supported"));
            }
        }
        match self {
            Arith::BitShift { left: true } => {
                let coefs = ints.iter().map(|&y| 1i64 << y).collect();
                lw.push(
                    crate::quant::compose::lin(
                        len,
                        vec![ElemPart {
                            a: ASrc::Act {
                                slot: 0,
                                map: (0..len as u32).collect(),
                            },
                            b: BSrc::Consts(coefs),
                        }],
                        0,
                    ),
                    vec![x],
                    vec![len],
                );
            }
            _ => {
                let d = if self.is_shift() {
                    ints.iter().map(|&y| 1i64 << y).collect()
                } else {
                    ints
                };
                let Some(&d0) = d.first() else {
                    return Err(bad(0.0, "an empty divisor"));
                };
                if d.iter().any(|&v| v != d0) {
                    return Err(bad(
                        d0 as f64,
                        "the divisor differs between elements (one divisor per tensor is supported)",
                    ));
                }
                if d0 == 0 {
                    return Err(bad(0.0, "division by zero"));
                }
                if d0.unsigned_abs().leading_zeros() <= s + 2 {
                    return Err(bad(d0 as f64, "the divisor is too large at this scale"));
                }
                trunc_div(&mut lw, x, len, d0, s);
            }
        }
        lw.reshape_last(out);
        Ok(lw)
    }

    fn is_shift(&self) -> bool {
        matches!(self, Arith::BitShift { .. })
    }
}

/// The activation in input slot `slot` (of `shape`) as a tensor of the output's shape `out`:
/// itself when it has as many elements, else a gather of its broadcast (copies only).
fn broadcast_act(lw: &mut Lowered, slot: usize, shape: &[usize], out: &[usize]) -> Src {
    if shape.iter().product::<usize>() == out.iter().product::<usize>() {
        return Src::In(slot);
    }
    let elems: Vec<(Src, u32)> = broadcast_index_map(shape, out)
        .into_iter()
        .map(|i| (Src::In(slot), i as u32))
        .collect();
    gather(lw, &elems)
}

/// A constant made a value of the circuit (a constant graph output): the parameter at the
/// activation scale, times the circuit's one, in one dot row per element (exact).
pub fn materialize(
    ctx: &mut LowerCtx,
    ins: &[Operand],
    out: &[usize],
) -> Result<Lowered, QuantError> {
    let Some(Operand::Const(t)) = ins.first().copied() else {
        return Err(QuantError::Internal("materialize: not a constant".into()));
    };
    let len: usize = out.iter().product();
    let id = ctx.param(t, ctx.act_scale, "constant output", |v| v)?;
    let op = crate::quant::compose::lin(
        len,
        vec![ElemPart {
            a: ASrc::One,
            b: BSrc::Param {
                id,
                map: (0..len as u32).collect(),
            },
        }],
        0,
    );
    Ok(Lowered::single(op, 0, out))
}

/// `1/x`: the division gadget with the numerator 1, a circuit constant (`2^S` per element).
pub fn reciprocal(
    ctx: &mut LowerCtx,
    ins: &[Operand],
    out: &[usize],
) -> Result<Lowered, QuantError> {
    let Operand::Act { slot, .. } = ins[0] else {
        return Err(QuantError::Internal("Reciprocal of a constant".into()));
    };
    let len: usize = out.iter().product();
    let mut lw = Lowered::default();
    let n = lw.push(
        QOp::Dot(Box::new(Dot {
            divisor: None,
            rescale: 0,
            kind: DotKind::Elementwise {
                len,
                parts: vec![ElemPart {
                    a: ASrc::One,
                    b: BSrc::Consts(vec![1i64 << ctx.act_scale; len]),
                }],
            },
        })),
        vec![],
        vec![len],
    );
    div(
        &mut lw,
        n,
        Src::In(slot),
        (0..len as u32).collect(),
        ctx.act_scale,
    );
    lw.reshape_last(out);
    Ok(lw)
}

#[cfg(test)]
mod mod_tests {
    use super::*;

    #[test]
    fn small_factors_get_the_bits_they_need() {
        let t = |v: &[f64]| Tensor::new(vec![v.len()], v.to_vec());
        let x = Operand::Act {
            slot: 0,
            shape: &[4],
        };
        let (c917, half) = (t(&[917.56573]), t(&[0.5, 0.125]));
        // 1/917.57 = 0.00109: 9 more bits (2^-10 < 0.00109 < 2^-9)
        assert_eq!(
            Arith::Div.small_factor(&[x, Operand::Const(&c917)], 13),
            Some(9)
        );
        assert_eq!(
            Arith::Mul.small_factor(&[Operand::Const(&c917), x], 13),
            None
        );
        // exact at the param scale already: no gain, no extra step
        assert_eq!(
            Arith::Mul.small_factor(&[x, Operand::Const(&half)], 13),
            None
        );
        let mixed = t(&[0.3, -0.01]);
        assert_eq!(
            Arith::Mul.small_factor(&[x, Operand::Const(&mixed)], 7),
            Some(1)
        ); // 0.3 = 77/2^8, not 38/2^7
        assert_eq!(
            Arith::Mul.small_factor(&[x, Operand::Const(&mixed)], 10),
            None
        );
        assert_eq!(
            Arith::Add.small_factor(&[x, Operand::Const(&mixed)], 10),
            None
        );
        // a tiny factor gets at most `p` more bits (no wider range than the first rescale's)
        let tiny = t(&[1e-4]);
        assert_eq!(
            Arith::Mul.small_factor(&[x, Operand::Const(&tiny)], 8),
            Some(8)
        );
    }

    #[test]
    fn mod_follows_onnx() {
        let t = |v: &[f64]| Tensor::new(vec![v.len()], v.to_vec());
        let (a, b) = (t(&[-7.0, 7.0, -7.0, 6.0]), t(&[3.0, -3.0, -3.0, 3.0]));
        let int = Arith::Mod { fmod: false }.eval(&[&a, &b]).unwrap();
        assert_eq!(int.data, [2.0, -2.0, -1.0, 0.0]); // numpy.mod
        let f = Arith::Mod { fmod: true }.eval(&[&a, &b]).unwrap();
        assert_eq!(f.data, [-1.0, 1.0, -1.0, 0.0]); // numpy.fmod
    }
}
