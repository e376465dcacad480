//! The structured reference string: KZG params on BN254 in halo2's raw byte layout
//! (`k: u32 LE`, `2^k` G1 monomial points, `2^k` G1 Lagrange points, `g2`, `s·g2`; points
//! uncompressed, coordinates in Montgomery form), as written by ezkl and PSE halo2.
//!
//! - [`ptau`]: import a snarkjs `.ptau` (a ceremony's powers of tau) as such a file.
//! - Labels ([`label`], [`info`]): which ceremony an SRS is, from its `τ·G2`
//!   ([`crate::verifier::srs_label`], shared with the light verifier).
//! - [`gen_srs_unsafe`]: a development SRS, recognisable as one whatever its seed.

use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2curves::bn256::{Bn256, Fr, G2Affine, G2};
use halo2curves::group::prime::PrimeCurveAffine;
use halo2curves::group::{Curve, Group};
use halo2curves::serde::SerdeObject;
use halo2curves::CurveAffine;
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::kzg::{params_of, ProverParams};
use crate::settings::MAX_LOGROWS;
pub use crate::verifier::srs_label::{self as label_table, fingerprint, label_of, SrsLabel};

pub mod basis;
pub mod ptau;

const G1_BYTES: usize = 64;
const G2_BYTES: usize = 128;

/// Errors loading an SRS.
#[derive(Debug, thiserror::Error)]
pub enum SrsError {
    #[error("SRS: file too short ({0} bytes) to hold a header")]
    TooShort(usize),
    #[error("SRS: header says k = {0}, above the supported maximum {MAX_LOGROWS}")]
    KTooLarge(u32),
    #[error("SRS: {got} bytes, but k = {k} needs exactly {expected}, or that and zkonnx's Lagrange bases (truncated or not a halo2 KZG params file)")]
    Length { k: u32, expected: u64, got: usize },
    #[error("SRS: invalid curve point: {0}")]
    Point(String),
    /// the generator or pairing checks of [`check`] failed: a spoofed or corrupt SRS
    #[error("SRS rejected: {0} (a spoofed or corrupt SRS: no label or proof can rest on it)")]
    Spoofed(String),
    #[error("SRS has k = {have}, the circuit needs k = {need}: generate or fetch a larger one")]
    TooSmall { have: u32, need: u32 },
    #[error("ptau: truncated: {what} needs {need} bytes at offset {at}, the file ends at {len}")]
    PtauTruncated {
        what: String,
        at: u64,
        need: u64,
        len: usize,
    },
    #[error("ptau: not a snarkjs .ptau file (magic {0:02x?}, expected \"ptau\")")]
    PtauMagic([u8; 4]),
    #[error("ptau: version {0}, only version 1 is known")]
    PtauVersion(u32),
    #[error("ptau: section {id} ({name}) is missing")]
    PtauMissingSection { id: u32, name: &'static str },
    #[error("ptau: section {0} appears twice")]
    PtauDuplicateSection(u32),
    #[error("ptau: wrong curve: header (section 1) field {field} is {got}, BN254 needs {want}")]
    PtauWrongCurve {
        field: &'static str,
        got: String,
        want: String,
    },
    #[error("ptau header (section 1): {0}")]
    PtauHeader(String),
    #[error("ptau has power {power} (2^{power} powers of tau): k = {k} needs a file of power {k} or more")]
    PtauTooSmall { power: u32, k: u32 },
    #[error("ptau section {id} ({name}): {got} bytes, power {power} needs {expected}")]
    PtauSectionSize {
        id: u32,
        name: &'static str,
        power: u32,
        expected: u64,
        got: u64,
    },
    #[error("ptau section {id} ({name}): point {index} {why}")]
    PtauPoint {
        id: u32,
        name: &'static str,
        index: usize,
        why: &'static str,
    },
    #[error("ptau: pairing check failed: {0}")]
    PtauPairing(&'static str),
}

/// `k` of an SRS file whose length is halo2's layout for `k`, or that and the Lagrange bases
/// of every smaller size ([`basis`]'s trailer).
pub fn header(bytes: &[u8]) -> Result<u32, SrsError> {
    if bytes.len() < 4 {
        return Err(SrsError::TooShort(bytes.len()));
    }
    let k = u32::from_le_bytes(bytes[..4].try_into().unwrap());
    if k > MAX_LOGROWS {
        return Err(SrsError::KTooLarge(k));
    }
    let expected = body_len64(k);
    if bytes.len() as u64 != expected && !has_trailer(bytes, k) {
        return Err(SrsError::Length {
            k,
            expected,
            got: bytes.len(),
        });
    }
    Ok(k)
}

/// Bytes of halo2's layout for `k`: the header, `2^k` G1 points twice, two G2 points (`u64`:
/// on wasm32 the largest `k`'s do not fit a `usize`).
fn body_len64(k: u32) -> u64 {
    4 + 2 * (1u64 << k) * G1_BYTES as u64 + 2 * G2_BYTES as u64
}

/// [`body_len64`] of a file whose length [`header`] has checked (so it fits a `usize`).
fn body_len(k: u32) -> usize {
    body_len64(k) as usize
}

fn has_trailer(bytes: &[u8], k: u32) -> bool {
    let at = body_len64(k);
    // the length first: only then are the offsets inside `bytes`
    bytes.len() as u64 == at + basis::trailer_len(k) && {
        let at = at as usize;
        &bytes[at..at + basis::MAGIC.len()] == basis::MAGIC
    }
}

/// Whether an SRS file carries the Lagrange bases of every smaller size ([`basis`]).
pub fn has_smaller_bases(bytes: &[u8]) -> bool {
    header(bytes).is_ok_and(|k| has_trailer(bytes, k))
}

/// The Lagrange bases of the smaller sizes, if the file (of size `k`, [`header`]) has them.
fn trailer(bytes: &[u8], k: u32) -> Option<&[u8]> {
    has_trailer(bytes, k).then(|| &bytes[body_len(k)..])
}

/// The checks every SRS passes before it is used or labelled
/// ([`crate::verifier::srs_label::check_points`]): `g[0]` and `g2` are BN254's generators and
/// `e(g[1], g2) = e(g[0], s·g2)`. Returns `k`.
pub fn check(bytes: &[u8]) -> Result<u32, SrsError> {
    let k = header(bytes)?;
    if k == 0 {
        return Err(SrsError::Spoofed(
            "k = 0: no g[1] to check s·g2 against".into(),
        ));
    }
    let n = 1usize << k;
    let at = |o: usize| &bytes[o..];
    let g0: &[u8; G1_BYTES] = at(4)[..G1_BYTES].try_into().unwrap();
    let g1: &[u8; G1_BYTES] = at(4 + G1_BYTES)[..G1_BYTES].try_into().unwrap();
    let g2: &[u8; G2_BYTES] = at(4 + 2 * n * G1_BYTES)[..G2_BYTES].try_into().unwrap();
    let s_g2: &[u8; G2_BYTES] = at(4 + 2 * n * G1_BYTES + G2_BYTES)[..G2_BYTES]
        .try_into()
        .unwrap();
    label_table::check_raw_points(g0, g1, g2, s_g2).map_err(SrsError::Spoofed)?;
    Ok(k)
}

/// The CLI's default `gen-srs` seed.
pub const DEFAULT_DEV_SEED: u32 = 0x5eed;

/// The seed a development SRS made by [`gen_srs_unsafe`] came from, if it is below 256 or the
/// CLI's default: for the bundle's record (the label, [`label_of`], needs no seed). Also knows
/// the SRSs of zkonnx before the marker (their secret was the seed's first draw itself).
/// The default seed is tried first: every seed tried on a marked SRS costs a baby-step
/// giant-step walk, and `prove` and `setup` ask this of their SRS.
pub fn dev_seed(s_g2: &G2Affine) -> Option<u32> {
    let marked = label_table::has_dev_marker(&g2_raw(s_g2));
    let target = G2::from(*s_g2);
    std::iter::once(DEFAULT_DEV_SEED)
        .chain(0..256)
        .find(|&seed| {
            let start = G2Affine::generator() * first_draw(seed as u64);
            start == target || (marked && dev::steps_from(start, target).is_some())
        })
}

/// [`dev_seed`] of `τ·G2` in the raw layout (`None` if the bytes are not a point).
pub fn dev_seed_of_raw(s_g2: &[u8; G2_BYTES]) -> Option<u32> {
    G2Affine::from_raw_bytes(s_g2)
        .filter(|p| bool::from(p.is_on_curve()))
        .and_then(|p| dev_seed(&p))
}

/// The raw (Montgomery, uncompressed) bytes of a G2 point, as an SRS file holds them.
pub fn g2_raw(p: &G2Affine) -> [u8; G2_BYTES] {
    let mut out = [0u8; G2_BYTES];
    out.copy_from_slice(&p.to_raw_bytes());
    out
}

fn first_draw(seed: u64) -> Fr {
    use halo2curves::ff::Field;
    Fr::random(StdRng::seed_from_u64(seed))
}

/// Generate a development SRS from a seed. **Unsafe**: anyone who knows the seed can forge
/// proofs. For tests and development only. The secret is the seed's first draw `τ₀` stepped to
/// the first `τ₀ + j` whose `τ·G2` carries the development marker
/// ([`crate::verifier::srs_label`]): so every development SRS is labelled one, whatever its seed
/// (2^18 G2 additions on average: about 0.3 s).
pub fn gen_srs_unsafe(k: u32, seed: u64) -> Vec<u8> {
    let tau = first_draw(seed) + Fr::from(dev::grind(G2Affine::generator() * first_draw(seed)));
    params_from_secret_unsafe(k, tau)
}

/// The SRS of size `k` for the secret `tau` in halo2's layout, with the Lagrange bases of every
/// smaller size ([`basis`]). **Unsafe**: for development SRSs and tests.
pub fn params_from_secret_unsafe(k: u32, tau: Fr) -> Vec<u8> {
    use halo2curves::ff::Field;
    let n = 1usize << k;
    let mut powers = Vec::with_capacity(n);
    let mut x = Fr::ONE;
    for _ in 0..n {
        powers.push(x);
        x *= tau;
    }
    let mut out = Vec::with_capacity(body_len(k) + basis::trailer_len(k) as usize);
    out.extend_from_slice(&k.to_le_bytes());
    for p in basis::fixed_base(&powers)
        .into_iter()
        .chain(basis::fixed_base(&basis::lagrange_at(tau, k)))
    {
        out.extend_from_slice(&p.to_raw_bytes());
    }
    out.extend_from_slice(&G2Affine::generator().to_raw_bytes());
    out.extend_from_slice(&(G2Affine::generator() * tau).to_affine().to_raw_bytes());
    out.extend_from_slice(&basis::trailer_from_secret(tau, k));
    out
}

/// What `zkonnx srs info` tells of an SRS file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrsInfo {
    pub k: u32,
    /// Blake2b-256 of `τ·G2`'s 128 raw bytes ([`fingerprint`])
    pub fingerprint: [u8; 32],
    pub label: SrsLabel,
    /// `τ·G2` (raw layout)
    pub s_g2: [u8; G2_BYTES],
    /// the file carries the Lagrange bases of every smaller size ([`basis`])
    pub smaller_bases: bool,
}

/// The size, `τ·G2` fingerprint and label of an SRS file (its length, header and [`check`]ed
/// generators and secret; the other points are checked on load).
pub fn info(bytes: &[u8]) -> Result<SrsInfo, SrsError> {
    let k = check(bytes)?;
    let n = 1usize << k;
    let at = 4 + 2 * n * G1_BYTES + G2_BYTES;
    let s_g2: [u8; G2_BYTES] = bytes[at..at + G2_BYTES].try_into().unwrap();
    Ok(SrsInfo {
        k,
        fingerprint: fingerprint(&s_g2),
        label: label_of(&s_g2),
        s_g2,
        smaller_bases: trailer(bytes, k).is_some(),
    })
}

/// The label of an SRS file ([`info`]).
pub fn label(bytes: &[u8]) -> Result<SrsLabel, SrsError> {
    Ok(info(bytes)?.label)
}

/// The development SRS's secret: the marker search and the seed's recovery.
mod dev {
    use super::*;
    use halo2curves::group::Curve;
    use std::collections::HashMap;
    use std::sync::OnceLock;

    /// Points normalised to affine at once (one field inversion per batch).
    const BATCH: usize = 1024;

    /// The first `j ≥ 0` with `start + j·G2` marked.
    pub fn grind(start: G2) -> u64 {
        let g = G2Affine::generator();
        let mut p = start;
        let mut proj = vec![G2::identity(); BATCH];
        let mut aff = vec![G2Affine::identity(); BATCH];
        let mut j0 = 0u64;
        loop {
            for q in proj.iter_mut() {
                *q = p;
                p += g;
            }
            G2::batch_normalize(&proj, &mut aff);
            if let Some(i) = aff
                .iter()
                .position(|a| label_table::has_dev_marker(&g2_raw(a)))
            {
                return j0 + i as u64;
            }
            j0 += BATCH as u64;
        }
    }

    /// Baby steps `i·G2`, `i < 2^BABY`, by the first 8 raw bytes of their x.
    const BABY: u32 = 14;
    /// `j` is searched below `2^(BABY + GIANT)`: a marked point is found within it but with
    /// probability `exp(-2^(BABY + GIANT - DEV_MARKER_BITS))` = e^-16 (then the seed is not
    /// recovered; the label is unaffected).
    const GIANT: u32 = label_table::DEV_MARKER_BITS + 4 - BABY;

    fn baby_steps() -> &'static HashMap<u64, u32> {
        static TABLE: OnceLock<HashMap<u64, u32>> = OnceLock::new();
        TABLE.get_or_init(|| {
            let n = 1usize << BABY;
            let mut proj = Vec::with_capacity(n);
            let mut p = G2::identity();
            for _ in 0..n {
                proj.push(p);
                p += G2Affine::generator();
            }
            let mut aff = vec![G2Affine::identity(); n];
            G2::batch_normalize(&proj, &mut aff);
            aff.iter()
                .enumerate()
                .map(|(i, a)| (key(a), i as u32))
                .collect()
        })
    }

    fn key(a: &G2Affine) -> u64 {
        u64::from_le_bytes(g2_raw(a)[..8].try_into().unwrap())
    }

    /// `j` with `target = start + j·G2`, if `j < 2^(BABY + GIANT)` (baby-step giant-step).
    pub fn steps_from(start: G2, target: G2) -> Option<u64> {
        let table = baby_steps();
        let stride = G2Affine::generator() * Fr::from(1u64 << BABY);
        let mut d = target - start;
        let mut proj = Vec::with_capacity(1 << GIANT);
        for _ in 0..1usize << GIANT {
            proj.push(d);
            d -= stride;
        }
        let mut aff = vec![G2Affine::identity(); proj.len()];
        G2::batch_normalize(&proj, &mut aff);
        aff.iter().enumerate().find_map(|(t, a)| {
            let i = *table.get(&key(a))?;
            let j = ((t as u64) << BABY) + i as u64;
            // the key is 8 bytes of x: confirm (and tell -P from P)
            (start + G2Affine::generator() * Fr::from(j) == target).then_some(j)
        })
    }

    /// An rng whose first 64 bytes make `Fr::random` return `tau`: `Fr::random` reduces eight
    /// u64 draws, little-endian, modulo r, so `tau`'s four limbs then zeros give `tau` itself
    /// (the tests compare [`params_from_secret_unsafe`] with halo2's own `ParamsKZG::setup`).
    #[cfg(test)]
    pub struct SecretRng {
        limbs: [u64; 8],
        at: usize,
    }

    #[cfg(test)]
    impl SecretRng {
        pub fn new(tau: Fr) -> Self {
            use halo2curves::ff::PrimeField;
            let repr = tau.to_repr();
            let mut limbs = [0u64; 8];
            for (i, l) in limbs.iter_mut().take(4).enumerate() {
                *l = u64::from_le_bytes(repr.as_ref()[8 * i..8 * i + 8].try_into().unwrap());
            }
            SecretRng { limbs, at: 0 }
        }
    }

    #[cfg(test)]
    impl rand::RngCore for SecretRng {
        fn next_u64(&mut self) -> u64 {
            assert!(self.at < 8, "SecretRng: setup drew more than one scalar");
            self.at += 1;
            self.limbs[self.at - 1]
        }
        fn next_u32(&mut self) -> u32 {
            unimplemented!("Fr::random draws u64s")
        }
        fn fill_bytes(&mut self, _: &mut [u8]) {
            unimplemented!("Fr::random draws u64s")
        }
        fn try_fill_bytes(&mut self, _: &mut [u8]) -> Result<(), rand::Error> {
            unimplemented!("Fr::random draws u64s")
        }
    }
}

/// Load an SRS for a circuit of size `k`, cutting a larger one down: the points of size `k`
/// (the Lagrange basis from the file's trailer when it has one, else by an inverse FFT over
/// G1), each on its curve, and tied to the `τ` of `s·g2` ([`basis::check_powers`]; a basis
/// read from the file, [`basis::check_basis`]).
pub fn load_for_k(bytes: &[u8], k: u32) -> Result<ProverParams, SrsError> {
    let have = check(bytes)?;
    if have < k {
        return Err(SrsError::TooSmall { have, need: k });
    }
    let (n, big_n) = (1usize << k, 1usize << have);
    let body = &bytes[4..body_len(have)];
    let g = basis::points(&body[..n * G1_BYTES], |i| format!("g[{i}]"))?;
    let (g2, s_g2) = g2_points(&body[2 * big_n * G1_BYTES..])?;
    basis::check_powers(&g, &g2, &s_g2)?;
    let lagrange = if k == 0 {
        // one point: L_0 = 1 (the trailer starts at size 2)
        g.clone()
    } else if have == k {
        let raw = &body[n * G1_BYTES..2 * n * G1_BYTES];
        basis::points(raw, |i| format!("g_lagrange[{i}]"))?
    } else if let Some(t) = trailer(bytes, have) {
        basis::points(basis::basis_in(t, have, k), |i| {
            format!("the Lagrange basis of size 2^{k}'s point {i}")
        })?
    } else {
        // computed from the checked powers: their basis by construction
        let proj = g.iter().map(|p| p.to_curve()).collect();
        let lagrange = halo2_proofs::arithmetic::g_to_lagrange(proj, k);
        return Ok(ProverParams::from_parts(k, g, lagrange, g2, s_g2));
    };
    basis::check_basis(&g, &lagrange, k)?;
    Ok(ProverParams::from_parts(k, g, lagrange, g2, s_g2))
}

/// The few SRS elements KZG verification reads (`g[0]`, `g2`, `s·g2`; and `g[1]`, for the
/// verification bundle's pairing check), for a circuit of size `k`.
pub fn verifier_params(bytes: &[u8], k: u32) -> Result<ParamsKZG<Bn256>, SrsError> {
    let have = check(bytes)?;
    if have < k {
        return Err(SrsError::TooSmall { have, need: k });
    }
    let n = 1usize << have;
    let g = basis::points(&bytes[4..4 + 2 * G1_BYTES], |i| format!("g[{i}]"))?;
    let (g2, s_g2) = g2_points(&bytes[4 + 2 * n * G1_BYTES..body_len(have)])?;
    Ok(params_of(k, g, Some(vec![]), g2, s_g2))
}

/// `g2` and `s·g2` from their raw bytes (the raw layout's reader checks coordinates against the
/// modulus only): each on its curve and in the prime-order subgroup (BN254's G2 has a cofactor;
/// G1 has none: its points are checked by [`basis::points`]).
fn g2_points(raw: &[u8]) -> Result<(G2Affine, G2Affine), SrsError> {
    let point = |c: &[u8], what: &str| {
        G2Affine::from_raw_bytes(c)
            .filter(|q| {
                let p = G2::from(*q);
                bool::from(q.is_on_curve()) && bool::from((p * -Fr::one() + p).is_identity())
            })
            .ok_or_else(|| SrsError::Point(format!("{what} is not a point of the G2 subgroup")))
    };
    Ok((
        point(&raw[..G2_BYTES], "g2")?,
        point(&raw[G2_BYTES..2 * G2_BYTES], "s_g2")?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use halo2_proofs::poly::commitment::{Params, ParamsProver};
    use halo2curves::bn256::G1Affine;

    #[test]
    fn setup_takes_the_given_secret() {
        let tau = Fr::from(123_456_789u64) + first_draw(3);
        let p = ParamsKZG::<Bn256>::read(&mut &params_from_secret_unsafe(3, tau)[..]).unwrap();
        assert_eq!(p.s_g2(), (G2Affine::generator() * tau).to_affine());
        assert_eq!(p.get_g()[1], (G1Affine::generator() * tau).to_affine());
        assert_eq!(
            p.get_g()[7],
            (G1Affine::generator() * halo2curves::ff::Field::pow(&tau, [7])).to_affine()
        );
    }

    #[test]
    fn development_srs_is_labelled_and_its_seed_recovered() {
        for seed in [0u64, 3, 0x5eed, 1 << 40] {
            let t = std::time::Instant::now();
            let srs = gen_srs_unsafe(2, seed);
            let took = t.elapsed();
            let i = info(&srs).unwrap();
            assert_eq!(i.label, SrsLabel::Development, "seed {seed}");
            assert_eq!(i.k, 2);
            let t = std::time::Instant::now();
            let found = dev_seed_of_raw(&i.s_g2);
            eprintln!("seed {seed}: gen {took:?}, dev_seed {:?}", t.elapsed());
            let want = (seed < 256 || seed == DEFAULT_DEV_SEED as u64).then_some(seed as u32);
            assert_eq!(found, want, "seed {seed}");
            load_for_k(&srs, 2).unwrap();
        }
    }

    #[test]
    fn an_unmarked_secret_is_unrecognised_and_old_seeds_still_known() {
        // zkonnx before the marker: the first draw itself
        let old = params_from_secret_unsafe(1, first_draw(5));
        let i = info(&old).unwrap();
        assert_eq!(i.label, SrsLabel::Unrecognised);
        assert_eq!(dev_seed_of_raw(&i.s_g2), Some(5));
    }
}
