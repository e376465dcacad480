//! The `zkonnx` command line: ezkl's subcommands and flags over the byte-level pipeline.
//! All file handling lives in the CLI (`src/cli/`); errors print as one line and exit non-zero.
//! This file parses the command line and dispatches to the commands' modules.

use std::process::ExitCode;

mod cli;

use clap::{Parser, Subcommand};

use crate::cli::srs::SrsCmd;
use crate::cli::{commit, e2e, evm, prove, setup, srs, verify, Res};

#[derive(Parser)]
#[command(
    name = "zkonnx",
    version,
    about = "Zero-knowledge proofs of ONNX model predictions (halo2, KZG/BN254)",
    after_help = "Steps, in order (ezkl's names):\n  \
        1. gen-settings        settings.json from network.onnx\n  \
        2. calibrate-settings  scales, lookup range and logrows from calibration data (optional)\n  \
        3. compile-circuit     network.onnx + settings.json -> model.compiled\n  \
        4. gen-srs | get-srs   the SRS (gen-srs: UNSAFE, development only; get-srs: a ceremony's)\n  \
        5. setup               model.compiled + SRS -> pk.key, vk.key, verifier.bundle\n  \
        6. gen-witness         input.json + model.compiled -> witness.json\n  \
        7. mock                check the witness against the circuit (optional)\n  \
        8. prove               witness.json + pk.key + SRS -> proof.json\n  \
        9. verify              proof.json + vk.key + settings.json + SRS (or the bundle)\n\n\
        `zkonnx e2e DIR` runs every step on DIR/network.onnx and DIR/input.json.\n\
        ezkl's flags that zkonnx has no use for are accepted and ignored (left out of --help)."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Describe the model's circuit (settings.json)
    GenSettings(setup::GenSettings),
    /// Pick scales, lookup range and logrows from calibration data
    CalibrateSettings(setup::CalibrateSettings),
    /// Quantize the model into a compiled circuit
    CompileCircuit(setup::CompileCircuit),
    /// Print the model ID: what a modeler publishes and verifiers pin (`verify --model-id`).
    /// It covers the circuit and its keys (the bundle's fingerprint) and the params commitment
    Commit(commit::Commit),
    /// Generate an UNSAFE seeded SRS (tests and development only)
    GenSrs(setup::GenSrs),
    /// Generate the proving and verifying keys
    Setup(setup::Setup),
    /// Run the quantized model on input.json
    GenWitness(prove::GenWitness),
    /// Check a witness against the circuit (no proof)
    Mock(prove::Mock),
    /// Prove a witness
    Prove(prove::Prove),
    /// Verify a proof
    Verify(verify::Verify),
    /// Every step on DIR/network.onnx and DIR/input.json, timed
    E2e(e2e::E2e),
    /// The EVM verifier: the reusable verifier's Solidity source and ABI, and the model's
    /// verifying-key artifact (.vka) beside them
    CreateEvmVerifier(evm::CreateVerifier),
    /// The model's verifying-key artifact (.vka) alone
    CreateEvmVka(evm::CreateVka),
    /// Deploy the reusable verifier (once per chain) and the model's verifier contract
    DeployEvm(evm::Deploy),
    /// Deploy the model's verifier contract for a reusable verifier already on the chain
    RegisterVka(evm::RegisterVka),
    /// The calldata of verifyProof(proof, instances) for a proof
    EncodeEvmCalldata(evm::EncodeCalldata),
    /// Verify a proof with a deployed verifier contract (eth_call), with the gas it takes
    VerifyEvm(evm::VerifyEvm),
    /// Ceremony SRS files: import a snarkjs .ptau, tell which ceremony an SRS is
    Srs {
        #[command(subcommand)]
        cmd: SrsCmd,
    },
    /// Download the Perpetual Powers of Tau file for K (PSE's ppot_0080_K.ptau), check its
    /// SHA-256, cache it and import it as an SRS of k = K
    GetSrs(srs::GetSrs),
}

fn run(cmd: Cmd) -> Res<()> {
    match cmd {
        Cmd::GenSettings(a) => a.run(),
        Cmd::CalibrateSettings(a) => a.run(),
        Cmd::CompileCircuit(a) => a.run(),
        Cmd::Commit(a) => a.run(),
        Cmd::GenSrs(a) => a.run(),
        Cmd::Setup(a) => a.run(),
        Cmd::GenWitness(a) => a.run(),
        Cmd::Mock(a) => a.run(),
        Cmd::Prove(a) => a.run(),
        Cmd::Verify(a) => a.run(),
        Cmd::E2e(a) => a.run(),
        Cmd::Srs { cmd } => srs::srs_cmd(cmd),
        Cmd::CreateEvmVerifier(a) => a.run(),
        Cmd::CreateEvmVka(a) => a.run(),
        Cmd::DeployEvm(a) => a.run(),
        Cmd::RegisterVka(a) => a.run(),
        Cmd::EncodeEvmCalldata(a) => a.run(),
        Cmd::VerifyEvm(a) => a.run(),
        Cmd::GetSrs(a) => a.run(),
    }
}

fn main() -> ExitCode {
    zkonnx::keys::install_panic_hook();
    // field arithmetic in assembly (Cargo.toml): an illegal instruction without BMI2 and ADX
    #[cfg(all(target_arch = "x86_64", not(zkonnx_no_asm)))]
    if !(std::arch::is_x86_feature_detected!("bmi2") && std::arch::is_x86_feature_detected!("adx"))
    {
        eprintln!(
            "error: this build of zkonnx multiplies field elements with the BMI2 and ADX \
             instructions, which this CPU lacks: build it with RUSTFLAGS=\"--cfg zkonnx_no_asm\""
        );
        return ExitCode::FAILURE;
    }
    let cli = Cli::parse();
    match run(cli.cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}
