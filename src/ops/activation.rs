//! Element-wise non-linear functions, proven through lookup tables.
//!
//! Quantized semantics: `f_q(x) = round(f(x / 2^S) · 2^S)` for every `x` in the lookup range
//! `[-H, H)`, with `S` the activation scale. The circuit holds the table `(x, f_q(x))` and
//! constrains each `(input, output)` pair to be one of its rows. Float maths goes through
//! `libm`, so tables are bit-identical natively and in WebAssembly.

use super::Attrs;
use super::OpError;
pub use crate::quant::Func;
use crate::tensor::Tensor;

/// Map an ONNX op onto a table function, if it is one. `Ok(None)`: not an activation.
pub fn build(
    op_type: &str,
    a: &Attrs,
    consts: &[Option<&Tensor>],
    shapes: &[Option<&[usize]>],
) -> Result<Option<Func>, OpError> {
    let scalar_input = |i: usize, what: &'static str| -> Result<Option<f64>, OpError> {
        if shapes.get(i).copied().flatten().is_none() {
            return Ok(None); // omitted optional input
        }
        match consts.get(i) {
            None => Ok(None),
            Some(None) => Err(OpError::NotConstant { input: i, what }),
            Some(Some(t)) if t.data.len() == 1 => Ok(Some(t.data[0])),
            Some(Some(t)) => Err(OpError::Shape(format!(
                "{what} must be a scalar, got shape {:?}",
                t.shape
            ))),
        }
    };
    Ok(Some(match op_type {
        "Relu" => Func::Relu,
        "Sigmoid" => Func::Sigmoid,
        "Tanh" => Func::Tanh,
        "LeakyRelu" => Func::LeakyRelu {
            alpha: a.float("alpha", 0.01) as f64,
        },
        "HardSigmoid" => Func::HardSigmoid {
            alpha: a.float("alpha", 0.2) as f64,
            beta: a.float("beta", 0.5) as f64,
        },
        "HardSwish" => Func::HardSwish,
        "Softplus" => Func::Softplus,
        "Softsign" => Func::Softsign,
        "Elu" => Func::Elu {
            alpha: a.float("alpha", 1.0) as f64,
        },
        "Erf" => Func::Erf,
        "Gelu" => match a.string("approximate").as_deref() {
            None | Some("none") => Func::Gelu,
            Some("tanh") => Func::GeluTanh,
            Some(other) => {
                return Err(OpError::Attribute {
                    name: "approximate".into(),
                    msg: format!("`{other}` (supported: none, tanh)"),
                })
            }
        },
        "Abs" => Func::Abs,
        "Exp" => Func::Exp,
        "Log" => Func::Ln,
        "Sqrt" => Func::Sqrt,
        "Sin" => Func::Sin,
        "Cos" => Func::Cos,
        "Tan" => Func::Tan,
        "Asin" => Func::Asin,
        "Acos" => Func::Acos,
        "Atan" => Func::Atan,
        "Sinh" => Func::Sinh,
        "Cosh" => Func::Cosh,
        "Asinh" => Func::Asinh,
        "Acosh" => Func::Acosh,
        "Atanh" => Func::Atanh,
        "Sign" => Func::Sign,
        "Selu" => Func::Selu {
            alpha: a.float("alpha", 1.673_263_2) as f64,
            gamma: a.float("gamma", 1.050_701) as f64,
        },
        "Celu" => {
            let alpha = a.float("alpha", 1.0) as f64;
            if alpha == 0.0 {
                return Err(OpError::Attribute {
                    name: "alpha".into(),
                    msg: "must not be 0".into(),
                });
            }
            Func::Celu { alpha }
        }
        "Mish" => Func::Mish,
        "Round" => Func::Round,
        "Floor" => Func::Floor,
        "Ceil" => Func::Ceil,
        "Pow" => match scalar_input(1, "exponent")? {
            Some(p) => Func::Pow { p },
            None => return Err(OpError::MissingInput(1)),
        },
        "Clip" => {
            // opset < 11: attributes; opset >= 11: optional constant inputs
            let min = scalar_input(1, "min")?.unwrap_or(a.float("min", f32::MIN) as f64);
            let max = scalar_input(2, "max")?.unwrap_or(a.float("max", f32::MAX) as f64);
            Func::Clip { min, max }
        }
        _ => return Ok(None),
    }))
}

/// PRelu with a constant slope (broadcast to the input): `relu(x)·(1 − a) + x·a`, the relu
/// gadget then one dot at the param scale (exact up to the slopes' quantization).
pub fn prelu_eval(ins: &[&Tensor]) -> Result<Tensor, OpError> {
    super::need(ins, 2)?;
    let x = ins[0];
    if crate::tensor::broadcast_shape(&ins[1].shape, &x.shape).as_deref() != Some(&x.shape[..]) {
        return Err(OpError::Shape(format!(
            "slope {:?} does not broadcast to {:?}",
            ins[1].shape, x.shape
        )));
    }
    let m = crate::tensor::broadcast_index_map(&ins[1].shape, &x.shape);
    Ok(Tensor::new(
        x.shape.clone(),
        x.data
            .iter()
            .zip(&m)
            .map(|(&v, &j)| if v < 0.0 { v * ins[1].data[j] } else { v })
            .collect(),
    ))
}

pub fn prelu_lower(
    ctx: &mut crate::quant::LowerCtx,
    ins: &[super::Operand],
    out: &[usize],
) -> Result<crate::quant::Lowered, crate::quant::QuantError> {
    use crate::quant::{ASrc, BSrc, Dot, DotKind, ElemPart, Lowered, QOp, QuantError, Src};
    let (super::Operand::Act { slot, shape }, super::Operand::Const(a)) = (ins[0], ins[1]) else {
        return Err(QuantError::Unsupported(
            "PRelu's slope must be a constant".into(),
        ));
    };
    let len: usize = shape.iter().product();
    let m: Vec<u32> = crate::tensor::broadcast_index_map(&a.shape, shape)
        .into_iter()
        .map(|i| i as u32)
        .collect();
    let keep = ctx.param(a, ctx.param_scale, "one_minus_slope", |v| 1.0 - v)?;
    let slope = ctx.param(a, ctx.param_scale, "slope", |v| v)?;
    let mut lw = Lowered::default();
    let r = lw.push(QOp::Lookup(Func::Relu), vec![Src::In(slot)], vec![len]);
    let every: Vec<u32> = (0..len as u32).collect();
    lw.push(
        QOp::Dot(Box::new(Dot {
            rescale: ctx.param_scale,
            divisor: None,
            kind: DotKind::Elementwise {
                len,
                parts: vec![
                    ElemPart {
                        a: ASrc::Act {
                            slot: 0,
                            map: every.clone(),
                        },
                        b: BSrc::Param {
                            id: keep,
                            map: m.clone(),
                        },
                    },
                    ElemPart {
                        a: ASrc::Act {
                            slot: 1,
                            map: every,
                        },
                        b: BSrc::Param { id: slope, map: m },
                    },
                ],
            },
        })),
        vec![r, Src::In(slot)],
        out.to_vec(),
    );
    Ok(lw)
}
