//! The pipeline on bytes and values (never paths): what the CLI, the WebAssembly bindings and
//! the tests all call. Names follow ezkl's subcommands.

use halo2curves::bn256::Fr;

use crate::circuit::{self, CircuitParams};
use crate::error::Result;
use crate::formats::{
    to_hex_bytes, FormatError, InputData, PrettyElements, PrettyPublicInputs, Proof, Witness,
};
use crate::graph::Graph;
use crate::keys;
use crate::model::Compiled;
use crate::onnx;
use crate::proof::{self, ProofError};
use crate::quant::{self, dequantize, QGraph, QOp, QuantSpec, Trace};
use crate::settings::{RunArgs, Settings, Visibility};
use crate::srs;
use crate::{felt, VERSION};

/// Parse ONNX bytes with the run-args' batch size.
pub fn load_graph(onnx_bytes: &[u8], ra: &RunArgs) -> Result<Graph> {
    Ok(onnx::parse(onnx_bytes, ra.batch_size())?)
}

/// Settings for `q` under `ra` (shapes, lookups, row counts).
pub(crate) fn settings_for(g: &Graph, q: &QGraph, ra: RunArgs) -> Settings {
    let mut instance_shapes = vec![];
    if ra.input_visibility == Visibility::Public {
        instance_shapes.extend(g.input_shapes());
    }
    if ra.output_visibility == Visibility::Public {
        instance_shapes.extend(g.output_shapes());
    }
    let num_rows = circuit::layout::count_rows(q, ra.num_inner_cols.max(1));
    Settings {
        num_rows,
        total_assignments: num_rows * (2 * ra.num_inner_cols + 3),
        total_const_size: q.params.iter().map(|p| p.values.len()).sum(),
        model_instance_shapes: instance_shapes,
        model_input_shapes: g.input_shapes(),
        model_output_shapes: g.output_shapes(),
        model_input_scales: vec![q.act_scale; g.inputs.len()],
        model_output_scales: vec![q.act_scale; g.outputs.len()],
        required_lookups: q.required_lookups(),
        version: VERSION.to_string(),
        run_args: ra,
    }
}

/// `gen-settings`: read the model and describe its circuit under `run_args`.
pub fn gen_settings(onnx_bytes: &[u8], run_args: RunArgs) -> Result<Settings> {
    run_args.validate()?;
    let g = load_graph(onnx_bytes, &run_args)?;
    let q = quant::quantize(
        &g,
        QuantSpec {
            act_scale: run_args.input_scale,
            param_scale: run_args.param_scale,
        },
    )?;
    Ok(settings_for(&g, &q, run_args))
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
    let samples = crate::calibrate::samples(data, &lens)?;
    let first = samples
        .first()
        .ok_or(crate::graph::GraphError::InputCount {
            expected: lens.len(),
            got: 0,
        })?;
    g.check_inputs(first)?;
    Ok(g.eval(first)?)
}

/// `compile-circuit`: the quantized model plus its settings.
pub fn compile_circuit(onnx_bytes: &[u8], settings: &Settings) -> Result<Compiled> {
    let ra = settings.run_args.clone();
    ra.validate()?;
    let g = load_graph(onnx_bytes, &ra)?;
    let q = quant::quantize(
        &g,
        QuantSpec {
            act_scale: ra.input_scale,
            param_scale: ra.param_scale,
        },
    )?;
    let max_rescale = 2 * ra.digit_bits();
    for s in &q.steps {
        if let QOp::Dot(d) = &s.op {
            if d.rescale > max_rescale {
                return Err(crate::settings::SettingsError::Invalid {
                    field: "lookup_range",
                    msg: format!(
                        "node `{}` rescales by 2^{}, beyond what range checks over [-{h}, {h}) cover (2^{max_rescale}): widen lookup_range",
                        s.node,
                        d.rescale,
                        h = ra.range_half()
                    ),
                }
                .into());
            }
        }
    }
    let fresh = settings_for(&g, &q, ra);
    if fresh.required_lookups != settings.required_lookups
        || fresh.model_instance_shapes != settings.model_instance_shapes
    {
        return Err(crate::settings::SettingsError::Invalid {
            field: "required_lookups/model_instance_shapes",
            msg: "settings do not match this model: run gen-settings on it".into(),
        }
        .into());
    }
    let c = Compiled {
        settings: Settings {
            num_rows: fresh.num_rows,
            ..settings.clone()
        },
        graph: q,
    };
    check_fits(&c.settings)?;
    Ok(c)
}

/// Rows available for the layout at `logrows`.
pub fn usable_rows(settings: &Settings) -> usize {
    (1usize << settings.run_args.logrows)
        - circuit::reserved_rows(&CircuitParams::from_settings(settings))
}

/// Error if the layout or the tables do not fit `2^logrows` rows.
pub fn check_fits(settings: &Settings) -> Result<()> {
    let have = usable_rows(settings);
    let need = settings.rows_needed();
    if need > have {
        return Err(ProofError::TooManyRows {
            need,
            have,
            k: settings.run_args.logrows,
        }
        .into());
    }
    Ok(())
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
    check_fits(&model.settings)?;
    let params = srs::load_for_k(srs_bytes, model.settings.run_args.logrows)?;
    let (vk, pk) = keys::keygen(model, &params)?;
    let bundle = crate::bundle::export(&vk, &params, &model.settings)
        .map_err(|m| crate::keys::KeyError::Vk(format!("verification bundle: {m}")))?;
    Ok(Keys {
        vk: keys::vk_to_bytes(&vk),
        pk: keys::pk_to_bytes(&pk),
        bundle: bundle.to_bytes(),
    })
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
    if data.input_data.len() != q.inputs.len() {
        return Err(crate::graph::GraphError::InputCount {
            expected: q.inputs.len(),
            got: data.input_data.len(),
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
    Ok(quant::quantize_inputs(&data.input_data, q.act_scale)?)
}

/// The integer trace for quantized inputs (range-checked).
pub fn trace(model: &Compiled, inputs: &[Vec<i64>]) -> Result<Trace> {
    Ok(quant::run(
        &model.graph,
        inputs,
        model.settings.run_args.range_half(),
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
    Ok(Witness {
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
    })
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
    let mut tr = trace(model, &inputs)?;
    for (o, &t) in outputs.iter().zip(&q.outputs) {
        tr.values[t] = o.clone();
    }
    let instances = instances_of(&model.settings, &inputs, &outputs);
    Ok((tr, instances))
}

pub fn instances_of(s: &Settings, inputs: &[Vec<i64>], outputs: &[Vec<i64>]) -> Vec<Fr> {
    let mut v = vec![];
    if s.run_args.input_visibility == Visibility::Public {
        v.extend(inputs.iter().flatten().map(|&x| felt::from_i64(x)));
    }
    if s.run_args.output_visibility == Visibility::Public {
        v.extend(outputs.iter().flatten().map(|&x| felt::from_i64(x)));
    }
    v
}

/// `mock`: check the witness against the circuit without a proof.
pub fn mock(model: &Compiled, w: &Witness) -> Result<()> {
    check_fits(&model.settings)?;
    let (tr, instances) = witness_trace(model, w)?;
    Ok(proof::mock(model, &tr, instances)?)
}

/// `prove`: a proof for the witness.
pub fn prove(model: &Compiled, w: &Witness, pk_bytes: &[u8], srs_bytes: &[u8]) -> Result<Proof> {
    let s = &model.settings;
    let pk = keys::pk_from_bytes(pk_bytes, s)?;
    let params = srs::load_for_k(srs_bytes, s.run_args.logrows)?;
    let (tr, instances) = witness_trace(model, w)?;
    let bytes = proof::prove(model, &tr, &instances, &pk, &params)?;
    let proof = proof_file(s, &instances, &bytes);
    if s.run_args.check_mode == crate::settings::CheckMode::SAFE
        && !proof::verify(&bytes, &instances, pk.get_vk(), &params)?
    {
        return Err(ProofError::Prove(
            "the proof just made does not verify (check_mode = safe)".into(),
        )
        .into());
    }
    Ok(proof)
}

fn proof_file(s: &Settings, instances: &[Fr], bytes: &[u8]) -> Proof {
    let (ins, outs) = split_public(s, instances);
    let scale = s.run_args.input_scale;
    Proof {
        instances: vec![instances.iter().map(felt::to_hex).collect()],
        hex_proof: to_hex_bytes(bytes),
        pretty_public_inputs: PrettyPublicInputs {
            rescaled_inputs: dec_rows(&ins, scale),
            inputs: int_rows(&ins),
            rescaled_outputs: dec_rows(&outs, scale),
            outputs: int_rows(&outs),
        },
        transcript_type: "Blake2b".into(),
        protocol: "halo2-kzg-bn254-shplonk".into(),
        version: VERSION.into(),
    }
}

/// Split public instances into (public inputs, public outputs) per tensor.
pub fn split_public(s: &Settings, instances: &[Fr]) -> (Vec<Vec<i64>>, Vec<Vec<i64>>) {
    let mut it = instances
        .iter()
        .map(|f| felt::to_i64(f).unwrap_or(i64::MAX));
    let mut take = |shapes: &[Vec<usize>]| -> Vec<Vec<i64>> {
        shapes
            .iter()
            .map(|sh| {
                (0..sh.iter().product::<usize>())
                    .map(|_| it.next().unwrap_or(0))
                    .collect()
            })
            .collect()
    };
    let ins = if s.run_args.input_visibility == Visibility::Public {
        take(&s.model_input_shapes)
    } else {
        vec![]
    };
    let outs = if s.run_args.output_visibility == Visibility::Public {
        take(&s.model_output_shapes)
    } else {
        vec![]
    };
    (ins, outs)
}

/// The public instances of a proof file, checked against the settings.
pub fn proof_instances(s: &Settings, proof: &Proof) -> Result<Vec<Fr>> {
    if proof.instances.len() != 1 {
        return Err(FormatError::Invalid {
            file: "proof.json",
            msg: format!("{} instance columns, expected 1", proof.instances.len()),
        }
        .into());
    }
    let inst: Vec<Fr> = proof.instances[0]
        .iter()
        .enumerate()
        .map(|(i, h)| {
            felt::from_hex(h).map_err(|msg| FormatError::Invalid {
                file: "proof.json",
                msg: format!("instances[0][{i}]: {msg}"),
            })
        })
        .collect::<Result<_, _>>()?;
    if inst.len() != s.num_instances() {
        return Err(ProofError::InstanceCount {
            expected: s.num_instances(),
            got: inst.len(),
        }
        .into());
    }
    Ok(inst)
}

/// `verify`: `Ok(true)` iff the proof is valid for its public values, the vk and the SRS.
pub fn verify(
    proof: &Proof,
    settings: &Settings,
    vk_bytes: &[u8],
    srs_bytes: &[u8],
) -> Result<bool> {
    let vk = keys::vk_from_bytes(vk_bytes, settings)?;
    let params = srs::verifier_params(srs_bytes, settings.run_args.logrows)?;
    let inst = proof_instances(settings, proof)?;
    let bytes = proof.bytes()?;
    Ok(proof::verify(&bytes, &inst, &vk, &params)?)
}

/// `verify` with the light verifier: proof.json + the verification bundle, no vk/SRS files.
pub fn verify_bundle(proof: &Proof, bundle_bytes: &[u8]) -> Result<bool> {
    use crate::verifier::{self, Bundle, VerifyError};
    let bundle = Bundle::from_bytes(bundle_bytes)?;
    if proof.instances.len() != 1 {
        return Err(VerifyError::Instances(format!(
            "{} instance columns, expected 1",
            proof.instances.len()
        ))
        .into());
    }
    let inst = proof.instances[0]
        .iter()
        .enumerate()
        .map(|(i, h)| {
            verifier::from_hex(h)
                .map_err(|m| VerifyError::Instances(format!("instances[0][{i}]: {m}")))
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(verifier::verify(&bundle, &proof.bytes()?, &inst)?)
}
