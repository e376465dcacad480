//! Re-indexing by index tuples: GatherND, ScatterND and ScatterElements (reduction `none`).
//!
//! Each op reads index *tuples* (GatherND, ScatterND: the last axis of the indices holds the
//! `k` components of one tuple; ScatterElements: each index is a tuple of one component along
//! `axis`); a tuple names one position of a grid `dims` (negative components counted from the
//! end, out of range an error), and the op moves the elements the position covers
//! ([`Scatter::place`]).
//!
//! Constant indices make a pure copy (`QOp::Gather`): constant data or updates are copied from
//! the zero cell (zeros, e.g. `ConstantOfShape`) or from one step materialising the nonzero
//! constants. Two updates of one position are refused (ONNX leaves the result undefined).
//!
//! Activation indices (integer activations `k·2^S`) go through one-hot rows, exactly: a
//! tuple's components each get a checked one-hot row (`compose::one_hot`: every component
//! names a position of its axis), the linear position `L = Σ_j v_j·stride_j` is a `Dot` of
//! those rows, and its one-hot row `E[m, p] = [L_m = p]` selects. GatherND:
//! `out = Σ_p E[m, p]·data[.., p, ..]`. Scatter: with `c_o = Σ_u E[u, p(o)]` the updates naming
//! output `o`, `out[o] = data[o]·(1 − c_o) + Σ_u E[u, p(o)]·upd[u]`, and uniqueness `c_o ≤ 1`
//! as the divisor `2 − c_o ≥ 1` of a division step. See QUANTIZATION.md.

use std::collections::HashMap;

use super::shape::ShapeOp;
use super::{axis_attr, need, Attrs, OpError, Operand};
use crate::quant::compose::{gather, lin_pairs, one_hot};
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QOp, QuantError, Src, ZERO_SLOT};
use crate::tensor::{strides, Tensor};

#[derive(Clone, Debug)]
pub enum Scatter {
    /// ONNX GatherND(data, indices) with `batch_dims`.
    GatherNd { batch_dims: usize },
    /// ONNX ScatterND(data, indices, updates).
    ScatterNd,
    /// ONNX ScatterElements(data, indices, updates) along `axis`.
    ScatterElements { axis: i64 },
}

/// The index tuples of one op on given shapes: `count` tuples of `k` components (component
/// `j` of tuple `m` is index element `m·k + j`) into the grid `dims`; `inner` elements per
/// position (GatherND, ScatterND), `per_batch` tuples per GatherND batch.
struct Geom {
    count: usize,
    k: usize,
    dims: Vec<usize>,
    inner: usize,
    per_batch: usize,
    out: Vec<usize>,
    /// ScatterElements: the indices' shape, the data's strides and the axis
    elems: Option<(Vec<usize>, Vec<usize>, usize)>,
}

impl Geom {
    fn n(&self) -> usize {
        self.dims.iter().product()
    }
}

fn shape_err(msg: String) -> OpError {
    OpError::Shape(msg)
}

impl Scatter {
    pub fn build(op_type: &str, a: &Attrs) -> Result<Option<(Self, Vec<usize>)>, OpError> {
        if op_type != "GatherND" {
            let r = a.string("reduction").unwrap_or_else(|| "none".into());
            if r != "none" {
                return Err(OpError::Attribute {
                    name: "reduction".into(),
                    msg: format!("{op_type} with reduction `{r}` is not supported (only `none`)"),
                });
            }
        }
        Ok(Some(match op_type {
            "GatherND" => {
                let b = a.int("batch_dims", 0);
                if b < 0 {
                    return Err(OpError::Attribute {
                        name: "batch_dims".into(),
                        msg: format!("{b} is negative"),
                    });
                }
                (
                    Scatter::GatherNd {
                        batch_dims: b as usize,
                    },
                    vec![0, 1],
                )
            }
            "ScatterND" => (Scatter::ScatterNd, vec![0, 1, 2]),
            "ScatterElements" | "Scatter" => (
                Scatter::ScatterElements {
                    axis: a.int("axis", 0),
                },
                vec![0, 1, 2],
            ),
            _ => return Ok(None),
        }))
    }

    fn name(&self) -> &'static str {
        match self {
            Scatter::GatherNd { .. } => "GatherND",
            Scatter::ScatterNd => "ScatterND",
            Scatter::ScatterElements { .. } => "ScatterElements",
        }
    }

    /// The tuples and the output shape for data `d`, indices `i` and updates `u`.
    fn geom(&self, d: &[usize], i: &[usize], u: Option<&[usize]>) -> Result<Geom, OpError> {
        let name = self.name();
        let (q, r) = (i.len(), d.len());
        let g = match self {
            Scatter::ScatterElements { axis } => {
                let ax = axis_attr("axis", *axis, r)?;
                let fits = q == r && (0..r).all(|a| a == ax || i[a] <= d[a]);
                if !fits || u != Some(i) {
                    return Err(shape_err(format!(
                        "{name}: indices {i:?} and updates {u:?} do not fit data {d:?} on axis {ax}"
                    )));
                }
                Geom {
                    count: i.iter().product(),
                    k: 1,
                    dims: vec![d[ax]],
                    inner: 1,
                    per_batch: 1,
                    out: d.to_vec(),
                    elems: Some((i.to_vec(), strides(d), ax)),
                }
            }
            _ => {
                let b = match self {
                    Scatter::GatherNd { batch_dims } => *batch_dims,
                    _ => 0,
                };
                let k = *i
                    .last()
                    .ok_or_else(|| shape_err(format!("{name}: scalar indices")))?;
                if b >= q.min(r) || k > r - b || i[..b] != d[..b] {
                    return Err(shape_err(format!(
                        "{name}: indices {i:?} do not fit data {d:?} (batch_dims {b})"
                    )));
                }
                let mut out = i[..q - 1].to_vec();
                out.extend(&d[b + k..]);
                if matches!(self, Scatter::ScatterNd) {
                    if u != Some(out.as_slice()) {
                        return Err(shape_err(format!(
                            "{name}: updates {u:?} must have shape {out:?}"
                        )));
                    }
                    out = d.to_vec();
                }
                Geom {
                    count: i[..q - 1].iter().product(),
                    k,
                    dims: d[b..b + k].to_vec(),
                    inner: d[b + k..].iter().product(),
                    per_batch: i[b..q - 1].iter().product(),
                    out,
                    elems: None,
                }
            }
        };
        if g.dims.contains(&0) && g.count > 0 {
            return Err(shape_err(format!("{name}: indexing an empty axis")));
        }
        Ok(g)
    }

    /// What tuple `m` naming position `p` moves: (output element, source element) pairs, the
    /// source being the data (GatherND) or the updates (scatters).
    fn place(&self, g: &Geom, m: usize, p: usize) -> Vec<(u32, u32)> {
        let inner = g.inner;
        match (self, &g.elems) {
            (Scatter::ScatterElements { .. }, Some((ishape, dst, ax))) => {
                let ist = strides(ishape);
                let o: usize = (0..ishape.len())
                    .map(|a| {
                        let c = if a == *ax { p } else { m / ist[a] % ishape[a] };
                        c * dst[a]
                    })
                    .sum();
                vec![(o as u32, m as u32)]
            }
            (Scatter::GatherNd { .. }, _) => {
                let base = m / g.per_batch.max(1) * g.n() * inner + p * inner;
                (0..inner)
                    .map(|t| ((m * inner + t) as u32, (base + t) as u32))
                    .collect()
            }
            _ => (0..inner)
                .map(|t| ((p * inner + t) as u32, (m * inner + t) as u32))
                .collect(),
        }
    }

    /// The position each tuple names, from constant index values.
    fn positions(&self, g: &Geom, idx: &[f64]) -> Result<Vec<usize>, OpError> {
        let st = strides(&g.dims);
        (0..g.count)
            .map(|m| {
                (0..g.k).try_fold(0usize, |acc, j| {
                    let v = idx[m * g.k + j];
                    let n = g.dims[j] as i64;
                    let w = if v < 0.0 { v + n as f64 } else { v };
                    if v.fract() != 0.0 || !(0.0..n as f64).contains(&w) {
                        return Err(shape_err(format!(
                            "{}: index {v} is out of range for an axis of length {n}",
                            self.name()
                        )));
                    }
                    Ok(acc + w as usize * st[j])
                })
            })
            .collect()
    }

    /// Per output element, where it comes from: `(0, i)` data element `i`, `(1, i)` update
    /// element `i` (the last write wins, as onnxruntime; `unique` refuses two writes).
    fn sources(&self, g: &Geom, idx: &[f64], unique: bool) -> Result<Vec<(u32, u32)>, OpError> {
        let pos = self.positions(g, idx)?;
        let len: usize = g.out.iter().product();
        let gathers = matches!(self, Scatter::GatherNd { .. });
        let mut src: Vec<(u32, u32)> = (0..len as u32).map(|i| (0, i)).collect();
        let mut written = vec![false; if gathers { 0 } else { len }];
        for (m, &p) in pos.iter().enumerate() {
            for (o, s) in self.place(g, m, p) {
                if !gathers {
                    if unique && written[o as usize] {
                        return Err(shape_err(format!(
                            "{}: two updates write output element {o} (ONNX requires unique \
                             indices)",
                            self.name()
                        )));
                    }
                    written[o as usize] = true;
                }
                src[o as usize] = (!gathers as u32, s);
            }
        }
        Ok(src)
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        let gathers = matches!(self, Scatter::GatherNd { .. });
        need(ins, if gathers { 2 } else { 3 })?;
        let (data, idx) = (ins[0], ins[1]);
        let upd = ins.get(2).map(|t| t.shape.as_slice());
        let g = self.geom(&data.shape, &idx.shape, upd)?;
        let src = self.sources(&g, &idx.data, false)?;
        let v = src
            .iter()
            .map(|&(s, i)| ins[if s == 0 { 0 } else { 2 }].data[i as usize])
            .collect();
        Ok(Tensor::new(g.out, v))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let internal = |e: OpError| QuantError::Internal(e.to_string());
        let upd = ins.get(2).map(|o| o.shape());
        let g = self
            .geom(ins[0].shape(), ins[1].shape(), upd)
            .map_err(internal)?;
        let islot = match ins[1] {
            Operand::Const(t) => {
                // a copy: data (operand 0) or updates (operand 2)
                let src = self
                    .sources(&g, &t.data, true)
                    .map_err(|e| QuantError::Unsupported(format!("{e} (constant indices)")))?;
                let elems: Vec<(usize, u32)> = src
                    .iter()
                    .map(|&(s, i)| (if s == 0 { 0 } else { 2 }, i))
                    .collect();
                return copies(ctx, ins, &["data", "indices", "updates"], &elems, out);
            }
            Operand::Act { slot, .. } => slot,
        };
        let s = ctx.act_scale;
        let mut lw = Lowered::default();
        let n = g.n();
        let e = tuple_one_hot(&mut lw, Src::In(islot), &g, s);
        // per output element: (E entry, source element) of every tuple and position naming it
        let len: usize = out.iter().product();
        let mut terms: Vec<Vec<(u32, u32)>> = vec![vec![]; len];
        for m in 0..g.count {
            for p in 0..n {
                for (o, src) in self.place(&g, m, p) {
                    terms[o as usize].push(((m * n + p) as u32, src));
                }
            }
        }
        let t = terms.iter().map(Vec::len).max().unwrap_or(0);
        // a term `None`-padded reads E's appended zero cell
        let zero = (g.count * n) as u32;
        let padded = terms.iter().any(|v| v.len() < t);
        let e = if padded {
            let mut map: Vec<(u32, u32)> = (0..zero).map(|i| (0, i)).collect();
            map.push((ZERO_SLOT, 0));
            lw.push(QOp::Gather(map), vec![e], vec![zero as usize + 1])
        } else {
            e
        };
        let at = |o: usize, j: usize| terms[o].get(j).copied().unwrap_or((zero, 0));
        let b_of = |ctx: &mut LowerCtx, op: Operand, slot: usize, what: &str, map: Vec<u32>| {
            Ok::<_, QuantError>(match op {
                Operand::Const(c) => BSrc::Param {
                    id: ctx.param(c, s, what, |v| v)?,
                    map,
                },
                Operand::Act { .. } => BSrc::Act { slot, map },
            })
        };
        let mut srcs = vec![e];
        let act_slot = |op: Operand, srcs: &mut Vec<Src>| match op {
            Operand::Act { slot, .. } => {
                srcs.push(Src::In(slot));
                srcs.len() - 1
            }
            Operand::Const(_) => usize::MAX,
        };
        if let Scatter::GatherNd { .. } = self {
            let ds = act_slot(ins[0], &mut srcs);
            let mut parts = Vec::with_capacity(t);
            for j in 0..t {
                let ea = (0..len).map(|o| at(o, j).0).collect();
                let db = (0..len).map(|o| at(o, j).1).collect();
                parts.push((
                    ASrc::Act { slot: 0, map: ea },
                    b_of(ctx, ins[0], ds, "data", db)?,
                ));
            }
            lw.push(lin_pairs(len, parts, 0), srcs, out.to_vec());
            return Ok(lw);
        }
        // keep = 1 − c per distinct set of E entries (a position), and uniqueness 2 − c ≥ 1
        let mut pos_of = Vec::with_capacity(len);
        let mut hits: Vec<Vec<u32>> = vec![];
        let mut seen: HashMap<Vec<u32>, u32> = HashMap::new();
        for o in 0..len {
            let h: Vec<u32> = (0..t).map(|j| at(o, j).0).collect();
            let next = hits.len() as u32;
            let p = *seen.entry(h.clone()).or_insert(next);
            if p == next {
                hits.push(h);
            }
            pos_of.push(p);
        }
        let np = hits.len();
        let mut kp = vec![(ASrc::One, BSrc::Coef(1))];
        for j in 0..t {
            let map = hits.iter().map(|h| h[j]).collect();
            kp.push((ASrc::Act { slot: 0, map }, BSrc::Coef(-1)));
        }
        let keep = lw.push(lin_pairs(np, kp, 0), vec![e], vec![np]);
        let every: Vec<u32> = (0..np as u32).collect();
        let two_minus_c = lw.push(
            lin_pairs(
                np,
                vec![
                    (
                        ASrc::Act {
                            slot: 0,
                            map: every.clone(),
                        },
                        BSrc::Coef(1),
                    ),
                    (ASrc::One, BSrc::Coef(1)),
                ],
                0,
            ),
            vec![keep],
            vec![np],
        );
        // (numerator `keep`, not the divisor itself: the witness tells this check apart)
        lw.push(
            QOp::Div {
                shift: 0,
                den: every,
            },
            vec![keep, two_minus_c],
            vec![np],
        );
        srcs.push(keep);
        let us = act_slot(ins[2], &mut srcs);
        let ds = act_slot(ins[0], &mut srcs);
        let mut parts = Vec::with_capacity(t + 1);
        for j in 0..t {
            let ea = (0..len).map(|o| at(o, j).0).collect();
            let ub = (0..len).map(|o| at(o, j).1).collect();
            parts.push((
                ASrc::Act { slot: 0, map: ea },
                b_of(ctx, ins[2], us, "updates", ub)?,
            ));
        }
        let zero_data = matches!(ins[0], Operand::Const(c) if c.data.iter().all(|&v| v == 0.0));
        if !zero_data {
            let every: Vec<u32> = (0..len as u32).collect();
            parts.push((
                ASrc::Act {
                    slot: 1,
                    map: pos_of,
                },
                b_of(ctx, ins[0], ds, "data", every)?,
            ));
        }
        if parts.is_empty() {
            parts.push((ASrc::One, BSrc::Coef(0)));
        }
        lw.push(lin_pairs(len, parts, 0), srcs, out.to_vec());
        Ok(lw)
    }
}

/// The one-hot rows `E[m·n + p] = [tuple m names position p]` of the `g.count` tuples read
/// from `idx` (integers at scale `s`). One component: `compose::one_hot` with its check.
/// Several: each component's checked one-hot row (so each names a position of its axis, a
/// whole number in `[0, dims[j])`), the linear position `Σ_j v_j·stride_j` (at scale `s`) a
/// `Dot` of those rows, and its one-hot row (in range by construction: no check needed).
fn tuple_one_hot(lw: &mut Lowered, idx: Src, g: &Geom, s: u32) -> Src {
    let m = g.count;
    if g.k == 1 {
        return one_hot(lw, idx, m, g.dims[0], s, true);
    }
    let st = strides(&g.dims);
    let mut parts = vec![(ASrc::One, BSrc::Coef(0))];
    let mut srcs = vec![];
    for (j, &dj) in g.dims.iter().enumerate() {
        let comp: Vec<(Src, u32)> = (0..m).map(|t| (idx, (t * g.k + j) as u32)).collect();
        let comp = gather(lw, &comp);
        let e = one_hot(lw, comp, m, dj, s, true);
        srcs.push(e);
        for i in 1..dj {
            let map = (0..m).map(|t| (t * dj + i) as u32).collect();
            parts.push((
                ASrc::Act {
                    slot: srcs.len() - 1,
                    map,
                },
                BSrc::Coef(((i * st[j]) as i64) << s),
            ));
        }
    }
    let l = lw.push(lin_pairs(m, parts, 0), srcs, vec![m]);
    one_hot(lw, l, m, g.n(), s, false)
}

/// A copy of elements of the node's operands, `elems[i] = (operand, element)`: activations are
/// copied, constant zeros are the zero cell, other constants are copied from one step that
/// materialises them (`1·c`, the constant a parameter at the activation scale).
pub fn copies(
    ctx: &mut LowerCtx,
    ins: &[Operand],
    names: &[&str],
    elems: &[(usize, u32)],
    out: &[usize],
) -> Result<Lowered, QuantError> {
    let s = ctx.act_scale;
    let mut lw = Lowered::default();
    let mut srcs: Vec<Src> = vec![];
    // per operand: its slot in `srcs`, and for a constant where each needed element lies
    let mut slot_of: Vec<Option<u32>> = vec![None; ins.len()];
    let mut at: Vec<HashMap<u32, u32>> = vec![HashMap::new(); ins.len()];
    for (k, op) in ins.iter().enumerate() {
        let used: Vec<u32> = elems.iter().filter(|e| e.0 == k).map(|e| e.1).collect();
        match op {
            Operand::Act { slot, .. } if !used.is_empty() => {
                slot_of[k] = Some(srcs.len() as u32);
                srcs.push(Src::In(*slot));
            }
            Operand::Const(c) => {
                let mut need: Vec<u32> = used
                    .into_iter()
                    .filter(|&i| c.data[i as usize] != 0.0)
                    .collect();
                need.sort_unstable();
                need.dedup();
                if need.is_empty() {
                    continue;
                }
                let id = ctx.param(c, s, names[k], |v| v)?;
                let step = lw.push(
                    lin_pairs(
                        need.len(),
                        vec![(
                            ASrc::One,
                            BSrc::Param {
                                id,
                                map: need.clone(),
                            },
                        )],
                        0,
                    ),
                    vec![],
                    vec![need.len()],
                );
                at[k] = need
                    .iter()
                    .enumerate()
                    .map(|(j, &i)| (i, j as u32))
                    .collect();
                slot_of[k] = Some(srcs.len() as u32);
                srcs.push(step);
            }
            _ => {}
        }
    }
    let map = elems
        .iter()
        .map(|&(k, i)| match (ins[k], slot_of[k]) {
            (Operand::Act { .. }, Some(sl)) => (sl, i),
            (Operand::Const(_), Some(sl)) if at[k].contains_key(&i) => (sl, at[k][&i]),
            _ => (ZERO_SLOT, 0),
        })
        .collect();
    lw.push(QOp::Gather(map), srcs, out.to_vec());
    Ok(lw)
}

/// Whether a shape op mixes constant and activation inputs (Concat of a constant and an
/// activation, ...): then it lowers through [`copies`].
pub fn mixed_shape_op(o: &ShapeOp, ins: &[Operand]) -> bool {
    let copy_only = !matches!(
        o,
        ShapeOp::CastInt
            | ShapeOp::CastBool
            | ShapeOp::ConstantOfShape(_)
            | ShapeOp::Range
            | ShapeOp::NonZero
            | ShapeOp::ShapeOf
    );
    copy_only
        && ins.iter().any(|o| matches!(o, Operand::Const(_)))
        && ins.iter().any(|o| matches!(o, Operand::Act { .. }))
}

/// A shape op over constants and activations: its copy plan through [`copies`].
pub fn lower_mixed_shape(
    ctx: &mut LowerCtx,
    o: &ShapeOp,
    ins: &[Operand],
    out: &[usize],
) -> Result<Lowered, QuantError> {
    let shapes: Vec<&[usize]> = ins.iter().map(|o| o.shape()).collect();
    let (_, map) = o
        .plan(&shapes)
        .map_err(|e| QuantError::Internal(e.to_string()))?;
    // a zero of the plan names no operand: the appended zero constant, copied from the zero cell
    let elems: Vec<(usize, u32)> = map
        .iter()
        .map(|&(sl, i)| {
            if sl == ZERO_SLOT {
                (ins.len(), 0)
            } else {
                (sl as usize, i)
            }
        })
        .collect();
    let z = Tensor::zeros(&[1]);
    let mut with_zero = ins.to_vec();
    with_zero.push(Operand::Const(&z));
    let names: Vec<String> = (0..with_zero.len()).map(|k| format!("input{k}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    copies(ctx, &with_zero, &names, &elems, out)
}
