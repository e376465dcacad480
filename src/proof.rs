//! Witness -> proof -> verification (KZG on BN254, SHPLONK multi-open, the EVM transcript),
//! and the mock prover.

use halo2_proofs::dev::MockProver;
use halo2_proofs::plonk::{create_proof, verify_proof, ProvingKey, VerifyingKey};
use halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_proofs::poly::kzg::multiopen::VerifierSHPLONK;
use halo2_proofs::poly::kzg::strategy::SingleStrategy;
use halo2_proofs::transcript::{
    Challenge255, EncodedChallenge, Transcript, TranscriptRead, TranscriptWrite,
    TranscriptWriterBuffer,
};
use halo2curves::bn256::{Bn256, Fq, Fr, G1Affine};
use halo2curves::ff::PrimeField;
use halo2curves::CurveAffine;
use rand::rngs::OsRng;
use std::io;

use crate::circuit::ModelCircuit;
use crate::keys::guarded;
use crate::kzg::{self, ProverParams};
use crate::model::Compiled;
use crate::publics::Salts;
use crate::quant::Trace;
use crate::verifier::transcript::{be, wide_le, Sponge};

/// Errors of mock proving, proving and verification.
#[derive(Debug, thiserror::Error)]
pub enum ProofError {
    #[error("mock: the witness does not satisfy the circuit: {0}")]
    Unsatisfied(String),
    #[error("proving failed: {0}")]
    Prove(String),
    #[error("proof: {0}")]
    Malformed(String),
    #[error("the proof holds {got} public values, the settings expect {expected}")]
    InstanceCount { expected: usize, got: usize },
    #[error("the circuit needs {need} rows but 2^{k} rows leave {have} usable: raise logrows")]
    TooManyRows { need: usize, have: usize, k: u32 },
}

/// Run the mock prover; `Err` lists the first failing constraints.
pub fn mock(
    model: &Compiled,
    trace: &Trace,
    salts: &Salts,
    instances: Vec<Fr>,
) -> Result<(), ProofError> {
    let circuit = ModelCircuit {
        model,
        trace: Some(trace),
        salts: Some(salts),
    };
    let k = model.settings.run_args.logrows;
    let prover = guarded("mock prover", || {
        MockProver::run(k, &circuit, vec![instances]).map_err(|e| format!("{e:?}"))
    })
    .map_err(ProofError::Unsatisfied)?;
    prover.verify().map_err(|errs| {
        let n = errs.len();
        let first: Vec<String> = errs.iter().take(3).map(|e| e.to_string()).collect();
        ProofError::Unsatisfied(format!("{n} failure(s); first: {}", first.join(" | ")))
    })
}

pub fn prove(
    model: &Compiled,
    trace: &Trace,
    salts: &Salts,
    instances: &[Fr],
    pk: &ProvingKey<G1Affine>,
    params: &ProverParams,
) -> Result<Vec<u8>, ProofError> {
    let circuit = ModelCircuit {
        model,
        trace: Some(trace),
        salts: Some(salts),
    };
    let mut transcript = EvmTranscript::init(vec![]);
    create_proof::<kzg::Scheme, kzg::Shplonk<'_>, _, _, _, _>(
        params,
        pk,
        &[circuit],
        &[&[instances]],
        OsRng,
        &mut transcript,
    )
    .map_err(|e| ProofError::Prove(format!("{e:?}")))?;
    Ok(transcript.finalize())
}

/// `Ok(true)` for a valid proof, `Ok(false)` for a well-formed proof that does not verify, and
/// `Err(Malformed)` for bytes that are not a proof (too short, too long, a byte string that is
/// not a canonical point or scalar encoding).
pub fn verify(
    proof: &[u8],
    instances: &[Fr],
    vk: &VerifyingKey<G1Affine>,
    params: &ParamsKZG<Bn256>,
) -> Result<bool, ProofError> {
    guarded("verifier", || {
        let mut transcript = EvmTranscript::reader(proof);
        let strategy = SingleStrategy::new(params);
        let ok = verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
            params,
            vk,
            strategy,
            &[&[instances]],
            &mut transcript,
        )
        .is_ok();
        if let Some(fault) = transcript.fault {
            return Err(fault);
        }
        // trailing bytes would make the same proof verify under many encodings
        if !transcript.rest.is_empty() {
            return Err(format!(
                "{} bytes after the end of the proof",
                transcript.rest.len()
            ));
        }
        Ok(ok)
    })
    .map_err(ProofError::Malformed)
}

/// The EVM transcript ([`crate::verifier::transcript`]) as halo2 writes and reads it: the
/// prover writes points as uncompressed big-endian `x ‖ y` and scalars big-endian; the reader
/// accepts only canonical encodings (coordinates and scalars below their moduli, points on the
/// curve), so one proof has one byte string.
pub struct EvmTranscript<'a> {
    sponge: Sponge,
    out: Vec<u8>,
    rest: &'a [u8],
    len: usize,
    /// the first malformation met, reported as an error rather than as a failed proof
    fault: Option<String>,
}

impl<'a> EvmTranscript<'a> {
    fn reader(proof: &'a [u8]) -> Self {
        Self {
            sponge: Sponge::default(),
            out: Vec::new(),
            rest: proof,
            len: proof.len(),
            fault: None,
        }
    }

    fn at(&self) -> usize {
        self.len - self.rest.len()
    }

    fn malformed(&mut self, msg: String) -> io::Error {
        let e = io::Error::new(io::ErrorKind::InvalidData, msg.clone());
        self.fault.get_or_insert(msg);
        e
    }

    fn take32(&mut self) -> io::Result<[u8; 32]> {
        if self.rest.len() < 32 {
            let msg = format!(
                "the proof ends early: {} bytes, more expected (truncated?)",
                self.len
            );
            return Err(self.malformed(msg));
        }
        let (head, tail) = self.rest.split_at(32);
        self.rest = tail;
        Ok(head.try_into().expect("32 bytes"))
    }

    fn xy(point: &G1Affine) -> io::Result<([u8; 32], [u8; 32])> {
        let c: Option<_> = point.coordinates().into();
        let c: halo2curves::Coordinates<G1Affine> = c.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                "the point at infinity has no EVM encoding",
            )
        })?;
        Ok((be(c.x().to_repr().as_ref()), be(c.y().to_repr().as_ref())))
    }
}

impl TranscriptWriterBuffer<Vec<u8>, G1Affine, Challenge255<G1Affine>> for EvmTranscript<'_> {
    fn init(out: Vec<u8>) -> Self {
        let mut t = Self::reader(&[]);
        t.out = out;
        t
    }
    fn finalize(self) -> Vec<u8> {
        self.out
    }
}

impl Transcript<G1Affine, Challenge255<G1Affine>> for EvmTranscript<'_> {
    fn squeeze_challenge(&mut self) -> Challenge255<G1Affine> {
        Challenge255::new(&wide_le(&self.sponge.squeeze()))
    }
    fn common_point(&mut self, point: G1Affine) -> io::Result<()> {
        let (x, y) = Self::xy(&point)?;
        self.sponge.absorb(&x);
        self.sponge.absorb(&y);
        Ok(())
    }
    fn common_scalar(&mut self, scalar: Fr) -> io::Result<()> {
        self.sponge.absorb(&be(scalar.to_repr().as_ref()));
        Ok(())
    }
}

impl TranscriptWrite<G1Affine, Challenge255<G1Affine>> for EvmTranscript<'_> {
    fn write_point(&mut self, point: G1Affine) -> io::Result<()> {
        self.common_point(point)?;
        let (x, y) = Self::xy(&point)?;
        self.out.extend_from_slice(&x);
        self.out.extend_from_slice(&y);
        Ok(())
    }
    fn write_scalar(&mut self, scalar: Fr) -> io::Result<()> {
        self.common_scalar(scalar)?;
        self.out.extend_from_slice(&be(scalar.to_repr().as_ref()));
        Ok(())
    }
}

impl TranscriptRead<G1Affine, Challenge255<G1Affine>> for EvmTranscript<'_> {
    fn read_point(&mut self) -> io::Result<G1Affine> {
        let at = self.at();
        let (xb, yb) = (self.take32()?, self.take32()?);
        let coord = |b: &[u8; 32]| -> Option<Fq> { Option::from(Fq::from_repr(be(b))) };
        let point = coord(&xb)
            .zip(coord(&yb))
            .and_then(|(x, y)| Option::<G1Affine>::from(G1Affine::from_xy(x, y)));
        let Some(point) = point else {
            return Err(self.malformed(format!(
                "bytes {at}..{}: not a curve point (coordinates must be canonical and on BN254's G1)",
                at + 64
            )));
        };
        self.sponge.absorb(&xb);
        self.sponge.absorb(&yb);
        Ok(point)
    }
    fn read_scalar(&mut self) -> io::Result<Fr> {
        let at = self.at();
        let bytes = self.take32()?;
        let Some(scalar) = Option::<Fr>::from(Fr::from_repr(be(&bytes))) else {
            return Err(self.malformed(format!(
                "bytes {at}..{}: not a field element (not below the modulus)",
                at + 32
            )));
        };
        self.sponge.absorb(&bytes);
        Ok(scalar)
    }
}
