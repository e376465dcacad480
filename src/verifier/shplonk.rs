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

/// The polynomial through `(points[i], evals[i])`, evaluated at `z` (Lagrange form).
fn interpolate_at(points: &[Fr], evals: &[Fr], z: Fr) -> Fr {
    let mut sum = Fr::ZERO;
    for (j, (pj, ej)) in points.iter().zip(evals).enumerate() {
        let (mut num, mut den) = (Fr::ONE, Fr::ONE);
        for (k, pk) in points.iter().enumerate() {
            if k != j {
                num *= z - pk;
                den *= *pj - pk;
            }
        }
        sum += *ej * num * Option::<Fr>::from(den.invert()).unwrap_or(Fr::ZERO);
    }
    sum
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
        for &c in cs {
            let evals: Vec<Fr> = points.iter().map(|p| eval_of(c, p)).collect();
            r_inner += y_j * interpolate_at(points, &evals, u);
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

/// `Σ sᵢ·Pᵢ` (bucketed: a proof has a few dozen points).
fn msm(terms: &[(Fr, G1Affine)]) -> G1 {
    let (scalars, points): (Vec<Fr>, Vec<G1Affine>) = terms.iter().copied().unzip();
    bn254::msm::msm_best(&scalars, &points)
}
