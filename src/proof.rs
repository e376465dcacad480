//! Witness -> proof -> verification (KZG on BN254, SHPLONK multi-open, Blake2b transcript),
//! and the mock prover.

use halo2_proofs::dev::MockProver;
use halo2_proofs::plonk::{create_proof, verify_proof, ProvingKey, VerifyingKey};
use halo2_proofs::poly::kzg::commitment::{KZGCommitmentScheme, ParamsKZG};
use halo2_proofs::poly::kzg::multiopen::{ProverSHPLONK, VerifierSHPLONK};
use halo2_proofs::poly::kzg::strategy::SingleStrategy;
use halo2_proofs::transcript::{Blake2bRead, Blake2bWrite, Challenge255, TranscriptReadBuffer, TranscriptWriterBuffer};
use halo2curves::bn256::{Bn256, Fr, G1Affine};
use rand::rngs::OsRng;

use crate::circuit::ModelCircuit;
use crate::keys::guarded;
use crate::model::Compiled;
use crate::quant::Trace;

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
pub fn mock(model: &Compiled, trace: &Trace, instances: Vec<Fr>) -> Result<(), ProofError> {
    let circuit = ModelCircuit { model, trace: Some(trace) };
    let k = model.settings.run_args.logrows;
    let prover = guarded("mock prover", || MockProver::run(k, &circuit, vec![instances]).map_err(|e| format!("{e:?}")))
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
    instances: &[Fr],
    pk: &ProvingKey<G1Affine>,
    params: &ParamsKZG<Bn256>,
) -> Result<Vec<u8>, ProofError> {
    let circuit = ModelCircuit { model, trace: Some(trace) };
    let mut transcript = Blake2bWrite::<_, G1Affine, Challenge255<_>>::init(vec![]);
    create_proof::<KZGCommitmentScheme<Bn256>, ProverSHPLONK<'_, Bn256>, _, _, _, _>(
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

/// `Ok(true)` for a valid proof, `Ok(false)` for an invalid one.
pub fn verify(proof: &[u8], instances: &[Fr], vk: &VerifyingKey<G1Affine>, params: &ParamsKZG<Bn256>) -> Result<bool, ProofError> {
    guarded("verifier", || {
        let mut transcript = Blake2bRead::<_, G1Affine, Challenge255<_>>::init(proof);
        let strategy = SingleStrategy::new(params);
        let ok = verify_proof::<KZGCommitmentScheme<Bn256>, VerifierSHPLONK<'_, Bn256>, _, _, _>(
            params,
            vk,
            strategy,
            &[&[instances]],
            &mut transcript,
        )
        .is_ok();
        Ok(ok)
    })
    .map_err(ProofError::Malformed)
}
