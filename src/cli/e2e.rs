//! `zkonnx e2e DIR`: every step on DIR/network.onnx and DIR/input.json, timed, with progress.

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Args;
use zkonnx::calibrate::{self, CalibrateOptions, Target};
use zkonnx::estimate::{self, Engine, Rescale, Shape};
use zkonnx::formats::InputData;
use zkonnx::pipeline;
use zkonnx::settings::{RunArgs, Visibility};
use zkonnx::verifier::trust::CLI_NAMES;
use zkonnx::verifier::Role;

use crate::cli::files::{input_file, read, salt_file, write};
use crate::cli::progress::{self, Progress};
use crate::cli::verify::{print_report, warn_visibility};
use crate::cli::{e, Res};

/// `e2e DIR`: every step, timed.
#[derive(Args)]
pub(crate) struct E2e {
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
    /// hashed, committed, fixed or private (private: the weights are NOT bound)
    #[arg(long, default_value_t = RunArgs::default().param_visibility)]
    param_visibility: Visibility,
    /// lanes per row (num_inner_cols) for calibration to choose from, e.g. `2` (default:
    /// 1,2,4,8,16, the cheapest to prove). Fewer lanes mean fewer columns: smaller proofs
    /// and less gas on chain (docs/onchain.md), for a taller circuit
    #[arg(short = 'N', long, value_delimiter = ',')]
    num_inner_cols: Option<Vec<usize>>,
}

impl E2e {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            dir,
            target,
            work_dir,
            srs_path,
            input_visibility,
            output_visibility,
            param_visibility,
            num_inner_cols,
        } = self;
        e2e(
            &dir,
            target,
            work_dir,
            srs_path,
            input_visibility,
            output_visibility,
            param_visibility,
            num_inner_cols,
        )
    }
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
    lanes: Option<Vec<usize>>,
) -> Res<()> {
    if let Some(l) = lanes.iter().flatten().find(|l| !(1..=16).contains(*l)) {
        return Err(format!("--num-inner-cols: {l} is outside 1..=16"));
    }
    let name = dir
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "model".into());
    let work = work_dir.unwrap_or_else(|| std::env::temp_dir().join(format!("zkonnx-e2e-{name}")));
    std::fs::create_dir_all(&work)
        .map_err(|err| format!("cannot create {}: {err}", work.display()))?;
    let onnx = read(&dir.join("network.onnx"))?;
    let mut input = input_file(&dir.join("input.json"))?;
    let mut calib = match std::fs::read(dir.join("calibration.json")) {
        Ok(b) => InputData::from_json(&b).map_err(|err| err.to_string())?,
        Err(_) => input.clone(),
    };
    let total = Instant::now();
    let step = |name: &str| {
        eprintln!("[{name}] ...");
        Instant::now()
    };
    let done = |name: &str, t: Instant, extra: String| {
        println!("{name:<22} {:>9.3} s  {extra}", t.elapsed().as_secs_f64())
    };
    // the long steps: a progress line with the estimate, corrected by the steps already done
    let rescale = std::cell::RefCell::new(Rescale::default());
    let long = |name: &str, est: f64| Progress::start(name, rescale.borrow().predict(est));
    let long_done = |name: &str, bar: Progress, est: f64, extra: String| {
        let secs = bar.finish();
        rescale.borrow_mut().finished(est, secs);
        let sep = if extra.is_empty() { "" } else { "  " };
        println!(
            "{name:<22} {secs:>9.3} s  {extra}{sep}(estimated {})",
            progress::seconds(est)
        );
    };

    let t = step("gen-settings");
    let ra = RunArgs {
        input_visibility: iv,
        output_visibility: ov,
        param_visibility: pv,
        ..RunArgs::default()
    };
    let s = pipeline::gen_settings(&onnx, ra).map_err(e)?;
    done("gen-settings", t, String::new());
    for (file, d) in [("input.json", &mut input), ("calibration data", &mut calib)] {
        if let Some(w) = d.keep_first(&s.model_input_names) {
            eprintln!("warning: {file}: {w}");
        }
    }
    let t = step("calibrate-settings");
    let (s, cands) = calibrate::calibrate(
        &onnx,
        &s,
        &calib,
        &CalibrateOptions {
            target,
            lanes,
            ..Default::default()
        },
    )
    .map_err(e)?;
    for note in calibrate::notes(&cands) {
        eprintln!("  {note}");
    }
    write(&work.join("settings.json"), &s.to_json())?;
    done(
        "calibrate-settings",
        t,
        format!(
            "scale {}, lookup range ±{}, lanes {}, logrows {}, rows {}",
            s.run_args.input_scale,
            s.run_args.range_half(),
            s.run_args.num_inner_cols,
            s.run_args.logrows,
            s.num_rows
        ),
    );
    let t = step("compile-circuit");
    let salt = if pv.salted() {
        Some(salt_file(&work.join("network.salt"))?)
    } else {
        None
    };
    let c = pipeline::compile_circuit_with_salt(&onnx, &s, salt).map_err(e)?;
    write(&work.join("model.compiled"), &c.to_bytes())?;
    let commitment = match pv {
        Visibility::Hashed => Some(zkonnx::felt::to_hex_be(
            &pipeline::param_commitment(&c).map_err(e)?,
        )),
        _ => None,
    };
    done(
        "compile-circuit",
        t,
        commitment
            .as_ref()
            .map(|c| format!("param commitment {c}"))
            .unwrap_or_default(),
    );
    warn_visibility(&c.settings);
    let k = s.run_args.logrows;
    let t = step("srs");
    let srs = match &srs_path {
        Some(p) => read(p)?,
        None => {
            eprintln!("warning: no --srs-path: generating an UNSAFE development SRS (k = {k})");
            let bar = Progress::start("gen-srs", estimate::gen_srs(k, Engine::current()));
            let srs = pipeline::gen_srs(k, zkonnx::srs::DEFAULT_DEV_SEED as u64);
            bar.finish();
            srs
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
    let shape = Shape::of(&c.settings);
    println!(
        "circuit                2^{} rows, {} advice, {} fixed, {} selector columns, {} lookups, {} permutation columns, degree {}",
        shape.logrows, shape.advice, shape.fixed, shape.selectors, shape.lookups, shape.permutation_columns, shape.degree
    );
    let mut est = estimate::estimate(&shape, Engine::current());
    // setup and prove each load the SRS (cut down to the circuit's size, checked)
    let srs_s = estimate::srs_load(&srs, shape.logrows, Engine::current());
    est.setup += srs_s;
    est.prove += srs_s;
    let t = long("setup", est.setup);
    let keys = pipeline::setup(&c, &srs).map_err(e)?;
    write(&work.join("vk.key"), &keys.vk)?;
    write(&work.join("pk.key"), &keys.pk)?;
    write(&work.join("verifier.bundle"), &keys.bundle)?;
    long_done(
        "setup",
        t,
        est.setup,
        format!(
            "vk {} B, pk {} B, bundle {} B",
            keys.vk.len(),
            keys.pk.len(),
            keys.bundle.len()
        ),
    );
    let t = long("gen-witness", est.witness);
    let w = pipeline::gen_witness(&c, &input).map_err(e)?;
    write(&work.join("witness.json"), &w.to_json())?;
    long_done("gen-witness", t, est.witness, String::new());
    let t = step("mock");
    pipeline::mock(&c, &w).map_err(e)?;
    done("mock", t, String::new());
    let t = long("prove", est.prove);
    let p = pipeline::prove(&c, &w, &keys.pk, &srs).map_err(e)?;
    write(&work.join("proof.json"), &p.to_json())?;
    let proof_len = p.bytes().map_err(|err| err.to_string())?.len();
    long_done("prove", t, est.prove, format!("proof {proof_len} B"));
    let t = step("verify");
    let report = pipeline::verify_report(&p, &c.settings, &keys.vk, &srs).map_err(e)?;
    let expect = pipeline::Expect {
        param_commitment: commitment.clone(),
        ..Default::default()
    };
    report.check(&expect, &CLI_NAMES)?;
    let ok = report.valid;
    done("verify", t, format!("valid: {ok}"));
    let t = step("verify (light, bundle)");
    let light_report = pipeline::verify_bundle_report(&p, &keys.bundle).map_err(e)?;
    let light = light_report.valid;
    if !ok || !light {
        return Err("e2e: the proof did not verify".into());
    }
    let model_id = pipeline::model_identity(&c, &keys.bundle)
        .map_err(e)?
        .model_id_hex();
    let pinned = light_report.check(
        &pipeline::Expect {
            model_id: Some(model_id.clone()),
            ..Default::default()
        },
        &CLI_NAMES,
    )?;
    done("verify (light, bundle)", t, format!("valid: {light}"));
    println!("model id               {model_id}   (publish it: verifiers pin it)");
    println!("\nthe verifier's report (decoded from the proof's instances; --model-id pinned):");
    print_report(&light_report, pinned, Some(&c.settings));
    println!(
        "total                  {:>9.3} s",
        total.elapsed().as_secs_f64()
    );
    println!("artifacts in {}", work.display());
    let (outs, what) = if p.pretty_public_inputs.rescaled_outputs.is_empty() {
        (
            &w.pretty_elements.rescaled_outputs,
            "outputs (from the witness: the proof does not reveal them)",
        )
    } else {
        (&p.pretty_public_inputs.rescaled_outputs, "verified outputs")
    };
    println!("{what}:");
    for (i, out) in outs.iter().enumerate() {
        let name = c.settings.tensor_name(Role::Output, i);
        println!("  {name}: [{}]", out.join(", "));
    }
    Ok(())
}
