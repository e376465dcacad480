//! The CLI's file handling: reading and writing files, and the artifacts (settings, compiled
//! circuit, keys, input, params salt) read with errors that name the file.

use std::path::Path;

use zkonnx::formats::InputData;
use zkonnx::model::Compiled;
use zkonnx::pipeline;
use zkonnx::settings::Settings;

use crate::cli::Res;

pub(crate) fn read(p: &Path) -> Res<Vec<u8>> {
    std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

pub(crate) fn write(p: &Path, b: &[u8]) -> Res<()> {
    std::fs::write(p, b).map_err(|e| format!("cannot write {}: {e}", p.display()))
}

pub(crate) fn settings_file(p: &Path) -> Res<Settings> {
    Settings::from_json(&read(p)?).map_err(|err| format!("{}: {err}", p.display()))
}

pub(crate) fn compiled_file(p: &Path) -> Res<Compiled> {
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
pub(crate) fn key_file(p: &Path, what: &str) -> Res<Vec<u8>> {
    std::fs::read(p).map_err(|err| key_err(p, what, err))
}

/// A key file opened to be read as it comes (the proving key: never all in memory beside the
/// key it holds).
pub(crate) fn key_reader(p: &Path, what: &str) -> Res<std::io::BufReader<std::fs::File>> {
    let f = std::fs::File::open(p).map_err(|err| key_err(p, what, err))?;
    Ok(std::io::BufReader::with_capacity(1 << 20, f))
}

fn key_err(p: &Path, what: &str, err: std::io::Error) -> String {
    if err.kind() == std::io::ErrorKind::NotFound {
        format!(
            "the {what} {} does not exist: run `zkonnx setup` first (it writes pk.key, vk.key \
             and verifier.bundle), or pass the key's path",
            p.display()
        )
    } else {
        format!("cannot read {}: {err}", p.display())
    }
}

/// Writes a file through `fill` as its bytes are made: into `<path>.part`, renamed to `path`
/// once complete (a failed or interrupted write never leaves a truncated file at `path`).
pub(crate) fn write_streaming<T>(
    p: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Res<T>,
) -> Res<T> {
    let mut part = p.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let f = std::fs::File::create(&part)
        .map_err(|e| format!("cannot write {}: {e}", part.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
    let out = fill(&mut w);
    let out = out.and_then(|v| {
        use std::io::Write;
        w.flush()
            .map_err(|e| format!("cannot write {}: {e}", part.display()))?;
        std::fs::rename(&part, p).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
        Ok(v)
    });
    if out.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    out
}

pub(crate) fn input_file(p: &Path) -> Res<InputData> {
    InputData::from_json(&read(p)?).map_err(|err| format!("{}: {err}", p.display()))
}

/// [`input_file`] for a model with inputs `names`: lists beyond them are dropped with a
/// warning (see [`InputData::keep_first`]).
pub(crate) fn input_file_for(p: &Path, names: &[String]) -> Res<InputData> {
    let mut d = input_file(p)?;
    if let Some(w) = d.keep_first(names) {
        eprintln!("warning: {}: {w}", p.display());
    }
    Ok(d)
}

/// The params salt at `p`, which must exist (`commit` never makes one).
pub(crate) fn existing_salt_file(p: &Path) -> Res<halo2curves::bn256::Fr> {
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
pub(crate) fn salt_file(p: &Path) -> Res<halo2curves::bn256::Fr> {
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
