//! Lowering building blocks that several op families share, each a few gadget steps appended
//! to a [`Lowered`]: group sums (one dot product per group), group maxima and minima (a tree
//! of pairwise steps through the relu gadget: `max(a, b) = b + relu(a − b)`), the difference
//! `x − v[group]` and a division by a per-group value. Groups are lists of element indices of
//! one source tensor; every group is non-empty.

use super::Func;
use super::{ASrc, BSrc, Dot, DotKind, ElemPart, Lowered, QOp, Src};

fn elementwise(len: usize, parts: Vec<ElemPart>, divisor: Option<u64>) -> QOp {
    QOp::Dot(Box::new(Dot {
        rescale: 0,
        kind: DotKind::Elementwise { len, parts },
        divisor,
    }))
}

/// The element-wise `Dot` every lowering builds its linear steps with:
/// `out[i] = round(Σ_parts a[i]·b[i] / 2^rescale)`.
pub fn lin(len: usize, parts: Vec<ElemPart>, rescale: u32) -> QOp {
    QOp::Dot(Box::new(Dot {
        rescale,
        kind: DotKind::Elementwise { len, parts },
        divisor: None,
    }))
}

/// [`lin`] of `(a, b)` pairs.
pub fn lin_pairs(len: usize, parts: Vec<(ASrc, BSrc)>, rescale: u32) -> QOp {
    lin(
        len,
        parts.into_iter().map(|(a, b)| ElemPart { a, b }).collect(),
        rescale,
    )
}

/// `out[i] = round(x[i] / 2^t)`: the same values at a scale `t` bits coarser.
pub fn elementwise_scaled(len: usize, t: u32) -> QOp {
    lin(
        len,
        vec![ElemPart {
            a: act(0, (0..len as u32).collect()),
            b: BSrc::Coef(1),
        }],
        t,
    )
}

fn act(slot: usize, map: Vec<u32>) -> ASrc {
    ASrc::Act { slot, map }
}

/// `out[g] = round(Σ_{i ∈ groups[g]} x[i] / divisor)` (divisor 1: the plain sum). Groups must
/// all have the same length (ReduceSum/ReduceMean groups do).
pub fn sum_groups(lw: &mut Lowered, x: Src, groups: &[Vec<u32>], divisor: u64) -> Src {
    let n = groups.first().map_or(0, |g| g.len());
    let parts = (0..n)
        .map(|j| ElemPart {
            a: act(0, groups.iter().map(|g| g[j]).collect()),
            b: BSrc::Coef(1),
        })
        .collect();
    let div = (divisor > 1).then_some(divisor);
    lw.push(
        elementwise(groups.len(), parts, div),
        vec![x],
        vec![groups.len()],
    )
}

/// `out[i] = a[ia[i]] − b[ib[i]]` (both sources may be the same tensor).
pub fn sub(lw: &mut Lowered, a: Src, ia: Vec<u32>, b: Src, ib: Vec<u32>) -> Src {
    let len = ia.len();
    let parts = vec![
        ElemPart {
            a: act(0, ia),
            b: BSrc::Coef(1),
        },
        ElemPart {
            a: act(1, ib),
            b: BSrc::Coef(-1),
        },
    ];
    lw.push(elementwise(len, parts, None), vec![a, b], vec![len])
}

/// Per group, the maximum (`min = false`) or the minimum of its elements of `x`: a tree of
/// pairwise steps, `⌈log2 n⌉` levels of three steps each (difference, relu, sum), so
/// `n − 1` pairwise comparisons per group of `n` and 3 rows each.
pub fn extreme_groups(lw: &mut Lowered, x: Src, groups: &[Vec<u32>], min: bool) -> Src {
    // current level: each group's candidates as (source, index)
    let mut cur: Vec<Vec<(Src, u32)>> = groups
        .iter()
        .map(|g| g.iter().map(|&i| (x, i)).collect())
        .collect();
    loop {
        if cur.iter().all(|g| g.len() == 1) {
            break;
        }
        // pair up candidates: (p, q) for the pairs, in group order
        let mut pairs: Vec<(Elem, Elem)> = vec![];
        for g in &cur {
            for c in g.chunks(2) {
                if c.len() == 2 {
                    pairs.push((c[0], c[1]));
                }
            }
        }
        // every candidate of this level lives in at most two tensors: gather them into one
        let (lhs, rhs) = gather_pairs(lw, &pairs);
        let len = pairs.len() as u32;
        let idx: Vec<u32> = (0..len).collect();
        // max: b + relu(a − b); min: a − relu(a − b)
        let d = sub(lw, lhs, idx.clone(), rhs, idx.clone());
        let r = lw.push(QOp::Lookup(Func::Relu), vec![d], vec![len as usize]);
        let (base, sign) = if min { (lhs, -1) } else { (rhs, 1) };
        let parts = vec![
            ElemPart {
                a: act(0, idx.clone()),
                b: BSrc::Coef(1),
            },
            ElemPart {
                a: act(1, idx),
                b: BSrc::Coef(sign),
            },
        ];
        let m = lw.push(
            elementwise(len as usize, parts, None),
            vec![base, r],
            vec![len as usize],
        );
        let mut k = 0u32;
        cur = cur
            .iter()
            .map(|g| {
                g.chunks(2)
                    .map(|c| {
                        if c.len() == 2 {
                            k += 1;
                            (m, k - 1)
                        } else {
                            c[0]
                        }
                    })
                    .collect()
            })
            .collect();
    }
    // one candidate per group: gather them in group order (copies only)
    let picks: Vec<(Src, u32)> = cur.iter().map(|g| g[0]).collect();
    gather(lw, &picks)
}

/// A tensor of the given elements (copy constraints only, no rows).
pub fn gather(lw: &mut Lowered, elems: &[(Src, u32)]) -> Src {
    let mut srcs: Vec<Src> = vec![];
    let map = elems
        .iter()
        .map(|&(s, i)| {
            let slot = match srcs.iter().position(|&t| t == s) {
                Some(p) => p,
                None => {
                    srcs.push(s);
                    srcs.len() - 1
                }
            };
            (slot as u32, i)
        })
        .collect();
    lw.push(QOp::Gather(map), srcs, vec![elems.len()])
}

/// An element of a tensor: where it is and its index.
type Elem = (Src, u32);

fn gather_pairs(lw: &mut Lowered, pairs: &[(Elem, Elem)]) -> (Src, Src) {
    let l: Vec<(Src, u32)> = pairs.iter().map(|p| p.0).collect();
    let r: Vec<(Src, u32)> = pairs.iter().map(|p| p.1).collect();
    (gather(lw, &l), gather(lw, &r))
}

/// `out[i] = round(a[ia[i]]·b[ib[i]] / 2^shift)`: a product of two activations at the
/// activation scale (`shift = S`).
pub fn mul(lw: &mut Lowered, a: Src, ia: Vec<u32>, b: Src, ib: Vec<u32>, shift: u32) -> Src {
    let len = ia.len();
    let parts = vec![ElemPart {
        a: act(0, ia),
        b: BSrc::Act { slot: 1, map: ib },
    }];
    lw.push(lin(len, parts, shift), vec![a, b], vec![len])
}

/// `out[i] = trunc(x[i] / c)·2^s`: integer division rounding toward zero (ONNX `Div` on
/// integer types, `BitShift` right) of integers at scale `s` by a whole constant `c ≠ 0`, exact
/// and without tables. With `p = relu(x)` and `m = p − x = relu(−x)`, both `≥ 0`, and
/// `D = |c|·2^s`: `fp = ⌊p / D⌋` and `fm = ⌊m / D⌋` are dot rows rescaled by the constant `D`
/// with `−⌊D/2⌋` added (so the gadget's half-up rounding floors), and
/// `out = sign(c)·2^s·(fp − fm)`. Four steps, four rows per element.
pub fn trunc_div(lw: &mut Lowered, x: Src, len: usize, c: i64, s: u32) -> Src {
    let every: Vec<u32> = (0..len as u32).collect();
    let p = lw.push(QOp::Lookup(Func::Relu), vec![x], vec![len]);
    let d = c.unsigned_abs() << s;
    let half = -((d / 2) as i64);
    // `Σ terms / D` floored: the rescale's half-up rounding of the sum minus `⌊D/2⌋`
    let term = |slot: usize, coef: i64| ElemPart {
        a: act(slot, every.clone()),
        b: BSrc::Coef(coef),
    };
    let minus_half = ElemPart {
        a: ASrc::One,
        b: BSrc::Coef(half),
    };
    let fp = lw.push(
        elementwise(len, vec![term(0, 1), minus_half.clone()], Some(d)),
        vec![p],
        vec![len],
    );
    let fm = lw.push(
        elementwise(len, vec![term(0, 1), term(1, -1), minus_half], Some(d)),
        vec![p, x],
        vec![len],
    );
    let unit = c.signum() << s;
    lw.push(
        lin(len, vec![term(0, unit), term(1, -unit)], 0),
        vec![fp, fm],
        vec![len],
    )
}

/// The group of every element (groups partition `0..len`).
pub fn group_of(groups: &[Vec<u32>], len: usize) -> Vec<u32> {
    let mut g = vec![0u32; len];
    for (k, members) in groups.iter().enumerate() {
        for &i in members {
            g[i as usize] = k as u32;
        }
    }
    g
}

/// `(x − mean) / √(var + eps)` per group (LayerNormalization, InstanceNormalization), at
/// scale `s`: mean `round(Σx/n)`, centred `c = x − mean` (exact), `var = round(Σ round(c²/2^s)
/// / n)`, `r = round(2^s / √(var/2^s + eps))` (a table over the variances) and the output
/// `round(c·r / 2^s)`. Seven steps, about five rows per element.
pub fn normalize(
    lw: &mut Lowered,
    x: Src,
    len: usize,
    groups: &[Vec<u32>],
    eps: f64,
    s: u32,
) -> Src {
    let n = groups.first().map_or(1, |g| g.len()) as u64;
    let g = group_of(groups, len);
    let every: Vec<u32> = (0..len as u32).collect();
    let mean = sum_groups(lw, x, groups, n);
    let c = sub(lw, x, every.clone(), mean, g.clone());
    let sq = mul(lw, c, every.clone(), c, every.clone(), s);
    let var = sum_groups(lw, sq, groups, n);
    let r = lw.push(
        QOp::Lookup(Func::Rsqrt { eps }),
        vec![var],
        vec![groups.len()],
    );
    mul(lw, c, every, r, g, s)
}

/// `out[i] = round(n[i]·2^shift / d[den[i]])` (every divisor `≥ 1`): the division gadget.
pub fn div(lw: &mut Lowered, n: Src, d: Src, den: Vec<u32>, shift: u32) -> Src {
    let len = den.len();
    lw.push(QOp::Div { shift, den }, vec![n, d], vec![len])
}

/// The one-hot matrix of integer indices: `E[m·n + j] = [idx[m] = j]` (the integers 0 and 1,
/// not at the activation scale) for `len` indices read at scale `s` (the integers `k·2^s`).
/// A negative index counts from the end (`k + n`, as ONNX's Gather): `w = idx + n·2^s·[k < 0]`
/// with `[k ≥ 0]·2^s = relu(idx + 2^s) − relu(idx)`, then `E = is_zero(w − j·2^s)`.
///
/// With `check`, every index must name one of the `n` positions: each row's sum `Σ_j E[m, j]`
/// (0 or 1) is the divisor of a division step (`Σ / Σ`), and the division gadget demands a
/// divisor `≥ 1`. Without it (OneHot) an index outside `[−n, n)` gives a row of zeros.
/// Rows per index: 2 relu, `n` is-zero, the linear steps, and one division with `check`.
pub fn one_hot(lw: &mut Lowered, idx: Src, len: usize, n: usize, s: u32, check: bool) -> Src {
    let one = 1i64 << s;
    let every: Vec<u32> = (0..len as u32).collect();
    let shifted = lw.push(
        lin_pairs(
            len,
            vec![
                (act(0, every.clone()), BSrc::Coef(1)),
                (ASrc::One, BSrc::Coef(one)),
            ],
            0,
        ),
        vec![idx],
        vec![len],
    );
    let p = lw.push(QOp::Lookup(Func::Relu), vec![shifted], vec![len]);
    let q = lw.push(QOp::Lookup(Func::Relu), vec![idx], vec![len]);
    let nn = n as i64;
    // w = idx − n·(p − q) + n·2^s
    let w = lw.push(
        lin_pairs(
            len,
            vec![
                (act(0, every.clone()), BSrc::Coef(1)),
                (act(1, every.clone()), BSrc::Coef(-nn)),
                (act(2, every.clone()), BSrc::Coef(nn)),
                (ASrc::One, BSrc::Coef(nn * one)),
            ],
            0,
        ),
        vec![idx, p, q],
        vec![len],
    );
    let total = len * n;
    let rows: Vec<u32> = (0..total).map(|i| (i / n) as u32).collect();
    let offs: Vec<i64> = (0..total).map(|i| -((i % n) as i64) * one).collect();
    let d = lw.push(
        lin_pairs(
            total,
            vec![
                (act(0, rows), BSrc::Coef(1)),
                (ASrc::One, BSrc::Consts(offs)),
            ],
            0,
        ),
        vec![w],
        vec![total],
    );
    let e = lw.push(QOp::IsZero, vec![d], vec![total]);
    if check {
        let groups: Vec<Vec<u32>> = (0..len)
            .map(|m| ((m * n) as u32..((m + 1) * n) as u32).collect())
            .collect();
        let sums = sum_groups(lw, e, &groups, 1);
        div(lw, sums, sums, every, 0);
    }
    e
}

/// Groups of `shape` reduced over `axes` (sorted, distinct): one group per position of the
/// other axes, in row-major order, each listing its elements in row-major order.
pub fn axis_groups(shape: &[usize], axes: &[usize]) -> Vec<Vec<u32>> {
    let strides = crate::tensor::strides(shape);
    let kept: Vec<usize> = (0..shape.len()).filter(|a| !axes.contains(a)).collect();
    let outer: usize = kept.iter().map(|&a| shape[a]).product();
    let inner: usize = axes.iter().map(|&a| shape[a]).product();
    let mut groups = Vec::with_capacity(outer);
    for o in 0..outer {
        let mut base = 0usize;
        let mut rem = o;
        for &a in kept.iter().rev() {
            base += (rem % shape[a]) * strides[a];
            rem /= shape[a];
        }
        let mut g = Vec::with_capacity(inner);
        for i in 0..inner {
            let mut off = base;
            let mut rem = i;
            for &a in axes.iter().rev() {
                off += (rem % shape[a]) * strides[a];
                rem /= shape[a];
            }
            g.push(off as u32);
        }
        groups.push(g);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::axis_groups;

    #[test]
    fn groups_over_axes() {
        // shape [2, 3]: over axis 1, two rows; over axis 0, three columns
        assert_eq!(
            axis_groups(&[2, 3], &[1]),
            vec![vec![0, 1, 2], vec![3, 4, 5]]
        );
        assert_eq!(
            axis_groups(&[2, 3], &[0]),
            vec![vec![0, 3], vec![1, 4], vec![2, 5]]
        );
        assert_eq!(axis_groups(&[2, 3], &[0, 1]), vec![vec![0, 1, 2, 3, 4, 5]]);
        assert_eq!(
            axis_groups(&[2, 2, 2], &[1]),
            vec![vec![0, 2], vec![1, 3], vec![4, 6], vec![5, 7]]
        );
    }
}
