//! Shape ops: re-indexings of their inputs (Reshape, Flatten, Transpose, Concat, Slice, Gather
//! with constant indices, ...). In the circuit they cost nothing: outputs are the input cells,
//! wired by copy constraints. `Shape` itself becomes a constant.

use super::Attrs;
use super::{OpError, Operand};
use crate::quant::{QOp, QuantError};
use crate::tensor::{strides, Tensor};

#[derive(Clone, Debug)]
pub enum ShapeOp {
    Identity,
    /// Reshape / Flatten / Squeeze / Unsqueeze: same data, new shape (resolved at build time).
    Reshape(Vec<usize>),
    Transpose(Vec<usize>),
    Concat(usize),
    Slice {
        axes: Vec<usize>,
        starts: Vec<i64>,
        ends: Vec<i64>,
        steps: Vec<i64>,
    },
    Gather {
        axis: usize,
        indices: Tensor,
    },
    /// Elements `offset..offset + len` of the flattened input, as `shape` (a multi-output op's
    /// output read out of its packed tensor).
    Part {
        offset: usize,
        shape: Vec<usize>,
    },
    /// `Shape`: the input's shape as a tensor (always constant).
    ShapeOf,
    /// Cast to an integer type (toward zero).
    CastInt,
    /// Cast to bool (valid on constants only).
    CastBool,
    /// Expand to (a broadcast with) this shape.
    Expand(Vec<usize>),
    /// Tile by these repeats.
    Tile(Vec<usize>),
    /// Pad: `pads` as ONNX lists them (begins, then ends; negative crops), with zeros
    /// (`constant` mode, value 0), the edge value, or the reflection.
    Pad {
        pads: Vec<i64>,
        mode: PadMode,
    },
    /// Trilu: keep the upper (`j − i ≥ k`) or lower (`j − i ≤ k`) triangle of the last two
    /// axes, zeros elsewhere.
    Trilu {
        upper: bool,
        k: i64,
    },
    /// Resize with `mode = nearest`: per axis, the input index of each output index.
    Resize(Vec<Vec<usize>>),
    /// ConstantOfShape (valid on constants only: its input is a shape).
    ConstantOfShape(f64),
    /// Range (valid on constants only).
    Range,
    /// NonZero: the indices of the non-zero elements, `[rank, count]` (valid on constants
    /// only: its output's shape depends on the values).
    NonZero,
}

/// Pad's modes (zero-padding only for `constant`: another value would be a constant cell
/// per value).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PadMode {
    Zero,
    Edge,
    Reflect,
}

pub use crate::quant::ZERO_SLOT;

fn axis(a: i64, rank: usize) -> Result<usize, OpError> {
    let r = rank as i64;
    if a < -r || a >= r.max(1) {
        return Err(OpError::Shape(format!(
            "axis {a} out of range for rank {rank}"
        )));
    }
    Ok(((a + r) % r.max(1)) as usize)
}

fn ints_of(t: &Tensor) -> Vec<i64> {
    t.data.iter().map(|&v| v as i64).collect()
}

/// A gather's output shape and, per output element, (input slot, element).
pub type GatherPlan = (Vec<usize>, Vec<(u32, u32)>);

impl ShapeOp {
    /// `Ok(None)`: not a shape op. Otherwise the op and its data input indices.
    pub fn build(
        op_type: &str,
        a: &Attrs,
        consts: &[Option<&Tensor>],
        shapes: &[Option<&[usize]>],
    ) -> Result<Option<(ShapeOp, Vec<usize>)>, OpError> {
        let x: &[usize] = match shapes.first().copied().flatten() {
            Some(s) => s,
            None if op_type == "Concat" => &[],
            None => return Err(OpError::MissingInput(0)),
        };
        let const_in = |i: usize, what: &'static str| -> Result<Option<Vec<i64>>, OpError> {
            if shapes.get(i).copied().flatten().is_none() {
                return Ok(None);
            }
            match consts.get(i).copied().flatten() {
                Some(t) => Ok(Some(ints_of(t))),
                None => Err(OpError::NotConstant { input: i, what }),
            }
        };
        let n: usize = x.iter().product();
        let op = match op_type {
            "Identity" | "Dropout" => ShapeOp::Identity,
            "Cast" => {
                // 1 FLOAT, 11 DOUBLE, 10 FLOAT16, 16 BFLOAT16
                match a.int("to", 1) {
                    1 | 10 | 11 | 16 => ShapeOp::Identity,
                    9 => ShapeOp::CastBool,
                    _ => ShapeOp::CastInt,
                }
            }
            "Shape" => ShapeOp::ShapeOf,
            "Flatten" => {
                let ax = axis(a.int("axis", 1), x.len() + 1)?;
                let outer: usize = x[..ax.min(x.len())].iter().product();
                ShapeOp::Reshape(vec![outer, n / outer.max(1)])
            }
            "Reshape" => {
                let target = const_in(1, "shape")?.ok_or(OpError::MissingInput(1))?;
                let allowzero = a.int("allowzero", 0) != 0;
                let mut out: Vec<usize> = vec![];
                let mut infer = None;
                for (i, &d) in target.iter().enumerate() {
                    match d {
                        -1 if infer.is_none() => {
                            infer = Some(i);
                            out.push(1);
                        }
                        0 if !allowzero => out.push(*x.get(i).ok_or_else(|| {
                            OpError::Shape(format!("shape {target:?}: no dimension {i} to copy"))
                        })?),
                        d if d >= 0 => out.push(d as usize),
                        _ => {
                            return Err(OpError::Shape(format!("invalid target shape {target:?}")))
                        }
                    }
                }
                let known: usize = out.iter().product();
                if let Some(i) = infer {
                    if known == 0 || !n.is_multiple_of(known) {
                        return Err(OpError::Shape(format!(
                            "cannot reshape {x:?} to {target:?}"
                        )));
                    }
                    out[i] = n / known;
                }
                if out.iter().product::<usize>() != n {
                    return Err(OpError::Shape(format!(
                        "cannot reshape {x:?} ({n} values) to {target:?}"
                    )));
                }
                ShapeOp::Reshape(out)
            }
            "Squeeze" | "Unsqueeze" => {
                let axes = match a.ints("axes") {
                    Some(v) => Some(v),
                    None => const_in(1, "axes")?,
                };
                let out = if op_type == "Squeeze" {
                    match axes {
                        None => x.iter().copied().filter(|&d| d != 1).collect(),
                        Some(ax) => {
                            let ax: Vec<usize> = ax
                                .iter()
                                .map(|&v| axis(v, x.len()))
                                .collect::<Result<_, _>>()?;
                            if let Some(&bad) = ax.iter().find(|&&i| x[i] != 1) {
                                return Err(OpError::Shape(format!(
                                    "cannot squeeze axis {bad} of {x:?}"
                                )));
                            }
                            x.iter()
                                .enumerate()
                                .filter(|(i, _)| !ax.contains(i))
                                .map(|(_, &d)| d)
                                .collect()
                        }
                    }
                } else {
                    let ax = axes.ok_or_else(|| OpError::Attribute {
                        name: "axes".into(),
                        msg: "missing".into(),
                    })?;
                    let rank = x.len() + ax.len();
                    let ax: Vec<usize> = ax
                        .iter()
                        .map(|&v| axis(v, rank))
                        .collect::<Result<_, _>>()?;
                    let mut it = x.iter();
                    (0..rank)
                        .map(|i| {
                            if ax.contains(&i) {
                                1
                            } else {
                                *it.next().unwrap_or(&1)
                            }
                        })
                        .collect()
                };
                ShapeOp::Reshape(out)
            }
            "Transpose" => {
                let perm: Vec<usize> = match a.ints("perm") {
                    Some(p) => p
                        .iter()
                        .map(|&v| axis(v, x.len()))
                        .collect::<Result<_, _>>()?,
                    None => (0..x.len()).rev().collect(),
                };
                let mut sorted = perm.clone();
                sorted.sort();
                if sorted != (0..x.len()).collect::<Vec<_>>() {
                    return Err(OpError::Attribute {
                        name: "perm".into(),
                        msg: format!("{perm:?} is not a permutation of {} axes", x.len()),
                    });
                }
                ShapeOp::Transpose(perm)
            }
            "Concat" => {
                let present: Vec<usize> =
                    (0..shapes.len()).filter(|&i| shapes[i].is_some()).collect();
                let rank = present
                    .first()
                    .map(|&i| shapes[i].unwrap().len())
                    .unwrap_or(0);
                let ax = axis(a.int("axis", 0), rank)?;
                return Ok(Some((ShapeOp::Concat(ax), present)));
            }
            "Slice" => {
                let (starts, ends, axes, steps) = if a.has("starts") {
                    (
                        a.ints("starts").unwrap_or_default(),
                        a.ints("ends").unwrap_or_default(),
                        a.ints("axes"),
                        None,
                    )
                } else {
                    (
                        const_in(1, "starts")?.ok_or(OpError::MissingInput(1))?,
                        const_in(2, "ends")?.ok_or(OpError::MissingInput(2))?,
                        const_in(3, "axes")?,
                        const_in(4, "steps")?,
                    )
                };
                let axes: Vec<usize> = match axes {
                    Some(v) => v
                        .iter()
                        .map(|&v| axis(v, x.len()))
                        .collect::<Result<_, _>>()?,
                    None => (0..starts.len()).collect(),
                };
                let steps = steps.unwrap_or_else(|| vec![1; starts.len()]);
                if ends.len() != starts.len()
                    || axes.len() != starts.len()
                    || steps.len() != starts.len()
                    || steps.contains(&0)
                {
                    return Err(OpError::Attribute {
                        name: "starts/ends/axes/steps".into(),
                        msg: "inconsistent lengths or zero step".into(),
                    });
                }
                ShapeOp::Slice {
                    axes,
                    starts,
                    ends,
                    steps,
                }
            }
            "Gather" => {
                let indices = consts
                    .get(1)
                    .copied()
                    .flatten()
                    .ok_or(OpError::NotConstant {
                        input: 1,
                        what: "indices",
                    })?;
                let ax = axis(a.int("axis", 0), x.len())?;
                ShapeOp::Gather {
                    axis: ax,
                    indices: indices.clone(),
                }
            }
            "Expand" => {
                let target = const_in(1, "shape")?.ok_or(OpError::MissingInput(1))?;
                if target.iter().any(|&d| d < 0) {
                    return Err(OpError::Shape(format!("invalid shape {target:?}")));
                }
                let t: Vec<usize> = target.iter().map(|&d| d as usize).collect();
                let out = crate::tensor::broadcast_shape(x, &t).ok_or_else(|| {
                    OpError::Shape(format!("{x:?} does not expand to {target:?}"))
                })?;
                ShapeOp::Expand(out)
            }
            "Tile" => {
                let reps = const_in(1, "repeats")?.ok_or(OpError::MissingInput(1))?;
                if reps.len() != x.len() || reps.iter().any(|&r| r < 0) {
                    return Err(OpError::Shape(format!(
                        "repeats {reps:?} do not fit an input of rank {}",
                        x.len()
                    )));
                }
                ShapeOp::Tile(reps.iter().map(|&r| r as usize).collect())
            }
            "Pad" => {
                let mode = match a
                    .string_in("mode", "constant", &["constant", "edge", "reflect", "wrap"])?
                    .as_str()
                {
                    "constant" => PadMode::Zero,
                    "edge" => PadMode::Edge,
                    "reflect" => PadMode::Reflect,
                    _ => {
                        return Err(OpError::Attribute {
                            name: "mode".into(),
                            msg: "`wrap` is not supported".into(),
                        })
                    }
                };
                let pads = match a.ints("pads") {
                    Some(p) => p,
                    None => const_in(1, "pads")?.ok_or(OpError::MissingInput(1))?,
                };
                let value = match consts.get(2).copied().flatten() {
                    Some(t) => t.data.first().copied().unwrap_or(0.0),
                    None if shapes.get(2).copied().flatten().is_some() => {
                        return Err(OpError::NotConstant {
                            input: 2,
                            what: "constant_value",
                        })
                    }
                    None => a.float("value", 0.0) as f64,
                };
                if mode == PadMode::Zero && value != 0.0 {
                    return Err(OpError::Attribute {
                        name: "constant_value".into(),
                        msg: format!("{value}: only zero padding is supported"),
                    });
                }
                // opset 18's `axes`: pads for those axes only
                let pads = match const_in(3, "axes")? {
                    None => pads,
                    Some(axes) => {
                        let mut full = vec![0i64; 2 * x.len()];
                        for (k, &ax) in axes.iter().enumerate() {
                            let ax = axis(ax, x.len())?;
                            full[ax] = *pads.get(k).unwrap_or(&0);
                            full[ax + x.len()] = *pads.get(k + axes.len()).unwrap_or(&0);
                        }
                        full
                    }
                };
                if pads.len() != 2 * x.len() {
                    return Err(OpError::Attribute {
                        name: "pads".into(),
                        msg: format!("{pads:?}: expected {} values", 2 * x.len()),
                    });
                }
                ShapeOp::Pad { pads, mode }
            }
            "Trilu" => {
                if x.len() < 2 {
                    return Err(OpError::Shape(format!("Trilu of a rank-{} input", x.len())));
                }
                let k = const_in(1, "k")?
                    .and_then(|v| v.first().copied())
                    .unwrap_or(0);
                ShapeOp::Trilu {
                    upper: a.int("upper", 1) != 0,
                    k,
                }
            }
            "ConstantOfShape" => {
                let value = match a.tensor_value("value") {
                    Some(t) => t
                        .map_err(|msg| OpError::Attribute {
                            name: "value".into(),
                            msg,
                        })?
                        .data
                        .first()
                        .copied()
                        .unwrap_or(0.0),
                    None => 0.0,
                };
                ShapeOp::ConstantOfShape(value)
            }
            "Range" => return Ok(Some((ShapeOp::Range, vec![0, 1, 2]))),
            "NonZero" => return Ok(Some((ShapeOp::NonZero, vec![0]))),
            "Resize" | "Upsample" => ShapeOp::Resize(resize_maps(op_type, a, consts, shapes, x)?),
            _ => return Ok(None),
        };
        Ok(Some((op, vec![0])))
    }

    /// Output shape and, for each output element, (input slot, flat input index).
    pub fn plan(&self, ins: &[&[usize]]) -> Result<GatherPlan, OpError> {
        let x = ins[0];
        let n: usize = x.iter().product();
        let ident = |shape: Vec<usize>| (shape, (0..n as u32).map(|i| (0, i)).collect());
        Ok(match self {
            ShapeOp::Identity | ShapeOp::CastInt | ShapeOp::CastBool => ident(x.to_vec()),
            ShapeOp::Part { offset, shape } => {
                let len: usize = shape.iter().product();
                if offset + len > n {
                    return Err(OpError::Shape(format!(
                        "part {offset}..{} of {n} values",
                        offset + len
                    )));
                }
                (
                    shape.clone(),
                    (*offset..offset + len).map(|i| (0, i as u32)).collect(),
                )
            }
            ShapeOp::Reshape(s) => {
                if s.iter().product::<usize>() != n {
                    return Err(OpError::Shape(format!("cannot reshape {x:?} to {s:?}")));
                }
                ident(s.clone())
            }
            ShapeOp::Transpose(perm) => {
                let out: Vec<usize> = perm.iter().map(|&p| x[p]).collect();
                let st = strides(x);
                (
                    out.clone(),
                    gather_nd(&out, |idx| {
                        (
                            0,
                            perm.iter().enumerate().map(|(i, &p)| idx[i] * st[p]).sum(),
                        )
                    }),
                )
            }
            ShapeOp::Concat(ax) => {
                let ax = *ax;
                let mut out = x.to_vec();
                for s in &ins[1..] {
                    if s.len() != x.len()
                        || s.iter().enumerate().any(|(i, &d)| i != ax && d != x[i])
                    {
                        return Err(OpError::Shape(format!(
                            "cannot concatenate {x:?} and {s:?} on axis {ax}"
                        )));
                    }
                    out[ax] += s[ax];
                }
                let offsets: Vec<usize> = ins
                    .iter()
                    .scan(0, |acc, s| {
                        let o = *acc;
                        *acc += s[ax];
                        Some(o)
                    })
                    .collect();
                (
                    out.clone(),
                    gather_nd(&out, |idx| {
                        let slot = offsets.iter().rposition(|&o| o <= idx[ax]).unwrap();
                        let st = strides(ins[slot]);
                        let flat = idx
                            .iter()
                            .enumerate()
                            .map(|(i, &v)| {
                                if i == ax {
                                    (v - offsets[slot]) * st[i]
                                } else {
                                    v * st[i]
                                }
                            })
                            .sum();
                        (slot, flat)
                    }),
                )
            }
            ShapeOp::Slice {
                axes,
                starts,
                ends,
                steps,
            } => {
                let mut first = vec![0i64; x.len()];
                let mut step = vec![1i64; x.len()];
                let mut out = x.to_vec();
                for (k, &ax) in axes.iter().enumerate() {
                    let d = x[ax] as i64;
                    let st = steps[k];
                    let clampi = |v: i64, lo: i64, hi: i64| v.max(lo).min(hi);
                    let norm = |v: i64| if v < 0 { v + d } else { v };
                    let (s, e) = if st > 0 {
                        (clampi(norm(starts[k]), 0, d), clampi(norm(ends[k]), 0, d))
                    } else {
                        (
                            clampi(norm(starts[k]), 0, d - 1),
                            clampi(norm(ends[k]), -1, d - 1),
                        )
                    };
                    let len = if st > 0 {
                        (e - s + st - 1).div_euclid(st)
                    } else {
                        (s - e + (-st) - 1).div_euclid(-st)
                    };
                    out[ax] = len.max(0) as usize;
                    first[ax] = s;
                    step[ax] = st;
                }
                let st = strides(x);
                (
                    out.clone(),
                    gather_nd(&out, |idx| {
                        (
                            0,
                            idx.iter()
                                .enumerate()
                                .map(|(i, &v)| (first[i] + v as i64 * step[i]) as usize * st[i])
                                .sum(),
                        )
                    }),
                )
            }
            ShapeOp::Gather { axis, indices } => {
                let ax = *axis;
                let d = x[ax] as i64;
                let idxs: Vec<usize> = indices
                    .data
                    .iter()
                    .map(|&v| {
                        let v = v as i64;
                        let w = if v < 0 { v + d } else { v };
                        if w < 0 || w >= d {
                            Err(OpError::Shape(format!(
                                "Gather index {v} out of range for axis of size {d}"
                            )))
                        } else {
                            Ok(w as usize)
                        }
                    })
                    .collect::<Result<_, _>>()?;
                let mut out: Vec<usize> = x[..ax].to_vec();
                out.extend(&indices.shape);
                out.extend(&x[ax + 1..]);
                let st = strides(x);
                let ir = indices.shape.len();
                let ist = strides(&indices.shape);
                (
                    out.clone(),
                    gather_nd(&out, |idx| {
                        let k: usize = (0..ir).map(|j| idx[ax + j] * ist[j]).sum();
                        let mut flat = idxs[k] * st[ax];
                        for i in 0..ax {
                            flat += idx[i] * st[i];
                        }
                        for i in ax + 1..x.len() {
                            flat += idx[i + ir - 1] * st[i];
                        }
                        (0, flat)
                    }),
                )
            }
            ShapeOp::Expand(out) => {
                let m = crate::tensor::broadcast_index_map(x, out);
                (out.clone(), m.into_iter().map(|i| (0, i as u32)).collect())
            }
            ShapeOp::Tile(reps) => {
                let out: Vec<usize> = x.iter().zip(reps).map(|(&d, &r)| d * r).collect();
                let st = strides(x);
                (
                    out.clone(),
                    gather_nd(&out, |idx| {
                        (
                            0,
                            idx.iter()
                                .enumerate()
                                .map(|(i, &v)| (v % x[i]) * st[i])
                                .sum(),
                        )
                    }),
                )
            }
            ShapeOp::Pad { pads, mode } => {
                let r = x.len();
                let mut out = vec![];
                for (i, &d) in x.iter().enumerate() {
                    let len = d as i64 + pads[i] + pads[i + r];
                    if len < 0 {
                        return Err(OpError::Shape(format!(
                            "pads {pads:?} crop {x:?} below zero"
                        )));
                    }
                    if *mode == PadMode::Reflect && (pads[i] >= d as i64 || pads[i + r] >= d as i64)
                        || *mode != PadMode::Zero && d == 0
                    {
                        return Err(OpError::Shape(format!(
                            "pads {pads:?} do not fit {x:?} in {mode:?} mode"
                        )));
                    }
                    out.push(len as usize);
                }
                let st = strides(x);
                (
                    out.clone(),
                    gather_nd(&out, |idx| {
                        let mut flat = 0usize;
                        for i in 0..r {
                            let d = x[i] as i64;
                            let mut v = idx[i] as i64 - pads[i];
                            if v < 0 || v >= d {
                                match mode {
                                    PadMode::Zero => return (usize::MAX, 0),
                                    PadMode::Edge => v = v.clamp(0, d - 1),
                                    PadMode::Reflect => {
                                        v = if v < 0 { -v } else { 2 * (d - 1) - v }
                                    }
                                }
                            }
                            flat += v as usize * st[i];
                        }
                        (0, flat)
                    }),
                )
            }
            ShapeOp::Resize(maps) => {
                let out: Vec<usize> = maps.iter().map(|m| m.len()).collect();
                let st = strides(x);
                (
                    out.clone(),
                    gather_nd(&out, |idx| {
                        (
                            0,
                            idx.iter()
                                .enumerate()
                                .map(|(i, &v)| maps[i][v] * st[i])
                                .sum(),
                        )
                    }),
                )
            }
            ShapeOp::Trilu { upper, k } => {
                let r = x.len();
                (
                    x.to_vec(),
                    gather_nd(x, |idx| {
                        let (i, j) = (idx[r - 2] as i64, idx[r - 1] as i64);
                        let keep = if *upper { j - i >= *k } else { j - i <= *k };
                        if keep {
                            let st = strides(x);
                            (0, idx.iter().zip(&st).map(|(a, b)| a * b).sum())
                        } else {
                            (usize::MAX, 0)
                        }
                    }),
                )
            }
            ShapeOp::ShapeOf | ShapeOp::ConstantOfShape(_) | ShapeOp::Range | ShapeOp::NonZero => {
                (vec![x.len()], vec![])
            }
        })
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        if ins.is_empty() {
            return Err(OpError::MissingInput(0));
        }
        match self {
            ShapeOp::ShapeOf => Ok(Tensor::new(
                vec![ins[0].shape.len()],
                ins[0].shape.iter().map(|&d| d as f64).collect(),
            )),
            ShapeOp::CastInt => Ok(Tensor::new(
                ins[0].shape.clone(),
                ins[0].data.iter().map(|v| v.trunc()).collect(),
            )),
            ShapeOp::CastBool => Ok(Tensor::new(
                ins[0].shape.clone(),
                ins[0]
                    .data
                    .iter()
                    .map(|&v| if v != 0.0 { 1.0 } else { 0.0 })
                    .collect(),
            )),
            ShapeOp::ConstantOfShape(v) => {
                let dims: Vec<usize> = ins[0]
                    .data
                    .iter()
                    .map(|&d| {
                        if (0.0..1e9).contains(&d) {
                            Ok(d as usize)
                        } else {
                            Err(OpError::Shape(format!("ConstantOfShape: dimension {d}")))
                        }
                    })
                    .collect::<Result<_, _>>()?;
                let n: usize = dims.iter().product();
                if n > 1 << 26 {
                    return Err(OpError::Shape(format!(
                        "ConstantOfShape: {dims:?} is too large"
                    )));
                }
                Ok(Tensor::new(dims, vec![*v; n]))
            }
            ShapeOp::NonZero => {
                let x = ins[0];
                let st = crate::tensor::strides(&x.shape);
                let hits: Vec<usize> = (0..x.data.len()).filter(|&i| x.data[i] != 0.0).collect();
                let r = x.shape.len();
                let mut out = vec![0.0; r * hits.len()];
                for (j, &i) in hits.iter().enumerate() {
                    for ax in 0..r {
                        out[ax * hits.len() + j] = ((i / st[ax]) % x.shape[ax].max(1)) as f64;
                    }
                }
                Ok(Tensor::new(vec![r, hits.len()], out))
            }
            ShapeOp::Range => {
                super::need(ins, 3)?;
                let (start, limit, delta) = (ins[0].data[0], ins[1].data[0], ins[2].data[0]);
                let n = ((limit - start) / delta).ceil();
                if !(n.is_finite()) || delta == 0.0 || n > (1u64 << 26) as f64 {
                    return Err(OpError::Shape(format!(
                        "Range({start}, {limit}, {delta}) has no finite length"
                    )));
                }
                let n = n.max(0.0) as usize;
                Ok(Tensor::new(
                    vec![n],
                    (0..n).map(|i| start + i as f64 * delta).collect(),
                ))
            }
            _ => {
                let shapes: Vec<&[usize]> = ins.iter().map(|t| t.shape.as_slice()).collect();
                let (shape, map) = self.plan(&shapes)?;
                Ok(Tensor::new(
                    shape,
                    map.iter()
                        .map(|&(s, i)| {
                            if s == ZERO_SLOT {
                                0.0
                            } else {
                                ins[s as usize].data[i as usize]
                            }
                        })
                        .collect(),
                ))
            }
        }
    }

    pub fn lower(&self, ins: &[Operand]) -> Result<QOp, QuantError> {
        if matches!(self, ShapeOp::CastInt) {
            return Err(QuantError::Internal(
                "a cast to an integer type lowers through `compose::trunc_div`".into(),
            ));
        }
        if matches!(
            self,
            ShapeOp::ConstantOfShape(_) | ShapeOp::Range | ShapeOp::NonZero
        ) {
            return Err(QuantError::Unsupported(
                "its inputs must be constants (computed from initializers only)".into(),
            ));
        }
        if ins.iter().any(|o| matches!(o, Operand::Const(_))) {
            return Err(QuantError::Unsupported(
                "mixing constants and activations in a shape op is not supported".into(),
            ));
        }
        let shapes: Vec<&[usize]> = ins.iter().map(|o| o.shape()).collect();
        let (_, map) = self
            .plan(&shapes)
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        Ok(QOp::Gather(map))
    }
}

/// Resize / Upsample (`nearest` only): the input index read by each output index, per axis,
/// as onnxruntime computes it (`coordinate_transformation_mode`, `nearest_mode`).
fn resize_maps(
    op_type: &str,
    a: &Attrs,
    consts: &[Option<&Tensor>],
    shapes: &[Option<&[usize]>],
    x: &[usize],
) -> Result<Vec<Vec<usize>>, OpError> {
    let mode = a.string("mode").unwrap_or_else(|| "nearest".into());
    if mode != "nearest" {
        return Err(OpError::Attribute {
            name: "mode".into(),
            msg: format!("`{mode}`: only `nearest` is supported"),
        });
    }
    let given = |i: usize| -> Result<Option<Vec<f64>>, OpError> {
        match (
            shapes.get(i).copied().flatten(),
            consts.get(i).copied().flatten(),
        ) {
            (None, _) => Ok(None),
            (Some(_), Some(t)) if t.data.is_empty() => Ok(None),
            (Some(_), Some(t)) => Ok(Some(t.data.clone())),
            (Some(_), None) => Err(OpError::NotConstant {
                input: i,
                what: "scales / sizes",
            }),
        }
    };
    // Upsample (opset 7–9): scales as an attribute or input 1; Resize: scales 2, sizes 3
    let (scales, sizes) = if op_type == "Upsample" {
        let sc = match a.floats("scales") {
            Some(v) => Some(v.iter().map(|&f| f as f64).collect()),
            None => given(1)?,
        };
        (sc, None)
    } else if shapes.len() == 2 {
        (given(1)?, None) // opset 10: X, scales
    } else {
        (given(2)?, given(3)?)
    };
    let r = x.len();
    let (out, scale): (Vec<usize>, Vec<f64>) = match (sizes, scales) {
        (Some(sz), _) if sz.len() == r => {
            let out: Vec<usize> = sz.iter().map(|&v| v.max(0.0) as usize).collect();
            let sc = out
                .iter()
                .zip(x)
                .map(|(&o, &i)| o as f64 / i.max(1) as f64)
                .collect();
            (out, sc)
        }
        (_, Some(sc)) if sc.len() == r && sc.iter().all(|&v| v > 0.0) => (
            x.iter()
                .zip(&sc)
                .map(|(&i, &s)| (i as f64 * s).floor() as usize)
                .collect(),
            sc,
        ),
        _ => {
            return Err(OpError::Shape(format!(
                "Resize of {x:?}: expected {r} positive scales or {r} sizes"
            )))
        }
    };
    let ctm = a
        .string("coordinate_transformation_mode")
        .unwrap_or_else(|| "half_pixel".into());
    let nm = a
        .string("nearest_mode")
        .unwrap_or_else(|| "round_prefer_floor".into());
    let mut maps = vec![];
    for ax in 0..r {
        let (n_in, n_out, s) = (x[ax], out[ax], scale[ax]);
        let mut m = Vec::with_capacity(n_out);
        for o in 0..n_out {
            let o = o as f64;
            let orig = match ctm.as_str() {
                "asymmetric" => o / s,
                "half_pixel" => (o + 0.5) / s - 0.5,
                "pytorch_half_pixel" if n_out > 1 => (o + 0.5) / s - 0.5,
                "pytorch_half_pixel" => 0.0,
                "align_corners" if n_out > 1 => o * (n_in as f64 - 1.0) / (n_out as f64 - 1.0),
                "align_corners" => 0.0,
                "tf_half_pixel_for_nn" => (o + 0.5) / s,
                other => {
                    return Err(OpError::Attribute {
                        name: "coordinate_transformation_mode".into(),
                        msg: format!("`{other}` is not supported"),
                    })
                }
            };
            let i = match nm.as_str() {
                "floor" => orig.floor(),
                "ceil" => orig.ceil(),
                "round_prefer_ceil" => (orig + 0.5).floor(),
                "round_prefer_floor" => {
                    if orig.fract() == 0.5 {
                        orig.floor()
                    } else {
                        orig.round()
                    }
                }
                other => {
                    return Err(OpError::Attribute {
                        name: "nearest_mode".into(),
                        msg: format!("`{other}` is not supported"),
                    })
                }
            };
            m.push((i.max(0.0) as usize).min(n_in.saturating_sub(1)));
        }
        maps.push(m);
    }
    Ok(maps)
}

/// For every multi-index of `shape` (row-major), the (slot, flat index) it reads.
fn gather_nd(shape: &[usize], f: impl Fn(&[usize]) -> (usize, usize)) -> Vec<(u32, u32)> {
    let total: usize = shape.iter().product();
    let mut out = Vec::with_capacity(total);
    let mut idx = vec![0usize; shape.len()];
    for _ in 0..total {
        let (s, i) = f(&idx);
        out.push((s as u32, i as u32));
        for ax in (0..shape.len()).rev() {
            idx[ax] += 1;
            if idx[ax] < shape[ax] {
                break;
            }
            idx[ax] = 0;
        }
    }
    out
}

#[cfg(test)]
mod nonzero_tests {
    use super::*;

    #[test]
    fn nonzero_lists_indices_axis_by_axis() {
        // numpy.nonzero([[1, 0], [0, 3]]) = ([0, 1], [0, 1]); of [0, 2, 0, 5]: ([1, 3])
        let t = Tensor::new(vec![2, 2], vec![1.0, 0.0, 0.0, 3.0]);
        let r = ShapeOp::NonZero.eval(&[&t]).unwrap();
        assert_eq!((r.shape, r.data), (vec![2, 2], vec![0.0, 1.0, 0.0, 1.0]));
        let t = Tensor::new(vec![4], vec![0.0, 2.0, 0.0, 5.0]);
        let r = ShapeOp::NonZero.eval(&[&t]).unwrap();
        assert_eq!((r.shape, r.data), (vec![1, 2], vec![1.0, 3.0]));
    }
}
