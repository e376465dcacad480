//! The Lagrange bases of an SRS, and the checks that tie them and the powers to `τ`.
//!
//! **Every smaller size at hand.** Cutting an SRS of size `K` down to `k` needs the Lagrange
//! basis of size `2^k`, `L_i(τ)·G1`: an inverse FFT over G1 (`(k/2 + 1)·2^k` scalar
//! multiplications, 29 s for 17 → 13 in a page). The files zkonnx writes (`gen-srs`, `srs
//! import`, `get-srs`) carry them after halo2's layout, in a trailer halo2 and ezkl never read:
//! the magic [`MAGIC`], then for `k = K−1` down to `1` the `2^k` points of that basis (raw
//! layout). `2^K − 2` points more: the file grows by half. Cutting down is then a copy.
//!
//! **Nothing in a file is taken on trust** ([`check_powers`], [`check_basis`], on every load): the KZG
//! verifier reads only `g[0]`, `g2` and `s·g2`, but key generation commits to the circuit's
//! fixed columns with the Lagrange basis, so a basis that is not `L_i(τ)·G1` for the `τ` of
//! `s·g2` would give a verifying key whose commitments are not the circuit's. Two random
//! combinations check the points that are used, each with one chance in `r` of passing a
//! wrong point:
//! - the powers: `e(Σρ_i·g[i+1], g2) = e(Σρ_i·g[i], s·g2)` (with `e(g[1], g2) = e(g[0], s·g2)`,
//!   checked on every load, every `g[i]` is `τ^i·G1`);
//! - the basis against the powers: `Σ v_i·Lg_i = Σ c_j·g[j]` for random values `v` and `c`
//!   their coefficients (`L_i(X) = (1/n)·Σ_j ω^(−ij)·X^j`, so `c` is the inverse FFT of `v`).

use halo2_proofs::arithmetic::{best_multiexp, g_to_lagrange};
use halo2_proofs::poly::EvaluationDomain;
use halo2curves::bn256::{multi_miller_loop, Fr, G1Affine, G2Affine, G2Prepared, Gt, G1};
use halo2curves::ff::{BatchInvert, Field, PrimeField};
use halo2curves::group::prime::PrimeCurveAffine;
use halo2curves::group::{Curve, Group};
use halo2curves::pairing::MillerLoopResult;
use halo2curves::serde::SerdeObject;
use halo2curves::CurveAffine;
use rand::rngs::StdRng;
use rand::SeedableRng;
use rayon::prelude::*;

use super::{SrsError, G1_BYTES};

/// The trailer's first bytes.
pub const MAGIC: &[u8; 8] = b"zkLagr\x01\0";

/// Bytes of the trailer of an SRS of size `big_k`: the magic and the bases of `k < big_k`
/// (`u64`: on wasm32 the sizes of the largest `k` do not fit a `usize`).
pub fn trailer_len(big_k: u32) -> u64 {
    MAGIC.len() as u64 + (1u64 << big_k).saturating_sub(2) * G1_BYTES as u64
}

/// Where the basis of size `2^k` starts in the trailer of an SRS of size `big_k`
/// (`1 ≤ k < big_k`): after the magic and the bases of `big_k − 1` down to `k + 1`.
fn offset(big_k: u32, k: u32) -> usize {
    MAGIC.len() + ((1usize << big_k) - (1usize << (k + 1))) * G1_BYTES
}

/// The raw points of the basis of size `2^k` in `trailer` (an SRS of size `big_k`'s).
pub fn basis_in(trailer: &[u8], big_k: u32, k: u32) -> &[u8] {
    let at = offset(big_k, k);
    &trailer[at..at + (1usize << k) * G1_BYTES]
}

/// G1 points from raw bytes, each checked to be on the curve; `what(i)` names a bad one.
pub fn points(
    raw: &[u8],
    what: impl Fn(usize) -> String + Sync,
) -> Result<Vec<G1Affine>, SrsError> {
    raw.par_chunks_exact(G1_BYTES)
        .enumerate()
        .map(|(i, c)| {
            G1Affine::from_raw_bytes(c)
                .filter(|q| bool::from(q.is_on_curve()))
                .ok_or_else(|| SrsError::Point(format!("{} is not a point of G1", what(i))))
        })
        .collect()
}

/// `e(a, b) = e(c, d)`.
pub fn pairs_equal(a: &G1Affine, b: &G2Affine, c: &G1Affine, d: &G2Affine) -> bool {
    let (pb, pd) = (G2Prepared::from(*b), G2Prepared::from(*d));
    let neg_c = -*c;
    multi_miller_loop(&[(a, &pb), (&neg_c, &pd)]).final_exponentiation() == Gt::identity()
}

/// Every `g[i+1] = τ·g[i]` for the `τ` of `s_g2` (given `g[0]` the generator and `g2` too):
/// one pairing check on a random combination.
pub fn check_powers(g: &[G1Affine], g2: &G2Affine, s_g2: &G2Affine) -> Result<(), SrsError> {
    if g.len() < 2 {
        return Ok(());
    }
    let mut rng = StdRng::from_entropy();
    let rho: Vec<Fr> = (0..g.len() - 1).map(|_| Fr::random(&mut rng)).collect();
    let lo = best_multiexp(&rho, &g[..g.len() - 1]).to_affine();
    let hi = best_multiexp(&rho, &g[1..]).to_affine();
    if !pairs_equal(&hi, g2, &lo, s_g2) {
        return Err(SrsError::Spoofed(
            "the G1 powers g[i] are not consecutive powers of the τ of s·g2".into(),
        ));
    }
    Ok(())
}

/// `lagrange` is the Lagrange basis of the powers `g` (both `2^k` points): one random
/// combination.
pub fn check_basis(g: &[G1Affine], lagrange: &[G1Affine], k: u32) -> Result<(), SrsError> {
    let wrong = || {
        SrsError::Spoofed(format!(
            "the Lagrange basis of size 2^{k} is not that of the G1 powers"
        ))
    };
    if k == 0 {
        // one point: L_0 = 1
        return if g == lagrange { Ok(()) } else { Err(wrong()) };
    }
    let mut rng = StdRng::from_entropy();
    let domain = EvaluationDomain::<Fr>::new(1, k);
    let v: Vec<Fr> = (0..g.len()).map(|_| Fr::random(&mut rng)).collect();
    let c = domain.lagrange_to_coeff(domain.lagrange_from_vec(v.clone()));
    let lhs = best_multiexp(&v, lagrange);
    let rhs = best_multiexp(&c[..], g);
    if lhs != rhs {
        return Err(wrong());
    }
    Ok(())
}

/// The trailer of an SRS whose powers are `g` (`2^big_k` points): each smaller basis by an
/// inverse FFT over G1 (`srs import`; slow: `(k/2 + 1)·2^k` scalar multiplications each).
pub fn trailer_from_powers(g: &[G1Affine], big_k: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(trailer_len(big_k) as usize);
    out.extend_from_slice(MAGIC);
    for k in (1..big_k).rev() {
        let proj: Vec<G1> = g[..1 << k].iter().map(|p| p.to_curve()).collect();
        for p in g_to_lagrange::<G1Affine>(proj, k) {
            out.extend_from_slice(&p.to_raw_bytes());
        }
    }
    out
}

/// `L_i(τ)` for `i < 2^k`: `(τ^n − 1)/n · ω^i/(τ − ω^i)` (the Lagrange polynomials of
/// halo2's domain of size `n = 2^k`, at `τ`).
pub fn lagrange_at(tau: Fr, k: u32) -> Vec<Fr> {
    let n = 1usize << k;
    let mut omega = Fr::ROOT_OF_UNITY;
    for _ in k..Fr::S {
        omega = omega.square();
    }
    let mut w = Vec::with_capacity(n);
    let mut x = Fr::ONE;
    for _ in 0..n {
        w.push(x);
        x *= omega;
    }
    let mut den: Vec<Fr> = w.iter().map(|w| tau - w).collect();
    den.iter_mut().batch_invert();
    let m = (tau.pow_vartime([n as u64]) - Fr::ONE) * Fr::from(n as u64).invert().unwrap();
    w.iter().zip(&den).map(|(w, d)| m * w * d).collect()
}

/// `s_i·G1` for many scalars: a table of `d·16^j·G1` (64 windows of 4 bits), then 64 additions
/// per point, in parallel.
pub fn fixed_base(scalars: &[Fr]) -> Vec<G1Affine> {
    let base = G1::generator();
    let mut table: Vec<G1> = Vec::with_capacity(64 * 16);
    let mut w = base;
    for _ in 0..64 {
        let mut acc = G1::identity();
        for _ in 0..16 {
            table.push(acc);
            acc += w;
        }
        w = acc;
    }
    let mut t_aff = vec![G1Affine::identity(); table.len()];
    G1::batch_normalize(&table, &mut t_aff);
    let proj: Vec<G1> = scalars
        .par_iter()
        .map(|s| {
            let repr = s.to_repr();
            let mut acc = G1::identity();
            for (j, byte) in repr.as_ref().iter().enumerate() {
                for (h, d) in [(0, byte & 15), (1, byte >> 4)] {
                    if d != 0 {
                        acc += t_aff[(2 * j + h) * 16 + d as usize];
                    }
                }
            }
            acc
        })
        .collect();
    let mut out = vec![G1Affine::identity(); proj.len()];
    out.par_chunks_mut(4096)
        .zip(proj.par_chunks(4096))
        .for_each(|(o, p)| G1::batch_normalize(p, o));
    out
}

/// The trailer of the SRS of secret `tau` and size `big_k`, from `τ` (the development SRS).
pub fn trailer_from_secret(tau: Fr, big_k: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(trailer_len(big_k) as usize);
    out.extend_from_slice(MAGIC);
    for k in (1..big_k).rev() {
        for p in fixed_base(&lagrange_at(tau, k)) {
            out.extend_from_slice(&p.to_raw_bytes());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{body_len, dev::SecretRng, load_for_k, params_from_secret_unsafe};
    use super::*;
    use halo2_proofs::poly::commitment::{Params, ParamsProver};
    use halo2_proofs::poly::kzg::commitment::ParamsKZG;
    use halo2curves::bn256::Bn256;

    const BIG_K: u32 = 5;

    fn tau() -> Fr {
        Fr::from(0xfeed_beefu64).square()
    }

    fn halo2_setup(k: u32) -> ParamsKZG<Bn256> {
        ParamsKZG::<Bn256>::setup(k, SecretRng::new(tau()))
    }

    /// The raw bytes of a params' Lagrange basis (halo2 keeps it private).
    fn lagrange_raw(p: &ParamsKZG<Bn256>) -> Vec<u8> {
        let mut b = vec![];
        p.write(&mut b).unwrap();
        let n = p.n() as usize;
        b[4 + n * G1_BYTES..4 + 2 * n * G1_BYTES].to_vec()
    }

    fn raw(points: &[G1Affine]) -> Vec<u8> {
        points.iter().flat_map(|p| p.to_raw_bytes()).collect()
    }

    fn point_at(bytes: &[u8], at: usize) -> G1Affine {
        G1Affine::from_raw_bytes(&bytes[at..at + G1_BYTES]).unwrap()
    }

    fn put_point(bytes: &mut [u8], at: usize, p: G1Affine) {
        bytes[at..at + G1_BYTES].copy_from_slice(&p.to_raw_bytes());
    }

    #[test]
    fn the_development_srs_is_halo2s_setup_and_its_trailer_every_smaller_basis() {
        let ours = params_from_secret_unsafe(BIG_K, tau());
        let mut theirs = vec![];
        halo2_setup(BIG_K).write(&mut theirs).unwrap();
        assert_eq!(ours[..body_len(BIG_K)], theirs[..]);
        let trailer = &ours[body_len(BIG_K)..];
        assert_eq!(trailer.len() as u64, trailer_len(BIG_K));
        for k in 1..BIG_K {
            assert_eq!(
                basis_in(trailer, BIG_K, k),
                lagrange_raw(&halo2_setup(k)),
                "k = {k}"
            );
        }
        // an imported SRS's trailer is computed from the powers alone: the same bytes
        assert_eq!(
            trailer_from_powers(halo2_setup(BIG_K).get_g(), BIG_K),
            trailer
        );
    }

    #[test]
    fn cutting_down_takes_the_trailers_basis_and_equals_halo2s_downsize() {
        let file = params_from_secret_unsafe(BIG_K, tau());
        let without = &file[..body_len(BIG_K)];
        for k in 1..=BIG_K {
            let mut want = halo2_setup(BIG_K);
            want.downsize(k);
            for bytes in [&file[..], without] {
                let got = load_for_k(bytes, k).unwrap();
                assert_eq!(got.get_g(), want.get_g(), "k = {k}");
                assert_eq!(
                    lagrange_raw(&got.to_halo2()),
                    lagrange_raw(&want),
                    "k = {k}"
                );
                assert_eq!((got.kzg().g2(), got.kzg().s_g2()), (want.g2(), want.s_g2()));
            }
        }
    }

    /// The attacks: points of G1, on the curve, that are not what `τ` makes them. Each is
    /// refused on load, naming what is wrong.
    #[test]
    fn a_basis_or_power_that_is_not_of_tau_is_refused() {
        let file = params_from_secret_unsafe(BIG_K, tau());
        let n = 1usize << BIG_K;
        let expect = |bytes: &[u8], k: u32, what: &str| {
            let Err(e) = load_for_k(bytes, k) else {
                panic!("a forged SRS loads at k = {k} ({what})")
            };
            let e = e.to_string();
            assert!(e.contains("SRS rejected") && e.contains(what), "{e}");
        };
        // a point of the trailer's basis of size 2^3, doubled
        let mut f = file.clone();
        let at = body_len(BIG_K) + offset(BIG_K, 3) + 2 * G1_BYTES;
        let p = point_at(&f, at);
        put_point(&mut f, at, (p + p).to_affine());
        expect(&f, 3, "Lagrange basis of size 2^3");
        // the other sizes are untouched
        load_for_k(&f, 2).unwrap();
        // the full size's basis (halo2's own layout), one point moved by G1
        let mut f = file.clone();
        let at = 4 + (n + 7) * G1_BYTES;
        let p = point_at(&f, at);
        put_point(&mut f, at, (p + G1Affine::generator()).to_affine());
        expect(&f, BIG_K, "Lagrange basis of size 2^5");
        // a power g[3] moved, with every basis recomputed from the moved powers: consistent
        // with each other, not with τ
        let mut g: Vec<G1Affine> = halo2_setup(BIG_K).get_g().to_vec();
        g[3] = (g[3] + G1Affine::generator()).to_affine();
        let mut f = file.clone();
        f[4..4 + n * G1_BYTES].copy_from_slice(&raw(&g));
        let proj = g.iter().map(|p| p.to_curve()).collect();
        f[4 + n * G1_BYTES..4 + 2 * n * G1_BYTES]
            .copy_from_slice(&raw(&g_to_lagrange(proj, BIG_K)));
        f.truncate(body_len(BIG_K));
        f.extend_from_slice(&trailer_from_powers(&g, BIG_K));
        for k in [2, BIG_K] {
            expect(&f, k, "not consecutive powers");
        }
        // g[0], g[1] and their basis are τ's
        load_for_k(&f, 1).unwrap();
        // k = 0: g[0] is its own basis, with or without a trailer
        let one = load_for_k(&file, 0).unwrap();
        assert_eq!(one.get_g(), &halo2_setup(BIG_K).get_g()[..1]);
        // a header whose sizes overflow 32 bits (wasm32's usize) is a length error, not a panic
        let mut tiny = 26u32.to_le_bytes().to_vec();
        tiny.resize(140, 0);
        assert!(super::super::header(&tiny).is_err());
        // a trailer cut short is not a trailer
        let e = super::super::header(&file[..file.len() - 1])
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs exactly"), "{e}");
    }
}
