//! The call a model contract takes: `verifyProof(bytes proof, uint256[] instances)` in the ABI's
//! canonical layout (the only one the verifier accepts), public values as big-endian words.

use crate::verifier::transcript::be;
use bn254::bn256::Fr;
use bn254::ff::PrimeField;
use sha3::{Digest, Keccak256};

/// The function's signature; its selector is the first 4 bytes of its Keccak-256.
pub const SIGNATURE: &str = "verifyProof(bytes,uint256[])";

pub fn selector() -> [u8; 4] {
    let h = Keccak256::digest(SIGNATURE.as_bytes());
    [h[0], h[1], h[2], h[3]]
}

fn word(v: usize) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&(v as u64).to_be_bytes());
    w
}

/// The calldata for `verifyProof(proof, instances)`.
pub fn encode(proof: &[u8], instances: &[Fr]) -> Vec<u8> {
    let padded = proof.len().div_ceil(32) * 32;
    let mut out = Vec::with_capacity(4 + 32 * 4 + padded + 32 * instances.len());
    out.extend_from_slice(&selector());
    out.extend_from_slice(&word(0x40));
    out.extend_from_slice(&word(0x60 + padded));
    out.extend_from_slice(&word(proof.len()));
    out.extend_from_slice(proof);
    out.resize(out.len() + padded - proof.len(), 0);
    out.extend_from_slice(&word(instances.len()));
    for v in instances {
        out.extend_from_slice(&be(v.to_repr().as_ref()));
    }
    out
}

/// `0x`-prefixed lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 + 2 * bytes.len());
    s.push_str("0x");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Where each public tensor sits in `instances` (what a contract consuming a verified proof
/// reads): its role, which input or output, the first instance index, the number of instances
/// it takes, its scale, and whether it is a commitment (one instance) or values (signed
/// fixed-point integers: an instance above (r−1)/2 is negative, `value = q / 2^scale`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub role: crate::verifier::Role,
    pub index: u32,
    pub first: usize,
    pub rows: usize,
    pub scale: u32,
    pub commitment: bool,
}

/// Every public tensor's [`Slot`], in instance order (instance 0 is the layout digest).
pub fn slots(layout: &crate::verifier::PublicLayout) -> Vec<Slot> {
    let mut first = 1;
    layout
        .tensors
        .iter()
        .map(|t| {
            let s = Slot {
                role: t.role,
                index: t.index,
                first,
                rows: t.rows(),
                scale: t.scale,
                commitment: t.encoding == crate::verifier::Encoding::Commitment,
            };
            first += s.rows;
            s
        })
        .collect()
}
