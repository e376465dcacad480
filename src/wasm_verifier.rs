//! WebAssembly bindings of the light verifier (feature `verifier-wasm`): no halo2, no tract, no
//! threads. The npm package's `zkonnx/verifier` (pkg-config/verifier/) parses proof.json and
//! calls these with the proof's bytes and public values.

use crate::verifier::{self, Bundle, Role};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

fn bundle(bytes: &[u8]) -> Result<Bundle, JsError> {
    Bundle::from_bytes(bytes).map_err(|e| JsError::new(&e.to_string()))
}

fn instances(hex: &[String]) -> Result<Vec<verifier::Fr>, JsError> {
    hex.iter()
        .enumerate()
        .map(|(i, h)| {
            verifier::from_hex(h)
                .map_err(|e| JsError::new(&format!("proof: instances[0][{i}]: {e}")))
        })
        .collect()
}

/// `true` if the proof (`hex_proof`, `instances[0]`) verifies against the bundle, `false` if
/// it does not; an `Error` for malformed bytes.
#[wasm_bindgen(js_name = verifyRaw)]
pub fn verify_raw(
    hex_proof: &str,
    public: Vec<String>,
    bundle_bytes: &[u8],
) -> Result<bool, JsError> {
    let b = bundle(bundle_bytes)?;
    let proof = verifier::hex_bytes(hex_proof).map_err(|e| JsError::new(&format!("proof: {e}")))?;
    let inst = instances(&public)?;
    verifier::verify(&b, &proof, &inst).map_err(|e| JsError::new(&e.to_string()))
}

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

/// The bundle's fingerprint and the public values as numbers: `{ fingerprint, inputs,
/// outputs, logrows, version, devSrsSeed }` (inputs/outputs: one array per public tensor).
#[wasm_bindgen(js_name = inspectRaw)]
pub fn inspect_raw(public: Vec<String>, bundle_bytes: &[u8]) -> Result<JsValue, JsError> {
    let b = bundle(bundle_bytes)?;
    let inst = instances(&public)?;
    let tensors = b
        .dequantize(&inst)
        .map_err(|e| JsError::new(&e.to_string()))?;
    let (inputs, outputs) = (Array::new(), Array::new());
    for (role, _, vals) in tensors {
        let a: Array = vals.into_iter().map(JsValue::from_f64).collect();
        match role {
            Role::Input => inputs.push(&a),
            Role::Output => outputs.push(&a),
        };
    }
    let o = Object::new();
    set(&o, "fingerprint", &JsValue::from_str(&b.fingerprint()));
    set(&o, "inputs", &inputs);
    set(&o, "outputs", &outputs);
    set(&o, "logrows", &JsValue::from_f64(b.k as f64));
    // `devSrsSeed`: the seed of zkonnx's UNSAFE development SRS the keys were made with, or null
    let seed = b
        .dev_srs_seed
        .map_or(JsValue::NULL, |s| JsValue::from_f64(s as f64));
    set(&o, "devSrsSeed", &seed);
    set(&o, "version", &JsValue::from_str(&b.version));
    Ok(o.into())
}

/// The bundle's fingerprint (64 hex digits): compare it with the model's published one.
#[wasm_bindgen]
pub fn fingerprint(bundle_bytes: &[u8]) -> Result<String, JsError> {
    Ok(bundle(bundle_bytes)?.fingerprint())
}
