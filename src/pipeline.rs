//! The pipeline on bytes and values (never paths): what the CLI, the WebAssembly bindings and
//! the tests all call. Names follow ezkl's subcommands.

use halo2curves::bn256::Fr;

use crate::error::Result;
use crate::estimate::{Engine, Stage};
use crate::formats::{
    to_hex_bytes, FormatError, InputData, PrettyElements, PrettyPublicInputs, Proof, Witness,
};
use crate::graph::Graph;
use crate::keys;
use crate::model::Compiled;
use crate::onnx;
use crate::proof::{self, ProofError};
use crate::quant::{self, dequantize, QOp, QuantSpec, Trace};
use crate::settings::{RunArgs, Settings};
use crate::srs;
use crate::{felt, VERSION};

/// Parse ONNX bytes with the run-args' batch size.
pub fn load_graph(onnx_bytes: &[u8], ra: &RunArgs) -> Result<Graph> {
    Ok(onnx::parse(onnx_bytes, ra.batch_size())?)
}

/// `gen-settings`: read the model and describe its circuit under `run_args`.
pub fn gen_settings(onnx_bytes: &[u8], run_args: RunArgs) -> Result<Settings> {
    run_args.validate()?;
    let g = load_graph(onnx_bytes, &run_args)?;
    let q = crate::lowering::quantize(
        &g,
        QuantSpec {
            act_scale: run_args.input_scale,
            param_scale: run_args.param_scale,
            table_shift: run_args.table_shift,
        },
    )?;
    Ok(crate::plan::settings(&g, &q, run_args, vec![]))
}

/// The model's float outputs on the first sample of `data` (the float reference the quantized
/// outputs are compared with), one vector per model output.
pub fn float_outputs(
    onnx_bytes: &[u8],
    settings: &Settings,
    data: &InputData,
) -> Result<Vec<Vec<f64>>> {
    let g = load_graph(onnx_bytes, &settings.run_args)?;
    let lens: Vec<usize> = g
        .input_shapes()
        .iter()
        .map(|s| s.iter().product())
        .collect();
    let samples = data.samples("calibration data", &lens)?;
    let first = samples
        .first()
        .ok_or(crate::graph::GraphError::InputCount {
            expected: lens.len(),
            got: 0,
        })?;
    g.check_inputs(first)?;
    Ok(g.eval(first)?)
}

/// A fresh random salt (for a params commitment).
pub fn random_salt() -> Fr {
    use halo2curves::ff::Field;
    Fr::random(rand::rngs::OsRng)
}

/// `compile-circuit` with a fresh random params salt (when params are hashed or committed).
pub fn compile_circuit(onnx_bytes: &[u8], settings: &Settings) -> Result<Compiled> {
    compile_circuit_with_salt(onnx_bytes, settings, None)
}

/// `compile-circuit`: the quantized model plus its settings, and the params salt (`None`: a
/// fresh random one, when params are hashed or committed).
pub fn compile_circuit_with_salt(
    onnx_bytes: &[u8],
    settings: &Settings,
    salt: Option<Fr>,
) -> Result<Compiled> {
    let ra = settings.run_args.clone();
    ra.validate()?;
    let g = load_graph(onnx_bytes, &ra)?;
    let q = crate::lowering::quantize(
        &g,
        QuantSpec {
            act_scale: ra.input_scale,
            param_scale: ra.param_scale,
            table_shift: ra.table_shift,
        },
    )?;
    let max_rescale = 2 * ra.digit_bits();
    for s in &q.steps {
        if let QOp::Dot(d) = &s.op {
            if d.div_bits() > max_rescale {
                return Err(crate::settings::SettingsError::Invalid {
                    field: "lookup_range",
                    msg: format!(
                        "node `{}` rescales by 2^{}, beyond what range checks over [-{h}, {h}) cover (2^{max_rescale}): widen lookup_range",
                        s.node,
                        d.div_bits(),
                        h = ra.range_half()
                    ),
                }
                .into());
            }
        }
    }
    settings.check_tables()?;
    // sizing is planned from the model and the file's choices, never taken from the file
    let planned = crate::plan::settings(&g, &q, ra.clone(), settings.table_domains.clone());
    crate::plan::check_same(settings, &planned)?;
    if planned.limb_bits() > crate::commitment::MAX_LIMB_BITS {
        return Err(crate::settings::SettingsError::Invalid {
            field: "param_scale",
            msg: format!(
                "a parameter needs {} bits, more than a commitment packs ({}): lower param_scale",
                planned.limb_bits(),
                crate::commitment::MAX_LIMB_BITS
            ),
        }
        .into());
    }
    let param_salt = ra
        .param_visibility
        .salted()
        .then(|| felt::to_hex_be(&salt.unwrap_or_else(random_salt)));
    let c = Compiled {
        settings: planned,
        graph: q,
        param_salt,
    };
    crate::plan::check_fits(&c.settings)?;
    Ok(c)
}

/// `gen-srs`: an UNSAFE seeded SRS for tests and development.
pub fn gen_srs(logrows: u32, seed: u64) -> Vec<u8> {
    srs::gen_srs_unsafe(logrows, seed)
}

/// Verifying and proving keys, serialized.
#[derive(Clone)]
pub struct Keys {
    pub vk: Vec<u8>,
    pub pk: Vec<u8>,
    /// the light verifier's bundle ([`crate::verifier::Bundle`]): proof + bundle is all a
    /// verifier needs
    pub bundle: Vec<u8>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Keys {{ vk: {} bytes, pk: {} bytes, bundle: {} bytes }}",
            self.vk.len(),
            self.pk.len(),
            self.bundle.len()
        )
    }
}

/// `setup`: keys for the compiled model from an SRS (a larger SRS is downsized).
pub fn setup(model: &Compiled, srs_bytes: &[u8]) -> Result<Keys> {
    let mut pk = vec![];
    let (vk, bundle) = setup_to(model, srs_bytes, &mut pk)?;
    Ok(Keys { vk, pk, bundle })
}

/// [`setup`] with the proving key written to `pk_out` as it is serialized, and dropped before
/// the bundle is made (a large key is never held twice). Returns the vk and bundle bytes.
pub fn setup_to(
    model: &Compiled,
    srs_bytes: &[u8],
    pk_out: &mut dyn std::io::Write,
) -> Result<(Vec<u8>, Vec<u8>)> {
    crate::plan::check_fits(&model.settings)?;
    let shape = crate::estimate::Shape::of(&model.settings);
    crate::estimate::check_memory(&shape, Engine::current(), Stage::Setup)?;
    let params = srs::load_for_k(srs_bytes, model.settings.run_args.logrows)?;
    let (vk, pk) = keys::keygen(model, &params)?;
    keys::pk_write(&pk, pk_out)?;
    drop(pk);
    let committed = published_commitments(model, &params)?;
    let bundle = crate::bundle::export(&vk, params.kzg(), &model.settings, &committed)
        .map_err(|m| crate::keys::KeyError::Vk(format!("verification bundle: {m}")))?;
    Ok((keys::vk_to_bytes_with(&vk, &committed), bundle.to_bytes()))
}

/// With committed params, every parameter column's published commitment (the model's weights
/// and salt in the SRS's Lagrange basis); else none.
fn published_commitments(
    model: &Compiled,
    params: &crate::kzg::ProverParams,
) -> Result<Vec<halo2curves::bn256::G1Affine>> {
    let cp = crate::circuit::CircuitParams::from_settings(&model.settings);
    if cp.param_columns == 0 {
        return Ok(vec![]);
    }
    let salt = param_salt(model)?.ok_or_else(|| FormatError::Invalid {
        file: "model.compiled",
        msg: "params are committed but there is no param_salt".into(),
    })?;
    Ok(crate::circuit::params::commitments(
        &model.graph,
        &cp,
        salt,
        params,
    ))
}

/// The verification bundle of a vk and the SRS it was made with (what `setup` writes beside the
/// keys), for `settings`.
pub fn bundle(vk_bytes: &[u8], srs_bytes: &[u8], settings: &Settings) -> Result<Vec<u8>> {
    let (vk, committed) = keys::vk_from_bytes(vk_bytes, settings)?;
    let params = srs::verifier_params(srs_bytes, settings.run_args.logrows)?;
    let b = crate::bundle::export(&vk, &params, settings, &committed)
        .map_err(|m| crate::keys::KeyError::Vk(format!("verification bundle: {m}")))?;
    Ok(b.to_bytes())
}

/// The model ID of a compiled model whose keys' verification bundle is `bundle_bytes`
/// ([`crate::verifier::trust`]): the bundle's fingerprint and, with hashed params, the params
/// commitment of the model's weights and salt. The bundle must lay out the public values as
/// the model's settings do (else it was made for another model or other settings).
pub fn model_identity(
    model: &Compiled,
    bundle_bytes: &[u8],
) -> Result<crate::verifier::trust::Identity> {
    use crate::verifier::{Bundle, VerifyError};
    let b = Bundle::from_bytes(bundle_bytes)?;
    if b.k != model.settings.run_args.logrows {
        return Err(VerifyError::Bundle(format!(
            "made for 2^{} rows, this compiled model has 2^{} (keys of other settings: run setup \
             with this model.compiled)",
            b.k, model.settings.run_args.logrows
        ))
        .into());
    }
    if b.public != crate::publics::layout(&model.settings) {
        return Err(VerifyError::Bundle(
            "its public values' layout is not this compiled model's (keys of another model or of \
             other settings: run setup with this model.compiled)"
                .into(),
        )
        .into());
    }
    let hashed = model.settings.run_args.param_visibility == crate::settings::Visibility::Hashed;
    let commitment = match hashed {
        true => Some(felt::to_verifier(&param_commitment(model)?)),
        false => None,
    };
    Ok(crate::verifier::trust::Identity::of(
        b.fingerprint_bytes(),
        commitment,
        b.params_in_keys(),
    ))
}

fn hex_rows(rows: &[Vec<i64>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|&v| felt::to_hex(&felt::from_i64(v)))
                .collect()
        })
        .collect()
}

fn dec_rows(rows: &[Vec<i64>], scale: u32) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            r.iter()
                .map(|&v| dequantize(v, scale).to_string())
                .collect()
        })
        .collect()
}

fn int_rows(rows: &[Vec<i64>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|v| v.to_string()).collect())
        .collect()
}

/// Quantized inputs from float data, with every check (count, length, NaN/Inf, range).
pub fn quantize_input(model: &Compiled, data: &InputData) -> Result<Vec<Vec<i64>>> {
    let q = &model.graph;
    if data.is_empty_for(q.inputs.len()) {
        return Ok(vec![]);
    }
    if data.input_data.len() != q.inputs.len() {
        return Err(crate::formats::FormatError::Invalid {
            file: "input.json",
            msg: format!(
                "expected {} input tensor(s), got {}: {}",
                q.inputs.len(),
                data.input_data.len(),
                crate::formats::INPUT_DATA_SHAPE
            ),
        }
        .into());
    }
    for (index, (x, &t)) in data.input_data.iter().zip(&q.inputs).enumerate() {
        if x.len() != q.len_of(t) {
            return Err(crate::graph::GraphError::InputLength {
                index,
                name: format!("input {index}"),
                expected: q.len_of(t),
                got: x.len(),
                shape: q.shapes[t].clone(),
            }
            .into());
        }
    }
    Ok(quant::quantize_inputs(
        &data.input_data,
        &q.input_kinds,
        q.act_scale,
    )?)
}

/// The integer trace for quantized inputs (range-checked).
pub fn trace(model: &Compiled, inputs: &[Vec<i64>]) -> Result<Trace> {
    Ok(quant::run(
        &model.graph,
        inputs,
        model.settings.run_args.range_half(),
        &model.settings.table_domains(),
    )?)
}

/// `gen-witness`: run the quantized model on `data`.
pub fn gen_witness(model: &Compiled, data: &InputData) -> Result<Witness> {
    let inputs = quantize_input(model, data)?;
    let tr = trace(model, &inputs)?;
    let outputs = tr.outputs(&model.graph);
    let s = model.graph.act_scale;
    let (mut lo, mut hi) = (0i64, 0i64);
    for v in tr.values.iter().flatten() {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    let mut w = Witness {
        inputs: hex_rows(&inputs),
        outputs: hex_rows(&outputs),
        pretty_elements: PrettyElements {
            rescaled_inputs: dec_rows(&inputs, s),
            inputs: int_rows(&inputs),
            rescaled_outputs: dec_rows(&outputs, s),
            outputs: int_rows(&outputs),
        },
        max_lookup_inputs: hi,
        min_lookup_inputs: lo,
        processed_params: None,
        processed_inputs: None,
        processed_outputs: None,
        input_salts: vec![],
        output_salts: vec![],
    };
    fill_commitments(model, &mut w)?;
    Ok(w)
}

/// The params' values in commitment order (every tensor, flattened, in the model's order).
pub fn param_values(model: &Compiled) -> Vec<i64> {
    model
        .graph
        .params
        .iter()
        .flat_map(|p| p.values.iter().copied())
        .collect()
}

/// The params salt of a compiled model.
pub fn param_salt(model: &Compiled) -> Result<Option<Fr>> {
    model
        .param_salt
        .as_deref()
        .map(|s| {
            felt::from_hex_be(s).map_err(|msg| {
                FormatError::Invalid {
                    file: "model.compiled",
                    msg: format!("param_salt: {msg}"),
                }
                .into()
            })
        })
        .transpose()
}

fn salts_of(model: &Compiled, w: &Witness) -> Result<crate::publics::Salts> {
    let parse = |v: &[String], what: &str| -> Result<Vec<Option<Fr>>> {
        v.iter()
            .enumerate()
            .map(|(i, s)| {
                felt::from_hex_be(s).map(Some).map_err(|msg| {
                    FormatError::Invalid {
                        file: "witness.json",
                        msg: format!("{what}[{i}]: {msg}"),
                    }
                    .into()
                })
            })
            .collect()
    };
    for (what, n, max) in [
        ("input_salts", w.input_salts.len(), model.graph.inputs.len()),
        (
            "output_salts",
            w.output_salts.len(),
            model.graph.outputs.len(),
        ),
    ] {
        if n > max {
            return Err(FormatError::Invalid {
                file: "witness.json",
                msg: format!("{what}: {n} salts for {max} tensors"),
            }
            .into());
        }
    }
    Ok(crate::publics::Salts {
        params: param_salt(model)?,
        inputs: parse(&w.input_salts, "input_salts")?,
        outputs: parse(&w.output_salts, "output_salts")?,
    })
}

/// Write the commitments of hashed tensors into the witness (ezkl's `processed_*` fields).
pub fn fill_commitments(model: &Compiled, w: &mut Witness) -> Result<()> {
    let (_, _, inst) = witness_instances(model, w)?;
    let layout = crate::publics::layout(&model.settings);
    let decoded = layout.decode(&inst.iter().map(felt::to_verifier).collect::<Vec<_>>())?;
    let (mut pp, mut pi, mut po) = (vec![], vec![], vec![]);
    for (t, d) in decoded {
        if let crate::verifier::Decoded::Commitment(c) = d {
            let h = crate::verifier::publics::fr_hex_be(&c);
            match t.role {
                crate::verifier::Role::Params => pp.push(h),
                crate::verifier::Role::Input => pi.push(h),
                crate::verifier::Role::Output => po.push(h),
            }
        }
    }
    let p =
        |v: Vec<String>| (!v.is_empty()).then_some(crate::formats::Processed { poseidon_hash: v });
    w.processed_params = p(pp);
    w.processed_inputs = p(pi);
    w.processed_outputs = p(po);
    Ok(())
}

/// `commit`: the params commitment of a compiled model (with its salt).
pub fn param_commitment(model: &Compiled) -> Result<Fr> {
    let salt = param_salt(model)?.ok_or_else(|| FormatError::Invalid {
        file: "model.compiled",
        msg: "no param_salt (params are not hashed)".into(),
    })?;
    let limb_bits = if model.settings.commit_digits > 0 {
        model.settings.limb_bits()
    } else {
        return Err(FormatError::Invalid {
            file: "model.compiled",
            msg: "params are not hashed in these settings".into(),
        }
        .into());
    };
    Ok(crate::commitment::commit(
        crate::commitment::Kind::Params,
        &param_values(model),
        salt,
        limb_bits,
    )?)
}

fn parse_rows(rows: &[Vec<String>], file: &'static str, what: &str) -> Result<Vec<Vec<i64>>> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            r.iter()
                .enumerate()
                .map(|(j, h)| {
                    let f = felt::from_hex(h).map_err(|msg| FormatError::Invalid {
                        file,
                        msg: format!("{what}[{i}][{j}]: {msg}"),
                    })?;
                    felt::to_i64(&f).ok_or_else(|| {
                        FormatError::Invalid {
                            file,
                            msg: format!("{what}[{i}][{j}] is not a small signed integer"),
                        }
                        .into()
                    })
                })
                .collect()
        })
        .collect()
}

/// The trace and public instances a witness file describes. Intermediate values are recomputed
/// from the inputs; the outputs are taken from the file as given.
pub fn witness_trace(model: &Compiled, w: &Witness) -> Result<(Trace, Vec<Fr>)> {
    let (inputs, outputs, instances) = witness_instances(model, w)?;
    let mut tr = trace(model, &inputs)?;
    for (o, &t) in outputs.iter().zip(&model.graph.outputs) {
        tr.values[t] = o.clone();
    }
    Ok((tr, instances))
}

/// A witness file's inputs and outputs (checked against the model's shapes) and the public
/// instances they give.
#[allow(clippy::type_complexity)]
fn witness_instances(
    model: &Compiled,
    w: &Witness,
) -> Result<(Vec<Vec<i64>>, Vec<Vec<i64>>, Vec<Fr>)> {
    let q = &model.graph;
    let inputs = parse_rows(&w.inputs, "witness.json", "inputs")?;
    let outputs = parse_rows(&w.outputs, "witness.json", "outputs")?;
    let bad = |msg: String| -> crate::Error {
        FormatError::Invalid {
            file: "witness.json",
            msg,
        }
        .into()
    };
    if inputs.len() != q.inputs.len()
        || inputs
            .iter()
            .zip(&q.inputs)
            .any(|(x, &t)| x.len() != q.len_of(t))
    {
        return Err(bad("`inputs` do not match the model's input shapes".into()));
    }
    if outputs.len() != q.outputs.len()
        || outputs
            .iter()
            .zip(&q.outputs)
            .any(|(x, &t)| x.len() != q.len_of(t))
    {
        return Err(bad(
            "`outputs` do not match the model's output shapes".into()
        ));
    }
    let salts = salts_of(model, w)?;
    let instances = instances_of(model, &inputs, &outputs, &salts)?;
    Ok((inputs, outputs, instances))
}

/// The public instances for these inputs and outputs ([`crate::publics`] decides the layout).
pub fn instances_of(
    model: &Compiled,
    inputs: &[Vec<i64>],
    outputs: &[Vec<i64>],
    salts: &crate::publics::Salts,
) -> Result<Vec<Fr>> {
    let layout = crate::publics::layout(&model.settings);
    Ok(crate::publics::instances(
        &layout,
        &param_values(model),
        inputs,
        outputs,
        salts,
    )?)
}

/// `mock`: check the witness against the circuit without a proof.
pub fn mock(model: &Compiled, w: &Witness) -> Result<()> {
    crate::plan::check_fits(&model.settings)?;
    let (tr, instances) = witness_trace(model, w)?;
    let salts = salts_of(model, w)?;
    Ok(proof::mock(model, &tr, &salts, instances)?)
}

/// `prove`: a proof for the witness.
pub fn prove(model: &Compiled, w: &Witness, pk_bytes: &[u8], srs_bytes: &[u8]) -> Result<Proof> {
    prove_from(model, w, &mut &pk_bytes[..], srs_bytes)
}

/// [`prove`] with the proving key read from `pk` as it comes (a file through a buffer: its
/// bytes are never all in memory beside the key).
pub fn prove_from(
    model: &Compiled,
    w: &Witness,
    pk: &mut dyn std::io::Read,
    srs_bytes: &[u8],
) -> Result<Proof> {
    let s = &model.settings;
    let shape = crate::estimate::Shape::of(s);
    crate::estimate::check_memory(&shape, Engine::current(), Stage::Prove)?;
    let pk = keys::pk_read(pk, s)?;
    let params = srs::load_for_k(srs_bytes, s.run_args.logrows)?;
    let (tr, instances) = witness_trace(model, w)?;
    let salts = salts_of(model, w)?;
    let committed = published_commitments(model, &params)?;
    let bytes = proof::prove(model, &tr, &salts, &instances, &pk, &params, &committed)?;
    let mut proof = proof_file(s, &instances, &bytes);
    proof.keys_fingerprint = crate::bundle::export(pk.get_vk(), params.kzg(), s, &committed)
        .ok()
        .map(|b| b.fingerprint());
    let columns: Vec<_> =
        crate::circuit::params::column_indices(&crate::circuit::CircuitParams::from_settings(s))
            .into_iter()
            .zip(committed)
            .collect();
    if s.run_args.check_mode == crate::settings::CheckMode::SAFE
        && !proof::verify(&bytes, &instances, pk.get_vk(), params.kzg(), &columns)?
    {
        return Err(ProofError::Prove(
            "the proof just made does not verify (check_mode = safe)".into(),
        )
        .into());
    }
    Ok(proof)
}

fn proof_file(s: &Settings, instances: &[Fr], bytes: &[u8]) -> Proof {
    let layout = crate::publics::layout(s);
    let inst: Vec<_> = instances.iter().map(felt::to_verifier).collect();
    Proof {
        instances: vec![instances.iter().map(felt::to_hex).collect()],
        hex_proof: to_hex_bytes(bytes),
        pretty_public_inputs: pretty_public(&layout, &inst).unwrap_or_default(),
        transcript_type: crate::verifier::transcript::TRANSCRIPT_TYPE.into(),
        protocol: "halo2-kzg-bn254-shplonk".into(),
        version: VERSION.into(),
        keys_fingerprint: None,
    }
}

/// `pretty_public_inputs` as the instances say (never as a file says).
pub fn pretty_public(
    layout: &crate::verifier::PublicLayout,
    instances: &[crate::verifier::Fr],
) -> std::result::Result<PrettyPublicInputs, crate::verifier::VerifyError> {
    use crate::verifier::{publics::fr_hex_be, Decoded, Role};
    let mut p = PrettyPublicInputs::default();
    for (t, d) in layout.decode(instances)? {
        match (t.role, d) {
            (Role::Input, Decoded::Values(v)) => {
                p.rescaled_inputs
                    .push(dec_rows(std::slice::from_ref(&v), t.scale).remove(0));
                p.inputs.push(int_rows(&[v]).remove(0));
            }
            (Role::Output, Decoded::Values(v)) => {
                p.rescaled_outputs
                    .push(dec_rows(std::slice::from_ref(&v), t.scale).remove(0));
                p.outputs.push(int_rows(&[v]).remove(0));
            }
            (Role::Params, Decoded::Commitment(c)) => p.param_commitment = Some(fr_hex_be(&c)),
            (Role::Input, Decoded::Commitment(c)) => p.input_commitments.push(fr_hex_be(&c)),
            (Role::Output, Decoded::Commitment(c)) => p.output_commitments.push(fr_hex_be(&c)),
            (Role::Params, Decoded::Values(_)) => {}
        }
    }
    Ok(p)
}

/// The public instances of a proof file, checked against the settings.
pub fn proof_instances(s: &Settings, proof: &Proof) -> Result<Vec<Fr>> {
    let inst: Vec<Fr> = light_instances(proof)?
        .iter()
        .map(felt::from_verifier)
        .collect();
    if inst.len() != s.num_instances() {
        return Err(ProofError::InstanceCount {
            expected: s.num_instances(),
            got: inst.len(),
        }
        .into());
    }
    Ok(inst)
}

/// What a verification established, decoded from the instances (never from the fields the
/// prover wrote beside them).
#[derive(Clone, Debug)]
pub struct Report {
    pub valid: bool,
    /// every public tensor: its values or its commitment
    pub public: Vec<(crate::verifier::PublicTensor, crate::verifier::Decoded)>,
    /// the verification bundle's fingerprint (the circuit, its keys and SRS points)
    pub fingerprint: String,
    /// the model ID (fingerprint + the proof's params commitment) and how the params are bound
    pub identity: crate::verifier::trust::Identity,
    /// what the SRS the keys rest on is
    pub srs: crate::verifier::srs_label::SrsLabel,
    pub logrows: u32,
    /// why the proof is invalid
    pub reason: Option<String>,
}

/// What a verifier expects ([`crate::verifier::trust::Expect`]); any mismatch is an error.
pub use crate::verifier::trust::Expect;

impl Report {
    fn new(
        bundle: &crate::verifier::Bundle,
        public: Vec<(crate::verifier::PublicTensor, crate::verifier::Decoded)>,
        valid: bool,
        reason: Option<String>,
    ) -> Report {
        Report {
            valid,
            identity: bundle.identity(&public),
            public,
            fingerprint: bundle.fingerprint(),
            srs: bundle.srs_label(),
            logrows: bundle.k,
            reason,
        }
    }

    /// The commitment of `role`'s tensor `index`, if it is hashed.
    pub fn commitment(
        &self,
        role: crate::verifier::Role,
        index: u32,
    ) -> Option<crate::verifier::Fr> {
        self.public.iter().find_map(|(t, d)| match d {
            crate::verifier::Decoded::Commitment(c) if t.role == role && t.index == index => {
                Some(*c)
            }
            _ => None,
        })
    }

    /// How much of the model the expectations pinned; an error (each expectation named as
    /// `names` says: the CLI's flags, JS's option keys) unless every expectation holds. Only
    /// meaningful for a valid proof.
    pub fn check(
        &self,
        e: &Expect,
        names: &crate::verifier::trust::Names,
    ) -> std::result::Result<crate::verifier::trust::Pinning, String> {
        crate::verifier::trust::check(&self.identity, &self.public, e, names)
            .map_err(|f| f.to_string())
    }
}

/// Check the proof file's `pretty_public_inputs` against what the instances say.
fn check_pretty(
    proof: &Proof,
    layout: &crate::verifier::PublicLayout,
    inst: &[crate::verifier::Fr],
) -> Result<()> {
    let truth = pretty_public(layout, inst)?;
    if proof.pretty_public_inputs != truth {
        return Err(FormatError::Invalid {
            file: "proof.json",
            msg: "`pretty_public_inputs` disagree with the proof's instances (edited?): only the \
                  instances are proven"
                .into(),
        }
        .into());
    }
    Ok(())
}

fn light_instances(proof: &Proof) -> Result<Vec<crate::verifier::Fr>> {
    use crate::verifier::{self, VerifyError};
    if proof.instances.len() != 1 {
        return Err(VerifyError::Instances(format!(
            "{} instance columns, expected 1",
            proof.instances.len()
        ))
        .into());
    }
    Ok(verifier::instances_from_hex(&proof.instances[0])?)
}

/// `verify` with halo2's verifier: settings + vk + SRS. Errors for malformed files, a settings
/// file whose layout is not the keys' (the layout digest), or edited `pretty_public_inputs`.
pub fn verify_report(
    proof: &Proof,
    settings: &Settings,
    vk_bytes: &[u8],
    srs_bytes: &[u8],
) -> Result<Report> {
    verify_report_with(proof, settings, vk_bytes, srs_bytes, true)
}

fn verify_report_with(
    proof: &Proof,
    settings: &Settings,
    vk_bytes: &[u8],
    srs_bytes: &[u8],
    pretty: bool,
) -> Result<Report> {
    let (vk, committed) = keys::vk_from_bytes(vk_bytes, settings)?;
    let params = srs::verifier_params(srs_bytes, settings.run_args.logrows)?;
    let inst = proof_instances(settings, proof)?;
    let layout = crate::publics::layout(settings);
    let vinst: Vec<_> = inst.iter().map(felt::to_verifier).collect();
    let public = layout.decode(&vinst)?;
    if pretty {
        check_pretty(proof, &layout, &vinst)?;
    }
    let bytes = proof.bytes()?;
    let columns: Vec<_> = crate::circuit::params::column_indices(
        &crate::circuit::CircuitParams::from_settings(settings),
    )
    .into_iter()
    .zip(committed.iter().copied())
    .collect();
    let valid = proof::verify(&bytes, &inst, &vk, &params, &columns)?;
    let bundle = crate::bundle::export(&vk, &params, settings, &committed)
        .map_err(|m| crate::keys::KeyError::Vk(format!("verification bundle: {m}")))?;
    let reason = (!valid).then(|| "the proof does not verify against these keys".into());
    Ok(Report::new(&bundle, public, valid, reason))
}

/// `verify` with the light verifier: proof.json + the verification bundle.
pub fn verify_bundle_report(proof: &Proof, bundle_bytes: &[u8]) -> Result<Report> {
    verify_bundle_report_with(proof, bundle_bytes, true)
}

fn verify_bundle_report_with(proof: &Proof, bundle_bytes: &[u8], pretty: bool) -> Result<Report> {
    use crate::verifier::{self, Bundle};
    let bundle = Bundle::from_bytes(bundle_bytes)?;
    let inst = light_instances(proof)?;
    // a proof laid out for another model (another count or layout digest) is not this
    // model's proof: invalid, with the reason
    let public = match bundle.decode(&inst) {
        Ok(p) => p,
        Err(verifier::VerifyError::Instances(why)) => {
            return Ok(Report::new(&bundle, vec![], false, Some(why)))
        }
        Err(e) => return Err(e.into()),
    };
    if pretty {
        check_pretty(proof, &bundle.public, &inst)?;
    }
    let valid = verifier::verify(&bundle, &proof.bytes()?, &inst)?;
    let reason = (!valid).then(|| "the proof does not verify against these keys".into());
    Ok(Report::new(&bundle, public, valid, reason))
}

/// `verify`: `Ok(true)` iff the proof is valid for its public values, the vk and the SRS (the
/// instances alone: `pretty_public_inputs` are not read; [`verify_report`] checks them).
pub fn verify(
    proof: &Proof,
    settings: &Settings,
    vk_bytes: &[u8],
    srs_bytes: &[u8],
) -> Result<bool> {
    Ok(verify_report_with(proof, settings, vk_bytes, srs_bytes, false)?.valid)
}

/// `verify` with the light verifier: proof.json + the verification bundle, no vk/SRS files.
pub fn verify_bundle(proof: &Proof, bundle_bytes: &[u8]) -> Result<bool> {
    Ok(verify_bundle_report_with(proof, bundle_bytes, false)?.valid)
}
