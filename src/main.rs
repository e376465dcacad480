//! The `zkonnx` command line: ezkl's subcommands and flags over the byte-level pipeline.
//! All file handling lives here; errors print as one line and exit non-zero.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "cli/commit.rs"]
mod commit_cmd;
#[path = "cli/e2e.rs"]
mod e2e_cmd;
#[path = "cli/evm.rs"]
mod evm_cmd;
#[path = "cli/srs.rs"]
mod srs_cmd;
use commit_cmd::commit;
use e2e_cmd::e2e;
use srs_cmd::{get_srs, srs_cmd, SrsCmd};
#[path = "cli/progress.rs"]
mod progress;
use progress::Progress;

use clap::{Args, Parser, Subcommand};
use zkonnx::calibrate::{self, CalibrateOptions, Target};
use zkonnx::estimate::{self, Engine, Shape};
use zkonnx::formats::{InputData, Proof, Witness};
use zkonnx::model::Compiled;
use zkonnx::pipeline;
use zkonnx::settings::{CheckMode, RunArgs, Settings, Visibility};

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

/// The defaults of gen-settings' flags are RunArgs' own (one place: `RunArgs::default`).
fn default_lookup_range() -> String {
    let (lo, hi) = RunArgs::default().lookup_range;
    format!("{lo}->{hi}")
}

fn default_variables() -> String {
    RunArgs::default()
        .variables
        .iter()
        .map(|(k, v)| format!("{k}->{v}"))
        .collect::<Vec<_>>()
        .join(",")
}

#[derive(Args, Clone)]
struct RunArgsFlags {
    /// fixed-point scale of the inputs: a value x is stored as round(x * 2^SCALE)
    #[arg(short = 'S', long, default_value_t = RunArgs::default().input_scale)]
    input_scale: u32,
    /// fixed-point scale of the weights and constants (2^SCALE)
    #[arg(long, default_value_t = RunArgs::default().param_scale)]
    param_scale: u32,
    /// accepted for ezkl compatibility; zkonnx rescales every product to the input scale
    #[arg(hide = true, long)]
    rebase_scale: Option<u32>,
    /// accepted for ezkl compatibility (rescaling happens after every multiplication)
    #[arg(hide = true, long, default_value_t = RunArgs::default().scale_rebase_multiplier)]
    scale_rebase_multiplier: u32,
    /// [lo, hi): the domain of the lookup tables and of every range check, lo->hi
    #[arg(
        short = 'B',
        long,
        default_value_t = default_lookup_range(),
        allow_hyphen_values = true
    )]
    lookup_range: String,
    /// the circuit has 2^LOGROWS rows (calibrate-settings picks the smallest that fits)
    #[arg(short = 'K', long, default_value_t = RunArgs::default().logrows)]
    logrows: u32,
    /// product lanes per row of the dot-product gate
    #[arg(short = 'N', long, default_value_t = RunArgs::default().num_inner_cols)]
    num_inner_cols: usize,
    /// values of the model's symbolic dimensions, name->value, comma separated (batch_size->1)
    #[arg(short = 'V', long, default_value_t = default_variables())]
    variables: String,
    /// public (values in the proof), hashed (a Poseidon commitment in the proof) or private
    /// (proves "for some input")
    #[arg(long, default_value_t = RunArgs::default().input_visibility)]
    input_visibility: Visibility,
    /// public (values in the proof), hashed (a Poseidon commitment in the proof) or private
    #[arg(long, default_value_t = RunArgs::default().output_visibility)]
    output_visibility: Visibility,
    /// hashed (a salted commitment binds the weights; they stay private), fixed (in the vk)
    /// or private (NOT bound: any weights verify)
    #[arg(long, default_value_t = RunArgs::default().param_visibility)]
    param_visibility: Visibility,
    /// safe (verify each proof after proving) or unsafe
    #[arg(long, default_value_t = RunArgs::default().check_mode)]
    check_mode: CheckMode,
    /// accepted for ezkl compatibility (zkonnx range-checks with lookups)
    #[arg(hide = true, long, default_value_t = RunArgs::default().decomp_base)]
    decomp_base: usize,
    /// accepted for ezkl compatibility (zkonnx range-checks with lookups)
    #[arg(hide = true, long, default_value_t = RunArgs::default().decomp_legs)]
    decomp_legs: usize,
}

#[derive(Subcommand)]
enum Cmd {
    /// Describe the model's circuit (settings.json)
    GenSettings {
        /// the ONNX model
        #[arg(short = 'M', long, default_value = "network.onnx")]
        model: PathBuf,
        /// where the settings are written
        #[arg(short = 'O', long, default_value = "settings.json")]
        settings_path: PathBuf,
        #[command(flatten)]
        run_args: RunArgsFlags,
    },
    /// Pick scales, lookup range and logrows from calibration data
    CalibrateSettings {
        /// calibration inputs, in input.json's format (several samples per input)
        #[arg(short = 'D', long, default_value = "calibration.json")]
        data: PathBuf,
        /// the ONNX model
        #[arg(short = 'M', long, default_value = "network.onnx")]
        model: PathBuf,
        /// where the settings are written
        #[arg(short = 'O', long, default_value = "settings.json")]
        settings_path: PathBuf,
        /// resources (the cheapest circuit within --tolerance) or accuracy (the finest scale that
        /// fits --max-logrows)
        #[arg(long, default_value = "resources")]
        target: Target,
        /// the lookup range covers the largest observed magnitude times this factor
        #[arg(long, default_value_t = 2.0)]
        lookup_safety_margin: f64,
        /// the scales to try, comma separated, e.g. 6,7,8 (default: 6..=14 for resources,
        /// 7..=15 for accuracy)
        #[arg(long, value_delimiter = ',')]
        scales: Option<Vec<u32>>,
        /// accepted for ezkl compatibility (zkonnx rebases every product to the input scale)
        #[arg(hide = true, long, value_delimiter = ',')]
        scale_rebase_multiplier: Option<Vec<u32>>,
        /// the largest logrows calibration may choose (default: 22)
        #[arg(long)]
        max_logrows: Option<u32>,
        /// Lanes per row (num_inner_cols) to choose from, e.g. `2` to keep two (default:
        /// 1,2,4,8,16, the one with the lowest estimated proving cost)
        #[arg(long, value_delimiter = ',')]
        lanes: Option<Vec<usize>>,
        /// resources: max output error vs float, relative to max(1, |output|)
        #[arg(long, default_value_t = 2.5e-4)]
        tolerance: f64,
        /// accepted for ezkl compatibility (ignored)
        #[arg(hide = true, long)]
        only_range_check_rebase: Option<bool>,
    },
    /// Quantize the model into a compiled circuit
    CompileCircuit {
        /// the ONNX model
        #[arg(short = 'M', long, default_value = "network.onnx")]
        model: PathBuf,
        /// where the compiled circuit is written
        #[arg(long, default_value = "model.compiled")]
        compiled_circuit: PathBuf,
        /// the settings (gen-settings, calibrate-settings)
        #[arg(short = 'S', long, default_value = "settings.json")]
        settings_path: PathBuf,
        /// the params commitment's secret salt (hashed params), created if absent
        /// (default: beside the model, MODEL with extension .salt)
        #[arg(long)]
        salt_path: Option<PathBuf>,
    },
    /// Print the model ID: what a modeler publishes and verifiers pin (`verify --model-id`).
    /// It covers the circuit and its keys (the bundle's fingerprint) and the params commitment
    Commit {
        /// the compiled circuit (compile-circuit), or the ONNX model (then with -S and its salt)
        #[arg(short = 'M', long, default_value = "model.compiled")]
        model: PathBuf,
        /// the settings (only with an ONNX model; default settings.json)
        #[arg(short = 'S', long)]
        settings_path: Option<PathBuf>,
        /// the salt compile-circuit made (only with an ONNX model; default: MODEL with
        /// extension .salt). Never created: a new salt gives a commitment no proof matches
        #[arg(long)]
        salt_path: Option<PathBuf>,
        /// the verification bundle setup wrote (default: verifier.bundle beside the model)
        #[arg(long, conflicts_with = "vk_path")]
        bundle_path: Option<PathBuf>,
        /// instead of the bundle: the verifying key (setup) ...
        #[arg(long, requires = "srs_path")]
        vk_path: Option<PathBuf>,
        /// ... and the SRS it was made with
        #[arg(long, requires = "vk_path")]
        srs_path: Option<PathBuf>,
    },
    /// Generate an UNSAFE seeded SRS (tests and development only)
    GenSrs {
        /// where the SRS is written
        #[arg(long)]
        srs_path: PathBuf,
        /// the SRS serves circuits of up to 2^LOGROWS rows
        #[arg(long)]
        logrows: u32,
        /// the seed the UNSAFE SRS is derived from (anyone knowing it can forge proofs)
        #[arg(long, default_value_t = zkonnx::srs::DEFAULT_DEV_SEED as u64)]
        seed: u64,
    },
    /// Generate the proving and verifying keys
    Setup {
        /// the compiled circuit (compile-circuit)
        #[arg(short = 'M', long, default_value = "model.compiled")]
        compiled_circuit: PathBuf,
        /// the SRS (gen-srs, get-srs or srs import)
        #[arg(long)]
        srs_path: PathBuf,
        /// where the verifying key is written
        #[arg(long, default_value = "vk.key")]
        vk_path: PathBuf,
        /// where the proving key is written
        #[arg(long, default_value = "pk.key")]
        pk_path: PathBuf,
        /// the light verifier's bundle (default: verifier.bundle beside the vk)
        #[arg(long)]
        bundle_path: Option<PathBuf>,
        /// accepted for ezkl compatibility (keys do not depend on a witness)
        #[arg(hide = true, short = 'W', long)]
        witness: Option<PathBuf>,
        /// accepted for ezkl compatibility (ignored)
        #[arg(hide = true, long)]
        disable_selector_compression: bool,
    },
    /// Run the quantized model on input.json
    GenWitness {
        /// the input, in ezkl's input.json format ({"input_data": [[...]]})
        #[arg(short = 'D', long, default_value = "input.json")]
        data: PathBuf,
        /// the compiled circuit (compile-circuit)
        #[arg(short = 'M', long, default_value = "model.compiled")]
        compiled_circuit: PathBuf,
        /// where the witness is written
        #[arg(short = 'O', long, default_value = "witness.json")]
        output: PathBuf,
        /// accepted for ezkl compatibility (the witness does not need the vk)
        #[arg(hide = true, short = 'V', long)]
        vk_path: Option<PathBuf>,
        /// accepted for ezkl compatibility (the witness does not need the SRS)
        #[arg(hide = true, short = 'P', long)]
        srs_path: Option<PathBuf>,
        /// salts of hashed inputs (0x…, one per input tensor, comma separated); default unsalted
        #[arg(long, value_delimiter = ',')]
        input_salt: Vec<String>,
        /// salts of hashed outputs (0x…, one per output tensor, comma separated)
        #[arg(long, value_delimiter = ',')]
        output_salt: Vec<String>,
    },
    /// Check a witness against the circuit (no proof)
    Mock {
        /// the witness (gen-witness)
        #[arg(short = 'W', long, default_value = "witness.json")]
        witness: PathBuf,
        /// the compiled circuit (compile-circuit)
        #[arg(short = 'M', long, default_value = "model.compiled")]
        model: PathBuf,
    },
    /// Prove a witness
    Prove {
        /// the witness (gen-witness)
        #[arg(short = 'W', long, default_value = "witness.json")]
        witness: PathBuf,
        /// the compiled circuit (compile-circuit)
        #[arg(short = 'M', long, default_value = "model.compiled")]
        compiled_circuit: PathBuf,
        /// the proving key (setup)
        #[arg(long, default_value = "pk.key")]
        pk_path: PathBuf,
        /// where the proof is written
        #[arg(long, default_value = "proof.json")]
        proof_path: PathBuf,
        /// the SRS (gen-srs, get-srs or srs import)
        #[arg(long)]
        srs_path: PathBuf,
        /// safe (verify the proof after proving) or unsafe (default: the settings' check mode)
        #[arg(long)]
        check_mode: Option<CheckMode>,
    },
    /// Verify a proof
    Verify {
        /// the settings (gen-settings, calibrate-settings)
        #[arg(short = 'S', long, default_value = "settings.json")]
        settings_path: PathBuf,
        /// the proof (prove)
        #[arg(long, default_value = "proof.json")]
        proof_path: PathBuf,
        /// the verifying key (setup)
        #[arg(long, default_value = "vk.key")]
        vk_path: PathBuf,
        /// the SRS (with settings and vk); not needed with --bundle-path
        #[arg(long)]
        srs_path: Option<PathBuf>,
        /// verify with the light verifier against this bundle (written by setup) instead
        #[arg(long, conflicts_with = "srs_path")]
        bundle_path: Option<PathBuf>,
        /// accepted for ezkl compatibility (a larger SRS is always reduced to the circuit's k)
        #[arg(hide = true, long)]
        reduced_srs: bool,
        /// fail unless the proof is of this model (0x… from `zkonnx commit`: the circuit, its
        /// keys and SRS, and the params commitment)
        #[arg(long)]
        model_id: Option<String>,
        /// fail unless the proof commits to these params (alone it does not pin the circuit)
        #[arg(long)]
        param_commitment: Option<String>,
        /// fail unless the proof's input commitments are these (0x…, one per hashed input
        /// tensor in order, comma separated; `_` leaves a tensor uncompared)
        #[arg(long, value_delimiter = ',')]
        input_commitment: Vec<String>,
        /// fail unless the proof's output commitments are these (as --input-commitment)
        #[arg(long, value_delimiter = ',')]
        output_commitment: Vec<String>,
        /// fail unless the keys' fingerprint (the verification bundle's) is this
        #[arg(long)]
        fingerprint: Option<String>,
    },
    /// Every step on DIR/network.onnx and DIR/input.json, timed
    E2e {
        /// a folder holding network.onnx and input.json
        dir: PathBuf,
        /// calibration target: resources or accuracy
        #[arg(long, default_value = "resources")]
        target: Target,
        /// where artifacts go (default: a folder in the system temp dir)
        #[arg(long)]
        work_dir: Option<PathBuf>,
        /// a ceremony SRS; without it an UNSAFE development SRS is generated
        #[arg(long)]
        srs_path: Option<PathBuf>,
        /// public, hashed or private (see gen-settings --help)
        #[arg(long, default_value_t = RunArgs::default().input_visibility)]
        input_visibility: Visibility,
        /// public, hashed or private (see gen-settings --help)
        #[arg(long, default_value_t = RunArgs::default().output_visibility)]
        output_visibility: Visibility,
        /// hashed, fixed or private (private: the weights are NOT bound)
        #[arg(long, default_value_t = RunArgs::default().param_visibility)]
        param_visibility: Visibility,
        /// lanes per row (num_inner_cols) for calibration to choose from, e.g. `2` (default:
        /// 1,2,4,8,16, the cheapest to prove). Fewer lanes mean fewer columns: smaller proofs
        /// and less gas on chain (docs/onchain.md), for a taller circuit
        #[arg(short = 'N', long, value_delimiter = ',')]
        num_inner_cols: Option<Vec<usize>>,
    },
    /// The EVM verifier: the reusable verifier's Solidity source and ABI, and the model's
    /// verifying-key artifact (.vka) beside them
    CreateEvmVerifier(evm_cmd::CreateVerifier),
    /// The model's verifying-key artifact (.vka) alone
    CreateEvmVka(evm_cmd::CreateVka),
    /// Deploy the reusable verifier (once per chain) and the model's verifier contract
    DeployEvm(evm_cmd::Deploy),
    /// Deploy the model's verifier contract for a reusable verifier already on the chain
    RegisterVka(evm_cmd::RegisterVka),
    /// The calldata of verifyProof(proof, instances) for a proof
    EncodeEvmCalldata(evm_cmd::EncodeCalldata),
    /// Verify a proof with a deployed verifier contract (eth_call), with the gas it takes
    VerifyEvm(evm_cmd::VerifyEvm),
    /// Ceremony SRS files: import a snarkjs .ptau, tell which ceremony an SRS is
    Srs {
        #[command(subcommand)]
        cmd: SrsCmd,
    },
    /// Download the Perpetual Powers of Tau file for K (PSE's ppot_0080_K.ptau), check its
    /// SHA-256, cache it and import it as an SRS of k = K
    GetSrs {
        /// the SRS serves circuits of up to 2^LOGROWS rows
        #[arg(long)]
        logrows: u32,
        /// where the SRS is written
        #[arg(long)]
        srs_path: PathBuf,
        /// where the ppot_0080_*.ptau files are (the file name is appended)
        #[arg(long, default_value = zkonnx::srs::ptau::ppot::BASE_URL)]
        url: String,
        /// the downloaded .ptau files' cache (default: $XDG_CACHE_HOME/zkonnx or ~/.cache/zkonnx)
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// expect this SHA-256 (hex) instead of the pinned one (another mirror, tests)
        #[arg(long)]
        sha256: Option<String>,
        /// give up when the download has not finished after SECS seconds
        #[arg(long, value_name = "SECS", default_value_t = 3600)]
        timeout: u64,
    },
}

type Res<T> = Result<T, String>;

fn read(p: &Path) -> Res<Vec<u8>> {
    std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

fn write(p: &Path, b: &[u8]) -> Res<()> {
    std::fs::write(p, b).map_err(|e| format!("cannot write {}: {e}", p.display()))
}

/// An error of a step that read the SRS at `p`: an SRS error names the file.
fn srs_err(p: &Path, err: zkonnx::Error) -> String {
    match err {
        zkonnx::Error::Srs(err) => format!("{}: {err}", p.display()),
        err => e(err),
    }
}

fn e(err: zkonnx::Error) -> String {
    err.to_string()
}

fn parse_range(s: &str) -> Res<(i64, i64)> {
    let (a, b) = s
        .split_once("->")
        .ok_or_else(|| format!("lookup range `{s}`: expected lo->hi"))?;
    let p = |x: &str| {
        x.trim()
            .parse::<i64>()
            .map_err(|_| format!("lookup range `{s}`: `{x}` is not an integer"))
    };
    Ok((p(a)?, p(b)?))
}

impl RunArgsFlags {
    fn to_run_args(&self) -> Res<RunArgs> {
        let variables = self
            .variables
            .split(',')
            .map(|kv| {
                let (k, v) = kv
                    .split_once("->")
                    .ok_or_else(|| format!("variables `{kv}`: expected name->value"))?;
                Ok((
                    k.trim().to_string(),
                    v.trim()
                        .parse::<usize>()
                        .map_err(|_| format!("variables `{kv}`: not a number"))?,
                ))
            })
            .collect::<Res<Vec<_>>>()?;
        Ok(RunArgs {
            input_scale: self.input_scale,
            param_scale: self.param_scale,
            scale_rebase_multiplier: self.scale_rebase_multiplier,
            lookup_range: parse_range(&self.lookup_range)?,
            table_shift: 0,
            logrows: self.logrows,
            num_inner_cols: self.num_inner_cols,
            variables,
            input_visibility: self.input_visibility,
            output_visibility: self.output_visibility,
            param_visibility: self.param_visibility,
            check_mode: self.check_mode,
            decomp_base: self.decomp_base,
            decomp_legs: self.decomp_legs,
        })
    }
}

fn settings_file(p: &Path) -> Res<Settings> {
    Settings::from_json(&read(p)?).map_err(|err| format!("{}: {err}", p.display()))
}

fn compiled_file(p: &Path) -> Res<Compiled> {
    let b = read(p)?;
    Compiled::from_bytes(&b).map_err(|err| {
        // a compiled circuit is JSON; an ONNX model is protobuf (field 1, ir_version: 0x08)
        match b.iter().find(|c| !c.is_ascii_whitespace()) {
            Some(0x08) => format!(
                "{} looks like an ONNX model, not a compiled circuit: run `zkonnx compile-circuit \
                 -M {} --compiled-circuit model.compiled` and pass model.compiled",
                p.display(),
                p.display()
            ),
            Some(b'{') => format!("{}: {err}", p.display()),
            _ => format!(
                "{} is not a compiled circuit (made by `zkonnx compile-circuit`): {err}",
                p.display()
            ),
        }
    })
}

/// A key file written by `zkonnx setup`: a missing one says to run setup first.
fn key_file(p: &Path, what: &str) -> Res<Vec<u8>> {
    std::fs::read(p).map_err(|err| {
        if err.kind() == std::io::ErrorKind::NotFound {
            format!(
                "the {what} {} does not exist: run `zkonnx setup` first (it writes pk.key, vk.key \
                 and verifier.bundle), or pass the key's path",
                p.display()
            )
        } else {
            format!("cannot read {}: {err}", p.display())
        }
    })
}

fn input_file(p: &Path) -> Res<InputData> {
    InputData::from_json(&read(p)?).map_err(|err| format!("{}: {err}", p.display()))
}

/// The params salt at `p`, which must exist (`commit` never makes one).
fn existing_salt_file(p: &Path) -> Res<halo2curves::bn256::Fr> {
    match std::fs::read_to_string(p) {
        Ok(s) => zkonnx::felt::from_hex_be(s.trim()).map_err(|m| format!("{}: {m}", p.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Err(format!(
            "no params salt at {}: pass the salt compile-circuit made (--salt-path FILE), or \
             the compiled circuit (-M model.compiled), which holds it. commit never makes a \
             salt: a new one gives a commitment none of your proofs will match",
            p.display()
        )),
        Err(err) => Err(format!("cannot read {}: {err}", p.display())),
    }
}

/// The params salt at `p`: read it, or create a fresh random one there.
fn salt_file(p: &Path) -> Res<halo2curves::bn256::Fr> {
    use zkonnx::felt::{from_hex_be, to_hex_be};
    match std::fs::read_to_string(p) {
        Ok(s) => from_hex_be(s.trim()).map_err(|m| format!("{}: {m}", p.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let salt = pipeline::random_salt();
            write(p, format!("{}\n", to_hex_be(&salt)).as_bytes())?;
            eprintln!(
                "made a new params salt in {} (keep it secret, beside the model: proving needs it)",
                p.display()
            );
            Ok(salt)
        }
        Err(err) => Err(format!("cannot read {}: {err}", p.display())),
    }
}

/// `calibrate-settings` over a model that already has a salt (compile-circuit ran, so a
/// commitment or model ID may be published): say if the new settings change the commitment.
fn warn_commitment_change(model: &Path, old: &Settings, new: &Settings) {
    let salt_path = model.with_extension("salt");
    if new.run_args.param_visibility != Visibility::Hashed || !salt_path.exists() {
        return;
    }
    let Ok(onnx) = std::fs::read(model) else {
        return;
    };
    let salt = existing_salt_file(&salt_path).ok();
    let commitment = |s: &Settings| -> Option<String> {
        let c = pipeline::compile_circuit_with_salt(&onnx, s, Some(salt?)).ok()?;
        Some(zkonnx::felt::to_hex_be(
            &pipeline::param_commitment(&c).ok()?,
        ))
    };
    let (before, after) = (
        (old.run_args.param_visibility == Visibility::Hashed)
            .then(|| commitment(old))
            .flatten(),
        commitment(new),
    );
    if before.is_some() && before == after {
        if old.to_json() != new.to_json() {
            eprintln!(
                "warning: {} exists (compile-circuit ran): the params commitment stays {}, but \
                 these settings change the circuit, so the model ID changes: after the final \
                 calibration, run compile-circuit and setup, then publish the new model ID \
                 (zkonnx commit)",
                salt_path.display(),
                after.unwrap_or_default()
            );
        }
        return;
    }
    eprintln!(
        "warning: {} exists (compile-circuit ran): these settings change the params commitment \
         you may have published{}; the model ID changes with it. After the final calibration, \
         run compile-circuit and setup, then publish the new model ID (zkonnx commit)",
        salt_path.display(),
        match (&before, &after) {
            (Some(b), Some(a)) => format!(" ({b} → {a})"),
            _ => String::new(),
        }
    );
}

/// Warnings for visibilities under which a proof proves less than users may think.
fn warn_visibility(s: &Settings) {
    let ra = &s.run_args;
    if ra.param_visibility == Visibility::Private {
        eprintln!("warning: {}", ra.param_visibility.meaning("params"));
    }
    if ra.input_visibility == Visibility::Private {
        eprintln!("warning: {}", ra.input_visibility.meaning("input"));
    }
}

/// What a verification established, as the verifier read it from the instances (printed only
/// for a valid proof whose expectations held), and how much of the model was pinned.
fn print_report(r: &pipeline::Report, pinned: zkonnx::verifier::trust::Pinning) {
    use zkonnx::verifier::{publics::fr_hex_be, Decoded, Role};
    let name = |role: Role, i: u32| match role {
        Role::Params => "params".to_string(),
        Role::Input => format!("input {i}"),
        Role::Output => format!("output {i}"),
    };
    let mut seen = [false; 3];
    for (t, d) in &r.public {
        seen[t.role as usize] = true;
        match d {
            Decoded::Values(v) => {
                // shortest exact decimals: a class label 1 prints as 1, not 1.0
                let f: Vec<String> = v.iter().map(|&q| t.dequantize(q).to_string()).collect();
                println!(
                    "{:<10} public {:?} (scale 2^{}): [{}]",
                    name(t.role, t.index),
                    t.shape,
                    t.scale,
                    f.join(", ")
                );
            }
            Decoded::Commitment(c) => {
                println!(
                    "{:<10} hashed: commitment {}",
                    name(t.role, t.index),
                    fr_hex_be(c)
                );
            }
        }
    }
    if !seen[Role::Params as usize] {
        println!("params     {}", r.identity.params.meaning());
    }
    if !seen[Role::Input as usize] {
        println!("input      private: the proof holds for some input it does not identify");
    }
    if !seen[Role::Output as usize] {
        println!("output     private: not revealed");
    }
    println!("fingerprint {}", r.fingerprint);
    println!("model id   {}", r.identity.model_id_hex());
    println!("srs        k = {}, {}", r.logrows, r.srs);
    println!("pinned     {}", pinned.statement());
}

fn run(cmd: Cmd) -> Res<()> {
    match cmd {
        Cmd::GenSettings {
            model,
            settings_path,
            run_args,
        } => {
            let s = pipeline::gen_settings(&read(&model)?, run_args.to_run_args()?).map_err(e)?;
            write(&settings_path, &s.to_json())?;
            eprintln!(
                "wrote {} ({} rows, logrows {})",
                settings_path.display(),
                s.num_rows,
                s.run_args.logrows
            );
        }
        Cmd::CalibrateSettings {
            data,
            model,
            settings_path,
            target,
            lookup_safety_margin,
            scales,
            max_logrows,
            lanes,
            tolerance,
            ..
        } => {
            let s = settings_file(&settings_path)?;
            if let Some(l) = lanes
                .as_ref()
                .and_then(|v| v.iter().find(|&&l| !(1..=16).contains(&l)))
            {
                return Err(format!("--lanes: {l} is outside 1..=16"));
            }
            let opts = CalibrateOptions {
                target,
                lookup_safety_margin,
                scales,
                max_logrows,
                lanes,
                tolerance,
            };
            let (best, cands) =
                calibrate::calibrate(&read(&model)?, &s, &input_file(&data)?, &opts).map_err(e)?;
            eprintln!(
                "    scale  lookup range  table scale  table rows  lanes  logrows  max error vs float"
            );
            for c in &cands {
                eprintln!(
                    "  {} {:>5}  ±{:<11}  {:>11}  {:>10}  {:>5}  {:>7}  {:.2e}{}",
                    if c.chosen { '*' } else { ' ' },
                    c.scale,
                    c.range_half,
                    c.scale - c.table_shift,
                    c.table_rows,
                    c.lanes,
                    c.logrows,
                    c.max_error,
                    if c.max_error <= c.error_bound {
                        ""
                    } else {
                        "  (over the bound)"
                    }
                );
            }
            if let Some(c) = cands.iter().find(|c| c.chosen) {
                match target {
                    Target::Resources if c.max_error <= c.error_bound => eprintln!(
                        "* chosen: the cheapest to prove with max error ≤ {:.2e} (--tolerance {tolerance} × max(1, |output|))",
                        c.error_bound
                    ),
                    Target::Resources => eprintln!(
                        "* chosen: no candidate kept max error ≤ {:.2e} (--tolerance {tolerance} × max(1, |output|)): the most accurate",
                        c.error_bound
                    ),
                    Target::Accuracy => eprintln!("* chosen: the largest scale (--target accuracy)"),
                }
            }
            warn_commitment_change(&model, &s, &best);
            write(&settings_path, &best.to_json())?;
            eprintln!(
                "wrote {}: scale {}, lookup range ±{}, lanes {}, logrows {}",
                settings_path.display(),
                best.run_args.input_scale,
                best.run_args.range_half(),
                best.run_args.num_inner_cols,
                best.run_args.logrows
            );
        }
        Cmd::CompileCircuit {
            model,
            compiled_circuit,
            settings_path,
            salt_path,
        } => {
            let s = settings_file(&settings_path)?;
            let salt = if s.run_args.param_visibility == Visibility::Hashed {
                Some(salt_file(
                    &salt_path.unwrap_or_else(|| model.with_extension("salt")),
                )?)
            } else {
                None
            };
            let c = pipeline::compile_circuit_with_salt(&read(&model)?, &s, salt).map_err(e)?;
            write(&compiled_circuit, &c.to_bytes())?;
            eprintln!("wrote {}", compiled_circuit.display());
            if salt.is_some() {
                println!(
                    "param commitment: {}",
                    zkonnx::felt::to_hex_be(&pipeline::param_commitment(&c).map_err(e)?)
                );
            }
        }
        Cmd::Commit {
            model,
            settings_path,
            salt_path,
            bundle_path,
            vk_path,
            srs_path,
        } => commit(
            &model,
            settings_path,
            salt_path,
            bundle_path,
            vk_path,
            srs_path,
        )?,
        Cmd::GenSrs {
            srs_path,
            logrows,
            seed,
        } => {
            if logrows > zkonnx::settings::MAX_LOGROWS {
                return Err(format!(
                    "logrows {logrows} is above the supported maximum {}",
                    zkonnx::settings::MAX_LOGROWS
                ));
            }
            eprintln!("warning: generating an UNSAFE SRS from a fixed seed: for tests only, never for real proofs");
            let bar = Progress::start("gen-srs", estimate::gen_srs(logrows, Engine::current()));
            let srs = pipeline::gen_srs(logrows, seed);
            bar.finish();
            write(&srs_path, &srs)?;
        }
        Cmd::Setup {
            compiled_circuit,
            srs_path,
            vk_path,
            pk_path,
            bundle_path,
            ..
        } => {
            let c = compiled_file(&compiled_circuit)?;
            warn_visibility(&c.settings);
            let srs = read(&srs_path)?;
            let est = estimate::estimate(&Shape::of(&c.settings), Engine::current());
            let bar = Progress::start("setup", est.setup);
            let keys = pipeline::setup(&c, &srs).map_err(|err| srs_err(&srs_path, err))?;
            bar.finish();
            let bundle_path =
                bundle_path.unwrap_or_else(|| vk_path.with_file_name("verifier.bundle"));
            write(&vk_path, &keys.vk)?;
            write(&pk_path, &keys.pk)?;
            write(&bundle_path, &keys.bundle)?;
            eprintln!(
                "wrote {} ({} bytes), {} ({} bytes) and {} ({} bytes)",
                vk_path.display(),
                keys.vk.len(),
                pk_path.display(),
                keys.pk.len(),
                bundle_path.display(),
                keys.bundle.len()
            );
        }
        Cmd::GenWitness {
            data,
            compiled_circuit,
            output,
            input_salt,
            output_salt,
            ..
        } => {
            let c = compiled_file(&compiled_circuit)?;
            let mut w = pipeline::gen_witness(&c, &input_file(&data)?).map_err(e)?;
            if !input_salt.is_empty() || !output_salt.is_empty() {
                w.input_salts = input_salt;
                w.output_salts = output_salt;
                pipeline::fill_commitments(&c, &mut w).map_err(e)?;
            }
            write(&output, &w.to_json())?;
            println!("outputs: {:?}", w.pretty_elements.rescaled_outputs);
        }
        Cmd::Mock { witness, model } => {
            let w = Witness::from_json(&read(&witness)?).map_err(|err| err.to_string())?;
            pipeline::mock(&compiled_file(&model)?, &w).map_err(e)?;
            println!("mock: the witness satisfies every constraint");
        }
        Cmd::Prove {
            witness,
            compiled_circuit,
            pk_path,
            proof_path,
            srs_path,
            check_mode,
        } => {
            let mut c = compiled_file(&compiled_circuit)?;
            if let Some(m) = check_mode {
                c.settings.run_args.check_mode = m;
            }
            warn_visibility(&c.settings);
            let w = Witness::from_json(&read(&witness)?).map_err(|err| err.to_string())?;
            let (pk, srs) = (key_file(&pk_path, "proving key")?, read(&srs_path)?);
            let est = estimate::estimate(&Shape::of(&c.settings), Engine::current());
            let bar = Progress::start("prove", est.prove);
            let p = pipeline::prove(&c, &w, &pk, &srs).map_err(|err| srs_err(&srs_path, err))?;
            bar.finish();
            write(&proof_path, &p.to_json())?;
            eprintln!("wrote {}", proof_path.display());
        }
        Cmd::Verify {
            settings_path,
            proof_path,
            vk_path,
            srs_path,
            bundle_path,
            model_id,
            param_commitment,
            input_commitment,
            output_commitment,
            fingerprint,
            ..
        } => {
            let p = Proof::from_json(&read(&proof_path)?).map_err(|err| err.to_string())?;
            let report = match (bundle_path, srs_path) {
                (Some(b), _) => pipeline::verify_bundle_report(&p, &read(&b)?)
                    .map_err(|err| format!("{}: {}", b.display(), e(err))),
                (None, Some(srs)) => pipeline::verify_report(
                    &p,
                    &settings_file(&settings_path)?,
                    &key_file(&vk_path, "verifying key")?,
                    &read(&srs)?,
                )
                .map_err(|err| srs_err(&srs, err)),
                (None, None) => {
                    return Err(
                        "verify: give --srs-path (with -S settings.json and --vk-path) \
                                or --bundle-path (the verification bundle setup wrote)"
                            .into(),
                    )
                }
            }?;
            if !report.valid {
                // the keys the prover says it used: a hint for the message, nothing more
                let other_keys = match &p.keys_fingerprint {
                    Some(fp) if *fp != report.fingerprint => format!(
                        " (the proof was made with different keys: fingerprint {}…, these are {}…; \
                         the same model set up again or with another SRS has other keys)",
                        fp.get(..16).unwrap_or(fp),
                        report.fingerprint.get(..16).unwrap_or(&report.fingerprint)
                    ),
                    _ => String::new(),
                };
                return Err(format!(
                    "verify: the proof is INVALID{}{other_keys}",
                    report
                        .reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                ));
            }
            // `_` marks a tensor not compared; an empty value (an unset shell variable) is an
            // error, never a silent skip
            let places = |flag: &str, v: Vec<String>| -> Res<Vec<Option<String>>> {
                v.into_iter()
                    .enumerate()
                    .map(|(i, s)| match s.trim() {
                        "" => Err(format!(
                            "verify: {flag}: place {i} is empty: give the commitment, or `_` \
                             to leave that tensor uncompared"
                        )),
                        "_" => Ok(None),
                        t => Ok(Some(t.to_string())),
                    })
                    .collect()
            };
            let (input_commitments, output_commitments) = (
                places("--input-commitment", input_commitment)?,
                places("--output-commitment", output_commitment)?,
            );
            for (flag, v) in [
                ("--model-id", &model_id),
                ("--param-commitment", &param_commitment),
                ("--fingerprint", &fingerprint),
            ] {
                if v.as_deref().is_some_and(|s| s.trim().is_empty()) {
                    return Err(format!("verify: {flag} is empty: give the published value"));
                }
            }
            let pinned = report
                .check(&pipeline::Expect {
                    model_id,
                    param_commitment,
                    input_commitments,
                    output_commitments,
                    fingerprint,
                })
                .map_err(|m| format!("verify: REJECTED: a valid proof, but {m}"))?;
            print_report(&report, pinned);
            if pinned != zkonnx::verifier::trust::Pinning::Model {
                eprintln!("note: {}", zkonnx::verifier::trust::PIN);
            }
            if !matches!(
                report.srs,
                zkonnx::verifier::srs_label::SrsLabel::Ceremony(_)
            ) {
                eprintln!(
                    "warning: the keys rest on an SRS that is not a known ceremony ({}): whoever \
                     knows its secret can forge proofs that match any model ID of these keys",
                    report.srs
                );
            }
            println!("verified: true");
        }
        Cmd::E2e {
            dir,
            target,
            work_dir,
            srs_path,
            input_visibility,
            output_visibility,
            param_visibility,
            num_inner_cols,
        } => {
            e2e(
                &dir,
                target,
                work_dir,
                srs_path,
                input_visibility,
                output_visibility,
                param_visibility,
                num_inner_cols,
            )?;
        }
        Cmd::Srs { cmd } => srs_cmd(cmd)?,
        Cmd::CreateEvmVerifier(a) => a.run()?,
        Cmd::CreateEvmVka(a) => a.run()?,
        Cmd::DeployEvm(a) => a.run()?,
        Cmd::RegisterVka(a) => a.run()?,
        Cmd::EncodeEvmCalldata(a) => a.run()?,
        Cmd::VerifyEvm(a) => a.run()?,
        Cmd::GetSrs {
            logrows,
            srs_path,
            url,
            cache_dir,
            sha256,
            timeout,
        } => get_srs(logrows, &srs_path, &url, cache_dir, sha256, timeout)?,
    }
    Ok(())
}

fn main() -> ExitCode {
    zkonnx::keys::install_panic_hook();
    let cli = Cli::parse();
    match run(cli.cmd) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}
