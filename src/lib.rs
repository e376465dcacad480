//! zkonnx: prove ONNX model predictions with halo2 (KZG on BN254, SHPLONK).
//!
//! Data flow (one module per stage):
//! ONNX bytes ([`onnx`]) -> graph IR ([`graph`], ops in [`ops`]) -> quantized graph ([`quant`],
//! each op lowering itself: [`lowering`])
//! -> circuit ([`circuit`]) -> keys ([`keys`], SRS in [`srs`]) -> witness -> proof ([`proof`]).
//! [`pipeline`] strings the stages together on bytes and values; the CLI and the WebAssembly
//! bindings are thin layers over it. `setup` also writes a verification bundle ([`bundle`]) that
//! the light verifier ([`verifier`]: BN254 + Keccak only, no halo2) checks proofs against, and a
//! smart contract ([`evm`]) too.

#[cfg(feature = "prover")]
pub mod bundle;
#[cfg(feature = "prover")]
pub mod calibrate;
#[cfg(feature = "prover")]
pub mod circuit;
pub mod commitment;
#[cfg(feature = "prover")]
pub mod error;
#[cfg(feature = "prover")]
pub mod estimate;
pub mod evm;
#[cfg(feature = "prover")]
pub mod felt;
#[cfg(feature = "prover")]
pub mod formats;
#[cfg(feature = "prover")]
pub mod graph;
#[cfg(feature = "prover")]
pub mod keys;
#[cfg(feature = "prover")]
pub mod kzg;
#[cfg(feature = "prover")]
pub mod lowering;
#[cfg(feature = "prover")]
pub mod model;
#[cfg(feature = "prover")]
pub mod onnx;
#[cfg(feature = "prover")]
pub mod ops;
#[cfg(feature = "prover")]
pub mod pipeline;
#[cfg(feature = "prover")]
pub mod plan;
pub mod poseidon;
#[cfg(feature = "prover")]
pub mod proof;
#[cfg(feature = "prover")]
pub mod publics;
#[cfg(feature = "prover")]
pub mod quant;
#[cfg(feature = "prover")]
pub mod settings;
#[cfg(feature = "prover")]
pub mod srs;
#[cfg(feature = "prover")]
pub mod tensor;
pub mod verifier;
#[cfg(all(feature = "wasm", target_arch = "wasm32"))]
pub mod wasm;
#[cfg(all(feature = "evm-wasm", target_arch = "wasm32"))]
pub mod wasm_evm;
#[cfg(all(feature = "verifier-wasm", target_arch = "wasm32"))]
pub mod wasm_verifier;

#[cfg(feature = "prover")]
pub use error::{Error, Result};

/// The zkonnx version written into settings and proofs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
