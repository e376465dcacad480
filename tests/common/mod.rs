//! Test support: build ONNX models in code (tract's protobuf types, encoded with prost),
//! deterministic weights, and a float reference through tract.
#![allow(dead_code)]

use prost::Message;
use tract_onnx::pb;
use zkonnx::calibrate::{calibrate, CalibrateOptions, Target};
use zkonnx::formats::InputData;
use zkonnx::model::Compiled;
use zkonnx::pipeline;
use zkonnx::settings::{RunArgs, Visibility};

mod index_models;
mod op_models;
#[allow(unused_imports)]
pub use index_models::*;
#[allow(unused_imports)]
pub(crate) use op_models::with_op_models;
#[allow(unused_imports)]
pub use op_models::*;

/// Deterministic pseudo-random values in [lo, hi).
pub fn values(seed: u64, n: usize, lo: f32, hi: f32) -> Vec<f32> {
    let mut s = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..n)
        .map(|_| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let u = (s >> 40) as f32 / (1u64 << 24) as f32;
            lo + (hi - lo) * u
        })
        .collect()
}

pub struct G {
    nodes: Vec<pb::NodeProto>,
    inits: Vec<pb::TensorProto>,
    n: usize,
}

pub fn tensor(name: &str, dims: &[usize], data: &[f32]) -> pb::TensorProto {
    pb::TensorProto {
        name: name.into(),
        dims: dims.iter().map(|&d| d as i64).collect(),
        data_type: pb::tensor_proto::DataType::Float as i32,
        float_data: data.to_vec(),
        ..Default::default()
    }
}

pub fn int_attr(name: &str, i: i64) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        i,
        r#type: pb::attribute_proto::AttributeType::Int as i32,
        ..Default::default()
    }
}

pub fn ints_attr(name: &str, v: &[i64]) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        ints: v.to_vec(),
        r#type: pb::attribute_proto::AttributeType::Ints as i32,
        ..Default::default()
    }
}

pub fn str_attr(name: &str, v: &str) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        r#type: pb::attribute_proto::AttributeType::String as i32,
        s: v.as_bytes().to_vec(),
        ..Default::default()
    }
}

pub fn strs_attr(name: &str, v: &[&str]) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        r#type: pb::attribute_proto::AttributeType::Strings as i32,
        strings: v.iter().map(|s| s.as_bytes().to_vec()).collect(),
        ..Default::default()
    }
}

pub fn floats_attr(name: &str, v: &[f32]) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        r#type: pb::attribute_proto::AttributeType::Floats as i32,
        floats: v.to_vec(),
        ..Default::default()
    }
}

pub fn float_attr(name: &str, f: f32) -> pb::AttributeProto {
    pb::AttributeProto {
        name: name.into(),
        f,
        r#type: pb::attribute_proto::AttributeType::Float as i32,
        ..Default::default()
    }
}

fn value_info(name: &str, shape: &[usize]) -> pb::ValueInfoProto {
    use pb::tensor_shape_proto::{dimension, Dimension};
    pb::ValueInfoProto {
        name: name.into(),
        r#type: Some(pb::TypeProto {
            value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                elem_type: pb::tensor_proto::DataType::Float as i32,
                shape: Some(pb::TensorShapeProto {
                    dim: shape
                        .iter()
                        .map(|&d| Dimension {
                            value: Some(dimension::Value::DimValue(d as i64)),
                            ..Default::default()
                        })
                        .collect(),
                }),
            })),
            ..Default::default()
        }),
        ..Default::default()
    }
}

impl G {
    pub fn new() -> Self {
        G {
            nodes: vec![],
            inits: vec![],
            n: 0,
        }
    }

    /// A constant initializer; returns its name.
    pub fn c(&mut self, dims: &[usize], data: &[f32]) -> String {
        self.n += 1;
        let name = format!("c{}", self.n);
        self.inits.push(tensor(&name, dims, data));
        name
    }

    /// An int64 constant (indices, shapes).
    pub fn ci(&mut self, data: &[i64]) -> String {
        self.cis(&[data.len()], data)
    }

    /// An int64 constant of shape `dims`.
    pub fn cis(&mut self, dims: &[usize], data: &[i64]) -> String {
        self.n += 1;
        let name = format!("c{}", self.n);
        self.inits.push(pb::TensorProto {
            name: name.clone(),
            dims: dims.iter().map(|&d| d as i64).collect(),
            data_type: pb::tensor_proto::DataType::Int64 as i32,
            int64_data: data.to_vec(),
            ..Default::default()
        });
        name
    }

    /// A node with `outputs` outputs (an empty name: an omitted one); returns their names.
    pub fn node_multi(
        &mut self,
        op: &str,
        inputs: &[&str],
        attrs: Vec<pb::AttributeProto>,
        outputs: &[bool],
    ) -> Vec<String> {
        self.n += 1;
        let k = self.n;
        let outs: Vec<String> = outputs
            .iter()
            .enumerate()
            .map(|(i, &used)| {
                if used {
                    format!("v{k}_{i}")
                } else {
                    String::new()
                }
            })
            .collect();
        self.nodes.push(pb::NodeProto {
            name: format!("{op}_{k}"),
            op_type: op.into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: outs.clone(),
            attribute: attrs,
            ..Default::default()
        });
        outs
    }

    /// A node of the `ai.onnx.ml` domain with `n_out` outputs; returns their names.
    pub fn node_ml(
        &mut self,
        op: &str,
        inputs: &[&str],
        attrs: Vec<pb::AttributeProto>,
        n_out: usize,
    ) -> Vec<String> {
        let outs = self.node_multi(op, inputs, attrs, &vec![true; n_out]);
        if let Some(n) = self.nodes.last_mut() {
            n.domain = "ai.onnx.ml".into();
        }
        outs
    }

    /// A random constant.
    pub fn rc(&mut self, dims: &[usize], seed: u64) -> String {
        let n = dims.iter().product();
        let v = values(seed, n, -0.8, 0.8);
        self.c(dims, &v)
    }

    pub fn node(&mut self, op: &str, inputs: &[&str], attrs: Vec<pb::AttributeProto>) -> String {
        self.n += 1;
        let out = format!("v{}", self.n);
        self.nodes.push(pb::NodeProto {
            name: format!("{op}_{}", self.n),
            op_type: op.into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![out.clone()],
            attribute: attrs,
            ..Default::default()
        });
        out
    }

    /// Encode with one float input `input` of `in_shape` and output `out` of `out_shape`.
    pub fn build(self, in_shape: &[usize], out: &str, out_shape: &[usize]) -> Vec<u8> {
        self.build_typed(pb::tensor_proto::DataType::Float, in_shape, out, out_shape)
    }

    /// [`G::build`] with an input of another element type (integer, bool).
    pub fn build_typed(
        self,
        elem: pb::tensor_proto::DataType,
        in_shape: &[usize],
        out: &str,
        out_shape: &[usize],
    ) -> Vec<u8> {
        self.build_outputs(elem, in_shape, &[(out, out_shape)])
    }

    /// Encode with one input `input` (of `elem`) and several outputs.
    pub fn build_outputs(
        self,
        elem: pb::tensor_proto::DataType,
        in_shape: &[usize],
        outs: &[(&str, &[usize])],
    ) -> Vec<u8> {
        let mut input = value_info("input", in_shape);
        if let Some(pb::type_proto::Value::TensorType(t)) =
            input.r#type.as_mut().and_then(|t| t.value.as_mut())
        {
            t.elem_type = elem as i32;
        }
        let ml = self.nodes.iter().any(|n| n.domain == "ai.onnx.ml");
        let graph = pb::GraphProto {
            name: "test".into(),
            node: self.nodes,
            initializer: self.inits,
            input: vec![input],
            output: outs.iter().map(|(o, s)| value_info(o, s)).collect(),
            ..Default::default()
        };
        let model = pb::ModelProto {
            ir_version: 8,
            opset_import: std::iter::once(pb::OperatorSetIdProto {
                domain: String::new(),
                version: 13,
            })
            .chain(ml.then(|| pb::OperatorSetIdProto {
                domain: "ai.onnx.ml".into(),
                version: 3,
            }))
            .collect(),
            producer_name: "zkonnx-tests".into(),
            graph: Some(graph),
            ..Default::default()
        };
        model.encode_to_vec()
    }
}

/// Float inference with tract (the reference).
pub fn tract_run(bytes: &[u8], shape: &[usize], x: &[f32]) -> Vec<f32> {
    use tract_onnx::prelude::*;
    let model = tract_onnx::onnx()
        .model_for_read(&mut &bytes[..])
        .unwrap()
        .into_optimized()
        .unwrap()
        .into_runnable()
        .unwrap();
    let t = Tensor::from_shape(shape, x).unwrap();
    let out = model.run(tvec!(t.into())).unwrap();
    out[0]
        .to_plain_array_view::<f32>()
        .unwrap()
        .iter()
        .copied()
        .collect()
}

pub fn input_data(x: &[f32]) -> InputData {
    InputData {
        input_data: vec![x.iter().map(|&v| v as f64).collect()],
    }
}

/// gen-settings + calibrate (at `scale`) + compile.
/// The default run args with params of visibility `v` (the tests of one way of binding them).
#[allow(dead_code)]
pub fn with_params(v: Visibility) -> RunArgs {
    RunArgs {
        param_visibility: v,
        ..RunArgs::default()
    }
}

pub fn compile_at(bytes: &[u8], x: &[f32], scale: u32, ra: RunArgs) -> Compiled {
    let lanes = ra.num_inner_cols;
    let s = pipeline::gen_settings(bytes, ra).expect("gen-settings");
    let opts = CalibrateOptions {
        target: Target::Resources,
        scales: Some(vec![scale]),
        // the lanes the test asks for (calibration would pick its own)
        lanes: Some(vec![lanes]),
        ..Default::default()
    };
    let (s, _) = calibrate(bytes, &s, &input_data(x), &opts).expect("calibrate");
    pipeline::compile_circuit(bytes, &s).expect("compile")
}

/// A proven model: compiled at scale 7, keys on the development SRS of `seed`, the proof of `x`.
#[allow(dead_code)]
pub struct Proven {
    pub compiled: Compiled,
    pub srs: Vec<u8>,
    pub keys: pipeline::Keys,
    pub proof: zkonnx::formats::Proof,
}

/// compile_at (scale 7) + gen-srs + setup + gen-witness + prove.
#[allow(dead_code)]
pub fn prove_at(bytes: &[u8], x: &[f32], ra: RunArgs, seed: u64) -> Proven {
    let compiled = compile_at(bytes, x, 7, ra);
    let srs = pipeline::gen_srs(compiled.settings.run_args.logrows, seed);
    let keys = pipeline::setup(&compiled, &srs).unwrap();
    let w = pipeline::gen_witness(&compiled, &input_data(x)).unwrap();
    let proof = pipeline::prove(&compiled, &w, &keys.pk, &srs).unwrap();
    Proven {
        compiled,
        srs,
        keys,
        proof,
    }
}

/// A two-layer MLP (Gemm -> Relu -> Gemm), the smallest realistic model.
pub fn mlp(seed: u64) -> Vec<u8> {
    let mut g = G::new();
    let (w1, b1) = (g.rc(&[12, 8], seed), g.rc(&[12], seed + 1));
    let (w2, b2) = (g.rc(&[3, 12], seed + 2), g.rc(&[3], seed + 3));
    let h = g.node("Gemm", &["input", &w1, &b1], vec![int_attr("transB", 1)]);
    let r = g.node("Relu", &[&h], vec![]);
    let y = g.node("Gemm", &[&r, &w2, &b2], vec![int_attr("transB", 1)]);
    g.build(&[1, 8], &y, &[1, 3])
}

/// The salts of a compiled model's commitments (its params salt; inputs/outputs unsalted).
#[allow(dead_code)]
pub fn salts(c: &zkonnx::model::Compiled) -> zkonnx::publics::Salts {
    zkonnx::publics::Salts {
        params: pipeline::param_salt(c).unwrap(),
        ..Default::default()
    }
}

/// `p` with public value `i` (instance row; 0 is the layout digest) moved by `delta`, and its
/// `pretty_public_inputs` following where `layout` still decodes it (so that only the proof
/// itself can object).
#[allow(dead_code)]
pub fn bump_public(
    p: &zkonnx::formats::Proof,
    layout: &zkonnx::verifier::PublicLayout,
    i: usize,
    delta: i64,
) -> zkonnx::formats::Proof {
    let mut bad = p.clone();
    let v = zkonnx::felt::from_hex(&bad.instances[0][i]).unwrap();
    bad.instances[0][i] = zkonnx::felt::to_hex(&(v + zkonnx::felt::from_i64(delta)));
    let inst: Vec<_> = bad.instances[0]
        .iter()
        .map(|h| zkonnx::verifier::from_hex(h).unwrap())
        .collect();
    if let Ok(pp) = pipeline::pretty_public(layout, &inst) {
        bad.pretty_public_inputs = pp;
    }
    bad
}

/// `mock` of a trace, the public values made from the trace's own outputs (so that only the
/// circuit's constraints between cells can object); the failure text, or `None` if accepted.
pub fn mock_failure(
    c: &Compiled,
    inputs: &[Vec<i64>],
    tr: &zkonnx::quant::Trace,
) -> Option<String> {
    let outs = tr.outputs(&c.graph);
    let inst = pipeline::instances_of(c, inputs, &outs, &salts(c)).unwrap();
    zkonnx::proof::mock(c, tr, &salts(c), inst)
        .err()
        .map(|e| e.to_string())
}

/// An adversary's trace: step `k`'s output element `pos` set to `v`, every later step computed
/// honestly from it.
pub fn forge(
    c: &Compiled,
    honest: &zkonnx::quant::Trace,
    k: usize,
    pos: usize,
    v: i64,
) -> zkonnx::quant::Trace {
    let mut values = honest.values.clone();
    values[c.graph.steps[k].output][pos] = v;
    zkonnx::quant::run_from(
        &c.graph,
        values,
        k + 1,
        // wide enough for whatever the forged value leads to downstream
        i64::MAX / 4,
        &[],
    )
    .unwrap()
}

/// `zkonnx verify`'s arguments for proof.json in the current folder: with the light verifier
/// (`verifier.bundle`) or with halo2's (settings.json, vk.key, kzg.srs), then `extra`.
#[allow(dead_code)]
pub fn verify_args<'a>(light: bool, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec!["verify", "--proof-path", "proof.json"];
    if light {
        a.extend(["--bundle-path", "verifier.bundle"]);
    } else {
        a.extend([
            "-S",
            "settings.json",
            "--vk-path",
            "vk.key",
            "--srs-path",
            "kzg.srs",
        ]);
    }
    a.extend(extra);
    a
}
