//! Every op: quantized outputs match tract's float inference; the witness satisfies the
//! circuit; and moving the op's output by one quantum (with public values kept consistent, so
//! only the op's own constraints can object) makes `mock` fail. One `#[test]` per op model of
//! `common::op_models`, named as its builder: `cargo test --release --test ops -- --exact op_relu`
//! runs one (without `--exact`, every test whose name contains the filter).

mod common;

use common::*;
use zkonnx::pipeline;
use zkonnx::proof;
use zkonnx::settings::{RunArgs, Visibility};

const SCALE: u32 = 8;

fn check_op(name: &str, bytes: &[u8], shape: &[usize], ra: RunArgs) {
    let n: usize = shape.iter().product();
    let x = values(42, n, -1.0, 1.0);
    let c = compile_at(bytes, &x, SCALE, ra);
    eprintln!("{name}: {} steps", c.graph.steps.len());
    // accuracy against tract
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    let reference = tract_run(bytes, shape, &x);
    let got: Vec<f64> = w.pretty_elements.rescaled_outputs[0]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(got.len(), reference.len(), "{name}: output length");
    for (i, (g, r)) in got.iter().zip(&reference).enumerate() {
        assert!(
            (g - *r as f64).abs() < 0.03,
            "{name}: output {i} = {g}, tract says {r}"
        );
    }
    // the honest witness satisfies the circuit
    pipeline::mock(&c, &w).unwrap_or_else(|e| panic!("{name}: honest witness rejected: {e}"));
    // one quantum up or down on any op output fails, even with the public values following it
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let honest = pipeline::trace(&c, &inputs).unwrap();
    for step in &c.graph.steps {
        // A gather (reshape, slice, concat...) lays out no cells of its own: its output cells are
        // copies of its input's, so a changed gather value is never read. It is covered when it
        // produces a public graph output: the copy constraint then binds the instance.
        let public_out = c.graph.outputs.contains(&step.output)
            && c.settings.run_args.output_visibility == Visibility::Public;
        if matches!(step.op, zkonnx::quant::QOp::Gather(_)) && !public_out {
            continue;
        }
        for delta in [1i64, -1] {
            for pos in [0, c.graph.len_of(step.output) - 1] {
                let mut tr = honest.clone();
                tr.values[step.output][pos] += delta;
                let outs = tr.outputs(&c.graph);
                let inst = pipeline::instances_of(&c, &inputs, &outs, &salts(&c)).unwrap();
                let r = proof::mock(&c, &tr, &salts(&c), inst);
                assert!(
                    r.is_err(),
                    "{name}: step `{}` output[{pos}] moved by {delta} was accepted",
                    step.node
                );
            }
        }
    }
}

/// Both run-arg profiles on one op model: default visibilities (committed params, public output),
/// and private output with fixed params on 3 lanes.
fn check_op_model(name: &str, m: OpModel) {
    check_op(name, &m.bytes, &m.shape, RunArgs::default());
    let ra = RunArgs {
        output_visibility: Visibility::Private,
        param_visibility: Visibility::Fixed,
        num_inner_cols: 3,
        ..RunArgs::default()
    };
    check_op(name, &m.bytes, &m.shape, ra);
}

/// `#[test] fn op_relu() { check_op_model("relu", op_relu()) }` for every op model.
macro_rules! op_tests {
    ($($f:ident),* $(,)?) => {$(
        #[test]
        fn $f() {
            check_op_model(&stringify!($f)[3..], common::$f());
        }
    )*};
}
common::with_op_models!(op_tests);

#[test]
fn moved_output_in_witness_file_fails_mock() {
    let bytes = mlp(10);
    let x = values(1, 8, -1.0, 1.0);
    let c = compile_at(&bytes, &x, SCALE, RunArgs::default());
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    pipeline::mock(&c, &w).unwrap();
    let mut bad = w.clone();
    let v: i64 = bad.pretty_elements.outputs[0][1].parse().unwrap();
    bad.outputs[0][1] = zkonnx::felt::to_hex(&zkonnx::felt::from_i64(v + 1));
    assert!(pipeline::mock(&c, &bad).is_err());
}

/// Relu is a gate, not a table: both wrong branches fail, passing a negative input through and
/// zeroing a positive one (each with the public output following the change).
#[test]
fn relu_gate_rejects_both_wrong_branches() {
    let mut g = G::new();
    let y = g.node("Relu", &["input"], vec![]);
    let bytes = g.build(&[1, 4], &y, &[1, 4]);
    let x = [-0.5f32, 0.25, -0.125, 0.75];
    let c = compile_at(&bytes, &x, SCALE, RunArgs::default());
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let honest = pipeline::trace(&c, &inputs).unwrap();
    let out = c.graph.outputs[0];
    assert_eq!(honest.values[out], vec![0, 64, 0, 192]);
    let inst = pipeline::instances_of(&c, &inputs, &honest.outputs(&c.graph), &salts(&c)).unwrap();
    proof::mock(&c, &honest, &salts(&c), inst).unwrap();
    for (pos, wrong) in [(0, inputs[0][0]), (2, inputs[0][2]), (1, 0), (3, 0)] {
        let mut tr = honest.clone();
        tr.values[out][pos] = wrong;
        let inst = pipeline::instances_of(&c, &inputs, &tr.outputs(&c.graph), &salts(&c)).unwrap();
        assert!(
            proof::mock(&c, &tr, &salts(&c), inst).is_err(),
            "relu output {pos} = {wrong} was accepted"
        );
    }
}

/// Bool and integer inputs: values of another type are refused when quantized, and in the
/// circuit every op reads the input rounded to its type, so even a witness with a fractional
/// "bool" proves the model on a real bool (here Where(c, 1, -1): a c of 0.5 cannot give 0).
#[test]
fn typed_inputs_are_of_their_type_in_the_circuit() {
    use tract_onnx::pb::tensor_proto::DataType;
    let mut g = G::new();
    let (p1, m1) = (g.c(&[1], &[1.0]), g.c(&[1], &[-1.0]));
    let y = g.node("Where", &["input", &p1, &m1], vec![]);
    let bytes = g.build_typed(DataType::Bool, &[1, 4], &y, &[1, 4]);
    let x = [1.0f32, 0.0, 1.0, 0.0];
    let c = compile_at(&bytes, &x, SCALE, RunArgs::default());
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    assert_eq!(
        w.pretty_elements.rescaled_outputs[0],
        ["1", "-1", "1", "-1"]
    );
    let e = pipeline::gen_witness(&c, &input_data(&[0.5, 0.0, 1.0, 0.0])).unwrap_err();
    assert!(e.to_string().contains("not a boolean"), "{e}");
    // a forged witness: the raw input 0.5 (at scale 8: 128), every later value recomputed
    let mut inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    inputs[0][0] = 1 << (SCALE - 1);
    let tr = zkonnx::quant::run(
        &c.graph,
        &inputs,
        c.settings.run_args.range_half(),
        &c.settings.table_domains(),
    )
    .unwrap();
    let outs = tr.outputs(&c.graph);
    let one = 1i64 << SCALE;
    assert!(
        outs[0][0] == one || outs[0][0] == -one,
        "a fractional bool reached Where: {}",
        outs[0][0]
    );
    let inst = pipeline::instances_of(&c, &inputs, &outs, &salts(&c)).unwrap();
    proof::mock(&c, &tr, &salts(&c), inst).unwrap();
    // an integer input: 2.5 is refused
    let mut g = G::new();
    let two = g.c(&[1], &[2.0]);
    let y = g.node("Mul", &["input", &two], vec![]);
    let bytes = g.build_typed(DataType::Int64, &[1, 3], &y, &[1, 3]);
    let c = compile_at(&bytes, &[1.0, -2.0, 3.0], SCALE, RunArgs::default());
    let w = pipeline::gen_witness(&c, &input_data(&[1.0, -2.0, 3.0])).unwrap();
    assert_eq!(w.pretty_elements.rescaled_outputs[0], ["2", "-4", "6"]);
    let e = pipeline::gen_witness(&c, &input_data(&[2.5, 0.0, 0.0])).unwrap_err();
    assert!(e.to_string().contains("not a whole number"), "{e}");
}

/// Gather by a computed index: an index naming no position makes the one-hot row all zeros,
/// and the output 0. The witness refuses it; a prover who writes that trace anyway (computed
/// here by a copy of the model whose index check is an identity) fails `mock` at the
/// division gadget that demands `Σ_j [k = j] ≥ 1`: with `d = 0` its remainder bound
/// `2d − 1 − r = −1` has no digits (the `digit` lookups the gadget shares).
#[test]
fn gather_index_matching_nothing_fails_the_division_check() {
    use tract_onnx::pb::tensor_proto::DataType;
    use zkonnx::quant::{compose, QOp};
    let mut g = G::new();
    let t = g.rc(&[4, 3], 5);
    let y = g.node("Gather", &[&t, "input"], vec![int_attr("axis", 0)]);
    let bytes = g.build_typed(DataType::Int64, &[2], &y, &[2, 3]);
    let c = compile_at(&bytes, &[1.0, -1.0], SCALE, RunArgs::default());
    let x = [1.0f32, 4.0];
    assert!(pipeline::gen_witness(&c, &input_data(&x)).is_err());
    let mut unchecked = c.clone();
    let mut replaced = 0;
    for s in unchecked.graph.steps.iter_mut() {
        if let QOp::Div { den, .. } = &s.op {
            s.op = compose::elementwise_scaled(den.len(), 0);
            s.inputs.truncate(1);
            replaced += 1;
        }
    }
    assert_eq!(replaced, 1);
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let forged = pipeline::trace(&unchecked, &inputs).unwrap();
    let out = forged.outputs(&c.graph);
    assert_eq!(&out[0][3..], &[0, 0, 0], "index 4 selects nothing");
    let inst = pipeline::instances_of(&c, &inputs, &out, &salts(&c)).unwrap();
    let e = proof::mock(&c, &forged, &salts(&c), inst).unwrap_err();
    assert!(e.to_string().contains("Lookup digit"), "{e}");
}

/// A causal mask fused into Softmax (`ops::softmax`, "Masked Softmax") costs nothing: whatever
/// the mask constant (−10⁴, −3·10⁴, −∞, the float minimum) and however it is written, the
/// calibrated circuit is the one of the same Softmax without a mask (scale, lookup range,
/// logrows), and it proves what onnxruntime computes: exactly 0 where masked.
#[test]
fn a_mask_constant_costs_nothing() {
    use common::MaskForm;
    use zkonnx::calibrate::{calibrate, CalibrateOptions};
    let x = values(9, 16, -1.0, 1.0);
    let settings = |bytes: &[u8]| {
        let s = pipeline::gen_settings(bytes, RunArgs::default()).unwrap();
        let (s, _) = calibrate(bytes, &s, &input_data(&x), &CalibrateOptions::default()).unwrap();
        let ra = s.run_args;
        (ra.input_scale, ra.range_half(), ra.logrows)
    };
    let mut g = G::new();
    let y = g.node("Softmax", &["input"], vec![int_attr("axis", -1)]);
    let plain = settings(&g.build(&[1, 4, 4], &y, &[1, 4, 4]));
    for c in [-1e4f32, -3e4, f32::NEG_INFINITY, f32::MIN] {
        for form in [MaskForm::Where, MaskForm::WhereInverted, MaskForm::Additive] {
            let m = common::masked_softmax_as(c, form);
            assert_eq!(settings(&m.bytes), plain, "mask {c} as {form:?}");
            let comp = compile_at(&m.bytes, &x, SCALE, RunArgs::default());
            let w = pipeline::gen_witness(&comp, &input_data(&x)).unwrap();
            let out: Vec<f64> = w.pretty_elements.rescaled_outputs[0]
                .iter()
                .map(|s| s.parse().unwrap())
                .collect();
            for (i, v) in out.iter().enumerate() {
                if i % 4 > (i / 4) % 4 {
                    assert_eq!(*v, 0.0, "mask {c} as {form:?}: masked position {i}");
                }
            }
            let row0: f64 = out[..4].iter().sum();
            assert!((row0 - 1.0).abs() < 0.02, "row 0 sums to {row0}");
            pipeline::mock(&comp, &w).unwrap();
        }
    }
}

/// Integer `Div` rounds toward zero as onnxruntime does (`[-7, 7, -9, 8, 0, 5] / 3` →
/// `[-2, 2, -3, 2, 0, 1]`, onnxruntime 1.32's output), exactly, at any scale. A prover who
/// rounds the floor step the other way (one more quotient, the rest of the trace honest) fails
/// the rescale's remainder check (`Lookup digit`).
#[test]
fn integer_division_truncates_like_onnxruntime() {
    use tract_onnx::pb::tensor_proto::DataType;
    use zkonnx::quant::QOp;
    let mut g = G::new();
    let three = g.ci(&[3]);
    let y = g.node("Div", &["input", &three], vec![]);
    let bytes = g.build_typed(DataType::Int64, &[6], &y, &[6]);
    let x = [-7.0f32, 7.0, -9.0, 8.0, 0.0, 5.0];
    for scale in [0, 4, SCALE] {
        let c = compile_at(&bytes, &x, scale, RunArgs::default());
        let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
        assert_eq!(
            w.pretty_elements.rescaled_outputs[0],
            ["-2", "2", "-3", "2", "0", "1"],
            "scale {scale}"
        );
        pipeline::mock(&c, &w).unwrap();
    }
    let c = compile_at(&bytes, &x, SCALE, RunArgs::default());
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let honest = pipeline::trace(&c, &inputs).unwrap();
    let floors: Vec<usize> = (0..c.graph.steps.len())
        .filter(|&k| matches!(&c.graph.steps[k].op, QOp::Dot(d) if d.divisor.is_some()))
        .collect();
    assert_eq!(floors.len(), 2, "⌊relu(x)/D⌋ and ⌊relu(−x)/D⌋");
    for k in floors {
        for pos in [1, 2] {
            let v = honest.values[c.graph.steps[k].output][pos];
            let forged = common::forge(&c, &honest, k, pos, v + 1);
            let e = common::mock_failure(&c, &inputs, &forged).expect("a wrong quotient");
            assert!(e.contains("Lookup digit"), "{e}");
        }
    }
    // a divisor that is an activation, or that differs between elements, is a typed error
    let mut g = G::new();
    let d = g.ci(&[3, 2, 3, 3, 3, 3]);
    let y = g.node("Div", &["input", &d], vec![]);
    let bytes = g.build_typed(DataType::Int64, &[6], &y, &[6]);
    let e = pipeline::gen_settings(&bytes, RunArgs::default()).unwrap_err();
    assert!(e.to_string().contains("differs between elements"), "{e}");
}

/// A model without inputs (ezkl's `arange`): its constant output is proven as a parameter
/// the circuit copies out. The data is `[[]]` as ezkl writes it; a moved output fails `mock`
/// at the dot row that copies the parameter: its remainder `acc − y` is then `−1`, which the
/// rescale's range check (`Lookup digit`) refuses.
#[test]
fn a_model_without_inputs_proves_its_constant_output() {
    use tract_onnx::pb;
    use tract_onnx::prelude::tract_itertools::Itertools;
    let mut g = G::new();
    let c = g.c(&[5], &[0.0, 1.0, 2.0, 3.0, 4.5]);
    let two = g.c(&[1], &[2.0]);
    let y = g.node("Mul", &[&c, &two], vec![]);
    let mut m = <pb::ModelProto as prost::Message>::decode(&g.build(&[1], &y, &[5])[..]).unwrap();
    m.graph.as_mut().unwrap().input.clear();
    let bytes = prost::Message::encode_to_vec(&m);
    let compiled = compile_at(&bytes, &[], SCALE, RunArgs::default());
    assert!(compiled.graph.inputs.is_empty());
    let w = pipeline::gen_witness(&compiled, &input_data(&[])).unwrap();
    assert_eq!(
        w.pretty_elements.rescaled_outputs[0].iter().join(","),
        "0,2,4,6,9"
    );
    pipeline::mock(&compiled, &w).unwrap();
    let honest = pipeline::trace(&compiled, &[]).unwrap();
    let last = compiled.graph.steps.len() - 1;
    let v = honest.values[compiled.graph.steps[last].output][4];
    let forged = common::forge(&compiled, &honest, last, 4, v + 1);
    let e = common::mock_failure(&compiled, &[], &forged).expect("a moved constant");
    assert!(e.contains("Lookup digit"), "{e}");
}

/// The dequantized first output of `x` through `bytes` (compiled at `SCALE` on `x`), mocked.
fn outputs_of(bytes: &[u8], x: &[f32]) -> Vec<f64> {
    let c = compile_at(bytes, x, SCALE, RunArgs::default());
    let w = pipeline::gen_witness(&c, &input_data(x)).unwrap();
    pipeline::mock(&c, &w).unwrap();
    w.pretty_elements.rescaled_outputs[0]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect()
}

/// Negative GatherND / ScatterND indices count from the end, as onnxruntime (tract refuses
/// them, so the op models use none): constant ones, and computed ones (ArgMax − 4).
#[test]
fn gather_nd_and_scatter_nd_count_negative_indices_from_the_end() {
    let x = [
        0.25f32, -0.5, 0.75, 0.125, 0.5, -0.25, 0.375, -0.75, 1.0, 0.0, 0.625, -0.125,
    ];
    // constant: GatherND(x, [[-1], [0]]) on [4, 3], ScatterND(x, [[-2]], [[1, 2, 3]])
    let mut g = G::new();
    let i1 = g.cis(&[2, 1], &[-1, 0]);
    let a = g.node("GatherND", &["input", &i1], vec![]);
    let (i2, u) = (g.cis(&[1, 1], &[-2]), g.c(&[1, 3], &[1.0, 2.0, 3.0]));
    let b = g.node("ScatterND", &["input", &i2, &u], vec![]);
    let y = g.node("Concat", &[&a, &b], vec![int_attr("axis", 0)]);
    let got = outputs_of(&g.build(&[4, 3], &y, &[6, 3]), &x);
    let mut want: Vec<f32> = x[9..12].to_vec();
    want.extend(&x[0..3]);
    want.extend(&x[..6]);
    want.extend([1.0, 2.0, 3.0]);
    want.extend(&x[9..]);
    assert_eq!(got, want.iter().map(|&v| v as f64).collect::<Vec<_>>());
    // computed: k = ArgMax (here 2), tuples (k − 4) into a [4, 2] table
    let mut g = G::new();
    let k = g.node(
        "ArgMax",
        &["input"],
        vec![int_attr("axis", 1), int_attr("keepdims", 1)],
    );
    let four = g.ci(&[4]);
    let neg = g.node("Sub", &[&k, &four], vec![]);
    let tv = [0.5f32, -0.5, 0.25, -0.25, 0.75, -0.75, 1.0, -1.0];
    let t = g.c(&[4, 2], &tv);
    let (z, two, one) = (g.ci(&[0]), g.ci(&[2]), g.ci(&[1]));
    let u = g.node("Slice", &["input", &z, &two, &one], vec![]);
    let s = g.node("ScatterND", &[&t, &neg, &u], vec![]);
    let gn = g.node("GatherND", &[&t, &neg], vec![]);
    let y = g.node("Concat", &[&s, &gn], vec![int_attr("axis", 0)]);
    let x = [0.125f32, -0.25, 0.5, 0.375];
    let got = outputs_of(&g.build(&[1, 4], &y, &[5, 2]), &x);
    let mut want = tv.to_vec();
    want[4..6].copy_from_slice(&x[..2]);
    want.extend(&tv[4..6]);
    assert_eq!(got, want.iter().map(|&v| v as f64).collect::<Vec<_>>());
}

/// ScatterND by computed indices (each row's ArgMax) into a [3, 2] table: two rows with their
/// maximum in one column name one position.
fn scatter_by_argmax() -> Vec<u8> {
    let mut g = G::new();
    let k = g.node(
        "ArgMax",
        &["input"],
        vec![int_attr("axis", 1), int_attr("keepdims", 1)],
    );
    let t = g.rc(&[3, 2], 90);
    let (z, two, one) = (g.ci(&[0]), g.ci(&[2]), g.ci(&[1]));
    let u = g.node("Slice", &["input", &z, &two, &one], vec![]);
    let y = g.node("ScatterND", &[&t, &k, &u], vec![]);
    g.build(&[2, 3], &y, &[3, 2])
}

/// Two updates of one position: the witness refuses them naming the node; a prover who writes
/// that trace anyway (a copy of the model without the uniqueness division) fails `mock` at the
/// division gadget's digit lookups (`2 − c = 0` has no remainder bound); and moving an update
/// elsewhere in the one-hot rows (a forged step, the rest honest) fails the is-zero gate.
#[test]
fn scatter_indices_must_be_unique() {
    use zkonnx::quant::{compose, QOp};
    let bytes = scatter_by_argmax();
    let x = [0.5f32, 0.25, -0.5, 0.125, -0.25, 0.75];
    let dup = [0.5f32, 0.25, -0.5, 0.75, -0.25, 0.125];
    let c = compile_at(&bytes, &x, SCALE, RunArgs::default());
    pipeline::mock(&c, &pipeline::gen_witness(&c, &input_data(&x)).unwrap()).unwrap();
    let e = pipeline::gen_witness(&c, &input_data(&dup))
        .unwrap_err()
        .to_string();
    assert!(e.contains("ScatterND") && e.contains("unique"), "{e}");
    let mut unchecked = c.clone();
    let mut replaced = 0;
    for s in unchecked.graph.steps.iter_mut() {
        if matches!(s.op, QOp::Div { .. }) && s.inputs[0] != s.inputs[1] {
            s.op = compose::elementwise_scaled(c.graph.len_of(s.output), 0);
            s.inputs.truncate(1);
            replaced += 1;
        }
    }
    assert_eq!(replaced, 1);
    let inputs = pipeline::quantize_input(&c, &input_data(&dup)).unwrap();
    let forged = pipeline::trace(&unchecked, &inputs).unwrap();
    let e = mock_failure(&c, &inputs, &forged).expect("two updates of one position accepted");
    assert!(e.contains("Lookup digit"), "{e}");
    // the honest trace with update 0's one-hot row moved to the other update's position
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let honest = pipeline::trace(&c, &inputs).unwrap();
    let k = (0..c.graph.steps.len())
        .rev()
        .find(|&k| matches!(c.graph.steps[k].op, QOp::IsZero))
        .unwrap();
    let e_out = &honest.values[c.graph.steps[k].output];
    assert_eq!(e_out.len(), 6);
    let (p0, p1) = (
        e_out[..3].iter().position(|&v| v == 1).unwrap(),
        e_out[3..].iter().position(|&v| v == 1).unwrap(),
    );
    assert_ne!(p0, p1);
    // update 0 moved to the third position (row sums and uniqueness still hold)
    let mut values = honest.values.clone();
    let out = c.graph.steps[k].output;
    values[out][p0] = 0;
    values[out][3 - p0 - p1] = 1;
    let moved = zkonnx::quant::run_from(&c.graph, values, k + 1, i64::MAX / 4, &[]).unwrap();
    assert_ne!(moved.outputs(&c.graph), honest.outputs(&c.graph));
    let e = mock_failure(&c, &inputs, &moved).expect("a moved one-hot row was accepted");
    assert!(e.contains("is_zero"), "{e}");
}

/// A reduction other than `none` is a typed error naming the attribute and the reduction.
#[test]
fn scatter_reductions_are_refused_by_name() {
    for op in ["ScatterND", "ScatterElements"] {
        let mut g = G::new();
        let i = g.cis(&[1, 1], &[0]);
        let u = g.c(&[1, 1], &[1.0]);
        let y = g.node(op, &["input", &i, &u], vec![str_attr("reduction", "add")]);
        let e = pipeline::gen_settings(&g.build(&[2, 1], &y, &[2, 1]), RunArgs::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("reduction") && e.contains("add"), "{op}: {e}");
    }
}

/// One initializer read by `x + c` and by `x − c`: two parameters (the negated one is not the
/// first one shared), so `(x + c) + (x − c) = 2x`.
#[test]
fn one_constant_added_and_subtracted_is_two_parameters() {
    let mut g = G::new();
    let c = g.c(&[3], &[0.5, 1.0, -2.0]);
    let a = g.node("Add", &["input", &c], vec![]);
    let b = g.node("Sub", &["input", &c], vec![]);
    let y = g.node("Add", &[&a, &b], vec![]);
    let bytes = g.build(&[1, 3], &y, &[1, 3]);
    let x = [0.1f32, 0.2, 0.3];
    let comp = compile_at(&bytes, &x, SCALE, RunArgs::default());
    let w = pipeline::gen_witness(&comp, &input_data(&x)).unwrap();
    for (g, want) in w.pretty_elements.rescaled_outputs[0]
        .iter()
        .zip([0.2, 0.4, 0.6])
    {
        let g: f64 = g.parse().unwrap();
        assert!((g - want).abs() < 0.01, "{g} != {want}");
    }
    pipeline::mock(&comp, &w).unwrap();
}

/// GELU's tanh form written out as element-wise ops is one table (`Func::GeluTanh`), the cube
/// written as `Pow` or as two products; with another constant (0.05) it is not that function
/// and stays as written.
#[test]
fn gelu_written_out_is_one_table() {
    use zkonnx::quant::{Func, QOp};
    let x: Vec<f32> = (0..8).map(|i| i as f32 * 0.8 - 3.0).collect();
    let tables = |bytes: &[u8]| -> Vec<Func> {
        let c = compile_at(bytes, &x, SCALE, RunArgs::default());
        c.graph
            .steps
            .iter()
            .filter_map(|s| match &s.op {
                QOp::Lookup(f) if *f != Func::Relu => Some(*f),
                _ => None,
            })
            .collect()
    };
    for pow in [false, true] {
        let fused = tables(&gelu_written_out(0.044715, pow));
        assert_eq!(fused, vec![Func::GeluTanh], "cube by Pow: {pow}");
        let other = tables(&gelu_written_out(0.05, pow));
        assert!(
            other.contains(&Func::Tanh) && !other.contains(&Func::GeluTanh),
            "{other:?}"
        );
    }
    // the erf form, and the erf form plus a steep bump between any sample points one might
    // pick, `10·(erf(1e4·(x − 0.05)) − erf(1e4·(x − 0.15)))`: not GELU, not fused
    for bump in [false, true] {
        let mut g = G::new();
        let (half, one, r2) = (
            g.c(&[1], &[0.5]),
            g.c(&[1], &[1.0]),
            g.c(&[1], &[std::f32::consts::SQRT_2]),
        );
        let z = g.node("Div", &["input", &r2], vec![]);
        let e = g.node("Erf", &[&z], vec![]);
        let p1 = g.node("Add", &[&e, &one], vec![]);
        let xp = g.node("Mul", &["input", &p1], vec![]);
        let xp = if bump {
            let (k, c1, c2, ten) = (
                g.c(&[1], &[1e4]),
                g.c(&[1], &[0.05]),
                g.c(&[1], &[0.15]),
                g.c(&[1], &[10.0]),
            );
            let d1 = g.node("Sub", &["input", &c1], vec![]);
            let d2 = g.node("Sub", &["input", &c2], vec![]);
            let s1 = g.node("Mul", &[&d1, &k], vec![]);
            let s2 = g.node("Mul", &[&d2, &k], vec![]);
            let (e1, e2) = (g.node("Erf", &[&s1], vec![]), g.node("Erf", &[&s2], vec![]));
            let b = g.node("Sub", &[&e1, &e2], vec![]);
            let b = g.node("Mul", &[&b, &ten], vec![]);
            g.node("Add", &[&xp, &b], vec![])
        } else {
            xp
        };
        let y = g.node("Mul", &[&xp, &half], vec![]);
        let t = tables(&g.build(&[1, 8], &y, &[1, 8]));
        assert_eq!(t.contains(&Func::Gelu), !bump, "bump {bump}: {t:?}");
    }
}

/// A Scan body holding a Split (rewritten into slices, as at the top level): against the
/// semantics computed here (tract cannot analyse this body), and mock accepts the witness.
#[test]
fn a_scan_body_is_imported_like_a_graph() {
    let bytes = scan_split_body();
    let x = values(42, 12, -1.0, 1.0);
    let s0 = values(84, 4, -0.8, 0.8);
    let c = compile_at(&bytes, &x, SCALE, RunArgs::default());
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    let sw = |t: usize| [x[4 * t + 2], x[4 * t + 3], x[4 * t], x[4 * t + 1]];
    let fin: Vec<f32> = (0..4)
        .map(|j| s0[j] + (0..3).map(|t| sw(t)[j]).sum::<f32>())
        .collect();
    let got: Vec<f64> = w.pretty_elements.rescaled_outputs[0]
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    for t in 0..3 {
        for j in 0..4 {
            let want = (sw(t)[j] + fin[j]) as f64;
            assert!(
                (got[4 * t + j] - want).abs() < 0.03,
                "[{t}][{j}]: {} != {want}",
                got[4 * t + j]
            );
        }
    }
    pipeline::mock(&c, &w).unwrap();
}
