//! The library's error: one variant per layer, each wrapping that layer's typed error.

use crate::commitment::CommitError;
use crate::formats::FormatError;
use crate::graph::GraphError;
use crate::keys::KeyError;
use crate::model::ModelError;
use crate::onnx::OnnxError;
use crate::proof::ProofError;
use crate::quant::QuantError;
use crate::settings::SettingsError;
use crate::srs::SrsError;
use crate::verifier::VerifyError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Onnx(#[from] OnnxError),
    #[error(transparent)]
    Graph(#[from] GraphError),
    #[error(transparent)]
    Quant(#[from] QuantError),
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error(transparent)]
    Srs(#[from] SrsError),
    #[error(transparent)]
    Keys(#[from] KeyError),
    #[error(transparent)]
    Proof(#[from] ProofError),
    #[error(transparent)]
    Light(#[from] VerifyError),
    #[error(transparent)]
    Commit(#[from] CommitError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
