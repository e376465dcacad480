//! The structured reference string: KZG params on BN254 in halo2's raw byte layout
//! (`k: u32 LE`, `2^k` G1 monomial points, `2^k` G1 Lagrange points, `g2`, `s·g2`; points
//! uncompressed, coordinates in Montgomery form), as written by ezkl and PSE halo2.

use halo2_proofs::poly::commitment::{Params, ParamsProver};
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2_proofs::SerdeFormat;
use halo2curves::bn256::{Bn256, Fr, G1Affine, G2Affine, G2};
use halo2curves::group::Group;
use halo2curves::serde::SerdeObject;
use halo2curves::CurveAffine;
use rand::rngs::StdRng;
use rand::SeedableRng;

use crate::settings::MAX_LOGROWS;

const G1_BYTES: usize = 64;
const G2_BYTES: usize = 128;

/// Errors loading an SRS.
#[derive(Debug, thiserror::Error)]
pub enum SrsError {
    #[error("SRS: file too short ({0} bytes) to hold a header")]
    TooShort(usize),
    #[error("SRS: header says k = {0}, above the supported maximum {MAX_LOGROWS}")]
    KTooLarge(u32),
    #[error("SRS: {got} bytes, but k = {k} needs exactly {expected} (truncated or not a halo2 KZG params file)")]
    Length { k: u32, expected: usize, got: usize },
    #[error("SRS: invalid curve point: {0}")]
    Point(String),
    #[error("SRS has k = {have}, the circuit needs k = {need}: generate or fetch a larger one")]
    TooSmall { have: u32, need: u32 },
}

/// `k` and the expected size of an SRS file.
pub fn header(bytes: &[u8]) -> Result<u32, SrsError> {
    if bytes.len() < 4 {
        return Err(SrsError::TooShort(bytes.len()));
    }
    let k = u32::from_le_bytes(bytes[..4].try_into().unwrap());
    if k > MAX_LOGROWS {
        return Err(SrsError::KTooLarge(k));
    }
    let expected = 4 + 2 * (1usize << k) * G1_BYTES + 2 * G2_BYTES;
    if bytes.len() != expected {
        return Err(SrsError::Length {
            k,
            expected,
            got: bytes.len(),
        });
    }
    Ok(k)
}

/// The CLI's default `gen-srs` seed.
pub const DEFAULT_DEV_SEED: u32 = 0x5eed;

/// The seed `s_g2` comes from if it is that of a development SRS made by [`gen_srs_unsafe`]
/// with a seed below 256 or the CLI's default (its secret is the first draw of
/// `StdRng::seed_from_u64(seed)`).
pub fn dev_seed(s_g2: &halo2curves::bn256::G2Affine) -> Option<u32> {
    use halo2curves::bn256::{Fr, G2Affine};
    use halo2curves::ff::Field;
    use halo2curves::group::Curve;
    (0..256).chain([DEFAULT_DEV_SEED]).find(|&seed| {
        let s = Fr::random(StdRng::seed_from_u64(seed as u64));
        (G2Affine::generator() * s).to_affine() == *s_g2
    })
}

/// Generate an SRS from a seed. **Unsafe**: anyone who knows the seed can forge proofs.
/// For tests and development only.
pub fn gen_srs_unsafe(k: u32, seed: u64) -> Vec<u8> {
    let params = ParamsKZG::<Bn256>::setup(k, StdRng::seed_from_u64(seed));
    let mut out = Vec::with_capacity(4 + 2 * (1usize << k) * G1_BYTES + 2 * G2_BYTES);
    params.write(&mut out).expect("write to Vec");
    out
}

/// Load an SRS for proving at `k`, downsizing a larger one.
pub fn load_for_k(bytes: &[u8], k: u32) -> Result<ParamsKZG<Bn256>, SrsError> {
    let have = header(bytes)?;
    if have < k {
        return Err(SrsError::TooSmall { have, need: k });
    }
    check_points(&bytes[4..], 1usize << have)?;
    let mut params = ParamsKZG::<Bn256>::read_custom(&mut &bytes[..], SerdeFormat::RawBytes)
        .map_err(|e| SrsError::Point(e.to_string()))?;
    if have > k {
        params.downsize(k);
    }
    Ok(params)
}

/// The few SRS elements KZG verification reads (`g[0]`, `g2`, `s·g2`), for a circuit of size `k`.
pub fn verifier_params(bytes: &[u8], k: u32) -> Result<ParamsKZG<Bn256>, SrsError> {
    let have = header(bytes)?;
    if have < k {
        return Err(SrsError::TooSmall { have, need: k });
    }
    let n = 1usize << have;
    let g0 = &bytes[4..4 + G1_BYTES];
    let g2 = &bytes[4 + 2 * n * G1_BYTES..];
    verifier_params_from_parts(g0, g2, k)
}

/// Build verifier params from `g[0]` (64 bytes) and `g2 ‖ s·g2` (256 bytes).
pub fn verifier_params_from_parts(
    g0: &[u8],
    g2s: &[u8],
    k: u32,
) -> Result<ParamsKZG<Bn256>, SrsError> {
    if g0.len() != G1_BYTES || g2s.len() != 2 * G2_BYTES {
        return Err(SrsError::Point(format!(
            "verifier SRS parts: {} + {} bytes, expected {G1_BYTES} (g) + {} (g2, s_g2)",
            g0.len(),
            g2s.len(),
            2 * G2_BYTES
        )));
    }
    // a k = 0 params file: one monomial point, one Lagrange point, g2, s·g2
    let mut small = Vec::with_capacity(4 + 2 * G1_BYTES + 2 * G2_BYTES);
    small.extend_from_slice(&0u32.to_le_bytes());
    small.extend_from_slice(g0);
    small.extend_from_slice(g0);
    small.extend_from_slice(g2s);
    check_points(&small[4..], 1)?;
    let p = ParamsKZG::<Bn256>::read_custom(&mut &small[..], SerdeFormat::RawBytes)
        .map_err(|e| SrsError::Point(e.to_string()))?;
    let g = vec![p.get_g()[0]];
    Ok(p.from_parts(k, g, Some(vec![]), p.g2(), p.s_g2()))
}

/// The raw layout's reader checks coordinates against the modulus only: check that every
/// point of the file (`n` G1 points twice, then two G2 points) is on its curve, and that `g2`
/// and `s·g2` lie in the prime-order subgroup (BN254's G2 has a cofactor; G1 has none).
fn check_points(body: &[u8], n: usize) -> Result<(), SrsError> {
    for (i, c) in body[..2 * n * G1_BYTES].chunks_exact(G1_BYTES).enumerate() {
        let ok = G1Affine::from_raw_bytes(c).is_some_and(|q| bool::from(q.is_on_curve()));
        if !ok {
            let what = if i < n {
                format!("g[{i}]")
            } else {
                format!("g_lagrange[{}]", i - n)
            };
            return Err(SrsError::Point(format!("{what} is not a point of G1")));
        }
    }
    for (i, c) in body[2 * n * G1_BYTES..].chunks_exact(G2_BYTES).enumerate() {
        let ok = G2Affine::from_raw_bytes(c).is_some_and(|q| {
            let p = G2::from(q);
            bool::from(q.is_on_curve()) && bool::from((p * -Fr::one() + p).is_identity())
        });
        if !ok {
            return Err(SrsError::Point(format!(
                "{} is not a point of the G2 subgroup",
                ["g2", "s_g2"][i]
            )));
        }
    }
    Ok(())
}

/// Bytes of `g[0]` and `g2 ‖ s·g2` of an SRS file (for the verification bundle).
pub fn verifier_parts(bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>), SrsError> {
    let have = header(bytes)?;
    let n = 1usize << have;
    Ok((
        bytes[4..4 + G1_BYTES].to_vec(),
        bytes[4 + 2 * n * G1_BYTES..].to_vec(),
    ))
}
