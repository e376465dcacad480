//! WebAssembly bindings of the EVM artifact compiler (feature `evm-wasm`): the npm package's
//! `zkonnx/evm` (pkg-config/evm/). Deploying a model's verifier contract is a publisher's step,
//! not a verifier's, so the compiler (`crate::evm::artifact`) lives in a module of its own and
//! the light verifier's module (`zkonnx/verifier`) stays small.

use crate::verifier::Bundle;
use wasm_bindgen::prelude::*;

/// The creation code (`0x…`) of a model's verifier contract, whose runtime code is the stub
/// calling the reusable verifier at `verifier` (`0x` + 40 hex digits), then the bundle's
/// verifying-key artifact ([`crate::evm::artifact`]).
#[wasm_bindgen(js_name = evmModelInitcodeRaw)]
pub fn evm_model_initcode_raw(bundle_bytes: &[u8], verifier: &str) -> Result<String, JsError> {
    let b = Bundle::from_bytes(bundle_bytes).map_err(|e| JsError::new(&e.to_string()))?;
    let addr = crate::evm::contract::parse_address(verifier)
        .map_err(|e| JsError::new(&format!("verifier address `{verifier}`: {e}")))?;
    let art = crate::evm::artifact::build(&b).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(crate::evm::calldata::hex(
        &crate::evm::contract::deploy_code(&crate::evm::contract::model_code(&addr, &art)),
    ))
}
