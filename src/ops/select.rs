//! Selection by computed indices: Gather and GatherElements whose indices are activations
//! (a tree's next node, an ArgMax's class), OneHot, and TopK (selection by rank). Constant
//! indices are copies and live in `shape.rs`.
//!
//! Quantized semantics, exact: an index is an integer activation (the integers `k·2^S`); its
//! one-hot row `E[m, j] = [k_m = j]` (`compose::one_hot`: is-zero on `k − j`, negative `k`
//! counted from the end) selects by a sum of products, `out = Σ_j E[m, j]·data[.., j, ..]`,
//! with no rounding (`E` is 0 or 1 and `data` is at the activation scale, a parameter or an
//! activation). Gather and GatherElements demand that every index name a position (the
//! division gadget checks `Σ_j E[m, j] ≥ 1`); OneHot gives a row of `off` for an index outside
//! `[−depth, depth)`, as ONNX says. Cost per index: `n` is-zero rows (n = the axis's length),
//! two relu rows, and one division; per output, one dot product of `n` terms.

use super::{axis_attr, need, Attrs, OpError, Operand};
use crate::quant::compose::{
    axis_groups, extreme_groups, gather, group_of, lin_pairs, one_hot, sub,
};
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::{strides, Tensor};

#[derive(Clone, Debug)]
pub enum Select {
    /// ONNX Gather along `axis` with activation indices.
    Gather { axis: i64 },
    /// ONNX GatherElements along `axis`.
    GatherElements { axis: i64 },
    /// ONNX OneHot: `depth` and `[off, on]` are constants.
    OneHot {
        axis: i64,
        depth: usize,
        off: f64,
        on: f64,
    },
}

/// An index as ONNX reads it, wrapped from the end; `None` outside `[−n, n)` or not whole.
fn wrap(v: f64, n: usize) -> Option<usize> {
    if v.fract() != 0.0 || !v.is_finite() {
        return None;
    }
    let k = v as i64;
    let n = n as i64;
    let w = if k < 0 { k + n } else { k };
    (0..n).contains(&w).then_some(w as usize)
}

/// Output shape, the indexed axis's length `n`, the index element of each output, and the
/// data element each output reads at each of the `n` positions.
struct Plan {
    out: Vec<usize>,
    n: usize,
    which: Vec<u32>,
    cands: Vec<Vec<u32>>,
}

fn bad_index(v: f64, n: usize) -> OpError {
    OpError::Shape(format!(
        "index {v} is out of range for an axis of length {n}"
    ))
}

impl Select {
    pub fn build(
        op_type: &str,
        a: &Attrs,
        consts: &[Option<&Tensor>],
    ) -> Result<Option<(Self, Vec<usize>)>, OpError> {
        Ok(Some(match op_type {
            "Gather" => (
                Select::Gather {
                    axis: a.int("axis", 0),
                },
                vec![0, 1],
            ),
            "GatherElements" => (
                Select::GatherElements {
                    axis: a.int("axis", 0),
                },
                vec![0, 1],
            ),
            "OneHot" => {
                let depth = consts
                    .get(1)
                    .copied()
                    .flatten()
                    .ok_or(OpError::NotConstant {
                        input: 1,
                        what: "depth",
                    })?;
                let values = consts
                    .get(2)
                    .copied()
                    .flatten()
                    .ok_or(OpError::NotConstant {
                        input: 2,
                        what: "values",
                    })?;
                let d = depth.data.first().copied().unwrap_or(0.0);
                if depth.data.len() != 1 || d < 1.0 || d.fract() != 0.0 || d > 1e6 {
                    return Err(OpError::Attribute {
                        name: "depth".into(),
                        msg: format!("must be one whole number ≥ 1 (got {:?})", depth.data),
                    });
                }
                if values.data.len() != 2 {
                    return Err(OpError::Attribute {
                        name: "values".into(),
                        msg: format!("must be [off, on] (got {} values)", values.data.len()),
                    });
                }
                (
                    Select::OneHot {
                        axis: a.int("axis", -1),
                        depth: d as usize,
                        off: values.data[0],
                        on: values.data[1],
                    },
                    vec![0],
                )
            }
            _ => return Ok(None),
        }))
    }

    /// For every output element: which index element selects it, and, per candidate
    /// position `j` of the indexed axis, the data element it would read.
    fn plan(&self, data: &[usize], idx: &[usize]) -> Result<Plan, OpError> {
        match self {
            Select::Gather { axis } => {
                let ax = axis_attr("axis", *axis, data.len())?;
                let n = data[ax];
                let mut out: Vec<usize> = data[..ax].to_vec();
                out.extend(idx);
                out.extend(&data[ax + 1..]);
                let m: usize = idx.iter().product();
                let pre: usize = data[..ax].iter().product();
                let post: usize = data[ax + 1..].iter().product();
                let len = pre * m * post;
                let mut which = Vec::with_capacity(len);
                let mut cands = Vec::with_capacity(len);
                for p in 0..pre {
                    for k in 0..m {
                        for q in 0..post {
                            which.push(k as u32);
                            cands.push(
                                (0..n)
                                    .map(|j| ((p * n + j) * post + q) as u32)
                                    .collect::<Vec<u32>>(),
                            );
                        }
                    }
                }
                Ok(Plan {
                    out,
                    n,
                    which,
                    cands,
                })
            }
            Select::GatherElements { axis } => {
                let ax = axis_attr("axis", *axis, data.len())?;
                if idx.len() != data.len()
                    || idx
                        .iter()
                        .zip(data)
                        .enumerate()
                        .any(|(a, (&i, &d))| a != ax && i > d)
                {
                    return Err(OpError::Shape(format!(
                        "GatherElements: indices {idx:?} do not fit data {data:?} on axis {ax}"
                    )));
                }
                let n = data[ax];
                let len: usize = idx.iter().product();
                let ist = strides(idx);
                let dst = strides(data);
                let mut cands = Vec::with_capacity(len);
                for i in 0..len {
                    let base: usize = (0..idx.len())
                        .filter(|&a| a != ax)
                        .map(|a| (i / ist[a]) % idx[a] * dst[a])
                        .sum();
                    cands.push((0..n).map(|j| (base + j * dst[ax]) as u32).collect());
                }
                Ok(Plan {
                    out: idx.to_vec(),
                    n,
                    which: (0..len as u32).collect(),
                    cands,
                })
            }
            Select::OneHot { axis, depth, .. } => {
                let r = idx.len() as i64 + 1;
                let ax = axis_attr("axis", *axis, r as usize)?;
                let mut out = idx.to_vec();
                out.insert(ax, *depth);
                let len: usize = out.iter().product();
                let post: usize = idx[ax..].iter().product();
                // output (p, j, q) reads index (p, q) and is "on" at j
                let mut which = Vec::with_capacity(len);
                let mut cands = Vec::with_capacity(len);
                for o in 0..len {
                    let q = o % post;
                    let j = (o / post) % depth;
                    let p = o / (post * depth);
                    which.push((p * post + q) as u32);
                    cands.push(vec![j as u32]);
                }
                Ok(Plan {
                    out,
                    n: *depth,
                    which,
                    cands,
                })
            }
        }
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        match self {
            Select::OneHot { depth, off, on, .. } => {
                need(ins, 1)?;
                let idx = ins[0];
                let Plan {
                    out, which, cands, ..
                } = self.plan(&[], &idx.shape)?;
                let data = which
                    .iter()
                    .zip(&cands)
                    .map(|(&m, c)| {
                        let hot = wrap(idx.data[m as usize], *depth) == Some(c[0] as usize);
                        if hot {
                            *on
                        } else {
                            *off
                        }
                    })
                    .collect();
                Ok(Tensor::new(out, data))
            }
            _ => {
                need(ins, 2)?;
                let (data, idx) = (ins[0], ins[1]);
                let Plan {
                    out,
                    n,
                    which,
                    cands,
                } = self.plan(&data.shape, &idx.shape)?;
                let mut v = Vec::with_capacity(which.len());
                for (&m, c) in which.iter().zip(&cands) {
                    let x = idx.data[m as usize];
                    let j = wrap(x, n).ok_or_else(|| bad_index(x, n))?;
                    v.push(data.data[c[j] as usize]);
                }
                Ok(Tensor::new(out, v))
            }
        }
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let s = ctx.act_scale;
        let mut lw = Lowered::default();
        if let Select::OneHot { off, on, .. } = self {
            let Operand::Act { slot, shape } = ins[0] else {
                return Err(QuantError::Internal("OneHot of a constant".into()));
            };
            let Plan {
                n, which, cands, ..
            } = self.plan(&[], shape).map_err(op_internal)?;
            let m: usize = shape.iter().product();
            let e = one_hot(&mut lw, Src::In(slot), m, n, s, false);
            let q = |v: f64, what: &str| {
                crate::quant::quantize_value(v, s).ok_or_else(|| QuantError::Param {
                    name: format!("{}.{what}", ctx.node()),
                    msg: format!("{v} does not fit scale {s}"),
                })
            };
            let (qoff, qon) = (q(*off, "off")?, q(*on, "on")?);
            let map: Vec<u32> = which
                .iter()
                .zip(&cands)
                .map(|(&k, c)| k * n as u32 + c[0])
                .collect();
            lw.push(
                lin_pairs(
                    map.len(),
                    vec![
                        (ASrc::Act { slot: 0, map }, BSrc::Coef(qon - qoff)),
                        (ASrc::One, BSrc::Coef(qoff)),
                    ],
                    0,
                ),
                vec![e],
                out.to_vec(),
            );
            return Ok(lw);
        }
        let (data, idx) = (ins[0], ins[1]);
        let Plan {
            n, which, cands, ..
        } = self.plan(data.shape(), idx.shape()).map_err(op_internal)?;
        if n == 0 {
            return Err(QuantError::Unsupported(
                "a gather from an empty axis".into(),
            ));
        }
        let Operand::Act {
            slot: islot,
            shape: ishape,
        } = idx
        else {
            // constant indices into an activation (GatherElements): copies only
            let Operand::Const(it) = idx else {
                unreachable!()
            };
            let map = which
                .iter()
                .zip(&cands)
                .map(|(&m, c)| {
                    let x = it.data[m as usize];
                    let j = wrap(x, n).ok_or_else(|| op_internal(bad_index(x, n)))?;
                    Ok((0u32, c[j]))
                })
                .collect::<Result<Vec<_>, QuantError>>()?;
            lw.push(QOp::Gather(map), vec![Src::In(0)], out.to_vec());
            return Ok(lw);
        };
        let m: usize = ishape.iter().product();
        let e = one_hot(&mut lw, Src::In(islot), m, n, s, true);
        // out[o] = Σ_j E[which[o], j] · data[cands[o][j]]
        let (param, srcs) = match data {
            Operand::Const(t) => (Some(ctx.param(t, s, "data", |v| v)?), vec![e]),
            Operand::Act { slot, .. } => (None, vec![e, Src::In(slot)]),
        };
        let b_of = |map| match param {
            Some(id) => BSrc::Param { id, map },
            None => BSrc::Act { slot: 1, map },
        };
        let parts = (0..n)
            .map(|j| {
                let ea: Vec<u32> = which.iter().map(|&k| k * n as u32 + j as u32).collect();
                let db: Vec<u32> = cands.iter().map(|c| c[j]).collect();
                (ASrc::Act { slot: 0, map: ea }, b_of(db))
            })
            .collect();
        lw.push(lin_pairs(which.len(), parts, 0), srcs, out.to_vec());
        Ok(lw)
    }
}

fn op_internal(e: OpError) -> QuantError {
    QuantError::Internal(e.to_string())
}

/// TopK along `axis`: the `k` largest (or smallest) elements, sorted, and their indices
/// (ties: the lower index first, as onnxruntime). Lowered by rank: for each element `i` of a
/// group of `n`, `rank_i = Σ_{j≠i} [x_j beats x_i]`, each bit `[e ≥ 0] = relu(e + 1) − relu(e)`
/// with `e = x_j − x_i` (`j < i`) or `x_j − x_i − 1` (`j > i`), negated for the smallest; the
/// ranks are a permutation of `0..n`, so output `r` is `Σ_i [rank_i = r]·x_i` and its index
/// `Σ_i [rank_i = r]·i` (is-zero rows on the ranks). Exact; `n(n − 1)` comparisons per group.
/// When `k` is small against `n` (KNeighbors: a few neighbours among the training rows) it is
/// lowered by `k` rounds of selection instead, about `14·k·n` rows ([`TopK::lower_rounds`]).
#[derive(Clone, Debug)]
pub struct TopK {
    axis: usize,
    k: usize,
    largest: bool,
}

fn all_of(len: usize) -> ASrc {
    ASrc::Act {
        slot: 0,
        map: (0..len as u32).collect(),
    }
}

impl TopK {
    pub fn build(a: &Attrs, consts: &[Option<&Tensor>], x: &[usize]) -> Result<Self, OpError> {
        let kt = consts
            .get(1)
            .copied()
            .flatten()
            .ok_or(OpError::NotConstant {
                input: 1,
                what: "K",
            })?;
        let axis = axis_attr("axis", a.int("axis", -1), x.len())?;
        let k = kt.data.first().copied().unwrap_or(-1.0);
        if kt.data.len() != 1 || k < 0.0 || k.fract() != 0.0 || k as usize > x[axis] {
            return Err(OpError::Attribute {
                name: "K".into(),
                msg: format!("{:?} for an axis of length {}", kt.data, x[axis]),
            });
        }
        if a.int("sorted", 1) == 0 {
            return Err(OpError::Unsupported2(
                "TopK with sorted = 0 (an unspecified order) is not supported".into(),
            ));
        }
        Ok(TopK {
            axis,
            k: k as usize,
            largest: a.int("largest", 1) != 0,
        })
    }

    fn out_shape(&self, x: &[usize]) -> Vec<usize> {
        let mut o = x.to_vec();
        o[self.axis] = self.k;
        o
    }

    /// Values, then indices, each of the output shape.
    pub fn output_parts(&self, x: &[usize]) -> Vec<(usize, Vec<usize>)> {
        let o = self.out_shape(x);
        let len: usize = o.iter().product();
        vec![(0, o.clone()), (len, o)]
    }

    /// Whether `x_j` comes before `x_i` in the sorted order.
    fn beats(&self, xj: f64, j: usize, xi: f64, i: usize) -> bool {
        let (a, b) = if self.largest { (xj, xi) } else { (xi, xj) };
        a > b || (a == b && j < i)
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let x = ins[0];
        let o = self.out_shape(&x.shape);
        let (groups, ogroups) = (
            axis_groups(&x.shape, &[self.axis]),
            axis_groups(&o, &[self.axis]),
        );
        let len: usize = o.iter().product();
        let mut out = vec![0.0; 2 * len];
        for (g, og) in groups.iter().zip(&ogroups) {
            let mut order: Vec<usize> = (0..g.len()).collect();
            order.sort_by(|&i, &j| {
                let (xi, xj) = (x.data[g[i] as usize], x.data[g[j] as usize]);
                if self.beats(xi, i, xj, j) {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                }
            });
            for (r, &p) in og.iter().enumerate() {
                out[p as usize] = x.data[g[order[r]] as usize];
                out[len + p as usize] = order[r] as f64;
            }
        }
        Ok(Tensor::new(vec![2 * len], out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("TopK of a constant".into()));
        };
        let s = ctx.act_scale;
        let n = shape[self.axis];
        // rows per group: ranks ≈ 5n², rounds ≈ 14kn
        if self.k > 0 && 14 * self.k < 5 * n {
            return Ok(self.lower_rounds(shape, out, s));
        }
        let groups = axis_groups(shape, &[self.axis]);
        let ogroups = axis_groups(&self.out_shape(shape), &[self.axis]);
        let olen: usize = ogroups.len() * self.k;
        let mut lw = Lowered::default();
        let x = Src::In(0);
        // every ordered pair (i, j ≠ i) of every group: e = ±(x_j − x_i) − [j > i]
        let mut pi = vec![];
        let mut pj = vec![];
        let mut off = vec![];
        for g in &groups {
            for i in 0..n {
                for j in (0..n).filter(|&j| j != i) {
                    pi.push(g[i]);
                    pj.push(g[j]);
                    off.push(-((j > i) as i64));
                }
            }
        }
        let np = pi.len();
        let sign = if self.largest { 1 } else { -1 };
        let e = lw.push(
            lin_pairs(
                np,
                vec![
                    (ASrc::Act { slot: 0, map: pj }, BSrc::Coef(sign)),
                    (ASrc::Act { slot: 0, map: pi }, BSrc::Coef(-sign)),
                    (ASrc::One, BSrc::Consts(off)),
                ],
                0,
            ),
            vec![x],
            vec![np],
        );
        let every: Vec<u32> = (0..np as u32).collect();
        let e1 = lw.push(
            lin_pairs(
                np,
                vec![
                    (
                        ASrc::Act {
                            slot: 0,
                            map: every,
                        },
                        BSrc::Coef(1),
                    ),
                    (ASrc::One, BSrc::Coef(1)),
                ],
                0,
            ),
            vec![e],
            vec![np],
        );
        let hi = lw.push(QOp::Lookup(super::Func::Relu), vec![e1], vec![np]);
        let lo = lw.push(QOp::Lookup(super::Func::Relu), vec![e], vec![np]);
        // rank of element (group, i): the bits of its n − 1 pairs (consecutive), an integer
        let nr = groups.len() * n;
        let per = n - 1;
        // (a group of one: rank 0)
        let mut parts = vec![(ASrc::One, BSrc::Coef(0))];
        for t in 0..per {
            let m: Vec<u32> = (0..nr).map(|q| (q * per + t) as u32).collect();
            parts.push((
                ASrc::Act {
                    slot: 0,
                    map: m.clone(),
                },
                BSrc::Coef(1),
            ));
            parts.push((ASrc::Act { slot: 1, map: m }, BSrc::Coef(-1)));
        }
        let rank = lw.push(lin_pairs(nr, parts, 0), vec![hi, lo], vec![nr]);
        let e = one_hot(&mut lw, rank, nr, n, 0, false);
        // output (group g, rank r) at its place in the output layout
        let mut at = vec![(0usize, 0usize); olen];
        for (g, og) in ogroups.iter().enumerate() {
            for (r, &p) in og.iter().enumerate() {
                at[p as usize] = (g, r);
            }
        }
        let pos = |i: usize| -> Vec<u32> {
            at.iter()
                .map(|&(g, r)| ((g * n + i) * n + r) as u32)
                .collect()
        };
        let vparts = (0..n)
            .map(|i| {
                (
                    ASrc::Act {
                        slot: 0,
                        map: pos(i),
                    },
                    BSrc::Act {
                        slot: 1,
                        map: at.iter().map(|&(g, _)| groups[g][i]).collect(),
                    },
                )
            })
            .collect();
        let values = lw.push(lin_pairs(olen, vparts, 0), vec![e, x], vec![olen]);
        let iparts = (0..n)
            .map(|i| {
                (
                    ASrc::Act {
                        slot: 0,
                        map: pos(i),
                    },
                    BSrc::Coef((i as i64) << s),
                )
            })
            .collect();
        let indices = lw.push(lin_pairs(olen, iparts, 0), vec![e], vec![olen]);
        let mut elems: Vec<(Src, u32)> = (0..olen as u32).map(|i| (values, i)).collect();
        elems.extend((0..olen as u32).map(|i| (indices, i)));
        gather(&mut lw, &elems);
        lw.reshape_last(out);
        Ok(lw)
    }

    /// TopK by `k` rounds of selection, each exact and deterministic (no witness freedom):
    /// round `j` takes the best value `b_j` of the current values `c_j` (a min/max tree), the
    /// matches `z = [c_j = b_j]` (is-zero) among the free elements `z' = z·F_j` (`F` is 1 until
    /// an element is taken), the first of them, `i_j = min(p + n − n·z')` over the group
    /// (positions `p` are circuit constants; every `p + n − n·z'` is distinct, and the minimum
    /// is a free match's position since a free element holds the best value), and its one-hot
    /// `E_j = [p + n − n·z' = i_j]`. The taken element then holds the group's worst value `W`
    /// (`c_{j+1} = c_j + E_j·(W − x)`, `F_{j+1} = F_j − E_j`), so it cannot win again, and a
    /// tie with `W` is settled by `F`. Outputs: `b_j` and `i_j·2^S`. Ties: the lower index
    /// first, as onnxruntime. Indices are computed as integers (`p < 2n` must lie within the
    /// relu table's range, not `2n·2^S`).
    fn lower_rounds(&self, shape: &[usize], out: &[usize], s: u32) -> Lowered {
        let groups = axis_groups(shape, &[self.axis]);
        let ogroups = axis_groups(&self.out_shape(shape), &[self.axis]);
        let n = shape[self.axis];
        let len: usize = shape.iter().product();
        let ng = groups.len();
        let every: Vec<u32> = (0..len as u32).collect();
        let g = group_of(&groups, len);
        let min = !self.largest;
        let x = Src::In(0);
        let mut lw = Lowered::default();
        let all = |slot: usize| ASrc::Act {
            slot,
            map: (0..len as u32).collect(),
        };
        let worst = extreme_groups(&mut lw, x, &groups, !min);
        let gap = sub(&mut lw, worst, g.clone(), x, every.clone());
        let mut pos = vec![0i64; len];
        for members in &groups {
            for (p, &i) in members.iter().enumerate() {
                pos[i as usize] = (p + n) as i64;
            }
        }
        let (mut cur, mut free): (Src, Option<Src>) = (x, None);
        let (mut values, mut indices) = (vec![], vec![]);
        for j in 0..self.k {
            let best = extreme_groups(&mut lw, cur, &groups, min);
            let d = sub(&mut lw, cur, every.clone(), best, g.clone());
            let z = lw.push(QOp::IsZero, vec![d], vec![len]);
            let zf = match free {
                None => z,
                Some(f) => lw.push(
                    lin_pairs(
                        len,
                        vec![(
                            all(0),
                            BSrc::Act {
                                slot: 1,
                                map: every.clone(),
                            },
                        )],
                        0,
                    ),
                    vec![z, f],
                    vec![len],
                ),
            };
            let v = lw.push(
                lin_pairs(
                    len,
                    vec![
                        (ASrc::One, BSrc::Consts(pos.clone())),
                        (all(0), BSrc::Coef(-(n as i64))),
                    ],
                    0,
                ),
                vec![zf],
                vec![len],
            );
            let first = extreme_groups(&mut lw, v, &groups, true);
            let index = lw.push(
                lin_pairs(ng, vec![(all_of(ng), BSrc::Coef(1i64 << s))], 0),
                vec![first],
                vec![ng],
            );
            values.push(best);
            indices.push(index);
            if j + 1 == self.k {
                break;
            }
            let dv = sub(&mut lw, v, every.clone(), first, g.clone());
            let e = lw.push(QOp::IsZero, vec![dv], vec![len]);
            let mut fparts = vec![(all(0), BSrc::Coef(-1))];
            let mut fin = vec![e];
            match free {
                None => fparts.push((ASrc::One, BSrc::Coef(1))),
                Some(f) => {
                    fparts.push((all(1), BSrc::Coef(1)));
                    fin.push(f);
                }
            }
            free = Some(lw.push(lin_pairs(len, fparts, 0), fin, vec![len]));
            cur = lw.push(
                lin_pairs(
                    len,
                    vec![
                        (all(0), BSrc::Coef(1)),
                        (
                            all(1),
                            BSrc::Act {
                                slot: 2,
                                map: every.clone(),
                            },
                        ),
                    ],
                    0,
                ),
                vec![cur, e, gap],
                vec![len],
            );
        }
        let olen = ng * self.k;
        let mut elems = vec![(x, 0u32); 2 * olen];
        for (gi, og) in ogroups.iter().enumerate() {
            for (r, &p) in og.iter().enumerate() {
                elems[p as usize] = (values[r], gi as u32);
                elems[olen + p as usize] = (indices[r], gi as u32);
            }
        }
        gather(&mut lw, &elems);
        lw.reshape_last(out);
        lw
    }
}
