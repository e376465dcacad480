//! The commands' bodies, one module per family; `src/main.rs` parses the flags and dispatches.
//! Errors are one line of text (`Res`), printed by `main`.

pub(crate) mod args;
pub(crate) mod commit;
pub(crate) mod e2e;
pub(crate) mod evm;
pub(crate) mod files;
pub(crate) mod progress;
pub(crate) mod prove;
pub(crate) mod setup;
pub(crate) mod srs;
pub(crate) mod verify;

use std::path::Path;

pub(crate) type Res<T> = Result<T, String>;

/// An error of a step that read the SRS at `p`: an SRS error names the file.
pub(crate) fn srs_err(p: &Path, err: zkonnx::Error) -> String {
    match err {
        zkonnx::Error::Srs(err) => format!("{}: {err}", p.display()),
        err => e(err),
    }
}

pub(crate) fn e(err: zkonnx::Error) -> String {
    err.to_string()
}
