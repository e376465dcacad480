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
    verifier::instances_from_hex(hex).map_err(|e| match e {
        verifier::VerifyError::Instances(m) => JsError::new(&format!("proof: {m}")),
        e => JsError::new(&e.to_string()),
    })
}

fn set(o: &Object, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

/// What the proof's instances say, decoded with the bundle's layout: `{ fingerprint, modelId,
/// params, paramsMeaning, inputs, outputs, paramCommitment, inputCommitments, outputCommitments,
/// logrows, version, srs, devSrs }` (inputs/outputs: one array of numbers per public tensor; commitments `0x…` or
/// null / []; `srs`: what the SRS is, e.g. "UNSAFE development SRS ...").
#[wasm_bindgen(js_name = inspectRaw)]
pub fn inspect_raw(public: Vec<String>, bundle_bytes: &[u8]) -> Result<JsValue, JsError> {
    let b = bundle(bundle_bytes)?;
    let inst = instances(&public)?;
    info(&b, &inst)
}

fn info(b: &Bundle, inst: &[verifier::Fr]) -> Result<JsValue, JsError> {
    use crate::verifier::{publics::fr_hex_be, srs_label, Decoded};
    let tensors = b.decode(inst).map_err(|e| JsError::new(&e.to_string()))?;
    let id = b.identity(&tensors);
    let (inputs, outputs) = (Array::new(), Array::new());
    let (ic, oc) = (Array::new(), Array::new());
    let mut pc = JsValue::NULL;
    for (t, d) in tensors {
        match d {
            Decoded::Values(v) => {
                let a: Array = v
                    .into_iter()
                    .map(|q| JsValue::from_f64(t.dequantize(q)))
                    .collect();
                match t.role {
                    Role::Input => inputs.push(&a),
                    Role::Output => outputs.push(&a),
                    Role::Params => 0,
                };
            }
            Decoded::Commitment(c) => {
                let h = JsValue::from_str(&fr_hex_be(&c));
                match t.role {
                    Role::Input => {
                        ic.push(&h);
                    }
                    Role::Output => {
                        oc.push(&h);
                    }
                    Role::Params => pc = h,
                }
            }
        }
    }
    let o = Object::new();
    set(&o, "fingerprint", &JsValue::from_str(&b.fingerprint()));
    set(&o, "modelId", &JsValue::from_str(&id.model_id_hex()));
    set(&o, "params", &JsValue::from_str(params_tag(id.params)));
    set(&o, "paramsMeaning", &JsValue::from_str(id.params.meaning()));
    set(&o, "inputs", &inputs);
    set(&o, "outputs", &outputs);
    set(&o, "paramCommitment", &pc);
    set(&o, "inputCommitments", &ic);
    set(&o, "outputCommitments", &oc);
    set(&o, "logrows", &JsValue::from_f64(b.k as f64));
    let label = b.srs_label();
    set(&o, "srs", &JsValue::from_str(&label.to_string()));
    set(
        &o,
        "devSrs",
        &JsValue::from_bool(label == srs_label::SrsLabel::Development),
    );
    // `devSrsSeed`: kept for older pages: the seed of zkonnx's UNSAFE development SRS, or null
    let seed = b
        .dev_srs_seed
        .map_or(JsValue::NULL, |s| JsValue::from_f64(s as f64));
    set(&o, "devSrsSeed", &seed);
    set(&o, "version", &JsValue::from_str(&b.version));
    Ok(o.into())
}

/// The Poseidon commitment of a tensor's quantized integers (`crate::commitment`): `kind` is
/// "params", "input" or "output", `salt` `0x…` (omitted: 0), `limbBits` the bundle's
/// (`bundleLimbBits`). A page that knows a public tensor recomputes its commitment with this.
#[wasm_bindgen(js_name = commitmentRaw)]
pub fn commitment_raw(
    kind: &str,
    values: Vec<f64>,
    salt: Option<String>,
    limb_bits: u32,
) -> Result<String, JsError> {
    use crate::commitment::{commit, Kind};
    use crate::verifier::publics::{fr_from_hex_be, fr_hex_be};
    let kind = match kind {
        "params" => Kind::Params,
        "input" => Kind::Input,
        "output" => Kind::Output,
        k => {
            return Err(JsError::new(&format!(
                "commitment: kind `{k}`: expected params, input or output"
            )))
        }
    };
    let ints = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            if v.fract() != 0.0 || !v.is_finite() || v.abs() > 2f64.powi(62) {
                // (the value is not printed: float formatting would cost the module 11 KB)
                Err(JsError::new(&format!(
                    "commitment: values[{i}] is not a quantized integer (an integer of magnitude \
                     at most 2^62)"
                )))
            } else {
                Ok(v as i64)
            }
        })
        .collect::<Result<Vec<i64>, _>>()?;
    let salt = match salt {
        Some(h) => fr_from_hex_be(&h).map_err(|m| JsError::new(&format!("salt: {m}")))?,
        None => <verifier::Fr as bn254::ff::Field>::ZERO,
    };
    let c = commit(kind, &ints, salt, limb_bits).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(fr_hex_be(&c))
}

/// The bits per packed value of the bundle's commitments (0: nothing hashed).
#[wasm_bindgen(js_name = bundleLimbBits)]
pub fn bundle_limb_bits(bundle_bytes: &[u8]) -> Result<u32, JsError> {
    Ok(bundle(bundle_bytes)?.public.limb_bits)
}

/// The bundle's fingerprint (64 hex digits): compare it with the model's published one.
#[wasm_bindgen]
pub fn fingerprint(bundle_bytes: &[u8]) -> Result<String, JsError> {
    Ok(bundle(bundle_bytes)?.fingerprint())
}

fn params_tag(p: verifier::trust::Params) -> &'static str {
    match p {
        verifier::trust::Params::Hashed => "hashed",
        verifier::trust::Params::Fixed => "fixed",
        verifier::trust::Params::Private => "private",
        verifier::trust::Params::Committed => "committed",
    }
}

/// Verify a proof and compare its model and commitments with published values
/// ([`verifier::trust::check`]), the bundle parsed once: `{ valid, pinned, statement, mismatch,
/// info }` (`valid`: the proof verifies and every expectation holds; `pinned`: "model",
/// "weights-only", "circuit-only" or "nothing"; `mismatch`: why a valid proof is not of the
/// expected model; `info`: `inspectRaw`'s, null only for a proof that does not verify). An
/// expected value that is not one (bad hex) is an `Error`; empty lists compare nothing (the JS
/// API refuses them before they get here).
#[wasm_bindgen(js_name = reportRaw)]
#[allow(clippy::too_many_arguments)]
pub fn report_raw(
    transcript_type: Option<String>,
    hex_proof: &str,
    public: Vec<String>,
    bundle_bytes: &[u8],
    model_id: Option<String>,
    param_commitment: Option<String>,
    input_commitments: Vec<String>,
    output_commitments: Vec<String>,
    fingerprint: Option<String>,
) -> Result<JsValue, JsError> {
    use verifier::trust::{self, Failed};
    if let Some(t) = transcript_type {
        verifier::transcript::check_type(&t).map_err(|e| JsError::new(&format!("proof: {e}")))?;
    }
    let b = bundle(bundle_bytes)?;
    let proof = verifier::hex_bytes(hex_proof).map_err(|e| JsError::new(&format!("proof: {e}")))?;
    let inst = instances(&public)?;
    let o = Object::new();
    let null = |o: &Object, keys: &[&str]| keys.iter().for_each(|k| set(o, k, &JsValue::NULL));
    if !verifier::verify(&b, &proof, &inst).map_err(|e| JsError::new(&e.to_string()))? {
        set(&o, "valid", &JsValue::FALSE);
        null(&o, &["pinned", "statement", "mismatch", "info"]);
        return Ok(o.into());
    }
    let decoded = b.decode(&inst).map_err(|e| JsError::new(&e.to_string()))?;
    let id = b.identity(&decoded);
    let expect = trust::Expect {
        model_id,
        param_commitment,
        input_commitments: input_commitments.into_iter().map(Some).collect(),
        output_commitments: output_commitments.into_iter().map(Some).collect(),
        fingerprint,
    };
    match trust::check(&id, &decoded, &expect, &trust::JS_NAMES) {
        Ok(p) => {
            set(&o, "valid", &JsValue::TRUE);
            set(&o, "pinned", &JsValue::from_str(p.tag()));
            set(&o, "statement", &JsValue::from_str(p.statement()));
            set(&o, "mismatch", &JsValue::NULL);
        }
        Err(Failed::Mismatch(m)) => {
            set(&o, "valid", &JsValue::FALSE);
            null(&o, &["pinned", "statement"]);
            set(&o, "mismatch", &JsValue::from_str(&m));
        }
        Err(Failed::Malformed(m)) => return Err(JsError::new(&format!("verify: {m}"))),
    }
    set(&o, "info", &info(&b, &inst)?);
    Ok(o.into())
}

/// The one wording of what a modeler publishes and a verifier pins (`{ publish, pin }`), and of
/// what each visibility establishes (`visibility[role][visibility]`), as the CLI prints them.
#[wasm_bindgen(js_name = trustText)]
pub fn trust_text() -> JsValue {
    let o = Object::new();
    for (k, v) in verifier::trust::TEXTS {
        set(&o, k, &JsValue::from_str(v));
    }
    // what each visibility establishes: visibility[role][visibility]
    let vis = Object::new();
    for role in ["params", "input", "output"] {
        let r = Object::new();
        for (_, v, m) in verifier::trust::VISIBILITY.iter().filter(|e| e.0 == role) {
            set(&r, v, &JsValue::from_str(m));
        }
        set(&vis, role, &r.into());
    }
    set(&o, "visibility", &vis.into());
    o.into()
}

/// The calldata of `verifyProof(bytes proof, uint256[] instances)` for a proof (`0x…` hex), the
/// call a model's verifier contract takes ([`crate::evm::calldata`]).
#[wasm_bindgen(js_name = encodeCalldataRaw)]
pub fn encode_calldata_raw(
    transcript_type: Option<String>,
    hex_proof: &str,
    public: Vec<String>,
) -> Result<String, JsError> {
    if let Some(t) = transcript_type {
        verifier::transcript::check_type(&t).map_err(|e| JsError::new(&format!("proof: {e}")))?;
    }
    let proof = verifier::hex_bytes(hex_proof).map_err(|e| JsError::new(&format!("proof: {e}")))?;
    let inst = instances(&public)?;
    Ok(crate::evm::calldata::hex(&crate::evm::calldata::encode(
        &proof, &inst,
    )))
}

/// Where each public tensor sits in a proof's `instances` (for contracts that read a verified
/// proof's values): `[{ role: 'input' | 'output' | 'params', index, first, rows, scale,
/// commitment }]`, in instance order (instance 0 is the layout digest).
#[wasm_bindgen(js_name = evmLayoutRaw)]
pub fn evm_layout_raw(bundle_bytes: &[u8]) -> Result<JsValue, JsError> {
    let b = bundle(bundle_bytes)?;
    let out = Array::new();
    for s in crate::evm::calldata::slots(&b.public) {
        let o = Object::new();
        let role = match s.role {
            Role::Input => "input",
            Role::Output => "output",
            Role::Params => "params",
        };
        set(&o, "role", &JsValue::from_str(role));
        set(&o, "index", &JsValue::from(s.index));
        set(&o, "first", &JsValue::from(s.first as u32));
        set(&o, "rows", &JsValue::from(s.rows as u32));
        set(&o, "scale", &JsValue::from(s.scale));
        set(&o, "commitment", &JsValue::from_bool(s.commitment));
        out.push(&o);
    }
    Ok(out.into())
}
