//! The circuit's making: `gen-settings`, `calibrate-settings`, `compile-circuit`, `gen-srs`
//! (the UNSAFE development SRS) and `setup` (the keys and the verification bundle).

use std::path::{Path, PathBuf};

use clap::Args;
use zkonnx::calibrate::{self, CalibrateOptions, Target};
use zkonnx::estimate::{self, Engine, Shape};
use zkonnx::pipeline;
use zkonnx::settings::{Settings, Visibility};

use crate::cli::args::RunArgsFlags;
use crate::cli::files::{
    compiled_file, existing_salt_file, input_file_for, read, salt_file, settings_file, write,
    write_streaming,
};
use crate::cli::progress::Progress;
use crate::cli::verify::warn_visibility;
use crate::cli::{e, srs_err, Res};

/// `gen-settings`: settings.json from the ONNX model and the circuit flags.
#[derive(Args)]
pub(crate) struct GenSettings {
    /// the ONNX model
    #[arg(short = 'M', long, default_value = "network.onnx")]
    model: PathBuf,
    /// where the settings are written
    #[arg(short = 'O', long, default_value = "settings.json")]
    settings_path: PathBuf,
    #[command(flatten)]
    run_args: RunArgsFlags,
}

impl GenSettings {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            model,
            settings_path,
            run_args,
        } = self;
        let s = pipeline::gen_settings(&read(&model)?, run_args.to_run_args()?).map_err(e)?;
        write(&settings_path, &s.to_json())?;
        eprintln!(
            "wrote {} ({} rows, logrows {})",
            settings_path.display(),
            s.num_rows,
            s.run_args.logrows
        );
        Ok(())
    }
}

/// `calibrate-settings`: scales, lookup range, lanes and logrows from calibration data.
#[derive(Args)]
pub(crate) struct CalibrateSettings {
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
    /// resources: max output error vs float, relative to max(1, |output|) (labels are scored
    /// by the rows that differ)
    #[arg(long, default_value_t = calibrate::DEFAULT_TOLERANCE)]
    tolerance: f64,
    /// accepted for ezkl compatibility (ignored)
    #[arg(hide = true, long)]
    only_range_check_rebase: Option<bool>,
}

impl CalibrateSettings {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
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
        } = self;
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
        let (best, cands) = calibrate::calibrate(
            &read(&model)?,
            &s,
            &input_file_for(&data, &s.model_input_names)?,
            &opts,
        )
        .map_err(e)?;
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
                    "* chosen: the cheapest to prove with max error ≤ {:.2e} (--tolerance {tolerance} × max(1, |output|); labels: the fewest rows differing within 4× its cost)",
                    c.error_bound
                ),
                Target::Resources => eprintln!(
                    "* chosen: no candidate kept max error ≤ {:.2e} (--tolerance {tolerance} × max(1, |output|)): the most accurate",
                    c.error_bound
                ),
                Target::Accuracy => eprintln!("* chosen: the largest scale (--target accuracy)"),
            }
        }
        for note in calibrate::notes(&cands) {
            eprintln!("  {note}");
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
        Ok(())
    }
}

/// `compile-circuit`: the quantized model (and the params salt, hashed or committed params).
#[derive(Args)]
pub(crate) struct CompileCircuit {
    /// the ONNX model
    #[arg(short = 'M', long, default_value = "network.onnx")]
    model: PathBuf,
    /// where the compiled circuit is written
    #[arg(long, default_value = "model.compiled")]
    compiled_circuit: PathBuf,
    /// the settings (gen-settings, calibrate-settings)
    #[arg(short = 'S', long, default_value = "settings.json")]
    settings_path: PathBuf,
    /// the params commitments' secret salt (hashed or committed params), created if absent
    /// (default: beside the model, MODEL with extension .salt)
    #[arg(long)]
    salt_path: Option<PathBuf>,
}

impl CompileCircuit {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            model,
            compiled_circuit,
            settings_path,
            salt_path,
        } = self;
        let s = settings_file(&settings_path)?;
        let salt = if s.run_args.param_visibility.salted() {
            Some(salt_file(
                &salt_path.unwrap_or_else(|| model.with_extension("salt")),
            )?)
        } else {
            None
        };
        let c = pipeline::compile_circuit_with_salt(&read(&model)?, &s, salt).map_err(e)?;
        write(&compiled_circuit, &c.to_bytes())?;
        eprintln!("wrote {}", compiled_circuit.display());
        if salt.is_some() && s.run_args.param_visibility == Visibility::Hashed {
            println!(
                "param commitment: {}",
                zkonnx::felt::to_hex_be(&pipeline::param_commitment(&c).map_err(e)?)
            );
        }
        Ok(())
    }
}

/// `gen-srs`: an UNSAFE SRS from a seed.
#[derive(Args)]
pub(crate) struct GenSrs {
    /// where the SRS is written
    #[arg(long)]
    srs_path: PathBuf,
    /// the SRS serves circuits of up to 2^LOGROWS rows
    #[arg(long)]
    logrows: u32,
    /// the seed the UNSAFE SRS is derived from (anyone knowing it can forge proofs)
    #[arg(long, default_value_t = zkonnx::srs::DEFAULT_DEV_SEED as u64)]
    seed: u64,
}

impl GenSrs {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            srs_path,
            logrows,
            seed,
        } = self;
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
        Ok(())
    }
}

/// `setup`: the proving and verifying keys and the light verifier's bundle.
#[derive(Args)]
pub(crate) struct Setup {
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
}

impl Setup {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            compiled_circuit,
            srs_path,
            vk_path,
            pk_path,
            bundle_path,
            ..
        } = self;
        let c = compiled_file(&compiled_circuit)?;
        warn_visibility(&c.settings);
        let srs = read(&srs_path)?;
        let est = estimate::estimate(&Shape::of(&c.settings), Engine::current());
        let srs_s = estimate::srs_load(&srs, c.settings.run_args.logrows, Engine::current());
        let bar = Progress::start("setup", est.setup + srs_s);
        // the proving key goes to its file as it is serialized (never held twice), and takes
        // its name once the vk and the bundle are written too (no new key beside stale ones)
        let bundle_path = bundle_path.unwrap_or_else(|| vk_path.with_file_name("verifier.bundle"));
        let (vk, bundle) = write_streaming(&pk_path, |out| {
            let (vk, bundle) =
                pipeline::setup_to(&c, &srs, out).map_err(|err| srs_err(&srs_path, err))?;
            write(&vk_path, &vk)?;
            write(&bundle_path, &bundle)?;
            Ok((vk, bundle))
        })?;
        bar.finish();
        let pk_len = std::fs::metadata(&pk_path).map_or(0, |m| m.len());
        eprintln!(
            "wrote {} ({} bytes), {} ({} bytes) and {} ({} bytes)",
            vk_path.display(),
            vk.len(),
            pk_path.display(),
            pk_len,
            bundle_path.display(),
            bundle.len()
        );
        Ok(())
    }
}

/// `calibrate-settings` over a model that already has a salt (compile-circuit ran, so a
/// commitment or model ID may be published): say if the new settings change the commitment.
fn warn_commitment_change(model: &Path, old: &Settings, new: &Settings) {
    let salt_path = model.with_extension("salt");
    if !new.run_args.param_visibility.salted() || !salt_path.exists() {
        return;
    }
    if new.run_args.param_visibility == Visibility::Committed {
        // the published commitments are made at the circuit's size, so any change moves them
        if old.to_json() != new.to_json() {
            eprintln!(
                "warning: {} exists (compile-circuit ran): these settings change the circuit and \
                 the published params commitments, so the model ID changes: after the final \
                 calibration, run compile-circuit and setup, then publish the new model ID \
                 (zkonnx commit)",
                salt_path.display()
            );
        }
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
