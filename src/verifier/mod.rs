//! The light verifier: checks a zkonnx proof against a verification bundle with nothing but
//! BN254 arithmetic (`halo2curves` 0.10, no precomputed tables), Keccak and Blake2b. No halo2, no
//! tract, no SRS file: the bundle carries the verification protocol (the constraint system's
//! gates, lookups and permutation as expressions over queried evaluations), the vk's
//! commitments and the three KZG points verification needs. `setup` writes the bundle
//! ([`crate::bundle`], native side); this module reads it, replays the EVM (Keccak) transcript
//! over the proof, checks the vanishing argument at the challenge point and the SHPLONK
//! multi-opening with one pairing check.
//!
//! - [`encoding`]: the byte formats (bundle fields, proof points and scalars), strict.
//! - [`expr`]: constraint expressions over evaluations.
//! - [`bundle`]: the bundle itself, its fingerprint, the public values' layout.
//! - [`transcript`]: the EVM transcript (the one Solidity verifiers read: [`crate::evm`]),
//!   reading only canonical encodings.
//! - [`plonk`]: the PLONK argument (gates, permutation, lookups, vanishing) at `x`.
//! - [`shplonk`]: the multi-open argument and the final pairing.
//! - [`trust`]: the model ID, what a verification pinned, and the one wording of both.
//!
//! A wrong proof verifies as `Ok(false)`; bytes that are not a proof or a bundle at all are
//! `Err` naming what is wrong.

pub mod blake2b;
pub mod bundle;
pub mod encoding;
pub mod expr;
pub mod link;
pub mod plonk;
pub mod publics;
pub mod shplonk;
pub mod srs_label;
pub mod transcript;
pub mod trust;

pub use bn254::bn256::Fr;
pub use bundle::Bundle;
pub use publics::{Decoded, Encoding, PublicLayout, PublicTensor, Role};

/// Errors of the light verifier: malformed input, never a wrong proof (that is `Ok(false)`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifyError {
    #[error("verification bundle: {0}")]
    Bundle(String),
    #[error("proof: {0}")]
    Proof(String),
    #[error("public values: {0}")]
    Instances(String),
}

/// Verify `proof` (the raw proof bytes) with public values `instances` against `bundle`. A
/// proof with another number of public values than the bundle's model has is not this model's
/// proof: `Ok(false)`.
pub fn verify(bundle: &Bundle, proof: &[u8], instances: &[Fr]) -> Result<bool, VerifyError> {
    match bundle.check_instances(instances) {
        Err(VerifyError::Instances(_)) => return Ok(false),
        r => r?,
    }
    if bundle.committed.is_empty() {
        return plonk::verify(bundle, proof, &[instances.to_vec()]);
    }
    // committed params: the proof, then the link of its parameter columns ([`link`])
    let expected = plonk::proof_len(bundle) + LINK_BYTES;
    if proof.len() != expected {
        return Err(VerifyError::Proof(format!(
            "{} bytes, while proofs of this bundle's model have {expected} (with the committed \
             params' link): a proof of another model, or a truncated or extended one",
            proof.len()
        )));
    }
    let cut = expected - LINK_BYTES;
    let (main, tail) = proof.split_at(cut);
    if !plonk::verify(bundle, main, &[instances.to_vec()])? {
        return Ok(false);
    }
    let free = link::Free::reserved(
        bundle.k,
        bundle.omega,
        u64::from(bundle.blinding_factors) + 1,
    );
    link::check_proof(
        (&bundle.g2, &bundle.s_g2),
        &free,
        bundle.num_advice_columns as usize,
        &bundle.committed,
        main,
        tail,
    )
}

/// Bytes the committed params' link adds after a proof: `[Q]` and `π`, 64 bytes each.
pub const LINK_BYTES: usize = 128;

/// A public value as a signed integer (values above (p-1)/2 are negative), if it fits in i64.
pub fn to_i64(f: &Fr) -> Option<i64> {
    use bn254::ff::PrimeField;
    let neg = -*f;
    let small = |x: &Fr| -> Option<i64> {
        let r = x.to_repr();
        let b = r.as_ref();
        if b[8..].iter().any(|&v| v != 0) {
            return None;
        }
        let v = u64::from_le_bytes(b[..8].try_into().ok()?);
        i64::try_from(v).ok()
    };
    small(f).or_else(|| small(&neg).map(|v| -v))
}

/// Parse a field element written as 64 hex digits, little-endian (proof.json's `instances`).
pub fn from_hex(s: &str) -> Result<Fr, String> {
    let h = s.strip_prefix("0x").unwrap_or(s);
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{s}` is not a 64-hex-digit field element"));
    }
    let mut bytes = [0u8; 32];
    for (i, b) in bytes.iter_mut().enumerate() {
        *b = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    encoding::fr_from_bytes(&bytes).ok_or_else(|| format!("`{s}` is not below the field modulus"))
}

/// proof.json's `instances[0]` (64-hex-digit little-endian field elements), each error naming
/// its position.
pub fn instances_from_hex(hex: &[String]) -> Result<Vec<Fr>, VerifyError> {
    hex.iter()
        .enumerate()
        .map(|(i, h)| {
            from_hex(h).map_err(|m| VerifyError::Instances(format!("instances[0][{i}]: {m}")))
        })
        .collect()
}

/// Bytes from a hex string with an optional `0x` (proof.json's `hex_proof`).
pub fn hex_bytes(s: &str) -> Result<Vec<u8>, String> {
    let h = s.strip_prefix("0x").unwrap_or(s);
    if !h.len().is_multiple_of(2) || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("hex_proof is not an even-length hex string".into());
    }
    (0..h.len() / 2)
        .map(|i| u8::from_str_radix(&h[2 * i..2 * i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}
