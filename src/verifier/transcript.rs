//! halo2's Blake2b transcript (personalization "Halo2-Transcript", 64-byte state output;
//! prefixes 0 challenge, 1 point, 2 scalar), reading a proof's bytes. Malformed bytes are an
//! error; a point at infinity in a proof is not an encoding error but makes the proof invalid
//! (halo2 refuses to hash it), reported as `Ok(None)`.

use super::encoding::{g1_compressed, g1_from_compressed};
use super::VerifyError;
use bn254::bn256::{Fr, G1Affine};
use bn254::ff::{FromUniformBytes, PrimeField};
use bn254::CurveAffine;

pub struct Transcript<'a> {
    state: blake2b_simd::State,
    proof: &'a [u8],
    pos: usize,
}

impl<'a> Transcript<'a> {
    pub fn new(proof: &'a [u8]) -> Self {
        let state = blake2b_simd::Params::new()
            .hash_length(64)
            .personal(b"Halo2-Transcript")
            .to_state();
        Self {
            state,
            proof,
            pos: 0,
        }
    }

    pub fn squeeze(&mut self) -> Fr {
        self.state.update(&[0]);
        let out: [u8; 64] = self
            .state
            .clone()
            .finalize()
            .as_bytes()
            .try_into()
            .expect("64-byte Blake2b");
        Fr::from_uniform_bytes(&out)
    }

    pub fn common_scalar(&mut self, s: &Fr) {
        self.state.update(&[2]);
        self.state.update(s.to_repr().as_ref());
    }

    fn common_point(&mut self, p: &G1Affine) {
        let c = p.coordinates().unwrap();
        self.state.update(&[1]);
        self.state.update(c.x().to_repr().as_ref());
        self.state.update(c.y().to_repr().as_ref());
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

    /// The next point; `Ok(None)` if it is the point at infinity (an invalid proof).
    pub fn read_point(&mut self) -> Result<Option<G1Affine>, VerifyError> {
        let at = self.pos;
        let b = self.take32()?;
        let p = g1_from_compressed(&b)
            .map_err(|m| VerifyError::Proof(format!("bytes {at}..{}: {m}", at + 32)))?;
        let Some(p) = p else { return Ok(None) };
        if g1_compressed(&p) != b {
            return Err(VerifyError::Proof(format!(
                "bytes {at}..{}: non-canonical point encoding",
                at + 32
            )));
        }
        self.common_point(&p);
        Ok(Some(p))
    }

    pub fn read_scalar(&mut self) -> Result<Fr, VerifyError> {
        let at = self.pos;
        let b = self.take32()?;
        let s: Option<Fr> = Option::from(Fr::from_repr(b.into()));
        let s = s.ok_or_else(|| {
            VerifyError::Proof(format!(
                "bytes {at}..{}: not a field element (not below the modulus)",
                at + 32
            ))
        })?;
        self.common_scalar(&s);
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
