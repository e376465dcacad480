//! Shape ops: re-indexings of their inputs (Reshape, Flatten, Transpose, Concat, Slice, Gather
//! with constant indices, ...). In the circuit they cost nothing: outputs are the input cells,
//! wired by copy constraints. `Shape` itself becomes a constant.

use super::{OpError, Operand};
use crate::onnx::Attrs;
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
    /// `Shape`: the input's shape as a tensor (always constant).
    ShapeOf,
    /// Cast to an integer type (valid on constants only).
    CastInt,
}

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
                if [1, 10, 11, 16].contains(&a.int("to", 1)) {
                    ShapeOp::Identity
                } else {
                    ShapeOp::CastInt
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
            ShapeOp::Identity | ShapeOp::CastInt => ident(x.to_vec()),
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
            ShapeOp::ShapeOf => (vec![x.len()], vec![]),
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
            _ => {
                let shapes: Vec<&[usize]> = ins.iter().map(|t| t.shape.as_slice()).collect();
                let (shape, map) = self.plan(&shapes)?;
                Ok(Tensor::new(
                    shape,
                    map.iter()
                        .map(|&(s, i)| ins[s as usize].data[i as usize])
                        .collect(),
                ))
            }
        }
    }

    pub fn lower(&self, ins: &[Operand]) -> Result<QOp, QuantError> {
        if matches!(self, ShapeOp::CastInt) {
            return Err(QuantError::Unsupported(
                "Cast of an activation to an integer type is not supported".into(),
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
