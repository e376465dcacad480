//! `verify`: a proof checked with the SRS and the verifying key, or the light verifier's
//! bundle, against the values the user pins; what the proof established, and the warnings about
//! what it does not.

use std::path::PathBuf;

use clap::Args;
use zkonnx::formats::Proof;
use zkonnx::pipeline;
use zkonnx::settings::{Settings, Visibility};
use zkonnx::verifier::trust::CLI_NAMES;

use crate::cli::files::{key_file, read, settings_file};
use crate::cli::{e, srs_err, Res};

/// `verify`: a proof checked, and what it established printed.
#[derive(Args)]
pub(crate) struct Verify {
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
}

impl Verify {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
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
        } = self;
        let p = Proof::from_json(&read(&proof_path)?).map_err(|err| err.to_string())?;
        // with settings (halo2's verifier), their ONNX names label the tensors
        let mut names = None;
        let report = match (bundle_path, srs_path) {
            (Some(b), _) => pipeline::verify_bundle_report(&p, &read(&b)?)
                .map_err(|err| format!("{}: {}", b.display(), e(err))),
            (None, Some(srs)) => {
                let s = settings_file(&settings_path)?;
                let r = pipeline::verify_report(
                    &p,
                    &s,
                    &key_file(&vk_path, "verifying key")?,
                    &read(&srs)?,
                )
                .map_err(|err| srs_err(&srs, err));
                names = Some(s);
                r
            }
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
            .check(
                &pipeline::Expect {
                    model_id,
                    param_commitment,
                    input_commitments,
                    output_commitments,
                    fingerprint,
                },
                &CLI_NAMES,
            )
            .map_err(|m| format!("verify: REJECTED: a valid proof, but {m}"))?;
        print_report(&report, pinned, names.as_ref());
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
        Ok(())
    }
}

/// Warnings for visibilities under which a proof proves less than users may think.
pub(crate) fn warn_visibility(s: &Settings) {
    let ra = &s.run_args;
    if ra.param_visibility == Visibility::Private {
        eprintln!("warning: {}", ra.param_visibility.meaning("params"));
    }
    if ra.input_visibility == Visibility::Private {
        eprintln!("warning: {}", ra.input_visibility.meaning("input"));
    }
}

/// What a verification established, as the verifier read it from the instances (printed only
/// for a valid proof whose expectations held), and how much of the model was pinned. With
/// `settings`, each tensor also carries its ONNX name (a label from settings.json: the proof
/// binds positions, not names).
pub(crate) fn print_report(
    r: &pipeline::Report,
    pinned: zkonnx::verifier::trust::Pinning,
    settings: Option<&Settings>,
) {
    use zkonnx::verifier::{publics::fr_hex_be, Decoded, Role};
    // `output 0`, then the ONNX name settings give it: `output 0   "probabilities": …`
    let name = |role: Role, i: u32| {
        let at = match role {
            Role::Params => return "params    ".to_string(),
            Role::Input => format!("input {i}"),
            Role::Output => format!("output {i}"),
        };
        match settings.map(|s| s.tensor_name(role, i as usize)) {
            Some(n) if n != at => format!("{at:<10} {n:?}:"),
            _ => format!("{at:<10}"),
        }
    };
    let mut seen = [false; 3];
    for (t, d) in &r.public {
        seen[t.role as usize] = true;
        match d {
            Decoded::Values(v) => {
                // shortest exact decimals: a class label 1 prints as 1, not 1.0
                let f: Vec<String> = v.iter().map(|&q| t.dequantize(q).to_string()).collect();
                println!(
                    "{} public {:?} (scale 2^{}): [{}]",
                    name(t.role, t.index),
                    t.shape,
                    t.scale,
                    f.join(", ")
                );
            }
            Decoded::Commitment(c) => {
                println!(
                    "{} hashed: commitment {}",
                    name(t.role, t.index),
                    fr_hex_be(c)
                );
            }
        }
    }
    if !seen[Role::Params as usize] {
        println!("params     {}", r.identity.params.meaning());
    }
    let private = |role: &str| {
        let m = zkonnx::verifier::trust::visibility_meaning(role, "private").unwrap_or_default();
        println!("{role:<10} private: {m}");
    };
    if !seen[Role::Input as usize] {
        private("input");
    }
    if !seen[Role::Output as usize] {
        private("output");
    }
    println!("fingerprint {}", r.fingerprint);
    println!("model id   {}", r.identity.model_id_hex());
    println!("srs        k = {}, {}", r.logrows, r.srs);
    println!("pinned     {}", pinned.statement());
}
