//! Test support: build ONNX models in code (tract's protobuf types, encoded with prost),
//! deterministic weights, and a float reference through tract.
#![allow(dead_code)]

use prost::Message;
use tract_onnx::pb;
use zkonnx::calibrate::{calibrate, CalibrateOptions, Target};
use zkonnx::formats::InputData;
use zkonnx::model::Compiled;
use zkonnx::pipeline;
use zkonnx::settings::RunArgs;

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
        self.n += 1;
        let name = format!("c{}", self.n);
        self.inits.push(pb::TensorProto {
            name: name.clone(),
            dims: vec![data.len() as i64],
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

/// The named single-op models every op test runs on: (name, onnx, input shape, input).
pub fn op_models() -> Vec<(&'static str, Vec<u8>, Vec<usize>)> {
    let mut v = vec![];
    // Gemm (transB, bias)
    let mut g = G::new();
    let (w, b) = (g.rc(&[4, 8], 1), g.rc(&[4], 2));
    let y = g.node("Gemm", &["input", &w, &b], vec![int_attr("transB", 1)]);
    v.push(("gemm", g.build(&[1, 8], &y, &[1, 4]), vec![1, 8]));
    // MatMul + Add
    let mut g = G::new();
    let (w, b) = (g.rc(&[6, 5], 3), g.rc(&[5], 4));
    let m = g.node("MatMul", &["input", &w], vec![]);
    let y = g.node("Add", &[&m, &b], vec![]);
    v.push(("matmul_add", g.build(&[1, 6], &y, &[1, 5]), vec![1, 6]));
    // Conv (stride 2, pad 1, bias)
    let mut g = G::new();
    let (w, b) = (g.rc(&[3, 2, 3, 3], 5), g.rc(&[3], 6));
    let y = g.node(
        "Conv",
        &["input", &w, &b],
        vec![
            ints_attr("strides", &[2, 2]),
            ints_attr("pads", &[1, 1, 1, 1]),
            ints_attr("kernel_shape", &[3, 3]),
        ],
    );
    v.push((
        "conv",
        g.build(&[1, 2, 5, 5], &y, &[1, 3, 3, 3]),
        vec![1, 2, 5, 5],
    ));
    // Add / Sub / Mul of two activations
    for op in ["Add", "Sub", "Mul"] {
        let mut g = G::new();
        let c = g.rc(&[1, 6], 7);
        let h = g.node("Add", &["input", &c], vec![]);
        let y = g.node(op, &[&h, "input"], vec![]);
        v.push((
            match op {
                "Add" => "add_act",
                "Sub" => "sub_act",
                _ => "mul_act",
            },
            g.build(&[1, 6], &y, &[1, 6]),
            vec![1, 6],
        ));
    }
    // Mul / Div / Sub by constants (broadcast)
    for op in ["Mul", "Div", "Sub"] {
        let mut g = G::new();
        let c = g.c(&[6], &[0.5, -1.25, 2.0, 0.75, -0.3, 1.5]);
        let y = g.node(op, &["input", &c], vec![]);
        v.push((
            match op {
                "Mul" => "mul_const",
                "Div" => "div_const",
                _ => "sub_const",
            },
            g.build(&[1, 6], &y, &[1, 6]),
            vec![1, 6],
        ));
    }
    // activations
    for (name, op, attrs) in [
        ("relu", "Relu", vec![]),
        ("sigmoid", "Sigmoid", vec![]),
        ("tanh", "Tanh", vec![]),
        ("leaky_relu", "LeakyRelu", vec![float_attr("alpha", 0.1)]),
    ] {
        let mut g = G::new();
        let y = g.node(op, &["input"], attrs);
        v.push((name, g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    }
    // BatchNormalization
    let mut g = G::new();
    let sc = g.c(&[2], &[1.5, 0.5]);
    let bi = g.c(&[2], &[0.1, -0.2]);
    let me = g.c(&[2], &[0.05, -0.1]);
    let va = g.c(&[2], &[0.9, 1.2]);
    let y = g.node("BatchNormalization", &["input", &sc, &bi, &me, &va], vec![]);
    v.push((
        "batchnorm",
        g.build(&[1, 2, 2, 2], &y, &[1, 2, 2, 2]),
        vec![1, 2, 2, 2],
    ));
    // AveragePool
    let mut g = G::new();
    let y = g.node(
        "AveragePool",
        &["input"],
        vec![
            ints_attr("kernel_shape", &[2, 2]),
            ints_attr("strides", &[2, 2]),
        ],
    );
    v.push((
        "avgpool",
        g.build(&[1, 1, 4, 4], &y, &[1, 1, 2, 2]),
        vec![1, 1, 4, 4],
    ));
    // Softmax / LogSoftmax over the last axis (two rows of five), Exp
    for (name, op) in [("softmax", "Softmax"), ("log_softmax", "LogSoftmax")] {
        let mut g = G::new();
        let y = g.node(op, &["input"], vec![int_attr("axis", -1)]);
        v.push((name, g.build(&[2, 5], &y, &[2, 5]), vec![2, 5]));
    }
    let mut g = G::new();
    let y = g.node("Exp", &["input"], vec![]);
    v.push(("exp", g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    // reductions over axis 1 of [2, 3, 2] (attribute axes), keepdims both ways
    for (name, op, keep) in [
        ("reduce_sum", "ReduceSum", 1),
        ("reduce_mean", "ReduceMean", 0),
        ("reduce_max", "ReduceMax", 1),
        ("reduce_min", "ReduceMin", 0),
    ] {
        let mut g = G::new();
        // opset 13: ReduceSum takes its axes as an input, the others as an attribute
        let y = if op == "ReduceSum" {
            let axes = g.ci(&[1]);
            g.node(op, &["input", &axes], vec![int_attr("keepdims", keep)])
        } else {
            g.node(
                op,
                &["input"],
                vec![ints_attr("axes", &[1]), int_attr("keepdims", keep)],
            )
        };
        let out = if keep == 1 { vec![2, 1, 2] } else { vec![2, 2] };
        v.push((name, g.build(&[2, 3, 2], &y, &out), vec![2, 3, 2]));
    }
    // MaxPool: 3x3, stride 2, pad 1, ceil_mode (windows of 4 to 9 elements); GlobalMaxPool
    let mut g = G::new();
    let y = g.node(
        "MaxPool",
        &["input"],
        vec![
            ints_attr("kernel_shape", &[3, 3]),
            ints_attr("strides", &[2, 2]),
            ints_attr("pads", &[1, 1, 1, 1]),
            int_attr("ceil_mode", 1),
        ],
    );
    v.push((
        "maxpool",
        g.build(&[1, 2, 4, 4], &y, &[1, 2, 3, 3]),
        vec![1, 2, 4, 4],
    ));
    let mut g = G::new();
    let y = g.node("GlobalMaxPool", &["input"], vec![]);
    v.push((
        "global_maxpool",
        g.build(&[1, 2, 3, 3], &y, &[1, 2, 1, 1]),
        vec![1, 2, 3, 3],
    ));
    // division by an activation (divisor x + 2 ∈ [1, 3]), Reciprocal, Pow 2 and 3, Sqrt
    let mut g = G::new();
    let two = g.c(&[1], &[2.0]);
    let d = g.node("Add", &["input", &two], vec![]);
    let y = g.node("Div", &["input", &d], vec![]);
    v.push(("div_act", g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    let mut g = G::new();
    let two = g.c(&[1], &[2.0]);
    let d = g.node("Add", &["input", &two], vec![]);
    let y = g.node("Reciprocal", &[&d], vec![]);
    v.push(("reciprocal", g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    for (name, p) in [("pow2", 2.0f32), ("pow3", 3.0)] {
        let mut g = G::new();
        let e = g.c(&[], &[p]);
        let y = g.node("Pow", &["input", &e], vec![]);
        v.push((name, g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    }
    let mut g = G::new();
    let two = g.c(&[1], &[2.0]);
    let d = g.node("Add", &["input", &two], vec![]);
    let y = g.node("Sqrt", &[&d], vec![]);
    v.push(("sqrt", g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    // LayerNormalization over the last axis, InstanceNormalization, PRelu
    let mut g = G::new();
    let sc = g.c(&[4], &[1.0, 0.5, -1.5, 2.0]);
    let bi = g.c(&[4], &[0.1, -0.2, 0.0, 0.3]);
    let y = g.node(
        "LayerNormalization",
        &["input", &sc, &bi],
        vec![int_attr("axis", -1)],
    );
    v.push(("layernorm", g.build(&[2, 4], &y, &[2, 4]), vec![2, 4]));
    let mut g = G::new();
    let sc = g.c(&[2], &[1.0, 0.5]);
    let bi = g.c(&[2], &[0.1, -0.2]);
    let y = g.node("InstanceNormalization", &["input", &sc, &bi], vec![]);
    v.push((
        "instancenorm",
        g.build(&[1, 2, 2, 2], &y, &[1, 2, 2, 2]),
        vec![1, 2, 2, 2],
    ));
    let mut g = G::new();
    let sl = g.c(&[2, 1, 1], &[0.25, -0.5]);
    let y = g.node("PRelu", &["input", &sl], vec![]);
    v.push((
        "prelu",
        g.build(&[1, 2, 2, 2], &y, &[1, 2, 2, 2]),
        vec![1, 2, 2, 2],
    ));
    // Pad (zeros, reflect), Trilu, Expand, Tile
    for (name, mode) in [("pad_zero", "constant"), ("pad_reflect", "reflect")] {
        let mut g = G::new();
        let pads = g.ci(&[0, 0, 1, 2, 0, 0, 1, 1]);
        let mode_attr = str_attr("mode", mode);
        let y = g.node("Pad", &["input", &pads], vec![mode_attr]);
        v.push((
            name,
            g.build(&[1, 1, 3, 3], &y, &[1, 1, 5, 6]),
            vec![1, 1, 3, 3],
        ));
    }
    let mut g = G::new();
    let y = g.node("Trilu", &["input"], vec![int_attr("upper", 0)]);
    v.push(("trilu", g.build(&[1, 3, 3], &y, &[1, 3, 3]), vec![1, 3, 3]));
    let mut g = G::new();
    let sh = g.ci(&[2, 1, 3]);
    let y = g.node("Expand", &["input", &sh], vec![]);
    v.push(("expand", g.build(&[1, 3], &y, &[2, 1, 3]), vec![1, 3]));
    let mut g = G::new();
    let r = g.ci(&[2, 1]);
    let y = g.node("Tile", &["input", &r], vec![]);
    v.push(("tile", g.build(&[1, 3], &y, &[2, 3]), vec![1, 3]));
    // ReduceL2, ReduceLogSumExp, ReduceL1 over axis 1
    for (name, op) in [
        ("reduce_l2", "ReduceL2"),
        ("reduce_logsumexp", "ReduceLogSumExp"),
        ("reduce_l1", "ReduceL1"),
    ] {
        let mut g = G::new();
        let y = g.node(
            op,
            &["input"],
            vec![ints_attr("axes", &[1]), int_attr("keepdims", 0)],
        );
        v.push((name, g.build(&[2, 4], &y, &[2]), vec![2, 4]));
    }
    // comparisons and logic on activations, as Where's condition
    let mut g = G::new();
    let t = g.c(&[1], &[0.1]);
    let c = g.node("Less", &["input", &t], vec![]);
    let h = g.c(&[1], &[0.5]);
    let y = g.node("Where", &[&c, "input", &h], vec![]);
    v.push(("less_where", g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    let mut g = G::new();
    let n = g.node("Neg", &["input"], vec![]);
    let c1 = g.node("GreaterOrEqual", &["input", &n], vec![]);
    let t = g.c(&[1], &[0.5]);
    let c2 = g.node("Less", &["input", &t], vec![]);
    let c = g.node("And", &[&c1, &c2], vec![]);
    let y = g.node("Where", &[&c, "input", &n], vec![]);
    v.push(("ge_and_where", g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    let mut g = G::new();
    let r = g.node("Relu", &["input"], vec![]);
    let e = g.node("Equal", &[&r, "input"], vec![]);
    let ne = g.node("Not", &[&e], vec![]);
    let (p1, m1) = (g.c(&[1], &[1.0]), g.c(&[1], &[-1.0]));
    let y = g.node("Where", &[&ne, &p1, &m1], vec![]);
    v.push(("equal_not_where", g.build(&[1, 6], &y, &[1, 6]), vec![1, 6]));
    // Resize (nearest, asymmetric, floor), as torch's Upsample writes it
    let mut g = G::new();
    let roi = g.c(&[0], &[]);
    let sc = g.c(&[4], &[1.0, 1.0, 2.0, 2.0]);
    let y = g.node(
        "Resize",
        &["input", &roi, &sc],
        vec![
            str_attr("mode", "nearest"),
            str_attr("coordinate_transformation_mode", "asymmetric"),
            str_attr("nearest_mode", "floor"),
        ],
    );
    v.push((
        "resize",
        g.build(&[1, 1, 2, 3], &y, &[1, 1, 4, 6]),
        vec![1, 1, 2, 3],
    ));
    // shape ops: Transpose -> Flatten -> Slice -> Concat
    let mut g = G::new();
    let t = g.node("Transpose", &["input"], vec![ints_attr("perm", &[0, 2, 1])]);
    let f = g.node("Flatten", &[&t], vec![int_attr("axis", 1)]);
    let starts = g.ci(&[1]);
    let ends = g.ci(&[5]);
    let axes = g.ci(&[1]);
    let s = g.node("Slice", &[&f, &starts, &ends, &axes], vec![]);
    let y = g.node("Concat", &[&s, &f], vec![int_attr("axis", 1)]);
    v.push((
        "shape_ops",
        g.build(&[1, 2, 3], &y, &[1, 10]),
        vec![1, 2, 3],
    ));
    // recurrent layers (X: [seq 3, batch 1, input 4], hidden 3)
    let mut g = G::new();
    let (w, r, b) = (
        g.rc(&[2, 12, 4], 61),
        g.rc(&[2, 12, 3], 62),
        g.rc(&[2, 24], 63),
    );
    let y = g.node_multi(
        "LSTM",
        &["input", &w, &r, &b],
        vec![
            int_attr("hidden_size", 3),
            str_attr("direction", "bidirectional"),
        ],
        &[true, false, false],
    );
    v.push((
        "lstm_bidirectional",
        g.build(&[3, 1, 4], &y[0], &[3, 2, 1, 3]),
        vec![3, 1, 4],
    ));
    let mut g = G::new();
    let (w, r, b) = (
        g.rc(&[1, 12, 4], 64),
        g.rc(&[1, 12, 3], 65),
        g.rc(&[1, 24], 66),
    );
    let (h0, c0) = (g.rc(&[1, 1, 3], 67), g.rc(&[1, 1, 3], 68));
    let y = g.node_multi(
        "LSTM",
        &["input", &w, &r, &b, "", &h0, &c0],
        vec![int_attr("hidden_size", 3)],
        &[false, true, true],
    );
    let y = g.node("Add", &[&y[1], &y[2]], vec![]);
    v.push((
        "lstm_states",
        g.build(&[3, 1, 4], &y, &[1, 1, 3]),
        vec![3, 1, 4],
    ));
    for lbr in [0, 1] {
        let mut g = G::new();
        let (w, r, b) = (
            g.rc(&[1, 9, 4], 69),
            g.rc(&[1, 9, 3], 70),
            g.rc(&[1, 18], 71),
        );
        let y = g.node_multi(
            "GRU",
            &["input", &w, &r, &b],
            vec![
                int_attr("hidden_size", 3),
                int_attr("linear_before_reset", lbr),
                str_attr("direction", "forward"),
            ],
            &[true, false],
        );
        let name = if lbr == 1 {
            "gru_linear_before_reset"
        } else {
            "gru"
        };
        v.push((
            name,
            g.build(&[3, 1, 4], &y[0], &[3, 1, 1, 3]),
            vec![3, 1, 4],
        ));
    }
    let mut g = G::new();
    let (w, r, b) = (
        g.rc(&[1, 3, 4], 72),
        g.rc(&[1, 3, 3], 73),
        g.rc(&[1, 6], 74),
    );
    let y = g.node_multi(
        "RNN",
        &["input", &w, &r, &b],
        vec![int_attr("hidden_size", 3)],
        &[true, true],
    );
    let y = g.node("Add", &[&y[0], &y[1]], vec![]);
    v.push(("rnn", g.build(&[3, 1, 4], &y, &[3, 1, 1, 3]), vec![3, 1, 4]));
    // selection by computed indices: Gather from a constant table by an ArgMax, and by the
    // same index minus 4 (negative: counted from the end)
    let mut g = G::new();
    let (t1, t2) = (g.rc(&[4, 3], 78), g.rc(&[4, 3], 79));
    let k = g.node(
        "ArgMax",
        &["input"],
        vec![int_attr("axis", 1), int_attr("keepdims", 0)],
    );
    let four = g.ci(&[4]);
    let neg = g.node("Sub", &[&k, &four], vec![]);
    let a = g.node("Gather", &[&t1, &k], vec![int_attr("axis", 0)]);
    let b = g.node("Gather", &[&t2, &neg], vec![int_attr("axis", 0)]);
    let y = g.node("Add", &[&a, &b], vec![]);
    v.push((
        "gather_computed_index",
        g.build(&[1, 4], &y, &[1, 3]),
        vec![1, 4],
    ));
    // GatherElements and Gather from an activation, OneHot of the index
    let mut g = G::new();
    let k1 = g.node(
        "ArgMax",
        &["input"],
        vec![int_attr("axis", 1), int_attr("keepdims", 1)],
    );
    let k0 = g.node(
        "ArgMax",
        &["input"],
        vec![int_attr("axis", 1), int_attr("keepdims", 0)],
    );
    let ge = g.node("GatherElements", &["input", &k1], vec![int_attr("axis", 1)]);
    let ga = g.node("Gather", &["input", &k0], vec![int_attr("axis", 1)]);
    let depth = g.ci(&[4]);
    let vals = g.c(&[2], &[-0.5, 1.5]);
    let oh = g.node("OneHot", &[&k0, &depth, &vals], vec![]);
    let m = g.node("Mul", &[&oh, &ge], vec![]);
    let y = g.node("Add", &[&m, &ga], vec![]);
    v.push((
        "gather_elements_one_hot",
        g.build(&[1, 4], &y, &[1, 4]),
        vec![1, 4],
    ));
    // TopK: the 3 largest with their indices, the 2 smallest; Pow with a constant base
    for (name, k, largest) in [("top_k", 3, 1), ("top_k_smallest", 2, 0)] {
        let mut g = G::new();
        let kk = g.ci(&[k]);
        let t = g.node_multi(
            "TopK",
            &["input", &kk],
            vec![int_attr("axis", 1), int_attr("largest", largest)],
            &[true, true],
        );
        let fi = g.node("Cast", &[&t[1]], vec![int_attr("to", 1)]);
        let y = g.node("Add", &[&t[0], &fi], vec![]);
        v.push((name, g.build(&[1, 6], &y, &[1, k as usize]), vec![1, 6]));
    }
    let mut g = G::new();
    let b = g.c(&[1], &[2.0]);
    let y = g.node("Pow", &[&b, "input"], vec![]);
    v.push(("pow_base", g.build(&[1, 4], &y, &[1, 4]), vec![1, 4]));
    // Cast to bool of an activation
    let mut g = G::new();
    let r = g.node("Relu", &["input"], vec![]);
    let b = g.node("Cast", &[&r], vec![int_attr("to", 9)]);
    let nb = g.node("Not", &[&b], vec![]);
    let f = g.node("Cast", &[&nb], vec![int_attr("to", 1)]);
    let y = g.node("Add", &[&f, "input"], vec![]);
    v.push(("cast_bool", g.build(&[1, 4], &y, &[1, 4]), vec![1, 4]));
    // ConvTranspose: stride 2, pads, output_padding, bias; and grouped, dilated, no bias
    let mut g = G::new();
    let (w, b) = (g.rc(&[2, 3, 3, 3], 75), g.rc(&[3], 76));
    let y = g.node(
        "ConvTranspose",
        &["input", &w, &b],
        vec![
            ints_attr("strides", &[2, 2]),
            ints_attr("pads", &[1, 1, 1, 0]),
            ints_attr("output_padding", &[1, 0]),
        ],
    );
    v.push((
        "conv_transpose",
        g.build(&[1, 2, 3, 3], &y, &[1, 3, 6, 6]),
        vec![1, 2, 3, 3],
    ));
    let mut g = G::new();
    let w = g.rc(&[4, 1, 2, 2], 77);
    let y = g.node(
        "ConvTranspose",
        &["input", &w],
        vec![int_attr("group", 2), ints_attr("dilations", &[2, 2])],
    );
    v.push((
        "conv_transpose_grouped",
        g.build(&[1, 4, 3, 3], &y, &[1, 2, 5, 5]),
        vec![1, 4, 3, 3],
    ));
    v
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
