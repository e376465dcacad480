//! The `zkonnx` command line: ezkl's subcommands and flags over the byte-level pipeline.
//! All file handling lives here; errors print as one line and exit non-zero.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Args, Parser, Subcommand};
use zkonnx::calibrate::{self, CalibrateOptions, Target};
use zkonnx::formats::{InputData, Proof, Witness};
use zkonnx::model::Compiled;
use zkonnx::pipeline;
use zkonnx::settings::{CheckMode, RunArgs, Settings, Visibility};

#[derive(Parser)]
#[command(
    name = "zkonnx",
    version,
    about = "Zero-knowledge proofs of ONNX model predictions (halo2, KZG/BN254)"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Args, Clone)]
struct RunArgsFlags {
    #[arg(short = 'S', long, default_value_t = 7)]
    input_scale: u32,
    #[arg(long, default_value_t = 7)]
    param_scale: u32,
    #[arg(long)]
    rebase_scale: Option<u32>,
    #[arg(long, default_value_t = 1)]
    scale_rebase_multiplier: u32,
    /// lo->hi, e.g. -32768->32768
    #[arg(
        short = 'B',
        long,
        default_value = "-32768->32768",
        allow_hyphen_values = true
    )]
    lookup_range: String,
    #[arg(short = 'K', long, default_value_t = 17)]
    logrows: u32,
    #[arg(short = 'N', long, default_value_t = 2)]
    num_inner_cols: usize,
    /// name->value, comma separated (batch_size->1)
    #[arg(short = 'V', long, default_value = "batch_size->1")]
    variables: String,
    #[arg(long, default_value = "private")]
    input_visibility: Visibility,
    #[arg(long, default_value = "public")]
    output_visibility: Visibility,
    #[arg(long, default_value = "private")]
    param_visibility: Visibility,
    #[arg(long, default_value = "unsafe")]
    check_mode: String,
    #[arg(long, default_value_t = 16384)]
    decomp_base: usize,
    #[arg(long, default_value_t = 2)]
    decomp_legs: usize,
}

#[derive(Subcommand)]
enum Cmd {
    /// Describe the model's circuit (settings.json)
    GenSettings {
        #[arg(short = 'M', long, default_value = "network.onnx")]
        model: PathBuf,
        #[arg(short = 'O', long, default_value = "settings.json")]
        settings_path: PathBuf,
        #[command(flatten)]
        run_args: RunArgsFlags,
    },
    /// Pick scales, lookup range and logrows from calibration data
    CalibrateSettings {
        #[arg(short = 'D', long, default_value = "calibration.json")]
        data: PathBuf,
        #[arg(short = 'M', long, default_value = "network.onnx")]
        model: PathBuf,
        #[arg(short = 'O', long, default_value = "settings.json")]
        settings_path: PathBuf,
        #[arg(long, default_value = "resources")]
        target: Target,
        #[arg(long, default_value_t = 2.0)]
        lookup_safety_margin: f64,
        #[arg(long, value_delimiter = ',')]
        scales: Option<Vec<u32>>,
        #[arg(long, value_delimiter = ',')]
        scale_rebase_multiplier: Option<Vec<u32>>,
        #[arg(long)]
        max_logrows: Option<u32>,
        /// resources: max output error vs float, relative to max(1, |output|)
        #[arg(long, default_value_t = 2.5e-4)]
        tolerance: f64,
        #[arg(long)]
        only_range_check_rebase: Option<bool>,
    },
    /// Quantize the model into a compiled circuit
    CompileCircuit {
        #[arg(short = 'M', long, default_value = "network.onnx")]
        model: PathBuf,
        #[arg(long, default_value = "model.compiled")]
        compiled_circuit: PathBuf,
        #[arg(short = 'S', long, default_value = "settings.json")]
        settings_path: PathBuf,
    },
    /// Generate an UNSAFE seeded SRS (tests and development only)
    GenSrs {
        #[arg(long)]
        srs_path: PathBuf,
        #[arg(long)]
        logrows: u32,
        #[arg(long, default_value_t = zkonnx::srs::DEFAULT_DEV_SEED as u64)]
        seed: u64,
    },
    /// Generate the proving and verifying keys
    Setup {
        #[arg(short = 'M', long, default_value = "model.compiled")]
        compiled_circuit: PathBuf,
        #[arg(long)]
        srs_path: PathBuf,
        #[arg(long, default_value = "vk.key")]
        vk_path: PathBuf,
        #[arg(long, default_value = "pk.key")]
        pk_path: PathBuf,
        /// the light verifier's bundle (default: verifier.bundle beside the vk)
        #[arg(long)]
        bundle_path: Option<PathBuf>,
        #[arg(short = 'W', long)]
        witness: Option<PathBuf>,
        #[arg(long)]
        disable_selector_compression: bool,
    },
    /// Run the quantized model on input.json
    GenWitness {
        #[arg(short = 'D', long, default_value = "input.json")]
        data: PathBuf,
        #[arg(short = 'M', long, default_value = "model.compiled")]
        compiled_circuit: PathBuf,
        #[arg(short = 'O', long, default_value = "witness.json")]
        output: PathBuf,
        #[arg(short = 'V', long)]
        vk_path: Option<PathBuf>,
        #[arg(short = 'P', long)]
        srs_path: Option<PathBuf>,
    },
    /// Check a witness against the circuit (no proof)
    Mock {
        #[arg(short = 'W', long, default_value = "witness.json")]
        witness: PathBuf,
        #[arg(short = 'M', long, default_value = "model.compiled")]
        model: PathBuf,
    },
    /// Prove a witness
    Prove {
        #[arg(short = 'W', long, default_value = "witness.json")]
        witness: PathBuf,
        #[arg(short = 'M', long, default_value = "model.compiled")]
        compiled_circuit: PathBuf,
        #[arg(long, default_value = "pk.key")]
        pk_path: PathBuf,
        #[arg(long, default_value = "proof.json")]
        proof_path: PathBuf,
        #[arg(long)]
        srs_path: PathBuf,
        #[arg(long)]
        check_mode: Option<String>,
    },
    /// Verify a proof
    Verify {
        #[arg(short = 'S', long, default_value = "settings.json")]
        settings_path: PathBuf,
        #[arg(long, default_value = "proof.json")]
        proof_path: PathBuf,
        #[arg(long, default_value = "vk.key")]
        vk_path: PathBuf,
        /// the SRS (with settings and vk); not needed with --bundle-path
        #[arg(long, required_unless_present = "bundle_path")]
        srs_path: Option<PathBuf>,
        /// verify with the light verifier against this bundle (written by setup) instead
        #[arg(long, conflicts_with = "srs_path")]
        bundle_path: Option<PathBuf>,
        #[arg(long)]
        reduced_srs: bool,
    },
    /// Every step on DIR/network.onnx and DIR/input.json, timed
    E2e {
        dir: PathBuf,
        #[arg(long, default_value = "resources")]
        target: Target,
        /// where artifacts go (default: a folder in the system temp dir)
        #[arg(long)]
        work_dir: Option<PathBuf>,
        /// a ceremony SRS; without it an UNSAFE development SRS is generated
        #[arg(long)]
        srs_path: Option<PathBuf>,
        #[arg(long, default_value = "private")]
        input_visibility: Visibility,
        #[arg(long, default_value = "public")]
        output_visibility: Visibility,
        #[arg(long, default_value = "private")]
        param_visibility: Visibility,
        #[arg(short = 'N', long, default_value_t = 2)]
        num_inner_cols: usize,
    },
}

type Res<T> = Result<T, String>;

fn read(p: &Path) -> Res<Vec<u8>> {
    std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

fn write(p: &Path, b: &[u8]) -> Res<()> {
    std::fs::write(p, b).map_err(|e| format!("cannot write {}: {e}", p.display()))
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
            logrows: self.logrows,
            num_inner_cols: self.num_inner_cols,
            variables,
            input_visibility: self.input_visibility,
            output_visibility: self.output_visibility,
            param_visibility: self.param_visibility,
            check_mode: parse_check_mode(&self.check_mode)?,
            decomp_base: self.decomp_base,
            decomp_legs: self.decomp_legs,
        })
    }
}

fn parse_check_mode(s: &str) -> Res<CheckMode> {
    match s.to_ascii_lowercase().as_str() {
        "safe" => Ok(CheckMode::SAFE),
        "unsafe" => Ok(CheckMode::UNSAFE),
        o => Err(format!("check mode `{o}`: expected safe or unsafe")),
    }
}

fn settings_file(p: &Path) -> Res<Settings> {
    Settings::from_json(&read(p)?).map_err(|err| format!("{}: {err}", p.display()))
}

fn compiled_file(p: &Path) -> Res<Compiled> {
    Compiled::from_bytes(&read(p)?).map_err(|err| format!("{}: {err}", p.display()))
}

fn input_file(p: &Path) -> Res<InputData> {
    InputData::from_json(&read(p)?).map_err(|err| format!("{}: {err}", p.display()))
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
            tolerance,
            ..
        } => {
            let s = settings_file(&settings_path)?;
            let opts = CalibrateOptions {
                target,
                lookup_safety_margin,
                scales,
                max_logrows,
                tolerance,
            };
            let (best, cands) =
                calibrate::calibrate(&read(&model)?, &s, &input_file(&data)?, &opts).map_err(e)?;
            for c in &cands {
                eprintln!(
                    "  scale {:>2}: lookup range ±{:<8} logrows {:>2}  max error vs float {:.2e}",
                    c.scale, c.range_half, c.logrows, c.max_error
                );
            }
            write(&settings_path, &best.to_json())?;
            eprintln!(
                "wrote {}: scale {}, lookup range ±{}, logrows {}",
                settings_path.display(),
                best.run_args.input_scale,
                best.run_args.range_half(),
                best.run_args.logrows
            );
        }
        Cmd::CompileCircuit {
            model,
            compiled_circuit,
            settings_path,
        } => {
            let c = pipeline::compile_circuit(&read(&model)?, &settings_file(&settings_path)?)
                .map_err(e)?;
            write(&compiled_circuit, &c.to_bytes())?;
            eprintln!("wrote {}", compiled_circuit.display());
        }
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
            write(&srs_path, &pipeline::gen_srs(logrows, seed))?;
        }
        Cmd::Setup {
            compiled_circuit,
            srs_path,
            vk_path,
            pk_path,
            bundle_path,
            ..
        } => {
            let keys = pipeline::setup(&compiled_file(&compiled_circuit)?, &read(&srs_path)?)
                .map_err(e)?;
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
            ..
        } => {
            let w = pipeline::gen_witness(&compiled_file(&compiled_circuit)?, &input_file(&data)?)
                .map_err(e)?;
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
                c.settings.run_args.check_mode = parse_check_mode(&m)?;
            }
            let w = Witness::from_json(&read(&witness)?).map_err(|err| err.to_string())?;
            let p = pipeline::prove(&c, &w, &read(&pk_path)?, &read(&srs_path)?).map_err(e)?;
            write(&proof_path, &p.to_json())?;
            eprintln!("wrote {}", proof_path.display());
        }
        Cmd::Verify {
            settings_path,
            proof_path,
            vk_path,
            srs_path,
            bundle_path,
            ..
        } => {
            let p = Proof::from_json(&read(&proof_path)?).map_err(|err| err.to_string())?;
            let ok = match (bundle_path, srs_path) {
                (Some(b), _) => pipeline::verify_bundle(&p, &read(&b)?),
                (None, Some(srs)) => pipeline::verify(
                    &p,
                    &settings_file(&settings_path)?,
                    &read(&vk_path)?,
                    &read(&srs)?,
                ),
                (None, None) => return Err("verify: give --srs-path or --bundle-path".into()),
            }
            .map_err(e)?;
            if !ok {
                return Err("verify: the proof is INVALID".into());
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
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn e2e(
    dir: &Path,
    target: Target,
    work_dir: Option<PathBuf>,
    srs_path: Option<PathBuf>,
    iv: Visibility,
    ov: Visibility,
    pv: Visibility,
    lanes: usize,
) -> Res<()> {
    let name = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    let work = work_dir.unwrap_or_else(|| std::env::temp_dir().join(format!("zkonnx-e2e-{name}")));
    std::fs::create_dir_all(&work)
        .map_err(|err| format!("cannot create {}: {err}", work.display()))?;
    let onnx = read(&dir.join("network.onnx"))?;
    let input = input_file(&dir.join("input.json"))?;
    let calib = match std::fs::read(dir.join("calibration.json")) {
        Ok(b) => InputData::from_json(&b).map_err(|err| err.to_string())?,
        Err(_) => input.clone(),
    };
    let total = Instant::now();
    let step = |name: &str| {
        eprintln!("[{name}] ...");
        Instant::now()
    };
    let done = |name: &str, t: Instant, extra: String| {
        println!("{name:<20} {:>9.3} s  {extra}", t.elapsed().as_secs_f64())
    };

    let t = step("gen-settings");
    let ra = RunArgs {
        input_visibility: iv,
        output_visibility: ov,
        param_visibility: pv,
        num_inner_cols: lanes,
        ..RunArgs::default()
    };
    let s = pipeline::gen_settings(&onnx, ra).map_err(e)?;
    done("gen-settings", t, String::new());
    let t = step("calibrate-settings");
    let (s, _) = calibrate::calibrate(
        &onnx,
        &s,
        &calib,
        &CalibrateOptions {
            target,
            ..Default::default()
        },
    )
    .map_err(e)?;
    write(&work.join("settings.json"), &s.to_json())?;
    done(
        "calibrate-settings",
        t,
        format!(
            "scale {}, lookup range ±{}, logrows {}, rows {}",
            s.run_args.input_scale,
            s.run_args.range_half(),
            s.run_args.logrows,
            s.num_rows
        ),
    );
    let t = step("compile-circuit");
    let c = pipeline::compile_circuit(&onnx, &s).map_err(e)?;
    write(&work.join("model.compiled"), &c.to_bytes())?;
    done("compile-circuit", t, String::new());
    let k = s.run_args.logrows;
    let t = step("srs");
    let srs = match &srs_path {
        Some(p) => read(p)?,
        None => {
            eprintln!("warning: no --srs-path: generating an UNSAFE development SRS (k = {k})");
            pipeline::gen_srs(k, zkonnx::srs::DEFAULT_DEV_SEED as u64)
        }
    };
    write(&work.join(format!("kzg{k}.srs")), &srs)?;
    done(
        if srs_path.is_some() {
            "load-srs"
        } else {
            "gen-srs (unsafe)"
        },
        t,
        String::new(),
    );
    let t = step("setup");
    let keys = pipeline::setup(&c, &srs).map_err(e)?;
    write(&work.join("vk.key"), &keys.vk)?;
    write(&work.join("pk.key"), &keys.pk)?;
    write(&work.join("verifier.bundle"), &keys.bundle)?;
    done(
        "setup",
        t,
        format!(
            "vk {} B, pk {} B, bundle {} B",
            keys.vk.len(),
            keys.pk.len(),
            keys.bundle.len()
        ),
    );
    let t = step("gen-witness");
    let w = pipeline::gen_witness(&c, &input).map_err(e)?;
    write(&work.join("witness.json"), &w.to_json())?;
    done("gen-witness", t, String::new());
    let t = step("mock");
    pipeline::mock(&c, &w).map_err(e)?;
    done("mock", t, String::new());
    let t = step("prove");
    let p = pipeline::prove(&c, &w, &keys.pk, &srs).map_err(e)?;
    write(&work.join("proof.json"), &p.to_json())?;
    let proof_len = p.bytes().map_err(|err| err.to_string())?.len();
    done("prove", t, format!("proof {proof_len} B"));
    let t = step("verify");
    let ok = pipeline::verify(&p, &s, &keys.vk, &srs).map_err(e)?;
    done("verify", t, format!("valid: {ok}"));
    let t = step("verify (light, bundle)");
    let light = pipeline::verify_bundle(&p, &keys.bundle).map_err(e)?;
    done("verify (light, bundle)", t, format!("valid: {light}"));
    if !ok || !light {
        return Err("e2e: the proof did not verify".into());
    }
    println!(
        "total                {:>9.3} s",
        total.elapsed().as_secs_f64()
    );
    println!("artifacts in {}", work.display());
    let outs = if p.pretty_public_inputs.rescaled_outputs.is_empty() {
        &w.pretty_elements.rescaled_outputs
    } else {
        &p.pretty_public_inputs.rescaled_outputs
    };
    println!("verified outputs: {:?}", outs);
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
