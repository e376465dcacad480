//! SHPLONK multi-opening (as halo2's `VerifierSHPLONK`) and the final pairing check.
//!
//! Queries are grouped by commitment into the set of points each is opened at; commitments
//! opened at the same set of points form a rotation set (in order of first appearance). With
//! challenges `y` (across a set's commitments), `v` (across sets) and `u`, and the prover's
//! `h1`, `h2`, the claim reduces to `e(h2, s·G2) = e(R, G2)` where
//! `R = Σᵢ vⁱ·Zᵢ(u)/Z₀(u)·Σⱼ yʲ·(Cⱼ − rⱼ(u)) − Z₀(u)·h1 + u·h2`, `rⱼ` interpolating a
//! commitment's claimed evaluations over its set and `Zᵢ` vanishing on the points outside set i
//! (set 0 normalised away).

use super::bundle::Bundle;
use super::transcript::Transcript;
use super::VerifyError;
use bn254::bn256::{Bn256, Fr, G1Affine, G1};
use bn254::ff::Field;
use bn254::group::{Curve, Group};
use bn254::pairing::{MillerLoopResult, MultiMillerLoop};

pub enum Commitment {
    Point(G1Affine),
    /// a linear combination, e.g. the quotient's pieces
    Msm(Vec<(Fr, G1Affine)>),
}

pub struct Query {
    commitment: usize,
    point: Fr,
    eval: Fr,
}

impl Query {
    pub fn new(commitment: usize, point: Fr, eval: Fr) -> Self {
        Self {
            commitment,
            point,
            eval,
        }
    }
}

/// `Π (z − pᵢ)`
fn vanishing(points: &[Fr], z: Fr) -> Fr {
    points.iter().fold(Fr::ONE, |acc, p| acc * (z - p))
}

/// The Lagrange coefficients of `points` at `z`: the polynomial through `(points[j], e[j])`
/// is `Σ e[j]·c[j]` at `z`. They depend on the point set alone, so every commitment opened at
/// the same points shares them (one inversion per point per set, not per commitment).
fn lagrange_coeffs(points: &[Fr], z: Fr) -> Vec<Fr> {
    points
        .iter()
        .enumerate()
        .map(|(j, pj)| {
            let (mut num, mut den) = (Fr::ONE, Fr::ONE);
            for (k, pk) in points.iter().enumerate() {
                if k != j {
                    num *= z - pk;
                    den *= *pj - pk;
                }
            }
            num * Option::<Fr>::from(den.invert()).unwrap_or(Fr::ZERO)
        })
        .collect()
}

fn set_eq(a: &[Fr], b: &[Fr]) -> bool {
    a.len() == b.len() && a.iter().all(|p| b.contains(p))
}

pub fn verify(
    b: &Bundle,
    t: &mut Transcript,
    commitments: &[Commitment],
    queries: &[Query],
) -> Result<bool, VerifyError> {
    // a commitment opened twice at one point: halo2 refuses the opening
    for (i, q) in queries.iter().enumerate() {
        if queries[..i]
            .iter()
            .any(|p| p.commitment == q.commitment && p.point == q.point)
        {
            return Ok(false);
        }
    }
    // commitment -> its points (first-appearance order), then point sets -> commitments
    let mut by_commitment: Vec<(usize, Vec<Fr>)> = Vec::new();
    let mut all_points: Vec<Fr> = Vec::new();
    for q in queries {
        if !all_points.contains(&q.point) {
            all_points.push(q.point);
        }
        match by_commitment.iter_mut().find(|(c, _)| *c == q.commitment) {
            Some((_, pts)) => {
                if !pts.contains(&q.point) {
                    pts.push(q.point);
                }
            }
            None => by_commitment.push((q.commitment, vec![q.point])),
        }
    }
    let mut sets: Vec<(Vec<Fr>, Vec<usize>)> = Vec::new();
    for (c, pts) in by_commitment {
        match sets.iter_mut().find(|(s, _)| set_eq(s, &pts)) {
            Some((_, cs)) => cs.push(c),
            None => sets.push((pts, vec![c])),
        }
    }
    let eval_of = |c: usize, p: &Fr| {
        queries
            .iter()
            .find(|q| q.commitment == c && q.point == *p)
            .map(|q| q.eval)
            .expect("every (commitment, point) pair comes from a query")
    };

    let y = t.squeeze();
    let v = t.squeeze();
    let h1 = t.read_point()?;
    let u = t.squeeze();
    let h2 = t.read_point()?;
    if t.rest() != 0 {
        return Err(VerifyError::Proof(format!(
            "{} bytes after the end of the proof",
            t.rest()
        )));
    }

    // scalar per commitment (and per point of an MSM commitment), then one MSM
    let mut terms: Vec<(Fr, G1Affine)> = Vec::new();
    let mut r_outer = Fr::ZERO;
    let (mut z_0, mut z_0_diff_inv) = (Fr::ZERO, Fr::ZERO);
    let mut v_i = Fr::ONE;
    for (i, (points, cs)) in sets.iter().enumerate() {
        let outside: Vec<Fr> = all_points
            .iter()
            .filter(|p| !points.contains(p))
            .copied()
            .collect();
        let mut z_diff = vanishing(&outside, u);
        if i == 0 {
            z_0 = vanishing(points, u);
            z_0_diff_inv = Option::<Fr>::from(z_diff.invert()).unwrap_or(Fr::ZERO);
            z_diff = Fr::ONE;
        } else {
            z_diff *= z_0_diff_inv;
        }
        let scale = v_i * z_diff;
        let mut y_j = Fr::ONE;
        let mut r_inner = Fr::ZERO;
        let coeffs = lagrange_coeffs(points, u);
        for &c in cs {
            let at_u = points
                .iter()
                .zip(&coeffs)
                .fold(Fr::ZERO, |acc, (p, l)| acc + eval_of(c, p) * l);
            r_inner += y_j * at_u;
            match &commitments[c] {
                Commitment::Point(p) => terms.push((y_j * scale, *p)),
                Commitment::Msm(m) => terms.extend(m.iter().map(|(s, p)| (*s * y_j * scale, *p))),
            }
            y_j *= y;
        }
        r_outer += scale * r_inner;
        v_i *= v;
    }
    terms.push((-r_outer, b.g1));
    terms.push((-z_0, h1));
    terms.push((u, h2));
    let right = msm(&terms).to_affine();

    // e(h2, s·G2) · e(R, −G2) = 1
    let s_g2 = b.s_g2;
    let neg_g2 = -b.g2;
    let gt = Bn256::multi_miller_loop(&[(&h2, &s_g2), (&right, &neg_g2)]).final_exponentiation();
    Ok(bool::from(gt.is_identity()))
}

/// `Σ sᵢ·Pᵢ`: Pippenger's buckets with 4-bit windows over the scalars' little-endian bytes (a
/// proof has a few dozen points: 64 windows of one mixed addition per point and 30 to sum the
/// buckets, and 256 doublings). Ours rather than halo2curves' `msm_best`, whose scheduler and
/// signed-digit recoding cost the light verifier's module more code than this whole function.
pub(crate) fn msm(terms: &[(Fr, G1Affine)]) -> G1 {
    use bn254::ff::PrimeField;
    use bn254::group::prime::PrimeCurveAffine;
    let digits: Vec<[u8; 32]> = terms.iter().map(|(s, _)| s.to_repr().into()).collect();
    let mut acc = G1::identity();
    for w in (0..64).rev() {
        for _ in 0..4 {
            acc = acc.double();
        }
        // a bucket's first point is taken as it is, not added to the identity
        let mut buckets: [Option<G1>; 15] = [None; 15];
        for (d, (_, p)) in digits.iter().zip(terms) {
            let digit = (d[w / 2] >> (4 * (w % 2))) & 15;
            if digit != 0 {
                let b = &mut buckets[digit as usize - 1];
                *b = Some(b.map_or_else(|| p.to_curve(), |b| b + p));
            }
        }
        // Σ d·B_d as the sum of the running sums from the top bucket down
        let (mut running, mut sum) = (None::<G1>, None::<G1>);
        for b in buckets.iter().rev() {
            if let Some(b) = b {
                running = Some(running.map_or(*b, |r| r + b));
            }
            if let Some(r) = running {
                sum = Some(sum.map_or(r, |s| s + r));
            }
        }
        if let Some(s) = sum {
            acc += s;
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use bn254::group::prime::PrimeCurveAffine;

    /// The bucketed MSM equals the plain sum of scalar multiples, on zero, one, −1, the top
    /// digits and pseudo-random scalars, with repeated and negated points.
    #[test]
    fn msm_is_the_sum_of_multiples() {
        let g = G1Affine::generator();
        let mut x = Fr::from(0x1234_5678_9abc_def0);
        let mut terms = vec![
            (Fr::ZERO, g),
            (Fr::ONE, g),
            (-Fr::ONE, g),
            (Fr::from(15), (g * Fr::from(3)).to_affine()),
            (Fr::from(u64::MAX), -g),
        ];
        // the identity as a base; the same point twice with equal digits (P + P in a bucket)
        terms.push((Fr::from(5), G1Affine::identity()));
        terms.push((Fr::from(5), g));
        terms.push((Fr::from(5), g));
        for i in 0..40u64 {
            x = x.square() + Fr::from(i);
            terms.push((x, (g * (x + Fr::ONE)).to_affine()));
        }
        for n in [0, 1, 2, 5, terms.len()] {
            let want = terms[..n]
                .iter()
                .fold(G1::identity(), |acc, (s, p)| acc + p * s);
            assert_eq!(msm(&terms[..n]), want, "{n} terms");
        }
    }

    /// Σ eⱼ·cⱼ is the interpolating polynomial at `z`: a polynomial of degree < m through m
    /// points is recovered exactly (1, 2 and 4 points), and `z` on a point gives its value.
    #[test]
    fn lagrange_coeffs_interpolate() {
        let poly = |c: &[u64], z: Fr| c.iter().rev().fold(Fr::ZERO, |a, &ci| a * z + Fr::from(ci));
        let z = Fr::from(1_000_003);
        for m in [1usize, 2, 4] {
            let coeffs: Vec<u64> = (0..m as u64).map(|i| 7 * i + 3).collect();
            let points: Vec<Fr> = (0..m as u64).map(|i| Fr::from(i * i + 11)).collect();
            let evals: Vec<Fr> = points.iter().map(|p| poly(&coeffs, *p)).collect();
            let at = |z: Fr| {
                lagrange_coeffs(&points, z)
                    .iter()
                    .zip(&evals)
                    .fold(Fr::ZERO, |a, (l, e)| a + *l * e)
            };
            assert_eq!(at(z), poly(&coeffs, z), "{m} points");
            assert_eq!(at(points[m - 1]), evals[m - 1], "{m} points, z on one");
        }
        assert_eq!(lagrange_coeffs(&[Fr::from(9)], z), vec![Fr::ONE]);
    }
}
