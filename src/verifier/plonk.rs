//! The PLONK argument at the challenge point `x`, as halo2 (axiom 0.5) verifies it with KZG:
//! replay the transcript (commitments, challenges, evaluations, in the prover's order), check
//! that the gates, the permutation and the lookups combined with powers of `y` equal
//! `h(x)·(xⁿ − 1)`, then hand every claimed evaluation to the multi-open argument
//! ([`super::shplonk`]) in halo2's query order.

use super::bundle::{Bundle, ColumnKind};
use super::expr::Evals;
use super::shplonk::{self, Commitment, Query};
use super::transcript::Transcript;
use super::VerifyError;
use bn254::bn256::{Fr, G1Affine};
use bn254::ff::{BatchInvert, Field};

macro_rules! point {
    ($t:expr) => {
        $t.read_point()?
    };
}

/// `value · ω^rotation`.
fn rotate(omega: Fr, omega_inv: Fr, value: Fr, rotation: i32) -> Fr {
    let w = if rotation >= 0 { omega } else { omega_inv };
    value * w.pow_vartime([rotation.unsigned_abs() as u64])
}

/// Lagrange basis polynomials `l_i(x)` for `i` in `rotations`, given `xn = xⁿ`:
/// `l_i(x) = ωⁱ·(xⁿ − 1) / (n·(x − ωⁱ))`. The powers step by ω from the first, and the
/// `1/(x − ωⁱ)` share one inversion (ff's `BatchInvert`): a public tensor has one `i` per value.
/// `ω` is a primitive `n = 2^k`-th root of unity.
fn lagrange(
    (k, omega, omega_inv): (u32, Fr, Fr),
    x: Fr,
    xn: Fr,
    rotations: std::ops::Range<i32>,
) -> Vec<Fr> {
    let n_inv = Fr::from(1u64 << k).invert().unwrap();
    let common = (xn - Fr::ONE) * n_inv;
    let mut wi = rotate(omega, omega_inv, Fr::ONE, rotations.start);
    let powers: Vec<Fr> = rotations
        .map(|_| {
            let w = wi;
            wi *= omega;
            w
        })
        .collect();
    // x − ωⁱ = 0 only if x lands on the domain (probability ~2^-230): that term is then 0
    // (`BatchInvert` leaves zeros as they are)
    let mut invs: Vec<Fr> = powers.iter().map(|w| x - w).collect();
    invs.iter_mut().batch_invert();
    powers
        .iter()
        .zip(invs)
        .map(|(w, inv)| *w * common * inv)
        .collect()
}

/// The exact length of a proof for this bundle's circuit: its points (64 bytes each) and
/// scalars (32 bytes).
pub fn proof_len(b: &Bundle) -> usize {
    let (points, scalars) = proof_shape(b);
    64 * points + 32 * scalars
}

/// How many points and scalars a proof for this bundle's circuit holds.
pub fn proof_shape(b: &Bundle) -> (usize, usize) {
    let sets = b.permutation.len().div_ceil((b.cs_degree - 2) as usize);
    let lookups = b.lookups.len();
    let points =
        b.num_advice_columns as usize + 3 * lookups + sets + 1 + b.quotient_degree as usize + 2;
    let scalars = b.advice_queries.len()
        + b.fixed_queries.len()
        + 1
        + b.permutation.len()
        + (3 * sets).saturating_sub(1)
        + 5 * lookups;
    (points, scalars)
}

pub fn verify(b: &Bundle, proof: &[u8], instances: &[Vec<Fr>]) -> Result<bool, VerifyError> {
    let expected = proof_len(b);
    let (points, scalars) = proof_shape(b);
    if proof.len() == 32 * (points + scalars) {
        return Err(VerifyError::Proof(format!(
            "{} bytes: the length of a proof with zkonnx's former Blake2b transcript (compressed \
             points), which this verifier no longer reads; proofs now use the EVM (Keccak) \
             transcript: prove again with this zkonnx version",
            proof.len()
        )));
    }
    if proof.len() != expected {
        return Err(VerifyError::Proof(format!(
            "{} bytes, while proofs of this bundle's model have {expected}: a proof of another model, or a truncated or extended one",
            proof.len()
        )));
    }
    let omega_inv = b.omega.invert().unwrap();
    let domain = (b.k, b.omega, omega_inv);
    let n = 1u64 << b.k;
    let mut t = Transcript::new(proof);

    t.common_scalar(&b.transcript_repr);
    for col in instances {
        for v in col {
            t.common_scalar(v);
        }
    }
    let mut advice = Vec::with_capacity(b.num_advice_columns as usize);
    for _ in 0..b.num_advice_columns {
        advice.push(point!(t));
    }
    let theta = t.squeeze();
    let mut permuted = Vec::with_capacity(b.lookups.len());
    for _ in &b.lookups {
        let input = point!(t);
        let table = point!(t);
        permuted.push((input, table));
    }
    let beta = t.squeeze();
    let gamma = t.squeeze();
    let chunk = (b.cs_degree - 2) as usize;
    let sets = b.permutation.len().div_ceil(chunk);
    let mut perm_products = Vec::with_capacity(sets);
    for _ in 0..sets {
        perm_products.push(point!(t));
    }
    let mut lookup_products = Vec::with_capacity(b.lookups.len());
    for _ in &b.lookups {
        lookup_products.push(point!(t));
    }
    let random_poly = point!(t);
    let y = t.squeeze();
    let mut h = Vec::with_capacity(b.quotient_degree as usize);
    for _ in 0..b.quotient_degree {
        h.push(point!(t));
    }
    let x = t.squeeze();
    let xn = x.pow_vartime([n]);

    // instance evaluations, from the values themselves (KZG does not commit to instances)
    let (min_rot, max_rot) = b.instance_queries.iter().fold((0, 0), |(lo, hi), q| {
        (q.rotation.min(lo), q.rotation.max(hi))
    });
    let max_len = instances.iter().map(|c| c.len()).max().unwrap_or(0) as i32;
    let l_i = lagrange(domain, x, xn, -max_rot..max_len + min_rot.abs());
    let instance_evals: Vec<Fr> = b
        .instance_queries
        .iter()
        .map(|q| {
            let off = (max_rot - q.rotation) as usize;
            instances[q.column as usize]
                .iter()
                .zip(&l_i[off..])
                .fold(Fr::ZERO, |acc, (v, l)| acc + *v * l)
        })
        .collect();

    let advice_evals = t.read_scalars(b.advice_queries.len())?;
    let fixed_evals = t.read_scalars(b.fixed_queries.len())?;
    let random_eval = t.read_scalar()?;
    let perm_common = t.read_scalars(b.permutation.len())?;
    let mut perm_evals = Vec::with_capacity(sets);
    for i in 0..sets {
        let at = t.read_scalar()?;
        let next = t.read_scalar()?;
        let last = if i + 1 < sets {
            Some(t.read_scalar()?)
        } else {
            None
        };
        perm_evals.push((at, next, last));
    }
    // per lookup: product at x, at ωx, permuted input at x, at ω⁻¹x, permuted table at x
    let mut lookup_evals = Vec::with_capacity(b.lookups.len());
    for _ in &b.lookups {
        let e = t.read_scalars(5)?;
        lookup_evals.push([e[0], e[1], e[2], e[3], e[4]]);
    }

    // the vanishing argument: Σ yⁱ·constraintᵢ(x) = h(x)·(xⁿ − 1)
    let bf = b.blinding_factors as i32;
    let l = lagrange(domain, x, xn, -(bf + 1)..1);
    let l_last = l[0];
    let l_blind = l[1..=bf as usize].iter().fold(Fr::ZERO, |a, v| a + v);
    let l_0 = l[bf as usize + 1];
    let active = Fr::ONE - (l_last + l_blind);
    let ev = Evals {
        fixed: &fixed_evals,
        advice: &advice_evals,
        instance: &instance_evals,
    };
    let mut constraints: Vec<Fr> = b.gates.iter().map(|g| g.evaluate(&ev)).collect();

    // permutation: products start at 1, end in {0, 1}, chain across sets, and step by the
    // ratio of (value + β·σ(x) + γ) to (value + β·δ^j·x + γ) over each set's columns
    if let (Some(first), Some(last)) = (perm_evals.first(), perm_evals.last()) {
        constraints.push(l_0 * (Fr::ONE - first.0));
        constraints.push((last.0.square() - last.0) * l_last);
    }
    for w in perm_evals.windows(2) {
        constraints.push((w[1].0 - w[0].2.expect("all but the last set")) * l_0);
    }
    let column_eval = |c: &super::bundle::PermColumn| match c.kind {
        ColumnKind::Advice => advice_evals[c.query as usize],
        ColumnKind::Fixed => fixed_evals[c.query as usize],
        ColumnKind::Instance => instance_evals[c.query as usize],
    };
    for (i, ((cols, sigmas), set)) in b
        .permutation
        .chunks(chunk)
        .zip(perm_common.chunks(chunk))
        .zip(&perm_evals)
        .enumerate()
    {
        let mut left = set.1;
        for (c, s) in cols.iter().zip(sigmas) {
            left *= column_eval(c) + beta * s + gamma;
        }
        let mut right = set.0;
        let mut delta_x = beta * x * b.delta.pow_vartime([(i * chunk) as u64]);
        for c in cols {
            right *= column_eval(c) + delta_x + gamma;
            delta_x *= b.delta;
        }
        constraints.push((left - right) * active);
    }

    // lookups (permuted-column argument)
    for (arg, e) in b.lookups.iter().zip(&lookup_evals) {
        let [z, z_next, a, a_prev, s] = *e;
        let compress = |es: &[super::expr::Expr]| {
            es.iter()
                .fold(Fr::ZERO, |acc, ex| acc * theta + ex.evaluate(&ev))
        };
        let left = z_next * (a + beta) * (s + gamma);
        let right = z * (compress(&arg.input) + beta) * (compress(&arg.table) + gamma);
        constraints.push(l_0 * (Fr::ONE - z));
        constraints.push(l_last * (z.square() - z));
        constraints.push((left - right) * active);
        constraints.push(l_0 * (a - s));
        constraints.push((a - s) * (a - a_prev) * active);
    }

    let folded = constraints.iter().fold(Fr::ZERO, |acc, v| acc * y + v);
    let vanishing = Option::<Fr>::from((xn - Fr::ONE).invert()).unwrap_or(Fr::ZERO);
    let expected_h = folded * vanishing;
    // h = h₀ + xⁿ·h₁ + x²ⁿ·h₂ + …
    let mut h_msm: Vec<(Fr, G1Affine)> = Vec::with_capacity(h.len());
    let mut pow = Fr::ONE;
    for p in &h {
        h_msm.push((pow, *p));
        pow *= xn;
    }

    // the queries, in halo2's order; commitments are told apart by identity, not value
    let mut commitments: Vec<Commitment> = Vec::new();
    let mut add = |c: Commitment| {
        commitments.push(c);
        commitments.len() - 1
    };
    let advice_ids: Vec<usize> = advice.iter().map(|p| add(Commitment::Point(*p))).collect();
    let perm_ids: Vec<usize> = perm_products
        .iter()
        .map(|p| add(Commitment::Point(*p)))
        .collect();
    let lookup_ids: Vec<(usize, usize, usize)> = permuted
        .iter()
        .zip(&lookup_products)
        .map(|((a, s), z)| {
            (
                add(Commitment::Point(*a)),
                add(Commitment::Point(*s)),
                add(Commitment::Point(*z)),
            )
        })
        .collect();
    let fixed_ids: Vec<usize> = b
        .fixed_commitments
        .iter()
        .map(|p| add(Commitment::Point(*p)))
        .collect();
    let sigma_ids: Vec<usize> = b
        .permutation_commitments
        .iter()
        .map(|p| add(Commitment::Point(*p)))
        .collect();
    let h_id = add(Commitment::Msm(h_msm));
    let random_id = add(Commitment::Point(random_poly));

    // x·ωʳ once per rotation (a circuit queries a few rotations, many times)
    let mut rotations: Vec<(i32, Fr)> = Vec::new();
    let mut rot = |r: i32| match rotations.iter().find(|(k, _)| *k == r) {
        Some((_, v)) => *v,
        None => {
            let v = rotate(b.omega, omega_inv, x, r);
            rotations.push((r, v));
            v
        }
    };
    let mut queries: Vec<Query> = Vec::new();
    for (q, e) in b.advice_queries.iter().zip(&advice_evals) {
        queries.push(Query::new(
            advice_ids[q.column as usize],
            rot(q.rotation),
            *e,
        ));
    }
    for (id, (at, next, _)) in perm_ids.iter().zip(&perm_evals) {
        queries.push(Query::new(*id, x, *at));
        queries.push(Query::new(*id, rot(1), *next));
    }
    for (id, (_, _, last)) in perm_ids.iter().zip(&perm_evals).rev().skip(1) {
        queries.push(Query::new(
            *id,
            rot(-(bf + 1)),
            last.expect("all but the last set"),
        ));
    }
    for ((a, s, z), e) in lookup_ids.iter().zip(&lookup_evals) {
        queries.push(Query::new(*z, x, e[0]));
        queries.push(Query::new(*a, x, e[2]));
        queries.push(Query::new(*s, x, e[4]));
        queries.push(Query::new(*a, rot(-1), e[3]));
        queries.push(Query::new(*z, rot(1), e[1]));
    }
    for (q, e) in b.fixed_queries.iter().zip(&fixed_evals) {
        queries.push(Query::new(
            fixed_ids[q.column as usize],
            rot(q.rotation),
            *e,
        ));
    }
    for (id, e) in sigma_ids.iter().zip(&perm_common) {
        queries.push(Query::new(*id, x, *e));
    }
    queries.push(Query::new(h_id, x, expected_h));
    queries.push(Query::new(random_id, x, random_eval));

    shplonk::verify(b, &mut t, &commitments, &queries)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ff's `BatchInvert`, as `lagrange` relies on it: one inversion for all equals one
    /// inversion each, zeros kept at zero.
    #[test]
    fn batch_invert_is_elementwise() {
        let batch_invert = |v: &[Fr]| {
            let mut v = v.to_vec();
            v.iter_mut().batch_invert();
            v
        };
        let mut v: Vec<Fr> = (0..50u64)
            .map(|i| Fr::from(i * i + 3) - Fr::from(12))
            .collect();
        v.push(Fr::ZERO);
        v.insert(0, Fr::ZERO);
        v.push(-Fr::ONE);
        let want: Vec<Fr> = v
            .iter()
            .map(|a| Option::<Fr>::from(a.invert()).unwrap_or(Fr::ZERO))
            .collect();
        assert!(v.iter().filter(|a| bool::from(a.is_zero())).count() >= 3);
        assert_eq!(batch_invert(&v), want);
        assert_eq!(batch_invert(&[]), Vec::<Fr>::new());
        assert_eq!(batch_invert(&[Fr::ZERO]), vec![Fr::ZERO]);
    }

    /// The Lagrange basis by stepping powers and one inversion equals the formula term by term
    /// (a power and an inversion each), from a negative start, and with `x` on the domain (that
    /// term 0 in both).
    #[test]
    fn lagrange_is_the_formula() {
        use bn254::ff::PrimeField;
        let k = 4u32;
        let omega = Fr::ROOT_OF_UNITY.pow_vartime([1u64 << (Fr::S - k)]);
        let omega_inv = omega.invert().unwrap();
        assert_eq!(omega.pow_vartime([1u64 << k]), Fr::ONE);
        assert_ne!(omega.pow_vartime([1u64 << (k - 1)]), Fr::ONE);
        let naive = |x: Fr, r: std::ops::Range<i32>| -> Vec<Fr> {
            let xn = x.pow_vartime([1u64 << k]);
            let n_inv = Fr::from(1u64 << k).invert().unwrap();
            r.map(|i| {
                let wi = rotate(omega, omega_inv, Fr::ONE, i);
                let inv = Option::<Fr>::from((x - wi).invert()).unwrap_or(Fr::ZERO);
                wi * (xn - Fr::ONE) * n_inv * inv
            })
            .collect()
        };
        for x in [Fr::from(123_456_789), omega.pow_vartime([3]), omega_inv] {
            let xn = x.pow_vartime([1u64 << k]);
            for r in [-5..3, 0..20, -1..1, 2..2] {
                assert_eq!(
                    lagrange((k, omega, omega_inv), x, xn, r.clone()),
                    naive(x, r)
                );
            }
        }
        // the basis at a point off the domain sums to 1 over a whole period
        let x = Fr::from(987_654_321);
        let l = lagrange((k, omega, omega_inv), x, x.pow_vartime([1u64 << k]), -3..13);
        assert_eq!(l.iter().fold(Fr::ZERO, |a, v| a + v), Fr::ONE);
    }
}
