//! Element-wise non-linear functions, proven through lookup tables.
//!
//! Quantized semantics: `f_q(x) = round(f(x / 2^S) · 2^S)` for every `x` in the lookup range
//! `[-H, H)`, with `S` the activation scale. The circuit holds the table `(x, f_q(x))` and
//! constrains each `(input, output)` pair to be one of its rows. Float maths goes through
//! `libm`, so tables are bit-identical natively and in WebAssembly.

use serde::{Deserialize, Serialize};

use super::OpError;
use crate::onnx::Attrs;
use crate::tensor::Tensor;

/// A unary function with a lookup table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "fn")]
pub enum Func {
    Relu,
    Sigmoid,
    Tanh,
    LeakyRelu {
        alpha: f64,
    },
    HardSigmoid {
        alpha: f64,
        beta: f64,
    },
    HardSwish,
    Softplus,
    Softsign,
    Elu {
        alpha: f64,
    },
    Erf,
    Gelu,
    Abs,
    Clip {
        min: f64,
        max: f64,
    },
    /// `e^x` (Softmax's table: its inputs there are `≤ 0`)
    Exp,
    Sqrt,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Asinh,
    Acosh,
    Atanh,
    /// −1, 0 or 1
    Sign,
    Selu {
        alpha: f64,
        gamma: f64,
    },
    Celu {
        alpha: f64,
    },
    Mish,
    /// ONNX Round: half to even
    Round,
    Floor,
    Ceil,
    /// toward zero (Cast of an activation to an integer type)
    Trunc,
    /// `x^p` for a constant `p` other than 2 (which is an exact product)
    Pow {
        p: f64,
    },
    /// `1/√(x + eps)` (LayerNormalization's table over variances)
    Rsqrt {
        eps: f64,
    },
    /// `√(x + c)`: `Sqrt(Add(x, c))` for a constant `c` (a decomposed LayerNorm's
    /// `√(var + eps)`), fused at import so that an `eps` below one quantum still counts
    SqrtPlus {
        c: f64,
    },
    /// `ln x` (LogSoftmax's table over sums `≥ 1`; `x ≤ 0` has no logarithm: the table holds
    /// the range's lower end there, never read by an honest witness)
    Ln,
}

impl Func {
    /// Whether the circuit evaluates the function through a lookup table. Relu has a gate of
    /// its own instead (`y·(y − x) = 0` with `y ≥ 0` and `y − x ≥ 0` range-checked).
    pub fn tabled(&self) -> bool {
        !matches!(self, Func::Relu)
    }

    pub fn name(&self) -> &'static str {
        match self {
            Func::Relu => "relu",
            Func::Sigmoid => "sigmoid",
            Func::Tanh => "tanh",
            Func::LeakyRelu { .. } => "leaky_relu",
            Func::HardSigmoid { .. } => "hard_sigmoid",
            Func::HardSwish => "hard_swish",
            Func::Softplus => "softplus",
            Func::Softsign => "softsign",
            Func::Elu { .. } => "elu",
            Func::Erf => "erf",
            Func::Gelu => "gelu",
            Func::Abs => "abs",
            Func::Clip { .. } => "clip",
            Func::Exp => "exp",
            Func::Sqrt => "sqrt",
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Asin => "asin",
            Func::Acos => "acos",
            Func::Atan => "atan",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Asinh => "asinh",
            Func::Acosh => "acosh",
            Func::Atanh => "atanh",
            Func::Sign => "sign",
            Func::Selu { .. } => "selu",
            Func::Celu { .. } => "celu",
            Func::Mish => "mish",
            Func::Round => "round",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
            Func::Trunc => "trunc",
            Func::Pow { .. } => "pow",
            Func::Rsqrt { .. } => "rsqrt",
            Func::SqrtPlus { .. } => "sqrt_plus",
            Func::Ln => "ln",
        }
    }

    /// Float semantics.
    pub fn apply(&self, x: f64) -> f64 {
        match *self {
            Func::Relu => x.max(0.0),
            Func::Sigmoid => 1.0 / (1.0 + libm::exp(-x)),
            Func::Tanh => libm::tanh(x),
            Func::LeakyRelu { alpha } => {
                if x < 0.0 {
                    alpha * x
                } else {
                    x
                }
            }
            Func::HardSigmoid { alpha, beta } => (alpha * x + beta).clamp(0.0, 1.0),
            Func::HardSwish => x * (x / 6.0 + 0.5).clamp(0.0, 1.0),
            Func::Softplus => libm::log1p(libm::exp(-x.abs())) + x.max(0.0),
            Func::Softsign => x / (1.0 + x.abs()),
            Func::Elu { alpha } => {
                if x < 0.0 {
                    alpha * libm::expm1(x)
                } else {
                    x
                }
            }
            Func::Erf => libm::erf(x),
            Func::Gelu => 0.5 * x * (1.0 + libm::erf(x / std::f64::consts::SQRT_2)),
            Func::Abs => x.abs(),
            Func::Clip { min, max } => x.clamp(min, max),
            Func::Exp => libm::exp(x),
            Func::Sqrt => libm::sqrt(x),
            Func::Sin => libm::sin(x),
            Func::Cos => libm::cos(x),
            Func::Tan => libm::tan(x),
            Func::Asin => libm::asin(x),
            Func::Acos => libm::acos(x),
            Func::Atan => libm::atan(x),
            Func::Sinh => libm::sinh(x),
            Func::Cosh => libm::cosh(x),
            Func::Asinh => libm::asinh(x),
            Func::Acosh => libm::acosh(x),
            Func::Atanh => libm::atanh(x),
            Func::Sign => {
                if x > 0.0 {
                    1.0
                } else if x < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            Func::Selu { alpha, gamma } => {
                if x > 0.0 {
                    gamma * x
                } else {
                    gamma * alpha * libm::expm1(x)
                }
            }
            Func::Celu { alpha } => x.max(0.0) + (alpha * libm::expm1(x / alpha)).min(0.0),
            Func::Mish => x * libm::tanh(libm::log1p(libm::exp(-x.abs())) + x.max(0.0)),
            Func::Round => libm::rint(x),
            Func::Floor => libm::floor(x),
            Func::Ceil => libm::ceil(x),
            Func::Trunc => libm::trunc(x),
            Func::Pow { p } => libm::pow(x, p),
            Func::Rsqrt { eps } => 1.0 / libm::sqrt(x + eps),
            Func::SqrtPlus { c } => libm::sqrt(x + c),
            Func::Ln => libm::log(x),
        }
    }

    /// Quantized semantics at scale `s` for input and output.
    pub fn quantized(&self, x: i64, s: u32) -> i64 {
        self.quantized_at(x, s, s)
    }

    /// Quantized semantics (the table's content): `x` at scale `s_in`, the result at `s_out`:
    /// `round(f(x / 2^s_in) · 2^s_out)`.
    pub fn quantized_at(&self, x: i64, s_in: u32, s_out: u32) -> i64 {
        let v = libm::round(self.apply(x as f64 / (1u64 << s_in) as f64) * (1u64 << s_out) as f64);
        if v.is_nan() {
            i64::MIN // (ln of x < 0): no input an honest witness reads
        } else {
            v as i64 // saturating: ±∞ (e^x far out of range, ln 0) to the i64 bounds
        }
    }
}

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
        "Gelu" => {
            if a.string("approximate").is_some_and(|s| s != "none") {
                return Err(OpError::Attribute {
                    name: "approximate".into(),
                    msg: "only the exact (erf) form is supported".into(),
                });
            }
            Func::Gelu
        }
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

#[cfg(test)]
mod tests {
    use super::Func;

    #[test]
    fn quantized_tables() {
        assert_eq!(Func::Relu.quantized(-5, 7), 0);
        assert_eq!(Func::Relu.quantized(5, 7), 5);
        assert_eq!(Func::Sigmoid.quantized(0, 7), 64);
        assert_eq!(Func::Sigmoid.quantized(10_000, 7), 128);
        assert_eq!(Func::LeakyRelu { alpha: 0.5 }.quantized(-8, 3), -4);
    }
}
