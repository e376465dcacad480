//! An SVM classifier's class probabilities from its pairwise ones (Platt scaling, then the
//! pairwise coupling of Wu, Lin and Weng, method 2): in floats as onnxruntime iterates it,
//! quantized as the exact solution of the coupling's linear system by Cramer's rule.

use super::act;
use super::svm::{every, pairs};
use crate::ops::Func;
use crate::quant::compose::{div, gather, lin_pairs, sum_groups};
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;
use std::collections::HashMap;

/// The probabilities onnxruntime couples from the pairwise ones `r[i·k + j]` (`i ≠ j`):
/// libsvm's iteration for `min pᵀQp`, `Σp = 1` (Wu, Lin and Weng, method 2), at most 100
/// sweeps, stopping when `max_t |(Qp)_t − pᵀQp| < 0.005/k`.
pub(super) fn couple(k: usize, r: &[f64]) -> Vec<f64> {
    let mut q = vec![0.0; k * k];
    for t in 0..k {
        for j in 0..k {
            if j != t {
                q[t * k + t] += r[j * k + t] * r[j * k + t];
                q[t * k + j] = -r[j * k + t] * r[t * k + j];
            }
        }
    }
    let mut p = vec![1.0 / k as f64; k];
    let eps = 0.005 / k as f64;
    for _ in 0..100 {
        let mut qp: Vec<f64> = (0..k)
            .map(|t| (0..k).map(|j| q[t * k + j] * p[j]).sum())
            .collect();
        let mut pqp: f64 = (0..k).map(|t| p[t] * qp[t]).sum();
        if qp.iter().all(|&v| (v - pqp).abs() < eps) {
            break;
        }
        for t in 0..k {
            let diff = (pqp - qp[t]) / q[t * k + t];
            p[t] += diff;
            pqp = (pqp + diff * (diff * q[t * k + t] + 2.0 * qp[t])) / (1.0 + diff) / (1.0 + diff);
            for j in 0..k {
                qp[j] = (qp[j] + diff * q[t * k + j]) / (1.0 + diff);
                p[j] /= 1.0 + diff;
            }
        }
    }
    p
}

/// The class probabilities `[N, k]` at scale `s` from the decision values `[N, P]`: Platt's
/// `r_ij = σ(−(A·d + B))`, `r_ji = 1 − r_ij`; two classes `[r_01, r_10]` (the coupling's exact
/// solution); more, `p ∝ adj(Q)·e` (Cramer's rule for `Qp = b·e`, `Σp = 1`): `p_t ∝ Σ_i
/// (−1)^(i+t)·M_it` with the minors `M` of `Q` by Laplace expansion (a dot row per minor),
/// normalised by the division gadget.
pub(super) fn probabilities(
    ctx: &mut LowerCtx,
    lw: &mut Lowered,
    dec: Src,
    n: usize,
    k: usize,
    pa: &[f64],
    pb: &[f64],
) -> Result<Src, QuantError> {
    let (s, p) = (ctx.act_scale, ctx.param_scale);
    let one = 1i64 << s;
    let np = k * (k - 1) / 2;
    let len = n * np;
    let na = ctx.param(&Tensor::new(vec![np], pa.to_vec()), p, "prob_a", |x| -x)?;
    let nb = ctx.param(&Tensor::new(vec![np], pb.to_vec()), s + p, "prob_b", |x| -x)?;
    let pm: Vec<u32> = (0..len).map(|e| (e % np) as u32).collect();
    let u = lw.push(
        lin_pairs(
            len,
            vec![
                (
                    act(0, every(len)),
                    BSrc::Param {
                        id: na,
                        map: pm.clone(),
                    },
                ),
                (ASrc::One, BSrc::Param { id: nb, map: pm }),
            ],
            p,
        ),
        vec![dec],
        vec![len],
    );
    let r = lw.push(QOp::Lookup(Func::Sigmoid), vec![u], vec![len]);
    let rc = lw.push(
        lin_pairs(
            len,
            vec![
                (act(0, every(len)), BSrc::Coef(-1)),
                (ASrc::One, BSrc::Coef(one)),
            ],
            0,
        ),
        vec![r],
        vec![len],
    );
    if k == 2 {
        let e: Vec<(Src, u32)> = (0..n as u32).flat_map(|i| [(r, i), (rc, i)]).collect();
        return Ok(gather(lw, &e));
    }
    let pidx: HashMap<(usize, usize), usize> = pairs(k)
        .into_iter()
        .enumerate()
        .map(|(q, ij)| (ij, q))
        .collect();
    // R[n, i, j] = r_ij (the diagonal unused)
    let kk = k * k;
    let rfull: Vec<(Src, u32)> = (0..n * kk)
        .map(|e| {
            let (smp, i, j) = (e / kk, (e % kk) / k, e % k);
            match i.cmp(&j) {
                std::cmp::Ordering::Less => (r, (smp * np + pidx[&(i, j)]) as u32),
                std::cmp::Ordering::Greater => (rc, (smp * np + pidx[&(j, i)]) as u32),
                std::cmp::Ordering::Equal => (r, (smp * np) as u32),
            }
        })
        .collect();
    let rm = gather(lw, &rfull);
    // Q_tt = Σ_{j≠t} r_jt², Q_tu = −r_ut·r_tu = r_ut² − r_ut (r_tu = 1 − r_ut)
    let at = |smp: usize, i: usize, j: usize| (smp * kk + i * k + j) as u32;
    let dparts: Vec<(ASrc, BSrc)> = (0..k - 1)
        .map(|q| {
            let map: Vec<u32> = (0..n * k)
                .map(|e| {
                    let t = e % k;
                    let j = if q < t { q } else { q + 1 };
                    at(e / k, j, t)
                })
                .collect();
            (act(0, map.clone()), BSrc::Act { slot: 0, map })
        })
        .collect();
    let qd = lw.push(lin_pairs(n * k, dparts, s), vec![rm], vec![n * k]);
    let off: Vec<(usize, usize, usize)> = (0..n)
        .flat_map(|smp| {
            (0..k).flat_map(move |t| (0..k).filter(move |&u| u != t).map(move |u| (smp, t, u)))
        })
        .collect();
    let omap: Vec<u32> = off.iter().map(|&(smp, t, u)| at(smp, u, t)).collect();
    let qo = lw.push(
        lin_pairs(
            off.len(),
            vec![
                (
                    act(0, omap.clone()),
                    BSrc::Act {
                        slot: 0,
                        map: omap.clone(),
                    },
                ),
                (act(0, omap), BSrc::Coef(-one)),
            ],
            s,
        ),
        vec![rm],
        vec![off.len()],
    );
    let mut oi = 0u32;
    let qfull: Vec<(Src, u32)> = (0..n * kk)
        .map(|e| {
            let (smp, t, u) = (e / kk, (e % kk) / k, e % k);
            if t == u {
                (qd, (smp * k + t) as u32)
            } else {
                oi += 1;
                (qo, oi - 1)
            }
        })
        .collect();
    let q = gather(lw, &qfull);
    let nq = lw.push(
        lin_pairs(n * kk, vec![(act(0, every(n * kk)), BSrc::Coef(-1))], 0),
        vec![q],
        vec![n * kk],
    );
    // minors by size: (rows, cols) bit masks; size 1 is Q itself
    let full = (1u32 << k) - 1;
    let mut levels: Vec<Vec<(u32, u32)>> = vec![vec![]; k];
    for i in 0..k {
        for t in 0..k {
            levels[k - 1].push((full & !(1 << i), full & !(1 << t)));
        }
    }
    for m in (3..k).rev() {
        let mut next = vec![];
        for &(rows, cols) in &levels[m] {
            let r0 = rows.trailing_zeros();
            for c in 0..k as u32 {
                if cols & (1 << c) != 0 {
                    let child = (rows & !(1 << r0), cols & !(1 << c));
                    if !next.contains(&child) {
                        next.push(child);
                    }
                }
            }
        }
        levels[m - 1] = next;
    }
    let mut prev: Option<Src> = None;
    for m in 2..k {
        let list = &levels[m];
        let index: HashMap<(u32, u32), usize> = levels[m - 1]
            .iter()
            .enumerate()
            .map(|(i, &x)| (x, i))
            .collect();
        let ll = n * list.len();
        let mut parts = vec![];
        for pos in 0..m {
            let mut amap = vec![];
            let mut bmap = vec![];
            for e in 0..ll {
                let (smp, (rows, cols)) = (e / list.len(), list[e % list.len()]);
                let r0 = rows.trailing_zeros() as usize;
                let cs: Vec<usize> = (0..k).filter(|&c| cols & (1 << c) != 0).collect();
                let c = cs[pos];
                amap.push(at(smp, r0, c));
                let (cr, cc) = (rows & !(1 << r0), cols & !(1 << c));
                bmap.push(match prev {
                    None => at(
                        smp,
                        cr.trailing_zeros() as usize,
                        cc.trailing_zeros() as usize,
                    ),
                    Some(_) => (smp * levels[m - 1].len() + index[&(cr, cc)]) as u32,
                });
            }
            let slot = if pos % 2 == 0 { 0 } else { 1 };
            parts.push((act(slot, amap), BSrc::Act { slot: 2, map: bmap }));
        }
        let srcs = vec![q, nq, prev.unwrap_or(q)];
        prev = Some(lw.push(lin_pairs(ll, parts, s), srcs, vec![ll]));
    }
    let top = prev.expect("k ≥ 3");
    let tl = levels[k - 1].len();
    let tindex: HashMap<(u32, u32), usize> = levels[k - 1]
        .iter()
        .enumerate()
        .map(|(i, &x)| (x, i))
        .collect();
    let parts: Vec<(ASrc, BSrc)> = (0..k)
        .map(|i| {
            let map: Vec<u32> = (0..n * k)
                .map(|e| {
                    let (smp, t) = (e / k, e % k);
                    (smp * tl + tindex[&(full & !(1 << i), full & !(1 << t))]) as u32
                })
                .collect();
            let sign: Vec<i64> = (0..n * k)
                .map(|e| if (i + e % k).is_multiple_of(2) { 1 } else { -1 })
                .collect();
            (act(0, map), BSrc::Consts(sign))
        })
        .collect();
    let num = lw.push(lin_pairs(n * k, parts, 0), vec![top], vec![n * k]);
    let groups: Vec<Vec<u32>> = (0..n)
        .map(|i| ((i * k) as u32..((i + 1) * k) as u32).collect())
        .collect();
    let sum = sum_groups(lw, num, &groups, 1);
    Ok(div(
        lw,
        num,
        sum,
        (0..n * k).map(|e| (e / k) as u32).collect(),
        s,
    ))
}
