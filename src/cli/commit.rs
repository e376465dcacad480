//! `zkonnx commit`: the model ID of a compiled model and its keys.

use std::path::{Path, PathBuf};

use clap::Args;
use zkonnx::pipeline;
use zkonnx::settings::Visibility;

use crate::cli::files::{compiled_file, existing_salt_file, key_file, read, settings_file};
use crate::cli::verify::warn_visibility;
use crate::cli::{e, Res};

/// `commit`: the model ID of a compiled model and its keys.
#[derive(Args)]
pub(crate) struct Commit {
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
}

impl Commit {
    pub(crate) fn run(self) -> Res<()> {
        let Self {
            model,
            settings_path,
            salt_path,
            bundle_path,
            vk_path,
            srs_path,
        } = self;
        commit(
            &model,
            settings_path,
            salt_path,
            bundle_path,
            vk_path,
            srs_path,
        )
    }
}

/// `commit`: the params commitment, the fingerprint and the model ID of a compiled model (or an
/// ONNX model with its settings and salt) and its keys.
fn commit(
    model: &Path,
    settings_path: Option<PathBuf>,
    salt_path: Option<PathBuf>,
    bundle_path: Option<PathBuf>,
    vk_path: Option<PathBuf>,
    srs_path: Option<PathBuf>,
) -> Res<()> {
    let bytes = read(model)?;
    let compiled = if bytes.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'{') {
        if settings_path.is_some() || salt_path.is_some() {
            return Err(format!(
                "commit: {} is a compiled circuit, which holds its settings and salt: drop -S \
                 and --salt-path",
                model.display()
            ));
        }
        compiled_file(model)?
    } else {
        let settings_path = settings_path.unwrap_or_else(|| PathBuf::from("settings.json"));
        let s = settings_file(&settings_path)?;
        let salt = match s.run_args.param_visibility.salted() {
            true => Some(existing_salt_file(
                &salt_path.unwrap_or_else(|| model.with_extension("salt")),
            )?),
            false => None,
        };
        pipeline::compile_circuit_with_salt(&bytes, &s, salt)
            .map_err(|err| format!("{}: {}", model.display(), e(err)))?
    };
    let hashed = compiled.settings.run_args.param_visibility == Visibility::Hashed;
    if hashed {
        println!(
            "param commitment {}",
            zkonnx::felt::to_hex_be(&pipeline::param_commitment(&compiled).map_err(e)?)
        );
    } else {
        warn_visibility(&compiled.settings);
        println!(
            "param commitment none (params are {}: {})",
            compiled.settings.run_args.param_visibility,
            match compiled.settings.run_args.param_visibility {
                Visibility::Fixed => "in the keys, covered by the fingerprint",
                Visibility::Committed =>
                    "their salted commitments are in the keys, covered by the fingerprint",
                _ => "NOT bound",
            }
        );
    }
    let (bundle, from) = match (bundle_path, vk_path, srs_path) {
        (_, Some(vk), Some(srs)) => {
            let b = pipeline::bundle(
                &key_file(&vk, "verifying key")?,
                &read(&srs)?,
                &compiled.settings,
            )
            .map_err(|err| format!("{} / {}: {}", vk.display(), srs.display(), e(err)))?;
            (b, vk)
        }
        (Some(b), _, _) => (read(&b)?, b),
        (None, _, _) => {
            let b = model.with_file_name("verifier.bundle");
            match std::fs::read(&b) {
                Ok(bytes) => (bytes, b),
                Err(_) => {
                    return Err(format!(
                        "commit: the model ID needs the keys, and there is no {}: run `zkonnx \
                         setup` first, then pass --bundle-path (the bundle setup wrote) or \
                         --vk-path and --srs-path",
                        b.display()
                    ))
                }
            }
        }
    };
    let id = pipeline::model_identity(&compiled, &bundle)
        .map_err(|err| format!("{}: {}", from.display(), e(err)))?;
    let label = zkonnx::verifier::Bundle::from_bytes(&bundle)
        .map_err(|err| format!("{}: {err}", from.display()))?
        .srs_label();
    if !matches!(label, zkonnx::verifier::srs_label::SrsLabel::Ceremony(_)) {
        eprintln!(
            "warning: these keys rest on an SRS that is not a known ceremony ({label}): whoever \
             knows its secret can forge proofs that match this model ID. Publish a model ID of \
             keys made with a ceremony SRS (zkonnx get-srs, srs import)"
        );
    }
    println!(
        "fingerprint {}",
        &zkonnx::verifier::trust::hex32(&id.fingerprint)[2..]
    );
    println!("model id {}", id.model_id_hex());
    eprintln!("{}", zkonnx::verifier::trust::PUBLISH);
    Ok(())
}
