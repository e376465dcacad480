//! A multi-scalar multiplication on BN254's G1, every build's commitments (the WebAssembly
//! builds' diff of halo2curves-axiom, PATCHES.md, carries the same algorithm for the rest).
//! Against halo2curves' `msm_best`:
//! - GLV: each term k·P is split as k₁·P + k₂·ζP with |k₁|, |k₂| < 2^128 ([`split_scalar`]),
//!   ζP = (β·x, y); twice the points, half the windows, so half the bucket reductions. A scalar
//!   below 2^128 in magnitude (a witness column's small values) is its own split.
//! - Per window the points are sorted by bucket and each bucket summed by a pairwise tree whose
//!   levels are batches of affine additions over all buckets at once (one inversion per
//!   [`PAIR_CHUNK`]), so no addition is projective or waits for another: repeated scalars (a
//!   lookup's sorted columns) cost what distinct ones do.
//! - The bucket reduction runs [`REDUCE_SEGMENTS`] running sums in lockstep, also batch-affine.
//! - The windows are combined by Horner's rule.

use halo2curves::bn256::{Fq, Fr, G1Affine, G1};
use halo2curves::ff::{Field, PrimeField, WithSmallOrderMulGroup};
use halo2curves::group::{prime::PrimeCurveAffine, Group};
use rayon::prelude::*;

/// From this many points [`super::ProverParams`] commits with [`msm`] (below it, halo2's).
pub const MIN_POINTS: usize = 16;

/// Bits of a GLV half: |k₁|, |k₂| < 2^128.
const HALF_BITS: usize = 128;

/// An affine point (never the identity: that is `None` where a slot may be empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Pt {
    x: Fq,
    y: Fq,
}

impl Pt {
    fn neg(self) -> Pt {
        Pt {
            x: self.x,
            y: -self.y,
        }
    }
    fn affine(self) -> G1Affine {
        G1Affine {
            x: self.x,
            y: self.y,
        }
    }
}

/// Σ coeffs[i]·bases[i], each term where it is fastest natively (`tests::timing`, 2 threads):
/// terms whose scalar is below 2^128 in magnitude (a witness column's values) by [`msm_with`]
/// (4–6× halo2's: it skips their zero windows and never waits on a bucket); full-size scalars by
/// [`msm_with`] too below [`HALO2_FROM`] of them (2× halo2's serial sum there), else by halo2's
/// `best_multiexp` (its batch-affine buckets, faster than ours from there).
pub fn msm(coeffs: &[Fr], bases: &[G1Affine]) -> G1 {
    assert_eq!(coeffs.len(), bases.len());
    let threads = rayon::current_num_threads();
    let ks: Vec<[u64; 4]> = coeffs.par_iter().map(limbs).collect();
    let small: Vec<bool> = ks.par_iter().map(|k| signed(k).is_some()).collect();
    let large = small.iter().filter(|&&s| !s).count();
    if large < HALO2_FROM {
        return sum(&ks, bases, window(ks.len(), threads));
    }
    if large == ks.len() {
        return halo2_proofs::arithmetic::best_multiexp(coeffs, bases);
    }
    let (mut sk, mut sb, mut lk, mut lb) = (vec![], vec![], vec![], vec![]);
    for (((k, f), p), &is_small) in ks.iter().zip(coeffs).zip(bases).zip(&small) {
        if is_small {
            sk.push(*k);
            sb.push(*p);
        } else {
            lk.push(*f);
            lb.push(*p);
        }
    }
    sum(&sk, &sb, window(sk.len(), threads)) + halo2_proofs::arithmetic::best_multiexp(&lk, &lb)
}

/// From this many full-size scalars [`msm`] leaves them to halo2 (whose `msm_best` turns to its
/// batch-affine buckets from e^9 ≈ 8100 points).
#[cfg(not(target_arch = "wasm32"))]
const HALO2_FROM: usize = 8192;
/// On wasm32 a field multiplication costs several times native, and halo2's projective additions
/// lose at every size: never.
#[cfg(target_arch = "wasm32")]
const HALO2_FROM: usize = usize::MAX;

/// Σ coeffs[i]·bases[i] with window `c` (2 ≤ c ≤ 16). Panics on a length mismatch or another c.
pub fn msm_with(coeffs: &[Fr], bases: &[G1Affine], c: usize) -> G1 {
    assert_eq!(coeffs.len(), bases.len());
    let ks: Vec<[u64; 4]> = coeffs.par_iter().map(limbs).collect();
    sum(&ks, bases, c)
}

/// [`msm_with`] on the scalars' canonical limbs.
fn sum(ks: &[[u64; 4]], bases: &[G1Affine], c: usize) -> G1 {
    assert!((2..=16).contains(&c), "window {c}");
    let (points, scalars) = split(ks, bases);
    if points.is_empty() {
        return G1::identity();
    }
    let windows = HALF_BITS / c + 1;
    let sums: Vec<G1> = (0..windows)
        .into_par_iter()
        .map(|w| window_sum(&points, &scalars, w, c))
        .collect();
    let mut acc = G1::identity();
    for s in sums.iter().rev() {
        for _ in 0..c {
            acc = acc.double();
        }
        acc += s;
    }
    acc
}

/// The window for `n` terms on `threads` threads: the c minimising an estimate of the work on
/// the busiest thread, windows per thread × (accumulation + reduction), in field
/// multiplications: a point ≈ [`ACC_COST`] (its share of a batch-affine addition, sorting and
/// copying); a batch-affine reduction ≈ 12 per bucket, 80 per step (its inversion) and its
/// segments' projective sums; a projective one (fewer than 2S buckets) ≈ 36 per bucket.
pub fn window(n: usize, threads: usize) -> usize {
    let threads = threads.max(1) as u64;
    let points = 2 * n as u64;
    let segs = REDUCE_SEGMENTS as u64;
    (3..=16)
        .min_by_key(|&c| {
            let windows = (HALF_BITS / c + 1) as u64;
            let buckets = 1u64 << (c - 1);
            let reduce = if buckets >= 2 * segs {
                12 * buckets + 80 * (buckets / segs + 1) + 3 * 18 * segs
            } else {
                36 * buckets
            };
            windows.div_ceil(threads) * (points * ACC_COST + reduce)
        })
        .unwrap_or(10)
}

/// See [`window`].
const ACC_COST: u64 = 8;

/// GLV lattice for λ = `Fr::ZETA` (ζ·(x, y) = (`Fq::ZETA`·x, y) is multiplication by λ on G1):
/// the short basis v₁ = (A1, −B1), v₂ = (A2, B2) of {(a, b) : a + b·λ ≡ 0 mod r}, and
/// G1 = round(2^256·B2 / r), G2 = round(2^256·B1 / r) for Babai's rounding (computed from r and
/// λ by the extended Euclidean algorithm; `tests::glv_basis` checks them).
const A1: u128 = 0x6f4d8248eeb859fc8211bbeb7d4f1128;
const B1: u128 = 0x89d3256894d213e3;
const A2: u128 = 0x89d3256894d213e3;
const B2: u128 = 0x6f4d8248eeb859fd0be4e1541221250b;
const G1_ROUND: [u64; 3] = [0x5398fd0300ff6565, 0x4ccef014a773d2d2, 0x2];
const G2_ROUND: [u64; 3] = [0xd91d232ec7e0b3d7, 0x2, 0x0];

/// ⌊k·g / 2^256⌋ for k < 2^256 and g < 2^192 (the result fits 128 bits for the constants above).
fn mul_shift(k: &[u64; 4], g: &[u64; 3]) -> u128 {
    let mut t = [0u64; 7];
    for (i, &ki) in k.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &gj) in g.iter().enumerate() {
            let v = (ki as u128) * (gj as u128) + (t[i + j] as u128) + carry;
            t[i + j] = v as u64;
            carry = v >> 64;
        }
        t[i + 3] = carry as u64;
    }
    (t[4] as u128) | ((t[5] as u128) << 64)
}

/// BN254's scalar modulus r, little-endian limbs.
const R: [u64; 4] = [
    0x43e1f593f0000001,
    0x2833e84879b97091,
    0xb85045b68181585d,
    0x30644e72e131a029,
];

/// k's canonical integer value (k < r), little-endian limbs.
fn limbs(k: &Fr) -> [u64; 4] {
    let repr = k.to_repr();
    std::array::from_fn(|i| u64::from_le_bytes(repr.as_ref()[8 * i..8 * i + 8].try_into().unwrap()))
}

fn sub256(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut borrow = 0u64;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(borrow);
        out[i] = d;
        borrow = (b1 | b2) as u64;
    }
    out
}

/// a·b in 256 bits.
fn mul128(a: u128, b: u128) -> [u64; 4] {
    let (a0, a1, b0, b1) = (a as u64 as u128, a >> 64, b as u64 as u128, b >> 64);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 as u64 as u128) + (p10 as u64 as u128);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    [p00 as u64, mid as u64, hi as u64, (hi >> 64) as u64]
}

/// A 256-bit two's-complement value as (|v|, v < 0) when |v| < 2^128.
fn to_signed(v: [u64; 4]) -> Option<(u128, bool)> {
    let neg = v[3] >> 63 == 1;
    let m = if neg { sub256(&[0; 4], &v) } else { v };
    (m[2] == 0 && m[3] == 0).then(|| (m[0] as u128 | (m[1] as u128) << 64, neg))
}

/// k (canonical limbs) as a signed 128-bit magnitude, k or k − r: (|v|, v < 0), or `None` when
/// neither k nor r − k is below 2^128.
fn signed(k: &[u64; 4]) -> Option<(u128, bool)> {
    if k[2] == 0 && k[3] == 0 {
        return Some((k[0] as u128 | (k[1] as u128) << 64, false));
    }
    let m = sub256(&R, k);
    (m[2] == 0 && m[3] == 0).then(|| (m[0] as u128 | (m[1] as u128) << 64, true))
}

/// k = s₁·k₁ + s₂·k₂·λ (mod r) with k₁, k₂ < 2^128, returned as (k₁, s₁ < 0, k₂, s₂ < 0). By
/// Babai's rounding with the basis above, in exact integer arithmetic: (k₁, k₂) = (k, 0) −
/// c₁·v₁ − c₂·v₂. `None` (a half of 2^128 or more) does not happen for this basis
/// (`tests::every_split_is_short`); [`split`] refuses it rather than mis-sum.
pub fn split_scalar(k: &Fr) -> Option<(u128, bool, u128, bool)> {
    split_limbs(&limbs(k))
}

fn split_limbs(k: &[u64; 4]) -> Option<(u128, bool, u128, bool)> {
    if let Some(m) = signed(k) {
        return Some((m.0, m.1, 0, false));
    }
    let c1 = mul_shift(k, &G1_ROUND);
    let c2 = mul_shift(k, &G2_ROUND);
    let k1 = sub256(&sub256(k, &mul128(c1, A1)), &mul128(c2, A2));
    let k2 = sub256(&mul128(c1, B1), &mul128(c2, B2));
    let (m1, n1) = to_signed(k1)?;
    let (m2, n2) = to_signed(k2)?;
    Some((m1, n1, m2, n2))
}

/// The GLV split: 2n signed points and 128-bit magnitudes; zero scalars and identity bases left
/// out.
fn split(coeffs: &[[u64; 4]], bases: &[G1Affine]) -> (Vec<Pt>, Vec<u128>) {
    let parts: Vec<[(Pt, u128); 2]> = coeffs
        .par_iter()
        .zip(bases.par_iter())
        .filter(|(k, p)| **k != [0; 4] && !bool::from(p.is_identity()))
        .map(|(k, p)| {
            let (k1, n1, k2, n2) = split_limbs(k)
                .expect("the GLV basis splits every scalar (tests::every_split_is_short)");
            let p = Pt { x: p.x, y: p.y };
            let p1 = if n1 { p.neg() } else { p };
            let z = Pt {
                x: p.x * Fq::ZETA,
                y: p.y,
            };
            let p2 = if n2 { z.neg() } else { z };
            [(p1, k1), (p2, k2)]
        })
        .collect();
    parts.into_iter().flatten().filter(|(_, s)| *s != 0).unzip()
}

/// The signed digit of window `w` (width c) of k < 2^128: d = u + b − 2^c·t, where u is the
/// window's c bits, b the bit just below the window (0 for the first) and t the window's top
/// bit, so that k = Σ d_w·2^(wc) and |d| ≤ 2^(c−1).
fn digit(k: u128, w: usize, c: usize) -> i32 {
    let lo = w * c;
    let below = if lo == 0 {
        0
    } else {
        ((k >> (lo - 1)) & 1) as i32
    };
    let u = if lo >= 128 {
        0
    } else {
        ((k >> lo) & ((1u128 << c) - 1)) as i32
    };
    let top = (u >> (c - 1)) & 1;
    u + below - (top << c)
}

/// Σ d_w(k_i)·P_i over window `w`: the points sorted by bucket (a counting sort on |d|), each
/// bucket summed by a pairwise tree of batch-affine levels, then the buckets reduced.
fn window_sum(points: &[Pt], scalars: &[u128], w: usize, c: usize) -> G1 {
    let m = 1usize << (c - 1);
    let digits: Vec<i32> = scalars.iter().map(|&k| digit(k, w, c)).collect();
    // start[b]..start[b + 1]: bucket b's points in `work`
    let mut start = vec![0u32; m + 1];
    for &d in &digits {
        if d != 0 {
            start[d.unsigned_abs() as usize] += 1;
        }
    }
    for b in 0..m {
        start[b + 1] += start[b];
    }
    let total = start[m] as usize;
    if total == 0 {
        return G1::identity();
    }
    let mut next = start.clone();
    let mut work: Vec<Option<Pt>> = vec![None; total];
    for (p, &d) in points.iter().zip(&digits) {
        if d != 0 {
            let b = d.unsigned_abs() as usize - 1;
            work[next[b] as usize] = Some(if d > 0 { *p } else { p.neg() });
            next[b] += 1;
        }
    }
    // level r adds the element 2^r after each element at a multiple of 2^(r+1) into it
    let mut pairs = Pairs::default();
    let mut todo: Vec<(u32, u32)> = Vec::new();
    let mut stride = 1u32;
    loop {
        todo.clear();
        for b in 0..m {
            let (s, e) = (start[b], start[b + 1]);
            let mut i = s;
            while i + stride < e {
                todo.push((i, i + stride));
                i += 2 * stride;
            }
        }
        if todo.is_empty() {
            break;
        }
        pairs.add(&mut work, &todo);
        stride *= 2;
    }
    let buckets: Vec<Option<Pt>> = (0..m)
        .map(|b| {
            if start[b] < start[b + 1] {
                work[start[b] as usize]
            } else {
                None
            }
        })
        .collect();
    drop(work);
    if m < 2 * REDUCE_SEGMENTS {
        let mut running = G1::identity();
        let mut sum = G1::identity();
        for b in buckets.iter().rev() {
            if let Some(a) = b {
                running += a.affine();
            }
            sum += running;
        }
        return sum;
    }
    reduce(buckets, &mut pairs)
}

/// Segments of the batch-affine bucket reduction (its batches hold 2 × this many additions).
const REDUCE_SEGMENTS: usize = 32;

/// Additions per inversion in [`Pairs::add`].
const PAIR_CHUNK: usize = 512;

/// Σ (b + 1)·B_b over the buckets, m = buckets.len() a power of two ≥ 2S: the buckets are cut
/// into S segments of L; the segments run their running sums in lockstep, affine, each step one
/// batch of 2S additions (R_s += B_j and T_s += R_s, the latter with R_s from the step before),
/// so that afterwards R_s = Σ_{j∈s} B_j and T_s = Σ_{j∈s} (j − sL + 1)·B_j. Then
/// Σ (b + 1)·B_b = Σ_s T_s + L·Σ_s s·R_s, the last sum by a short projective running sum.
fn reduce(buckets: Vec<Option<Pt>>, pairs: &mut Pairs) -> G1 {
    let m = buckets.len();
    let segs = REDUCE_SEGMENTS;
    let len = m / segs;
    debug_assert!(m.is_power_of_two() && len >= 2);
    // v = [R_0 … R_{S−1}, T_0 … T_{S−1}, the step's B_j for each s, R_s before the step]
    let mut v: Vec<Option<Pt>> = vec![None; 4 * segs];
    let todo: Vec<(u32, u32)> = (0..2 * segs as u32)
        .map(|i| (i, 2 * segs as u32 + i))
        .collect();
    for t in 0..=len {
        for s in 0..segs {
            v[2 * segs + s] = if t < len {
                buckets[(s + 1) * len - 1 - t]
            } else {
                None
            };
            v[3 * segs + s] = v[s];
        }
        pairs.add(&mut v, &todo);
    }
    let mut total = G1::identity();
    let mut running = G1::identity();
    let mut weighted = G1::identity();
    for s in (0..segs).rev() {
        if let Some(a) = v[segs + s] {
            total += a.affine();
        }
        if s > 0 {
            if let Some(a) = v[s] {
                running += a.affine();
            }
            weighted += running;
        }
    }
    for _ in 0..len.trailing_zeros() {
        weighted = weighted.double();
    }
    total + weighted
}

/// v[a] ← v[a] + v[b] for every pair (a, b), affine, one field inversion per [`PAIR_CHUNK`]
/// pairs (Montgomery's trick); doublings, P + (−P) and empty slots included. Within one call no
/// index may be both a destination and another pair's source, nor a destination twice.
#[derive(Default)]
struct Pairs {
    /// per pair: an addition or doubling to compute (den, num and prefix set)
    todo: Vec<bool>,
    den: Vec<Fq>,
    num: Vec<Fq>,
    prefix: Vec<Fq>,
}

impl Pairs {
    fn add(&mut self, v: &mut [Option<Pt>], pairs: &[(u32, u32)]) {
        for chunk in pairs.chunks(PAIR_CHUNK) {
            self.add_chunk(v, chunk);
        }
    }

    fn add_chunk(&mut self, v: &mut [Option<Pt>], pairs: &[(u32, u32)]) {
        let n = pairs.len();
        self.todo.clear();
        self.todo.resize(n, false);
        self.den.resize(n, Fq::ZERO);
        self.num.resize(n, Fq::ZERO);
        self.prefix.resize(n, Fq::ZERO);
        let mut acc = Fq::ONE;
        let mut any = false;
        for (i, &(a, b)) in pairs.iter().enumerate() {
            let (a, b) = (a as usize, b as usize);
            let Some(q) = v[b] else { continue };
            let Some(p) = v[a] else {
                v[a] = Some(q);
                continue;
            };
            if p.x == q.x {
                if p.y != q.y {
                    // q = −p (same x, both on the curve)
                    v[a] = None;
                    continue;
                }
                // doubling: λ = 3x² / 2y (y ≠ 0: G1 has no point of order 2)
                let xx = p.x.square();
                self.num[i] = xx + xx + xx;
                self.den[i] = p.y.double();
            } else {
                self.num[i] = q.y - p.y;
                self.den[i] = q.x - p.x;
            }
            self.todo[i] = true;
            self.prefix[i] = acc;
            acc *= self.den[i];
            any = true;
        }
        if !any {
            return;
        }
        // a product of non-zero denominators is non-zero (points of G1, never of order 2)
        let inv = acc.invert();
        debug_assert!(
            bool::from(inv.is_some()),
            "a zero denominator in a batch-affine sum"
        );
        let mut inv = inv.unwrap_or(Fq::ZERO);
        for (i, &(a, b)) in pairs.iter().enumerate().rev() {
            if !self.todo[i] {
                continue;
            }
            let d_inv = inv * self.prefix[i];
            inv *= self.den[i];
            let lambda = self.num[i] * d_inv;
            let (Some(q), Some(p)) = (v[b as usize], v[a as usize]) else {
                continue;
            };
            let x3 = lambda.square() - p.x - q.x;
            v[a as usize] = Some(Pt {
                x: x3,
                y: lambda * (p.x - x3) - p.y,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2curves::group::Curve;
    use rand::{rngs::StdRng, Rng, SeedableRng};

    fn naive(coeffs: &[Fr], bases: &[G1Affine]) -> G1 {
        coeffs
            .iter()
            .zip(bases)
            .fold(G1::identity(), |acc, (k, p)| acc + *p * k)
    }

    #[test]
    fn glv_basis() {
        // ζ·P = λ·P for λ = Fr::ZETA, and a + b·λ ≡ 0 for both basis vectors
        let g = G1Affine::generator();
        let z = G1Affine {
            x: g.x * Fq::ZETA,
            y: g.y,
        };
        assert_eq!((g * Fr::ZETA).to_affine(), z);
        let l = Fr::ZETA;
        assert_eq!(Fr::from_u128(A1) - Fr::from_u128(B1) * l, Fr::ZERO);
        assert_eq!(Fr::from_u128(A2) + Fr::from_u128(B2) * l, Fr::ZERO);
    }

    #[test]
    fn every_split_is_short() {
        let mut rng = StdRng::seed_from_u64(7);
        let edge = [
            Fr::ZERO,
            Fr::ONE,
            -Fr::ONE,
            Fr::from_u128(u128::MAX),
            -Fr::from_u128(u128::MAX),
            Fr::ZETA,
            -Fr::ZETA,
        ];
        let random = (0..20_000).map(|_| Fr::random(&mut rng));
        for k in edge.into_iter().chain(random) {
            let (k1, n1, k2, n2) = split_scalar(&k).expect("short split");
            let s = |m: u128, n: bool| {
                if n {
                    -Fr::from_u128(m)
                } else {
                    Fr::from_u128(m)
                }
            };
            assert_eq!(s(k1, n1) + s(k2, n2) * Fr::ZETA, k);
        }
    }

    #[test]
    fn digits_recompose() {
        let mut rng = StdRng::seed_from_u64(1);
        for c in 2..=16 {
            for _ in 0..200 {
                let k: u128 = rng.gen();
                let mut sum: i128 = 0;
                let mut hi = 0i128; // the part above 2^127, kept apart to stay in i128
                for w in (0..HALF_BITS / c + 1).rev() {
                    let d = digit(k, w, c);
                    assert!(d.unsigned_abs() <= 1 << (c - 1));
                    let shift = w * c;
                    if shift >= 64 {
                        hi += (d as i128) << (shift - 64);
                    } else {
                        sum += (d as i128) << shift;
                    }
                }
                let total = (hi as u128).wrapping_shl(64).wrapping_add(sum as u128);
                assert_eq!(total, k, "c = {c}");
            }
        }
    }

    #[test]
    fn msm_matches_the_naive_sum() {
        let mut rng = StdRng::seed_from_u64(3);
        for &n in &[1usize, 2, 17, 300, 1200] {
            let bases: Vec<G1Affine> = (0..n)
                .map(|_| (G1::generator() * Fr::random(&mut rng)).to_affine())
                .collect();
            // random, small, negative-small, repeated, zero scalars and a repeated, negated base
            let mut coeffs: Vec<Fr> = (0..n)
                .map(|i| match i % 5 {
                    0 => Fr::random(&mut rng),
                    1 => Fr::from(rng.gen::<u64>() % 50),
                    2 => -Fr::from(rng.gen::<u64>() % 50),
                    3 => Fr::from(7),
                    _ => Fr::ZERO,
                })
                .collect();
            let mut bases = bases;
            if n > 2 {
                bases[1] = bases[0];
                bases[2] = -bases[0];
                coeffs[1] = coeffs[0];
                coeffs[2] = coeffs[0];
            }
            let want = naive(&coeffs, &bases);
            for c in [2, 3, 5, 8, 11, 16] {
                assert_eq!(msm_with(&coeffs, &bases, c), want, "n = {n}, c = {c}");
            }
            assert_eq!(msm(&coeffs, &bases), want);
            assert_eq!(
                halo2_proofs::arithmetic::best_multiexp(&coeffs, &bases),
                want
            );
        }
    }

    #[test]
    fn mixed_routes_match_the_naive_sum() {
        // more full-size scalars than HALO2_FROM (natively they go to halo2's MSM) and small
        // ones (ours), summed together; and the same below the threshold
        let mut rng = StdRng::seed_from_u64(9);
        let n = HALO2_FROM.min(1 << 14) + 100;
        let g = G1::generator();
        let bases: Vec<G1Affine> = (0..n)
            .map(|i| (g * Fr::from(i as u64 + 1)).to_affine())
            .collect();
        let coeffs: Vec<Fr> = (0..n)
            .map(|i| {
                if i < 100 {
                    Fr::from(rng.gen::<u64>() % 1000) - Fr::from(500)
                } else {
                    Fr::random(&mut rng)
                }
            })
            .collect();
        // Σ k_i·(i+1)·G as one scalar multiplication
        let want = g * coeffs
            .iter()
            .enumerate()
            .fold(Fr::ZERO, |acc, (i, k)| acc + *k * Fr::from(i as u64 + 1));
        assert_eq!(msm(&coeffs, &bases), want);
        assert_eq!(
            msm(&coeffs[..2000], &bases[..2000]),
            g * coeffs[..2000]
                .iter()
                .enumerate()
                .fold(Fr::ZERO, |acc, (i, k)| acc + *k * Fr::from(i as u64 + 1))
        );
    }

    /// Timings against halo2's `best_multiexp` (not a test: `cargo test --release kzg::msm::tests::timing -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn timing() {
        let mut rng = StdRng::seed_from_u64(5);
        for log in [10u32, 12, 14, 16] {
            let n = 1usize << log;
            let bases: Vec<G1Affine> = {
                let g = (G1::generator() * Fr::random(&mut rng)).to_affine();
                let mut v = vec![g; n];
                let mut acc = G1::from(g);
                for p in v.iter_mut() {
                    acc += g;
                    *p = acc.to_affine();
                }
                v
            };
            for (what, coeffs) in [
                (
                    "random",
                    (0..n).map(|_| Fr::random(&mut rng)).collect::<Vec<_>>(),
                ),
                (
                    "small",
                    (0..n)
                        .map(|_| Fr::from(rng.gen::<u64>() % 65536) - Fr::from(32768))
                        .collect(),
                ),
            ] {
                let t = std::time::Instant::now();
                let a = halo2_proofs::arithmetic::best_multiexp(&coeffs, &bases);
                let t1 = t.elapsed();
                let t = std::time::Instant::now();
                let b = msm(&coeffs, &bases);
                let t2 = t.elapsed();
                assert_eq!(a, b);
                println!(
                    "2^{log} {what}: halo2 {t1:?}, ours {t2:?} (c = {})",
                    window(n, rayon::current_num_threads())
                );
                if std::env::var("SWEEP").is_ok() {
                    for c in 8..=16 {
                        let t = std::time::Instant::now();
                        msm_with(&coeffs, &bases, c);
                        println!("  c = {c}: {:?}", t.elapsed());
                    }
                }
            }
        }
    }
}
