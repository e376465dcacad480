//! WebAssembly bindings: the pipeline on `Uint8Array`s and plain JS objects, thin over
//! [`crate::pipeline`]. Every error reaches JS as an `Error` whose message names the cause.
//!
//! Objects (settings, run-args, input data, witness, proof) cross as plain JS objects with the
//! same fields as the JSON files; binary artifacts (compiled circuit, keys, SRS) as bytes.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::calibrate::{self, CalibrateOptions, Target};
use crate::formats::{InputData, Proof, Witness};
use crate::model::Compiled;
use crate::settings::{RunArgs, Settings};
use crate::{estimate, felt, pipeline, quant, srs};

#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

type JsResult<T> = Result<T, JsError>;

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

fn from_js<T: DeserializeOwned>(v: JsValue, what: &str) -> JsResult<T> {
    serde_wasm_bindgen::from_value(v).map_err(|e| {
        // serde_wasm_bindgen's message is a JS error's `toString()`: drop its "Error: "
        let msg = e.to_string();
        JsError::new(&format!(
            "{what}: {}",
            msg.strip_prefix("Error: ").unwrap_or(&msg)
        ))
    })
}

fn to_js<T: Serialize>(v: &T) -> JsResult<JsValue> {
    // maps as plain objects, 64-bit integers as numbers
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    v.serialize(&ser).map_err(err)
}

/// Input data from a JS object: parsed through JSON so that `"NaN"` strings and non-numbers get
/// the same checks and messages as `input.json`.
fn input_data(v: JsValue, what: &str) -> JsResult<InputData> {
    // JSON has no NaN or Infinity (`stringify` writes null): they cross as the strings
    // "NaN", "Infinity", "-Infinity", which input.json accepts and the quantizer rejects by name
    let replacer =
        Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(|_k: JsValue, v: JsValue| {
            match v.as_f64() {
                Some(x) if !x.is_finite() => JsValue::from_str(&x.to_string()),
                _ => v,
            }
        });
    let json = js_sys::JSON::stringify_with_replacer(&v, replacer.as_ref())
        .map_err(|_| JsError::new(&format!("{what}: not serializable to JSON")))?;
    InputData::from_json(String::from(json).as_bytes()).map_err(err)
}

fn compiled(bytes: &[u8]) -> JsResult<Compiled> {
    Compiled::from_bytes(bytes).map_err(err)
}

#[wasm_bindgen(start)]
pub fn start() {
    crate::keys::install_panic_hook();
    // wasm32 aborts on panic: the call traps (`RuntimeError: unreachable`). Leave the panic's
    // message where the npm package's wrapper finds it, so that it can throw an `Error` naming
    // the cause and start a fresh instance (pkg-config/guard.js).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info.to_string();
        let _ = js_sys::Reflect::set(
            &js_sys::global(),
            &JsValue::from_str("__zkonnxPanic"),
            &JsValue::from_str(&msg),
        );
        hook(info);
    }));
}

/// Bytes of WebAssembly linear memory (it never shrinks: after a call, the peak so far).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    let mem: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let buf = mem.buffer();
    // a SharedArrayBuffer in the threaded build, an ArrayBuffer otherwise
    js_sys::Reflect::get(&buf, &JsValue::from_str("byteLength"))
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// For the package's tests only: panics, so that the JS wrapper's recovery can be checked.
#[doc(hidden)]
#[wasm_bindgen(js_name = __panicForTests)]
pub fn panic_for_tests(message: &str) {
    panic!("{message}");
}

/// `gen-settings`: `runArgs` is a (partial) `run_args` object; omitted fields take ezkl's defaults.
#[wasm_bindgen(js_name = genSettings)]
pub fn gen_settings(onnx: &[u8], run_args: JsValue) -> JsResult<JsValue> {
    let ra: RunArgs = if run_args.is_undefined() || run_args.is_null() {
        RunArgs::default()
    } else {
        if run_args.is_object() {
            let keys: Vec<String> =
                js_sys::Object::keys(run_args.unchecked_ref::<js_sys::Object>())
                    .iter()
                    .filter_map(|k| k.as_string())
                    .collect();
            RunArgs::check_keys(keys.iter().map(|k| k.as_str())).map_err(err)?;
        }
        from_js(run_args, "runArgs")?
    };
    to_js(&pipeline::gen_settings(onnx, ra).map_err(err)?)
}

/// `calibrate-settings`: `data` is calibration data in `input.json` form; `target` is
/// `"resources"` or `"accuracy"`.
#[wasm_bindgen(js_name = calibrateSettings)]
pub fn calibrate_settings(
    onnx: &[u8],
    settings: JsValue,
    data: JsValue,
    target: Option<String>,
) -> JsResult<JsValue> {
    let s: Settings = from_js(settings, "settings")?;
    let data = input_data(data, "data")?;
    let target: Target = target
        .as_deref()
        .unwrap_or("resources")
        .parse()
        .map_err(|e: String| JsError::new(&e))?;
    let opts = CalibrateOptions {
        target,
        ..Default::default()
    };
    let (best, _) = calibrate::calibrate(onnx, &s, &data, &opts).map_err(err)?;
    to_js(&best)
}

/// `compile-circuit`: the compiled circuit's bytes (`model.compiled`). With hashed or committed
/// params, `salt` (`0x…`, 64 hex digits) is the params commitments' salt; omitted, a fresh random one
/// (read it back with `paramSalt`, keep it secret beside the model).
#[wasm_bindgen(js_name = compileCircuit)]
pub fn compile_circuit(onnx: &[u8], settings: JsValue, salt: Option<String>) -> JsResult<Vec<u8>> {
    let s: Settings = from_js(settings, "settings")?;
    let salt = salt
        .map(|h| crate::felt::from_hex_be(&h).map_err(|m| JsError::new(&format!("salt: {m}"))))
        .transpose()?;
    Ok(pipeline::compile_circuit_with_salt(onnx, &s, salt)
        .map_err(err)?
        .to_bytes())
}

/// The params commitment (`0x…`) of a compiled circuit with hashed params: publish it; verifiers
/// check proofs against it.
#[wasm_bindgen]
pub fn commit(compiled_circuit: &[u8]) -> JsResult<String> {
    let c = compiled(compiled_circuit)?;
    Ok(crate::felt::to_hex_be(
        &pipeline::param_commitment(&c).map_err(err)?,
    ))
}

/// The model ID (`0x…`) of a compiled circuit and its keys' verification bundle (`setup`'s
/// `bundle`): what a modeler publishes and verifiers pin (`zkonnx/verifier`'s `{ modelId }`).
#[wasm_bindgen(js_name = modelId)]
pub fn model_id(compiled_circuit: &[u8], bundle: &[u8]) -> JsResult<String> {
    let id = pipeline::model_identity(&compiled(compiled_circuit)?, bundle).map_err(err)?;
    Ok(id.model_id_hex())
}

/// The verification bundle of a vk and the SRS it was made with, for `settings` (what `setup`
/// returns as `bundle`): rebuilds a cached bundle from its vk, so a stale one is never published.
#[wasm_bindgen(js_name = bundleOf)]
pub fn bundle_of(vk: &[u8], srs_bytes: &[u8], settings: JsValue) -> JsResult<Vec<u8>> {
    let s: Settings = from_js(settings, "settings")?;
    pipeline::bundle(vk, srs_bytes, &s).map_err(err)
}

/// The one wording of what a modeler publishes and a verifier pins: `{ publish, pin }`.
#[wasm_bindgen(js_name = trustText)]
pub fn trust_text() -> JsResult<JsValue> {
    let o = js_sys::Object::new();
    for (k, v) in crate::verifier::trust::TEXTS {
        js_sys::Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v))
            .map_err(|_| JsError::new("trustText: cannot build the object"))?;
    }
    Ok(o.into())
}

/// The params salt (`0x…`) inside a compiled circuit, or `undefined` (params neither hashed nor
/// committed).
#[wasm_bindgen(js_name = paramSalt)]
pub fn param_salt(compiled_circuit: &[u8]) -> JsResult<Option<String>> {
    Ok(compiled(compiled_circuit)?.param_salt)
}

/// The settings inside a compiled circuit.
#[wasm_bindgen(js_name = compiledSettings)]
pub fn compiled_settings(compiled_circuit: &[u8]) -> JsResult<JsValue> {
    to_js(&compiled(compiled_circuit)?.settings)
}

/// An UNSAFE seeded SRS (tests and development only).
#[wasm_bindgen(js_name = genSrs)]
pub fn gen_srs(logrows: u32, seed: Option<u32>) -> JsResult<Vec<u8>> {
    if !(1..=crate::settings::MAX_LOGROWS).contains(&logrows) {
        return Err(JsError::new(&format!(
            "logrows {logrows} is outside 1..={}",
            crate::settings::MAX_LOGROWS
        )));
    }
    Ok(pipeline::gen_srs(logrows, seed.map_or(0x5eed, u64::from)))
}

/// Check an SRS file and downsize it to `logrows` (bytes in the same layout).
#[wasm_bindgen(js_name = loadSrs)]
pub fn load_srs(srs_bytes: &[u8], logrows: u32) -> JsResult<Vec<u8>> {
    let params = srs::load_for_k(srs_bytes, logrows).map_err(err)?;
    let mut out = vec![];
    halo2_proofs::poly::kzg::commitment::ParamsKZG::write_custom(
        &params.to_halo2(),
        &mut out,
        halo2_proofs::SerdeFormat::RawBytes,
    )
    .map_err(err)?;
    Ok(out)
}

/// Proving and verifying keys.
/// Keys from `setup`, and the verification bundle for `zkonnx/verifier`. The proving key's
/// bytes live in JS memory (written there as they are serialized: the module's linear memory
/// never holds the key and its bytes together).
#[wasm_bindgen(getter_with_clone)]
pub struct Keys {
    pub vk: Vec<u8>,
    pub pk: js_sys::Uint8Array,
    pub bundle: Vec<u8>,
}

#[wasm_bindgen]
pub fn setup(compiled_circuit: &[u8], srs_bytes: &[u8]) -> JsResult<Keys> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, JsBytes::default());
    let (vk, bundle) =
        pipeline::setup_to(&compiled(compiled_circuit)?, srs_bytes, &mut out).map_err(err)?;
    let pk = out.into_inner().map_err(|e| err(e.error()))?.concat();
    Ok(Keys { vk, pk, bundle })
}

/// Bytes written into JS memory, chunk by chunk.
#[derive(Default)]
struct JsBytes {
    chunks: Vec<js_sys::Uint8Array>,
    len: u32,
}

impl std::io::Write for JsBytes {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = u32::try_from(buf.len())
            .ok()
            .filter(|n| self.len.checked_add(*n).is_some())
            .ok_or_else(|| std::io::Error::other("a key of 4 GiB or more"))?;
        self.chunks.push(js_sys::Uint8Array::from(buf));
        self.len += n;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl JsBytes {
    fn concat(self) -> js_sys::Uint8Array {
        let all = js_sys::Uint8Array::new_with_length(self.len);
        let mut at = 0;
        for c in self.chunks {
            all.set(&c, at);
            at += c.length();
        }
        all
    }
}

/// Bytes read from JS memory as they are needed (the proving key: never copied whole into the
/// module's linear memory beside the key it holds).
struct JsReader {
    src: js_sys::Uint8Array,
    at: u32,
}

impl std::io::Read for JsReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.src.length().saturating_sub(self.at);
        let n = left.min(u32::try_from(buf.len()).unwrap_or(u32::MAX));
        self.src
            .subarray(self.at, self.at + n)
            .copy_to(&mut buf[..n as usize]);
        self.at += n;
        Ok(n as usize)
    }
}

/// The bytes of a key argument: a `Uint8Array` (a Node `Buffer` is one) or an `ArrayBuffer`.
fn js_bytes(v: &JsValue, what: &str) -> JsResult<js_sys::Uint8Array> {
    if let Some(a) = v.dyn_ref::<js_sys::Uint8Array>() {
        Ok(a.clone())
    } else if v.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(js_sys::Uint8Array::new(v))
    } else {
        Err(JsError::new(&format!(
            "{what}: expected the key file's bytes (a Uint8Array or ArrayBuffer)"
        )))
    }
}

/// The float model's outputs on `input` (the first sample), to show beside the proven ones.
#[wasm_bindgen(js_name = floatOutputs)]
pub fn float_outputs(onnx: &[u8], settings: JsValue, input: JsValue) -> JsResult<JsValue> {
    let s: Settings = from_js(settings, "settings")?;
    let out = pipeline::float_outputs(onnx, &s, &input_data(input, "input")?).map_err(err)?;
    to_js(&out)
}

/// `gen-witness`: `input` in `input.json` form; returns the witness object.
#[wasm_bindgen(js_name = genWitness)]
pub fn gen_witness(compiled_circuit: &[u8], input: JsValue) -> JsResult<JsValue> {
    let w = pipeline::gen_witness(&compiled(compiled_circuit)?, &input_data(input, "input")?)
        .map_err(err)?;
    to_js(&w)
}

/// `mock`: `true`, or an `Error` naming the failing constraints.
#[wasm_bindgen]
pub fn mock(compiled_circuit: &[u8], witness: JsValue) -> JsResult<bool> {
    let w: Witness = from_js(witness, "witness")?;
    pipeline::mock(&compiled(compiled_circuit)?, &w).map_err(err)?;
    Ok(true)
}

/// `prove`: returns the proof object (`proof.json`).
#[wasm_bindgen]
pub fn prove(
    compiled_circuit: &[u8],
    witness: JsValue,
    pk: JsValue,
    srs_bytes: &[u8],
) -> JsResult<JsValue> {
    let w: Witness = from_js(witness, "witness")?;
    let src = js_bytes(&pk, "proving key")?;
    let mut pk = std::io::BufReader::with_capacity(1 << 20, JsReader { src, at: 0 });
    let p = pipeline::prove_from(&compiled(compiled_circuit)?, &w, &mut pk, srs_bytes);
    to_js(&p.map_err(err)?)
}

/// `verify`: `true` for a valid proof, `false` for an invalid one, an `Error` for malformed bytes.
#[wasm_bindgen]
pub fn verify(proof: JsValue, settings: JsValue, vk: &[u8], srs_bytes: &[u8]) -> JsResult<bool> {
    let p: Proof = from_js(proof, "proof")?;
    let s: Settings = from_js(settings, "settings")?;
    pipeline::verify(&p, &s, vk, srs_bytes).map_err(err)
}

/// A float as the field element (64 hex digits, little-endian) of its quantization at `scale`.
#[wasm_bindgen(js_name = floatToFelt)]
pub fn float_to_felt(x: f64, scale: u32) -> JsResult<String> {
    let q = quant::quantize_value(x, scale)
        .ok_or_else(|| JsError::new(&format!("{x} cannot be quantized at scale {scale}")))?;
    Ok(felt::to_hex(&felt::from_i64(q)))
}

/// A field element (64 hex digits, little-endian) as the float it encodes at `scale`.
#[wasm_bindgen(js_name = feltToFloat)]
pub fn felt_to_float(hex: &str, scale: u32) -> JsResult<f64> {
    let f = felt::from_hex(hex).map_err(|e| JsError::new(&e))?;
    let q = felt::to_i64(&f)
        .ok_or_else(|| JsError::new("the field element is not a small signed integer"))?;
    Ok(quant::dequantize(q, scale))
}

/// Estimated seconds of the long stages for this compiled circuit on this module with its
/// threads: `{ setup, witness, prove, verify }` (from the circuit's size: [`crate::estimate`]).
#[wasm_bindgen(js_name = estimateStages)]
pub fn estimate_stages(compiled_circuit: &[u8]) -> JsResult<JsValue> {
    let m = compiled(compiled_circuit)?;
    let shape = estimate::Shape::of(&m.settings);
    to_js(&estimate::estimate(&shape, estimate::Engine::current()))
}

/// Seconds `loadSrs(srsBytes, logrows)` is estimated to take on this module (the `srs` stage:
/// a file without the Lagrange basis of that size takes far longer, [`crate::srs::basis`]).
#[wasm_bindgen(js_name = estimateSrs)]
pub fn estimate_srs(srs_bytes: &[u8], logrows: u32) -> f64 {
    estimate::srs_load(srs_bytes, logrows, estimate::Engine::current())
}

/// A stage's estimate rescaled by the finished stages (`done`: their estimates and actual
/// seconds, in pairs): the one rule, [`estimate::Rescale`], which the CLI applies too.
#[wasm_bindgen(js_name = rescaleEstimate)]
pub fn rescale_estimate(estimate: f64, done: &[f64]) -> f64 {
    let mut r = estimate::Rescale::default();
    for p in done.chunks_exact(2) {
        r.finished(p[0], p[1]);
    }
    r.predict(estimate)
}

/// Threads rayon uses (1 in the single-threaded build).
#[wasm_bindgen(js_name = numThreads)]
pub fn num_threads() -> usize {
    rayon::current_num_threads()
}

/// How many distinct rayon worker threads run a task broadcast to the pool (a check that the
/// Web Workers are alive and execute WebAssembly; 1 in the single-threaded build).
#[wasm_bindgen(js_name = threadsUsed)]
pub fn threads_used() -> usize {
    let ids = rayon::broadcast(|ctx| ctx.index());
    let mut ids: Vec<usize> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}
