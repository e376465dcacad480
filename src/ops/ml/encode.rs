//! The element-wise ONNX-ML transformers on numbers: LabelEncoder (numeric keys and values),
//! Binarizer, Imputer, OneHotEncoder (integer categories). Each tests its input against
//! constants exactly on the quantized grid: `[x = c]` by the is-zero gadget on `x − c·2^s`
//! (never true when `c·2^s` is not an integer), `[x > t]` by two relu rows.

use super::{act, attr_err, internal};
use crate::ops::{need, Attrs, Func, OpError, Operand};
use crate::quant::compose::lin_pairs;
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;

#[derive(Clone, Debug)]
pub enum Encode {
    /// `values[j]` where `x = keys[j]` (the first such key), else `default`
    Label {
        keys: Vec<f64>,
        values: Vec<f64>,
        default: f64,
    },
    /// `[x > threshold]`
    Binarize { threshold: f64 },
    /// `x`, or `imputed[feature]` where `x = replaced` (NaN: missing values, which a proof's
    /// inputs never hold)
    Impute { imputed: Vec<f64>, replaced: f64 },
    /// `[trunc(x) = cats[j]]` along a new last axis (`zeros = 0`: a value in no category is
    /// an error)
    OneHot { cats: Vec<i64>, zeros: bool },
}

fn numbers(a: &Attrs, name: &str) -> Option<Vec<f64>> {
    if let Some(v) = a.ints(&format!("{name}_int64s")) {
        return Some(v.into_iter().map(|x| x as f64).collect());
    }
    if let Some(v) = a.floats(&format!("{name}_floats")) {
        return Some(v.into_iter().map(|x| x as f64).collect());
    }
    match a.tensor_value(&format!("{name}_tensor")) {
        Some(Ok(t)) => Some(t.data),
        _ => None,
    }
}

impl Encode {
    pub fn build(op_type: &str, a: &Attrs) -> Result<Self, OpError> {
        Ok(match op_type {
            "LabelEncoder" => {
                if a.has("keys_strings") || a.has("values_strings") || a.has("classes_strings") {
                    return Err(OpError::Unsupported2(
                        "LabelEncoder with string keys or values (numbers are supported)".into(),
                    ));
                }
                let keys = numbers(a, "keys").ok_or_else(|| attr_err("keys_int64s", "missing"))?;
                let values =
                    numbers(a, "values").ok_or_else(|| attr_err("values_floats", "missing"))?;
                if keys.len() != values.len() {
                    return Err(attr_err(
                        "values",
                        format!("{} values for {} keys", values.len(), keys.len()),
                    ));
                }
                let default = if a.has("values_floats") {
                    a.float("default_float", -0.0) as f64
                } else if a.has("values_int64s") {
                    a.int("default_int64", -1) as f64
                } else {
                    match a.tensor_value("default_tensor") {
                        Some(Ok(t)) if !t.data.is_empty() => t.data[0],
                        _ => 0.0,
                    }
                };
                if keys.iter().chain(&values).any(|v| !v.is_finite()) || !default.is_finite() {
                    return Err(attr_err("keys", "a key or value is not finite"));
                }
                Encode::Label {
                    keys,
                    values,
                    default,
                }
            }
            "Binarizer" => Encode::Binarize {
                threshold: a.float("threshold", 0.0) as f64,
            },
            "Imputer" => {
                let imputed: Vec<f64> = a
                    .floats("imputed_value_floats")
                    .or_else(|| {
                        a.ints("imputed_value_int64s")
                            .map(|v| v.into_iter().map(|x| x as f32).collect())
                    })
                    .ok_or_else(|| attr_err("imputed_value_floats", "missing"))?
                    .into_iter()
                    .map(|x| x as f64)
                    .collect();
                let replaced = if a.has("replaced_value_int64") {
                    a.int("replaced_value_int64", 0) as f64
                } else {
                    a.float("replaced_value_float", 0.0) as f64
                };
                if imputed.is_empty() || imputed.iter().any(|v| !v.is_finite()) {
                    return Err(attr_err("imputed_value_floats", "empty or not finite"));
                }
                Encode::Impute { imputed, replaced }
            }
            "OneHotEncoder" => {
                if a.has("cats_strings") {
                    return Err(OpError::Unsupported2(
                        "OneHotEncoder with string categories (int64 ones are supported)".into(),
                    ));
                }
                Encode::OneHot {
                    cats: a
                        .ints("cats_int64s")
                        .ok_or_else(|| attr_err("cats_int64s", "missing"))?,
                    zeros: a.int("zeros", 1) != 0,
                }
            }
            _ => return Err(OpError::Unsupported),
        })
    }

    fn imputed(imputed: &[f64], shape: &[usize], i: usize) -> Result<f64, OpError> {
        let f = *shape.last().unwrap_or(&1);
        match imputed.len() {
            1 => Ok(imputed[0]),
            l if l == f => Ok(imputed[i % f]),
            l => Err(attr_err(
                "imputed_value_floats",
                format!("{l} values for {f} features"),
            )),
        }
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let x = ins[0];
        let mut shape = x.shape.clone();
        let data: Vec<f64> = match self {
            Encode::Label {
                keys,
                values,
                default,
            } => x
                .data
                .iter()
                .map(|v| {
                    keys.iter()
                        .position(|k| k == v)
                        .map_or(*default, |j| values[j])
                })
                .collect(),
            Encode::Binarize { threshold } => x
                .data
                .iter()
                .map(|&v| (v > *threshold) as u8 as f64)
                .collect(),
            Encode::Impute { imputed, replaced } => {
                let mut out = Vec::with_capacity(x.data.len());
                for (i, &v) in x.data.iter().enumerate() {
                    let hit = if replaced.is_nan() {
                        v.is_nan()
                    } else {
                        v == *replaced
                    };
                    out.push(if hit {
                        Self::imputed(imputed, &x.shape, i)?
                    } else {
                        v
                    });
                }
                out
            }
            Encode::OneHot { cats, zeros } => {
                shape.push(cats.len());
                let mut out = vec![];
                for &v in &x.data {
                    let t = v.trunc() as i64;
                    let hit = cats.iter().position(|&c| c == t);
                    if hit.is_none() && !zeros {
                        return Err(OpError::Shape(format!(
                            "OneHotEncoder: {v} is in no category and zeros = 0"
                        )));
                    }
                    out.extend((0..cats.len()).map(|j| (hit == Some(j)) as u8 as f64));
                }
                out
            }
        };
        Ok(Tensor::new(shape, data))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("an encoder of a constant".into()));
        };
        let s = ctx.act_scale;
        let one = (1i64 << s) as f64;
        let len: usize = shape.iter().product();
        let every: Vec<u32> = (0..len as u32).collect();
        let x = Src::In(0);
        let mut lw = Lowered::default();
        match self {
            Encode::Binarize { threshold } => {
                // [q > c] = relu(q − c) − relu(q − c − 1), c = ⌊t·2^s⌋
                let c = (threshold * one).floor() as i64;
                let d = lw.push(
                    lin_pairs(
                        len,
                        vec![
                            (act(0, every.clone()), BSrc::Coef(1)),
                            (ASrc::One, BSrc::Coef(-c)),
                        ],
                        0,
                    ),
                    vec![x],
                    vec![len],
                );
                let dm1 = lw.push(
                    lin_pairs(
                        len,
                        vec![
                            (act(0, every.clone()), BSrc::Coef(1)),
                            (ASrc::One, BSrc::Coef(-1)),
                        ],
                        0,
                    ),
                    vec![d],
                    vec![len],
                );
                let hi = lw.push(QOp::Lookup(Func::Relu), vec![d], vec![len]);
                let lo = lw.push(QOp::Lookup(Func::Relu), vec![dm1], vec![len]);
                lw.push(
                    lin_pairs(
                        len,
                        vec![
                            (act(0, every.clone()), BSrc::Coef(1 << s)),
                            (act(1, every), BSrc::Coef(-(1 << s))),
                        ],
                        0,
                    ),
                    vec![hi, lo],
                    out.to_vec(),
                );
            }
            Encode::Impute { imputed, replaced } => {
                let on_grid = replaced.is_finite() && (replaced * one).fract() == 0.0;
                if !on_grid {
                    // NaN (or a value off the grid): no quantized input equals it
                    lw.push(
                        QOp::Gather(every.iter().map(|&i| (0, i)).collect()),
                        vec![x],
                        out.to_vec(),
                    );
                    return Ok(lw);
                }
                let f = *shape.last().unwrap_or(&1);
                let fill: Vec<f64> = (0..f)
                    .map(|j| Self::imputed(imputed, &[f], j).map(|v| v - replaced))
                    .collect::<Result<_, _>>()
                    .map_err(internal)?;
                let fid = ctx.param(&Tensor::new(vec![f], fill), s, "imputed − replaced", |v| v)?;
                let z = equals(&mut lw, x, len, &[*replaced], s);
                lw.push(
                    lin_pairs(
                        len,
                        vec![
                            (act(0, every.clone()), BSrc::Coef(1)),
                            (
                                act(1, every),
                                BSrc::Param {
                                    id: fid,
                                    map: (0..len).map(|i| (i % f) as u32).collect(),
                                },
                            ),
                        ],
                        0,
                    ),
                    vec![x, z],
                    out.to_vec(),
                );
            }
            Encode::Label {
                keys,
                values,
                default,
            } => {
                // keys off the grid never match: left out
                let (k, v): (Vec<f64>, Vec<f64>) = keys
                    .iter()
                    .zip(values)
                    .filter(|(k, _)| (*k * one).fract() == 0.0)
                    .enumerate()
                    .filter(|(i, (k, _))| !keys[..*i].contains(k))
                    .map(|(_, (k, v))| (*k, *v - default))
                    .unzip();
                let nk = k.len();
                let did = ctx.param(&Tensor::new(vec![1], vec![*default]), s, "default", |v| v)?;
                let mut parts = vec![(
                    ASrc::One,
                    BSrc::Param {
                        id: did,
                        map: vec![0; len],
                    },
                )];
                let mut srcs = vec![];
                if nk > 0 {
                    let vid = ctx.param(&Tensor::new(vec![nk], v), s, "values − default", |v| v)?;
                    let z = equals(&mut lw, x, len, &k, s);
                    srcs.push(z);
                    for j in 0..nk {
                        parts.push((
                            act(0, (0..len).map(|e| (e * nk + j) as u32).collect()),
                            BSrc::Param {
                                id: vid,
                                map: vec![j as u32; len],
                            },
                        ));
                    }
                }
                lw.push(lin_pairs(len, parts, 0), srcs, out.to_vec());
            }
            Encode::OneHot { cats, .. } => {
                // trunc(x) (exact, no table), then [t = c] per category
                let t = crate::quant::compose::trunc_div(&mut lw, x, len, 1, s);
                let c: Vec<f64> = cats.iter().map(|&c| c as f64).collect();
                let z = equals(&mut lw, t, len, &c, s);
                let total = len * cats.len();
                lw.push(
                    lin_pairs(
                        total,
                        vec![(act(0, (0..total as u32).collect()), BSrc::Coef(1 << s))],
                        0,
                    ),
                    vec![z],
                    out.to_vec(),
                );
            }
        }
        Ok(lw)
    }
}

/// `E[e·K + j] = [x_e = c_j]` (integers 0/1) for constants `c` on the grid of scale `s`.
fn equals(lw: &mut Lowered, x: Src, len: usize, c: &[f64], s: u32) -> Src {
    let nk = c.len();
    let total = len * nk;
    let one = (1i64 << s) as f64;
    let offs: Vec<i64> = (0..total).map(|i| -((c[i % nk] * one) as i64)).collect();
    let d = lw.push(
        lin_pairs(
            total,
            vec![
                (
                    act(0, (0..total).map(|i| (i / nk) as u32).collect()),
                    BSrc::Coef(1),
                ),
                (ASrc::One, BSrc::Consts(offs)),
            ],
            0,
        ),
        vec![x],
        vec![total],
    );
    lw.push(QOp::IsZero, vec![d], vec![total])
}
