//! The EVM transcript (the encoding snark-verifier's `EvmTranscript` uses, and so every EVM
//! verifier of halo2-KZG proofs): a byte buffer absorbs scalars as 32-byte big-endian words and
//! points as their uncompressed big-endian `x ‖ y` (64 bytes); a challenge is Keccak-256 of the
//! buffer (with one `0x01` byte appended when the buffer is exactly one word) read big-endian
//! and reduced mod r, and the buffer is then reset to that hash. Proofs are the same words:
//! points 64 bytes, scalars 32, all big-endian, each below its modulus; a point must lie on the
//! curve (the identity has no such encoding: halo2 never writes it).
//!
//! [`Sponge`] is the hashing alone, over raw words, shared by the prover's transcript
//! (`crate::proof`) and the reader here.

use super::VerifyError;
use bn254::bn256::{Fq, Fr, G1Affine};
use bn254::ff::PrimeField;
use bn254::CurveAffine;
use sha3::{Digest, Keccak256};

/// The transcript's state: the bytes absorbed since the last challenge.
#[derive(Clone, Debug, Default)]
pub struct Sponge {
    buf: Vec<u8>,
}

impl Sponge {
    /// Absorb one 32-byte big-endian word.
    pub fn absorb(&mut self, word: &[u8; 32]) {
        self.buf.extend_from_slice(word);
    }

    /// The next challenge as 32 bytes, big-endian, not yet reduced mod r.
    pub fn squeeze(&mut self) -> [u8; 32] {
        if self.buf.len() == 32 {
            self.buf.push(1);
        }
        let hash: [u8; 32] = Keccak256::digest(&self.buf).into();
        self.buf.clear();
        self.buf.extend_from_slice(&hash);
        hash
    }
}

/// A 256-bit big-endian integer as 64 little-endian bytes (for `from_uniform_bytes`, which
/// reduces mod r).
pub fn wide_le(be: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (o, b) in out.iter_mut().zip(be.iter().rev()) {
        *o = *b;
    }
    out
}

/// A 256-bit big-endian integer mod r, as halo2's `Challenge255` (`from_uniform_bytes` of
/// [`wide_le`]) takes a challenge: `lo + hi·2^248`, with `lo` its low 31 bytes and `hi` its top
/// byte, both below r. (Through `from_repr` and plain multiplication: `from_uniform_bytes` costs
/// the light verifier's module a second, constant-time copy of the multiplication.)
pub fn reduce_be(h: &[u8; 32]) -> Fr {
    let lo = be(&h[1..]); // the low 31 bytes, little-endian; its top byte 0
    let mut two_248 = [0u8; 32];
    two_248[31] = 1;
    let part =
        |le: [u8; 32]| Option::<Fr>::from(Fr::from_repr(le.into())).expect("below 2^248 < r");
    part(lo) + Fr::from(u64::from(h[0])) * part(two_248)
}

/// A field element's 32-byte little-endian representation, big-endian.
pub fn be(le: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, b) in out.iter_mut().zip(le.iter().rev()) {
        *o = *b;
    }
    out
}

fn fr_be(s: &Fr) -> [u8; 32] {
    be(s.to_repr().as_ref())
}

pub struct Transcript<'a> {
    sponge: Sponge,
    proof: &'a [u8],
    pos: usize,
}

impl<'a> Transcript<'a> {
    pub fn new(proof: &'a [u8]) -> Self {
        Self {
            sponge: Sponge::default(),
            proof,
            pos: 0,
        }
    }

    pub fn squeeze(&mut self) -> Fr {
        reduce_be(&self.sponge.squeeze())
    }

    pub fn common_scalar(&mut self, s: &Fr) {
        self.sponge.absorb(&fr_be(s));
    }

    fn take32(&mut self) -> Result<[u8; 32], VerifyError> {
        if self.proof.len() - self.pos < 32 {
            return Err(VerifyError::Proof(format!(
                "the proof ends early: {} bytes, more expected (truncated?)",
                self.proof.len()
            )));
        }
        let b = self.proof[self.pos..self.pos + 32]
            .try_into()
            .expect("32 bytes");
        self.pos += 32;
        Ok(b)
    }

    /// The next point: 64 bytes `x ‖ y`, big-endian, each below the base field's modulus, on
    /// the curve. Anything else (the all-zero identity included) is malformed.
    pub fn read_point(&mut self) -> Result<G1Affine, VerifyError> {
        let at = self.pos;
        let (xb, yb) = (self.take32()?, self.take32()?);
        let coord = |b: &[u8; 32]| -> Option<Fq> { Option::from(Fq::from_repr(be(b).into())) };
        let p = coord(&xb)
            .zip(coord(&yb))
            .and_then(|(x, y)| Option::<G1Affine>::from(G1Affine::from_xy(x, y)));
        let Some(p) = p else {
            return Err(VerifyError::Proof(format!(
                "bytes {at}..{}: not a curve point (coordinates must be canonical and on BN254's G1)",
                at + 64
            )));
        };
        self.sponge.absorb(&xb);
        self.sponge.absorb(&yb);
        Ok(p)
    }

    /// The next scalar: 32 bytes big-endian, below r.
    pub fn read_scalar(&mut self) -> Result<Fr, VerifyError> {
        let at = self.pos;
        let b = self.take32()?;
        let s: Option<Fr> = Option::from(Fr::from_repr(be(&b).into()));
        let s = s.ok_or_else(|| {
            VerifyError::Proof(format!(
                "bytes {at}..{}: not a field element (not below the modulus)",
                at + 32
            ))
        })?;
        self.sponge.absorb(&b);
        Ok(s)
    }

    pub fn read_scalars(&mut self, n: usize) -> Result<Vec<Fr>, VerifyError> {
        (0..n).map(|_| self.read_scalar()).collect()
    }

    /// Bytes not read: a proof must have none.
    pub fn rest(&self) -> usize {
        self.proof.len() - self.pos
    }
}

/// proof.json's `transcript_type` for these proofs (ezkl writes the same word for its own).
pub const TRANSCRIPT_TYPE: &str = "EVM";

/// A proof file's `transcript_type` must be [`TRANSCRIPT_TYPE`]: zkonnx's earlier proofs said
/// "Blake2b", and no verifier of this version reads them.
pub fn check_type(transcript_type: &str) -> Result<(), String> {
    match transcript_type {
        TRANSCRIPT_TYPE => Ok(()),
        "Blake2b" => Err(
            "`transcript_type` is \"Blake2b\": a proof of an earlier zkonnx (proof format 1), \
             which this version no longer verifies; proofs now use the EVM (Keccak) transcript, \
             so every verifier and a smart contract read the same proof: prove again (and run \
             `zkonnx setup` again: bundles are format 4)"
                .into(),
        ),
        other => Err(format!(
            // quoted by hand: `{:?}` would cost the light verifier's module Rust's Debug escaping
            "`transcript_type` is \"{other}\": this verifier reads \"{TRANSCRIPT_TYPE}\" proofs only"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bn254::ff::{Field, FromUniformBytes};

    /// `reduce_be` is halo2's reduction of a challenge (`from_uniform_bytes` of the zero-extended
    /// little-endian bytes): on the edges (0, r − 1, r, 2^248 ± 1, 2^256 − 1, each top byte) and
    /// on pseudo-random words.
    #[test]
    fn reduce_be_is_halo2s_reduction() {
        let halo2 = |h: &[u8; 32]| Fr::from_uniform_bytes(&wide_le(h));
        let r_minus_1 = fr_be(&-Fr::ONE);
        let mut r = r_minus_1;
        r[31] += 1; // r − 1 ends in 0x00 (r is odd): no carry
        let mut words = vec![[0u8; 32], [0xff; 32], r_minus_1, r];
        for top in [0u8, 1, 0x30, 0x31, 0x7f, 0x80, 0xfe, 0xff] {
            let mut w = [0u8; 32];
            w[0] = top;
            words.push(w);
            words.push([top; 32]);
            let mut below = [0xffu8; 32];
            below[0] = top;
            words.push(below);
        }
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..2000 {
            let mut w = [0u8; 32];
            for b in w.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = x as u8;
            }
            words.push(w);
        }
        for w in &words {
            assert_eq!(reduce_be(w), halo2(w), "{w:02x?}");
        }
    }
}
