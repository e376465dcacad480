//! On chain: zkonnx proofs verified by a smart contract. One reusable verifier per chain
//! (`contracts/ZkonnxVerifier.sol`, its golden bytecode built by npm's `solc`:
//! `scripts/solc.mjs`) and, per model, a contract holding an 87-byte stub, the model's
//! verifying-key artifact and its constraint program compiled to EVM code (which the verifier
//! calls back to run); the model contract is the address dApps call:
//! `verifyProof(bytes proof, uint256[] instances) returns (bool)`.
//!
//! - [`artifact`]: a verification bundle compiled into what the contract reads.
//! - [`contract`]: the stub, the model contract's code, deployment init code, the golden
//!   verifier bytecode.
//! - [`calldata`]: the ABI encoding of a proof and its public values.
//! - `rpc` (feature `cli`): a thin JSON-RPC client for `deploy-evm` and `verify-evm`.

pub mod artifact;
pub mod calldata;
pub mod contract;
pub mod program;
#[cfg(feature = "cli")]
pub mod rpc;

pub use artifact::ArtifactError;
