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
use rand::rngs::{OsRng, StdRng};
use rand::{RngCore, SeedableRng};
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
    #[error(
        "{stage} of this circuit (logrows {k}) needs about {need_mib} MiB of memory, more than the \
         {limit_mib} MiB a WebAssembly module addresses: run it natively (the CLI), or with \
         fewer rows"
    )]
    OutOfMemory {
        stage: &'static str,
        k: u32,
        need_mib: u64,
        limit_mib: u64,
    },
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

/// A proof of `trace`; `published`: with committed params, every parameter column's published
/// commitment (what setup made: [`crate::circuit::params::commitments`]), else empty.
pub fn prove(
    model: &Compiled,
    trace: &Trace,
    salts: &Salts,
    instances: &[Fr],
    pk: &ProvingKey<G1Affine>,
    params: &ProverParams,
    published: &[G1Affine],
) -> Result<Vec<u8>, ProofError> {
    let circuit = ModelCircuit {
        model,
        trace: Some(trace),
        salts: Some(salts),
    };
    let mut transcript = EvmTranscript::init(vec![]);
    // a seeded generator, so that the blinding rows it fills can be replayed for the link
    let mut seed = [0u8; 32];
    OsRng.fill_bytes(&mut seed);
    create_proof::<kzg::Scheme, kzg::Shplonk<'_>, _, _, _, _>(
        params,
        pk,
        &[circuit],
        &[&[instances]],
        StdRng::from_seed(seed),
        &mut transcript,
    )
    .map_err(|e| ProofError::Prove(format!("{e:?}")))?;
    let mut proof = transcript.finalize();
    let cp = crate::circuit::CircuitParams::from_settings(&model.settings);
    if cp.param_columns > 0 {
        let salt = salts
            .params
            .ok_or_else(|| ProofError::Prove("committed params without a params salt".into()))?;
        if published.len() != cp.param_columns {
            return Err(ProofError::Prove(format!(
                "committed params: {} published commitments for {} parameter columns",
                published.len(),
                cp.param_columns
            )));
        }
        let link = link_proof(model, &cp, params, seed, &proof, salt, published)?;
        proof.extend_from_slice(&link);
    }
    Ok(proof)
}

use crate::verifier::LINK_BYTES;

/// The committed params' link ([`crate::kzg::link`]) of a proof made with the generator seeded
/// by `seed`: `create_proof` draws the reserved rows of every advice column, column by column
/// and row by row, first from it; they are replayed here, and checked against the proof's
/// commitments before anything is linked.
fn link_proof(
    model: &Compiled,
    cp: &crate::circuit::CircuitParams,
    params: &ProverParams,
    seed: [u8; 32],
    proof: &[u8],
    salt: Fr,
    commitments_published: &[G1Affine],
) -> Result<Vec<u8>, ProofError> {
    use crate::circuit::params as pc;
    use halo2_proofs::poly::commitment::Params;
    use halo2curves::ff::Field;
    use halo2curves::group::Curve;
    let n = params.n() as usize;
    let reserved = crate::circuit::reserved_rows(cp);
    let num_advice = crate::circuit::constraint_system(cp).num_advice_columns();
    let cols = pc::column_indices(cp);
    let published = pc::published(
        &model.graph,
        cp.param_columns,
        cp.param_rows,
        n,
        reserved,
        salt,
    );
    let mut rng = StdRng::from_seed(seed);
    let tails: Vec<Vec<Fr>> = (0..num_advice)
        .map(|_| (0..reserved).map(|_| Fr::random(&mut rng)).collect())
        .collect();
    let mut reader = EvmTranscript::reader(proof);
    let mut advice = Vec::with_capacity(num_advice);
    for _ in 0..num_advice {
        advice.push(
            reader
                .read_point()
                .map_err(|e| ProofError::Prove(format!("reading the proof's commitments: {e}")))?,
        );
    }
    let free: Vec<u64> = ((n - reserved) as u64..n as u64).collect();
    let mut proven = Vec::with_capacity(cols.len());
    let mut commitments = Vec::with_capacity(cols.len());
    for (c, &col) in cols.iter().enumerate() {
        let mut a = published[c].clone();
        a[n - reserved..].copy_from_slice(&tails[col as usize]);
        let c_w = commitments_published[c];
        // the replay is right iff C_A = C_W + Σ (tail − salt)·[L] over the reserved rows
        let diff: Vec<Fr> = (n - reserved..n).map(|i| a[i] - published[c][i]).collect();
        let expected = (kzg::commit(&diff, &params.lagrange()[n - reserved..]) + c_w).to_affine();
        if expected != advice[col as usize] {
            return Err(ProofError::Prove(format!(
                "parameter column {c}: the proof's commitment is not the published one with \
                 the replayed blinding rows (published commitments of other weights or salt, or \
                 halo2's order of random draws changed)"
            )));
        }
        proven.push(a);
        commitments.push((advice[col as usize], c_w));
    }
    let columns: Vec<kzg::link::Column> = (0..cols.len())
        .map(|c| kzg::link::Column {
            proof: &proven[c],
            published: &published[c],
            proof_commitment: commitments[c].0,
            published_commitment: commitments[c].1,
        })
        .collect();
    let (q, pi) = kzg::link::prove(params, &free, &columns)
        .map_err(|e| ProofError::Prove(format!("committed params: {e}")))?;
    let mut out = Vec::with_capacity(LINK_BYTES);
    for p in [q, pi] {
        let (x, y) = EvmTranscript::xy(&p).map_err(|e| ProofError::Prove(e.to_string()))?;
        out.extend_from_slice(&x);
        out.extend_from_slice(&y);
    }
    Ok(out)
}

/// `Ok(true)` for a valid proof, `Ok(false)` for a well-formed proof that does not verify, and
/// `Err(Malformed)` for bytes that are not a proof (too short, too long, a byte string that is
/// not a canonical point or scalar encoding). `committed`: with committed params, every
/// parameter column (advice index, published commitment), and the proof's last
/// [`LINK_BYTES`] must link them ([`crate::verifier::link`]); else empty.
pub fn verify(
    proof: &[u8],
    instances: &[Fr],
    vk: &VerifyingKey<G1Affine>,
    params: &ParamsKZG<Bn256>,
    committed: &[(u32, G1Affine)],
) -> Result<bool, ProofError> {
    if committed.is_empty() {
        return verify_halo2(proof, instances, vk, params);
    }
    let cut = proof.len().checked_sub(LINK_BYTES).ok_or_else(|| {
        ProofError::Malformed(format!(
            "the proof ends early: {} bytes, shorter than the committed params' link \
             ({LINK_BYTES} bytes; truncated?)",
            proof.len()
        ))
    })?;
    let (main, tail) = proof.split_at(cut);
    if !verify_halo2(main, instances, vk, params)? {
        return Ok(false);
    }
    let k = vk.get_domain().k();
    let free = crate::verifier::link::Free::reserved(
        k,
        crate::verifier::link::omega(k),
        vk.cs().blinding_factors() as u64 + 1,
    );
    let committed: Vec<_> = committed
        .iter()
        .map(|(c, p)| (*c, kzg::light::g1(p)))
        .collect();
    crate::verifier::link::check_proof(
        (
            &kzg::light::g2(&params.g2()),
            &kzg::light::g2(&params.s_g2()),
        ),
        &free,
        vk.cs().num_advice_columns(),
        &committed,
        main,
        tail,
    )
    .map_err(|e| ProofError::Malformed(format!("the committed params' link: {e}")))
}

/// halo2's verification alone: `Ok(true)` for a valid proof, `Ok(false)` for a well-formed
/// proof that does not verify, and `Err(Malformed)` for bytes that are not a proof (too short,
/// too long, a byte string that is not a canonical point or scalar encoding). Private: a
/// committed-params proof must also pass its link ([`verify`]).
fn verify_halo2(
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
