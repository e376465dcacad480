//! The table functions: their float semantics and their quantized semantics (a table's
//! content), the one definition the witness (`trace.rs`) and the circuit's tables share.
//!
//! Quantized semantics: `f_q(x) = round(f(x / 2^s_in) · 2^s_out)` (`libm`, so tables are
//! bit-identical natively and in WebAssembly).

use serde::{Deserialize, Serialize};

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
    /// GELU's tanh form, `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))` (ONNX `Gelu` with
    /// `approximate = "tanh"`; GPT-2's `gelu_new`, fused from its written-out ops at import)
    GeluTanh,
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
    /// `b^x` for a constant base `b > 0` (Pow with a constant base and an activation exponent)
    PowBase {
        b: f64,
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
    /// `e^(k·x)` (an SVM's RBF kernel `e^(−γ·‖x − sv‖²)` read from the negated squared distance,
    /// `k = γ`, clamped below where it has already quantized to 0)
    ExpScaled {
        k: f64,
    },
}

impl Func {
    /// Whether the circuit evaluates the function through a lookup table. Relu has a gate of
    /// its own instead (`y·(y − x) = 0` with `y ≥ 0` and `y − x ≥ 0` range-checked).
    pub fn tabled(&self) -> bool {
        !matches!(self, Func::Relu)
    }

    /// A step function (Round, Floor, Ceil, Trunc, Sign): reading its input at a coarser scale
    /// would move its steps, not only add rounding, so calibration keeps such models'
    /// tables at the activation scale.
    pub fn steps(&self) -> bool {
        matches!(
            self,
            Func::Round | Func::Floor | Func::Ceil | Func::Trunc | Func::Sign
        )
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
            Func::GeluTanh => "gelu_tanh",
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
            Func::PowBase { .. } => "pow_base",
            Func::Rsqrt { .. } => "rsqrt",
            Func::SqrtPlus { .. } => "sqrt_plus",
            Func::Ln => "ln",
            Func::ExpScaled { .. } => "exp_scaled",
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
            Func::GeluTanh => {
                let k = (2.0 / std::f64::consts::PI).sqrt();
                0.5 * x * (1.0 + libm::tanh(k * (x + 0.044715 * x * x * x)))
            }
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
            Func::PowBase { b } => libm::pow(b, x),
            Func::Rsqrt { eps } => 1.0 / libm::sqrt(x + eps),
            Func::SqrtPlus { c } => libm::sqrt(x + c),
            Func::Ln => libm::log(x),
            Func::ExpScaled { k } => libm::exp(k * x),
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
