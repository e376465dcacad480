//! The prover's side of the committed-parameters link ([docs/committed-params.md](../../docs/committed-params.md);
//! the check and its algebra: [`crate::verifier::link`]): given each parameter column's values
//! as the proof committed them and as they were published, `[Q]` and the opening `π`.
//!
//! With `δⱼ = Σ_c ρ^c·(A_c − W_c)(ωʲ)` on the free rows `T` (zero elsewhere, or this is an
//! error), `D = Σⱼ δⱼ·Lⱼ` has coefficients `Dᵢ = (1/n)·Σⱼ δⱼ·ω^(−ij)` and
//! `Q = Σⱼ δⱼ·(ωʲ/n)·Z_T/(X − ωʲ)` (so `D = Z_U·Q`); `π = [(D − Z_U(z)·Q)/(X − z)]`.

use super::light;
use super::{commit, ProverParams};
use crate::verifier::link::{self as check, Free};
use halo2_proofs::poly::commitment::{Params, ParamsProver};
use halo2curves::bn256::{Fr, G1Affine};
use halo2curves::ff::Field;
use halo2curves::group::Curve;

/// Why a link cannot be made.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("no parameter column to link")]
    NoColumns,
    #[error("parameter column {column}: {values} {which} values for a circuit of {rows} rows")]
    Length {
        column: usize,
        which: &'static str,
        values: usize,
        rows: usize,
    },
    #[error("free row {row} is outside the circuit's {rows} rows or listed twice")]
    FreeRow { row: u64, rows: u64 },
    #[error("parameter column {column}, row {row}: the proof's value is not the published one")]
    Differs { column: usize, row: usize },
    #[error("the challenge z fell on a free row's point (probability below 2^-240)")]
    Degenerate,
}

/// One parameter column: its values (`2^k`, in row order) as the proof committed them (with
/// the blinding rows' random values) and as published, and the two commitments.
#[derive(Clone, Copy, Debug)]
pub struct Column<'a> {
    pub proof: &'a [Fr],
    pub published: &'a [Fr],
    pub proof_commitment: G1Affine,
    pub published_commitment: G1Affine,
}

/// `Σᵢ valuesᵢ·[Lᵢ(τ)]`: a column's commitment from its values in row order.
pub fn commit_values(params: &ProverParams, values: &[Fr]) -> G1Affine {
    commit(values, &params.lagrange[..values.len()]).to_affine()
}

/// The domain of `params` with these free rows, as the check reads it.
pub fn free(params: &ProverParams, rows: &[u64]) -> Free {
    Free {
        k: params.k(),
        omega: check::omega(params.k()),
        rows: rows.to_vec(),
    }
}

/// `([Q], π)` linking every column's proof values to its published values outside `rows`.
pub fn prove(
    params: &ProverParams,
    rows: &[u64],
    columns: &[Column],
) -> Result<(G1Affine, G1Affine), LinkError> {
    let n = params.n() as usize;
    if columns.is_empty() {
        return Err(LinkError::NoColumns);
    }
    for (i, &row) in rows.iter().enumerate() {
        if row >= n as u64 || rows[..i].contains(&row) {
            return Err(LinkError::FreeRow {
                row,
                rows: n as u64,
            });
        }
    }
    for (c, col) in columns.iter().enumerate() {
        for (which, values) in [("proof", col.proof), ("published", col.published)] {
            if values.len() != n {
                return Err(LinkError::Length {
                    column: c,
                    which,
                    values: values.len(),
                    rows: n,
                });
            }
        }
        if let Some(row) =
            (0..n).find(|&i| col.proof[i] != col.published[i] && !rows.contains(&(i as u64)))
        {
            return Err(LinkError::Differs { column: c, row });
        }
    }
    let free = free(params, rows);
    let (sponge, rho) = check::rho(&free, &pairs(columns));
    let rho = light::fr_back(&rho);

    // δⱼ on the free rows, and their points ωʲ
    let omega = light::fr_back(&free.omega);
    let points: Vec<Fr> = rows.iter().map(|&j| omega.pow_vartime([j])).collect();
    let delta: Vec<Fr> = rows
        .iter()
        .map(|&j| {
            let j = j as usize;
            let mut r = Fr::ONE;
            let mut d = Fr::ZERO;
            for col in columns {
                d += r * (col.proof[j] - col.published[j]);
                r *= rho;
            }
            d
        })
        .collect();
    let n_inv = Fr::from(n as u64).invert().expect("n < r");

    // Q = Σⱼ δⱼ·(ωʲ/n)·Z_T/(X − ωʲ), degree below |T|
    let z_t = vanishing_coeffs(&points);
    let mut q = vec![Fr::ZERO; points.len()];
    for (p, d) in points.iter().zip(&delta) {
        let scale = *d * p * n_inv;
        for (qi, c) in q.iter_mut().zip(divide_by_root(&z_t, *p)) {
            *qi += scale * c;
        }
    }
    let q_commitment = commit(&q, &params.kzg.get_g()[..q.len()]).to_affine();

    let z = check::z(sponge, &light::g1(&q_commitment));
    let z_u = free.vanishing_outside(z).ok_or(LinkError::Degenerate)?;
    let (z, z_u) = (light::fr_back(&z), light::fr_back(&z_u));

    // N = D − Z_U(z)·Q with Dᵢ = (1/n)·Σⱼ δⱼ·ω^(−ij); N(z) = 0, π = [N/(X − z)]
    let mut numerator = vec![Fr::ZERO; n];
    for (p, d) in points.iter().zip(&delta) {
        let step = p.invert().expect("a root of unity");
        let mut term = *d * n_inv;
        for ni in numerator.iter_mut() {
            *ni += term;
            term *= step;
        }
    }
    for (ni, qi) in numerator.iter_mut().zip(&q) {
        *ni -= z_u * qi;
    }
    let quotient = divide_by_root(&numerator, z);
    let pi = commit(&quotient, &params.kzg.get_g()[..quotient.len()]).to_affine();
    Ok((q_commitment, pi))
}

/// Each column's (proof, published) commitments as the check reads them.
fn pairs(columns: &[Column]) -> Vec<(bn254::bn256::G1Affine, bn254::bn256::G1Affine)> {
    columns
        .iter()
        .map(|c| {
            (
                light::g1(&c.proof_commitment),
                light::g1(&c.published_commitment),
            )
        })
        .collect()
}

/// The coefficients (lowest first) of `Π (X − p)` over `points`: monic, degree `points.len()`.
fn vanishing_coeffs(points: &[Fr]) -> Vec<Fr> {
    let mut c = vec![Fr::ONE];
    for p in points {
        // c·(X − p)
        let mut next = vec![Fr::ZERO; c.len() + 1];
        for (i, ci) in c.iter().enumerate() {
            next[i + 1] += ci;
            next[i] -= *p * ci;
        }
        c = next;
    }
    c
}

/// `f/(X − p)` by synthetic division (lowest coefficient first), the remainder `f(p)` dropped:
/// callers divide only where `f(p) = 0`.
fn divide_by_root(f: &[Fr], p: Fr) -> Vec<Fr> {
    let mut out = vec![Fr::ZERO; f.len().saturating_sub(1)];
    let mut carry = Fr::ZERO;
    for i in (1..f.len()).rev() {
        carry = f[i] + p * carry;
        out[i - 1] = carry;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::poly::kzg::commitment::ParamsKZG;
    use halo2curves::bn256::Bn256;
    use halo2curves::group::prime::PrimeCurveAffine;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    const K: u32 = 5;
    /// free rows: the link works for any set (zkonnx uses halo2's reserved rows at the end;
    /// two rows in the middle here as well)
    const FREE: [u64; 7] = [3, 17, 27, 28, 29, 30, 31];

    struct Setup {
        params: ProverParams,
        g2: (bn254::bn256::G2Affine, bn254::bn256::G2Affine),
        rng: StdRng,
    }

    fn setup() -> Setup {
        let mut rng = StdRng::seed_from_u64(7);
        let kzg = ParamsKZG::<Bn256>::setup(K, &mut rng);
        let g2 = (light::g2(&kzg.g2()), light::g2(&kzg.s_g2()));
        Setup {
            params: ProverParams::from_halo2(kzg),
            g2,
            rng,
        }
    }

    /// A published column (random values; zero on some free rows) and the proof's (the same,
    /// fresh randomness on every free row).
    fn column(s: &mut Setup) -> (Vec<Fr>, Vec<Fr>) {
        let n = 1usize << K;
        let mut published: Vec<Fr> = (0..n).map(|_| Fr::random(&mut s.rng)).collect();
        for row in &FREE[2..] {
            published[*row as usize] = Fr::ZERO;
        }
        let mut proof = published.clone();
        for row in FREE {
            proof[row as usize] = Fr::random(&mut s.rng);
        }
        (proof, published)
    }

    fn link<'a>(s: &Setup, proof: &'a [Fr], published: &'a [Fr]) -> Column<'a> {
        Column {
            proof,
            published,
            proof_commitment: commit_values(&s.params, proof),
            published_commitment: commit_values(&s.params, published),
        }
    }

    fn verify(s: &Setup, rows: &[u64], columns: &[Column], q: G1Affine, pi: G1Affine) -> bool {
        check::check(
            (&s.g2.0, &s.g2.1),
            &free(&s.params, rows),
            &pairs(columns),
            &light::g1(&q),
            &light::g1(&pi),
        )
    }

    /// Honest columns differing from their published values only on free rows link; the same
    /// proof fails with a point changed, with the columns swapped, or against other rows.
    #[test]
    fn honest_columns_link_and_nothing_else_does() {
        let mut s = setup();
        let (a0, w0) = column(&mut s);
        let (a1, w1) = column(&mut s);
        let cols = [link(&s, &a0, &w0), link(&s, &a1, &w1)];
        let (q, pi) = prove(&s.params, &FREE, &cols).unwrap();
        assert!(verify(&s, &FREE, &cols, q, pi));
        // one column alone links too
        let (q1, pi1) = prove(&s.params, &FREE, &cols[1..]).unwrap();
        assert!(verify(&s, &FREE, &cols[1..], q1, pi1));

        let g = s.params.kzg.get_g()[0];
        let moved = |p: G1Affine| (p.to_curve() + g).to_affine();
        assert!(!verify(&s, &FREE, &cols, moved(q), pi));
        assert!(!verify(&s, &FREE, &cols, q, moved(pi)));
        assert!(!verify(&s, &FREE, &cols, q1, pi1));
        let swapped = [cols[1], cols[0]];
        assert!(!verify(&s, &FREE, &swapped, q, pi));
        let mut other = cols;
        other[0].published_commitment = moved(other[0].published_commitment);
        assert!(!verify(&s, &FREE, &other, q, pi));
        // the verifier decides the free rows: fewer rows, or others, fail
        assert!(!verify(&s, &FREE[1..], &cols, q, pi));
        assert!(!verify(&s, &[4, 17, 27, 28, 29, 30, 31], &cols, q, pi));
    }

    /// A proof column with another value on a row that is not free is refused by the prover;
    /// linked as if that row were free, the verifier (with the real free rows) rejects it.
    #[test]
    fn another_parameter_does_not_link() {
        let mut s = setup();
        let (mut a0, w0) = column(&mut s);
        let (a1, w1) = column(&mut s);
        for row in [0usize, 9, 26] {
            let saved = a0[row];
            a0[row] += Fr::ONE;
            let cols = [link(&s, &a1, &w1), link(&s, &a0, &w0)];
            assert_eq!(
                prove(&s.params, &FREE, &cols),
                Err(LinkError::Differs { column: 1, row })
            );
            let mut wider = FREE.to_vec();
            wider.push(row as u64);
            let (q, pi) = prove(&s.params, &wider, &cols).unwrap();
            assert!(verify(&s, &wider, &cols, q, pi), "linked on the wider rows");
            assert!(!verify(&s, &FREE, &cols, q, pi), "row {row} differs");
            a0[row] = saved;
        }
    }

    /// Malformed requests are typed errors.
    #[test]
    fn bad_requests_are_errors() {
        let mut s = setup();
        let (a, w) = column(&mut s);
        let col = link(&s, &a, &w);
        assert_eq!(prove(&s.params, &FREE, &[]), Err(LinkError::NoColumns));
        assert_eq!(
            prove(&s.params, &[3, 3], &[col]),
            Err(LinkError::FreeRow { row: 3, rows: 32 })
        );
        assert_eq!(
            prove(&s.params, &[32], &[col]),
            Err(LinkError::FreeRow { row: 32, rows: 32 })
        );
        let short = Column {
            published: &w[1..],
            ..col
        };
        assert_eq!(
            prove(&s.params, &FREE, &[short]),
            Err(LinkError::Length {
                column: 0,
                which: "published",
                values: 31,
                rows: 32
            })
        );
    }

    /// `D = Z_U·Q`: the coefficients the prover builds agree with the values at a point.
    #[test]
    fn q_divides_d() {
        let points: Vec<Fr> = [2u64, 5, 11].iter().map(|v| Fr::from(*v)).collect();
        let z_t = vanishing_coeffs(&points);
        let eval = |c: &[Fr], x: Fr| c.iter().rev().fold(Fr::ZERO, |acc, ci| acc * x + ci);
        let x = Fr::from(1234);
        assert_eq!(
            eval(&z_t, x),
            points.iter().fold(Fr::ONE, |a, p| a * (x - p))
        );
        let part = divide_by_root(&z_t, points[1]);
        assert_eq!(eval(&part, x) * (x - points[1]), eval(&z_t, x));
    }
}
