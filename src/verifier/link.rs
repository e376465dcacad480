//! The link check of committed parameters ([docs/committed-params.md](../../docs/committed-params.md)):
//! a proof's parameter columns hold, on every row but a few free ones, the values of the model's
//! published parameter commitments.
//!
//! A parameter column's published commitment is `C_W = Σᵢ Wᵢ·[Lᵢ(τ)]` (its values in the
//! Lagrange basis: the parameters on their rows, zero on the other usable rows, salt values on
//! halo2's reserved rows). In a proof, the same column's advice commitment is `C_A`, with
//! halo2's fresh random values on the reserved rows. `D = Σ_c ρ^c·(A_c − W_c)` must then
//! vanish on every row outside the free set `T` (the reserved rows): `D = Z_U·Q` with
//! `Z_U = (Xⁿ − 1)/Π_{j∈T}(X − ωʲ)` and `Q` of degree below `|T|`. The prover sends `[Q]`, and
//! one KZG opening `π` of `N = D − Z_U(z)·Q` at a challenge `z`, where `N(z) = 0`:
//! `e(C_N + z·π, G2) = e(π, s·G2)`, `C_N = C_D − Z_U(z)·[Q]`. No evaluation is revealed.
//!
//! `ρ` is drawn after the columns' commitments, `z` after `[Q]` (the EVM transcript's Keccak,
//! [`Sponge`]); `Z_U(z)` is computed here, so a prover cannot choose which rows are free.

use super::shplonk::msm;
use super::transcript::{be, reduce_be, Sponge, Transcript};
use super::VerifyError;
use bn254::bn256::{Bn256, Fr, G1Affine, G2Affine};
use bn254::ff::{Field, PrimeField};
use bn254::group::{Curve, Group};
use bn254::pairing::{MillerLoopResult, MultiMillerLoop};
use bn254::CurveAffine;

/// The first word every link transcript absorbs (domain separation from the proof's own).
const TAG: &[u8; 32] = b"zkonnx committed params link v1\0";

/// The domain and the rows where a proof's parameter columns may differ from the published
/// values (halo2's reserved rows; the link itself works for any set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Free {
    /// the circuit's rows are `2^k`
    pub k: u32,
    /// the domain's generator `ω` (`ω^(2^k) = 1`)
    pub omega: Fr,
    /// the free rows, each below `2^k`, distinct
    pub rows: Vec<u64>,
}

impl Free {
    /// halo2's `reserved` rows at the end of `2^k` (its unusable rows: blinding and last).
    pub fn reserved(k: u32, omega: Fr, reserved: u64) -> Free {
        let n = 1u64 << k;
        Free {
            k,
            omega,
            rows: (n - reserved..n).collect(),
        }
    }

    /// `Z_U(z) = (zⁿ − 1)/Π_{j∈T}(z − ωʲ)`; `None` when `z` is one of the free rows' points.
    pub fn vanishing_outside(&self, z: Fr) -> Option<Fr> {
        let mut den = Fr::ONE;
        for &j in &self.rows {
            den *= z - self.omega.pow_vartime([j]);
        }
        let num = z.pow_vartime([1u64 << self.k]) - Fr::ONE;
        Option::<Fr>::from(den.invert()).map(|inv| num * inv)
    }
}

fn absorb_point(s: &mut Sponge, p: &G1Affine) {
    // the identity has no coordinates: absorbed as (0, 0), as the EVM writes it
    let (x, y) = Option::from(p.coordinates())
        .map(|c: bn254::Coordinates<G1Affine>| (c.x().to_repr(), c.y().to_repr()))
        .unwrap_or_default();
    s.absorb(&be(x.as_ref()));
    s.absorb(&be(y.as_ref()));
}

/// `ρ`, drawn after the domain, the free rows and every column's proof and published
/// commitments; with the transcript to draw `z` from ([`z`]).
pub fn rho(free: &Free, columns: &[(G1Affine, G1Affine)]) -> (Sponge, Fr) {
    let mut s = Sponge::default();
    s.absorb(TAG);
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&u64::from(free.k).to_be_bytes());
    s.absorb(&word);
    for &row in &free.rows {
        word[24..].copy_from_slice(&row.to_be_bytes());
        s.absorb(&word);
    }
    for (proof, published) in columns {
        absorb_point(&mut s, proof);
        absorb_point(&mut s, published);
    }
    let rho = reduce_be(&s.squeeze());
    (s, rho)
}

/// `z`, drawn after `ρ` and `[Q]`.
pub fn z(mut s: Sponge, q: &G1Affine) -> Fr {
    absorb_point(&mut s, q);
    reduce_be(&s.squeeze())
}

/// Whether `(q, pi)` links every column's proof commitment (first) to its published one
/// (second) on every row outside `free`. `g2`, `s_g2`: the SRS's `[1]₂` and `[τ]₂` (no `[1]₁`:
/// `N(z) = 0` is claimed, no evaluation is sent).
pub fn check(
    (g2, s_g2): (&G2Affine, &G2Affine),
    free: &Free,
    columns: &[(G1Affine, G1Affine)],
    q: &G1Affine,
    pi: &G1Affine,
) -> bool {
    if columns.is_empty() {
        return false;
    }
    let (sponge, rho) = rho(free, columns);
    let z = z(sponge, q);
    let Some(z_u) = free.vanishing_outside(z) else {
        return false;
    };
    // C_N + z·π = Σ ρ^c·(C_A − C_W) − Z_U(z)·[Q] + z·π
    let mut terms = Vec::with_capacity(2 * columns.len() + 2);
    let mut r = Fr::ONE;
    for (proof, published) in columns {
        terms.push((r, *proof));
        terms.push((-r, *published));
        r *= rho;
    }
    terms.push((-z_u, *q));
    terms.push((z, *pi));
    let left = msm(&terms).to_affine();
    let neg_g2 = -*g2;
    let gt = Bn256::multi_miller_loop(&[(pi, s_g2), (&left, &neg_g2)]).final_exponentiation();
    bool::from(gt.is_identity())
}

/// The link after a proof (`main`, already verified): the advice commitments of the columns
/// `committed` lists (advice index, published commitment) are `main`'s first points, in column
/// order (`num_advice` of them); `tail` holds `[Q]` and `π`. The one reading both the native
/// and the light verifier use.
pub fn check_proof(
    g2s: (&G2Affine, &G2Affine),
    free: &Free,
    num_advice: usize,
    committed: &[(u32, G1Affine)],
    main: &[u8],
    tail: &[u8],
) -> Result<bool, VerifyError> {
    let mut t = Transcript::new(main);
    let advice = (0..num_advice)
        .map(|_| t.read_point())
        .collect::<Result<Vec<_>, _>>()?;
    let columns = committed
        .iter()
        .map(|(c, published)| {
            advice
                .get(*c as usize)
                .map(|a| (*a, *published))
                .ok_or_else(|| {
                    VerifyError::Proof(format!("committed params: no advice column {c}"))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut t = Transcript::new(tail);
    let (q, pi) = (t.read_point()?, t.read_point()?);
    Ok(check(g2s, free, &columns, &q, &pi))
}

/// `ω` for `2^k` rows: the field's `2^28`-th root of unity raised to `2^(28 − k)`.
pub fn omega(k: u32) -> Fr {
    Fr::ROOT_OF_UNITY.pow_vartime([1u64 << (Fr::S - k)])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Z_U(z)` is the product of `z − ωⁱ` over the rows outside the free set.
    #[test]
    fn vanishing_outside_is_the_product_over_the_other_rows() {
        let free = Free {
            k: 4,
            omega: omega(4),
            rows: vec![0, 5, 15],
        };
        let z = Fr::from(987_654_321);
        let direct = (0..16u64)
            .filter(|i| !free.rows.contains(i))
            .fold(Fr::ONE, |acc, i| acc * (z - free.omega.pow_vartime([i])));
        assert_eq!(free.vanishing_outside(z), Some(direct));
        assert_eq!(free.vanishing_outside(free.omega.pow_vartime([5])), None);
        assert_eq!(omega(4).pow_vartime([16]), Fr::ONE);
        assert_ne!(omega(4).pow_vartime([8]), Fr::ONE);
    }
}
