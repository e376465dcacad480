//! zkonnx: prove ONNX model predictions with halo2 (KZG on BN254, SHPLONK).
//!
//! Data flow (one module per stage):
//! ONNX bytes ([`onnx`]) -> graph IR ([`graph`], ops in [`ops`]) -> quantized graph ([`quant`])
//! -> circuit ([`circuit`]) -> keys ([`keys`], SRS in [`srs`]) -> witness -> proof ([`proof`]).
//! [`pipeline`] strings the stages together on bytes and values; the CLI and the WebAssembly
//! bindings are thin layers over it.

pub mod calibrate;
pub mod circuit;
pub mod error;
pub mod felt;
pub mod formats;
pub mod graph;
pub mod keys;
pub mod model;
pub mod onnx;
pub mod ops;
pub mod pipeline;
pub mod proof;
pub mod quant;
pub mod settings;
pub mod srs;
pub mod tensor;
#[cfg(all(feature = "wasm", target_arch = "wasm32"))]
pub mod wasm;

pub use error::{Error, Result};

/// The zkonnx version written into settings and proofs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
