//! ONNX-ML tree ensembles and linear models built by hand (the exporters' models are tested
//! against onnxruntime in tests/py/classical_ml.py): outputs as the float semantics say, every
//! step's output moved by one fails `mock`, and the attacks a prover would try fail at the
//! gate that is meant to stop them: a flipped branch bit, another leaf, another ArgMax index.

mod common;

use common::*;
use tract_onnx::pb::tensor_proto::DataType;
use zkonnx::model::Compiled;
use zkonnx::pipeline;
use zkonnx::quant::{Func, QOp};
use zkonnx::settings::RunArgs;

const SCALE: u32 = 8;

/// What rejects a dot row's wrong output: the row's output is its rescale `y` with remainder
/// `acc − y·D` (`D = 1` here) in `[0, D)`, both it and `D − 1 − r` as digits in `[0, B)`: off
/// by one, one of them is −1 and its digit lookup fails (`circuit/rescale.rs`).
fn dot_output_rejected(e: &str) -> bool {
    // the remainder below 0 (low digit) or not below `D` (the bound's digit)
    e.contains("Lookup digit 3") || e.contains("Lookup digit 5")
}

/// Two trees over 4 features, 3 classes labelled 10, 20, 30, SOFTMAX: every ordered mode.
fn classifier() -> Vec<u8> {
    let mut g = G::new();
    let outs = g.node_ml(
        "TreeEnsembleClassifier",
        &["input"],
        vec![
            ints_attr("nodes_treeids", &[0, 0, 0, 0, 0, 1, 1, 1, 1, 1]),
            ints_attr("nodes_nodeids", &[0, 1, 2, 3, 4, 0, 1, 2, 3, 4]),
            ints_attr("nodes_featureids", &[1, 0, 0, 0, 0, 2, 0, 3, 0, 0]),
            floats_attr(
                "nodes_values",
                &[0.1, -0.2, 0.0, 0.0, 0.0, 0.3, 0.0, 0.0, 0.0, 0.0],
            ),
            strs_attr(
                "nodes_modes",
                &[
                    "BRANCH_LEQ",
                    "BRANCH_LT",
                    "LEAF",
                    "LEAF",
                    "LEAF",
                    "BRANCH_GT",
                    "LEAF",
                    "BRANCH_GTE",
                    "LEAF",
                    "LEAF",
                ],
            ),
            ints_attr("nodes_truenodeids", &[1, 3, 0, 0, 0, 1, 0, 3, 0, 0]),
            ints_attr("nodes_falsenodeids", &[2, 4, 0, 0, 0, 2, 0, 4, 0, 0]),
            ints_attr("class_treeids", &[0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]),
            ints_attr("class_nodeids", &[2, 2, 3, 3, 4, 4, 1, 1, 3, 3, 4, 4]),
            ints_attr("class_ids", &[0, 1, 1, 2, 0, 2, 0, 2, 1, 2, 0, 1]),
            floats_attr(
                "class_weights",
                &[
                    0.7, -0.2, 1.1, 0.4, -0.5, 0.9, 0.3, 0.8, -0.6, 0.25, 1.2, -0.1,
                ],
            ),
            ints_attr("classlabels_int64s", &[10, 20, 30]),
            str_attr("post_transform", "SOFTMAX"),
        ],
        2,
    );
    g.build_outputs(
        DataType::Float,
        &[1, 4],
        &[(&outs[0], &[1]), (&outs[1], &[1, 3])],
    )
}

/// A two-target regressor averaging 2 trees (one a single leaf), with equality tests and
/// base values.
fn regressor() -> Vec<u8> {
    let mut g = G::new();
    let outs = g.node_ml(
        "TreeEnsembleRegressor",
        &["input"],
        vec![
            ints_attr("nodes_treeids", &[0, 0, 0, 0, 0, 1]),
            ints_attr("nodes_nodeids", &[0, 1, 2, 3, 4, 0]),
            ints_attr("nodes_featureids", &[0, 1, 0, 0, 0, 0]),
            floats_attr("nodes_values", &[0.5, 0.25, 0.0, 0.0, 0.0, 0.0]),
            strs_attr(
                "nodes_modes",
                &["BRANCH_EQ", "BRANCH_NEQ", "LEAF", "LEAF", "LEAF", "LEAF"],
            ),
            ints_attr("nodes_truenodeids", &[1, 3, 0, 0, 0, 0]),
            ints_attr("nodes_falsenodeids", &[2, 4, 0, 0, 0, 0]),
            ints_attr("target_treeids", &[0, 0, 0, 0, 1]),
            ints_attr("target_nodeids", &[2, 3, 3, 4, 0]),
            ints_attr("target_ids", &[0, 0, 1, 1, 1]),
            floats_attr("target_weights", &[2.0, -1.0, 3.0, 0.5, 1.5]),
            int_attr("n_targets", 2),
            str_attr("aggregate_function", "AVERAGE"),
            floats_attr("base_values", &[0.1, -0.2]),
        ],
        1,
    );
    g.build(&[1, 2], &outs[0], &[1, 2])
}

/// A binary classifier scoring class 0 only, LOGISTIC (XGBoost's and LightGBM's form).
fn binary() -> Vec<u8> {
    let mut g = G::new();
    let outs = g.node_ml(
        "TreeEnsembleClassifier",
        &["input"],
        vec![
            ints_attr("nodes_treeids", &[0, 0, 0]),
            ints_attr("nodes_nodeids", &[0, 1, 2]),
            ints_attr("nodes_featureids", &[1, 0, 0]),
            floats_attr("nodes_values", &[0.0, 0.0, 0.0]),
            strs_attr("nodes_modes", &["BRANCH_LT", "LEAF", "LEAF"]),
            ints_attr("nodes_truenodeids", &[1, 0, 0]),
            ints_attr("nodes_falsenodeids", &[2, 0, 0]),
            ints_attr("class_treeids", &[0, 0]),
            ints_attr("class_nodeids", &[1, 2]),
            ints_attr("class_ids", &[0, 0]),
            floats_attr("class_weights", &[-0.8, 1.3]),
            ints_attr("classlabels_int64s", &[0, 1]),
            str_attr("post_transform", "LOGISTIC"),
        ],
        2,
    );
    g.build_outputs(
        DataType::Float,
        &[1, 2],
        &[(&outs[0], &[1]), (&outs[1], &[1, 2])],
    )
}

fn outputs(c: &Compiled, x: &[f32]) -> Vec<Vec<f64>> {
    let w = pipeline::gen_witness(c, &input_data(x)).unwrap();
    pipeline::mock(c, &w).unwrap();
    w.pretty_elements
        .rescaled_outputs
        .iter()
        .map(|o| o.iter().map(|v| v.parse().unwrap()).collect())
        .collect()
}

fn close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= tol, "got {got:?}, want {want:?}");
    }
}

fn softmax(v: &[f64]) -> Vec<f64> {
    let e: Vec<f64> = v.iter().map(|x| x.exp()).collect();
    let s: f64 = e.iter().sum();
    e.iter().map(|x| x / s).collect()
}

#[test]
fn tree_outputs_are_the_models() {
    // (each case calibrated at its own input: tables fit the data they are calibrated on; the
    // inputs on the grid of scale 8, since a tree tests the quantized input, QUANTIZATION.md)
    let run =
        |bytes: &[u8], x: &[f32]| outputs(&compile_at(bytes, x, SCALE, RunArgs::default()), x);
    // classifier: x1 = 0.5 > 0.1 → tree 0 leaf 2; x2 = 0.25 is not > 0.3 → node 2, x3 = 0 ≥ 0
    // → leaf 3: scores [0.7, −0.2 − 0.6, 0.25]
    let o = run(&classifier(), &[0.203125, 0.5, 0.25, 0.0]);
    assert_eq!(o[0], [10.0]);
    close(&o[1], &softmax(&[0.7, -0.8, 0.25]), 0.01);
    // x1 = 0.09375 ≤ 0.1, x0 = −0.25 < −0.2 → leaf 3; x2 = 0.40625 > 0.3 → leaf 1
    let o = run(&classifier(), &[-0.25, 0.09375, 0.40625, -0.5]);
    assert_eq!(o[0], [30.0]);
    close(&o[1], &softmax(&[0.3, 1.1, 0.4 + 0.8]), 0.01);
    // regressor: x0 = 0.5 = 0.5, x1 = 0.25 → leaf 4 (NEQ false); averaged with the leaf tree
    close(
        &run(&regressor(), &[0.5, 0.25])[0],
        &[0.1, (0.5 + 1.5) / 2.0 - 0.2],
        0.01,
    );
    close(
        &run(&regressor(), &[0.5, 0.75])[0],
        &[-1.0 / 2.0 + 0.1, (3.0 + 1.5) / 2.0 - 0.2],
        0.01,
    );
    close(
        &run(&regressor(), &[0.25, 0.75])[0],
        &[2.0 / 2.0 + 0.1, 1.5 / 2.0 - 0.2],
        0.01,
    );
    // binary: s = −0.8 (x1 < 0) → label 0, [σ(0.8), σ(−0.8)]
    let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
    let o = run(&binary(), &[0.0, -0.5]);
    assert_eq!(o[0], [0.0]);
    close(&o[1], &[sig(0.8), sig(-0.8)], 0.01);
    let o = run(&binary(), &[0.0, 0.5]);
    assert_eq!(o[0], [1.0]);
    close(&o[1], &[sig(-1.3), sig(1.3)], 0.01);
}

/// Moving any step's output by one quantum (public values following) fails `mock`.
#[test]
fn every_moved_step_output_fails() {
    for (name, bytes, x) in [
        (
            "classifier",
            classifier(),
            vec![0.203125f32, 0.5, 0.25, 0.0],
        ),
        ("regressor", regressor(), vec![0.5, 0.25]),
        ("binary", binary(), vec![0.0, 0.5]),
    ] {
        let c = compile_at(&bytes, &x, SCALE, RunArgs::default());
        let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
        let honest = pipeline::trace(&c, &inputs).unwrap();
        assert!(mock_failure(&c, &inputs, &honest).is_none());
        for (k, step) in c.graph.steps.iter().enumerate() {
            // copies lay out no cells of their own (see tests/ops.rs)
            if matches!(step.op, QOp::Gather(_)) && !c.graph.outputs.contains(&step.output) {
                continue;
            }
            let len = c.graph.len_of(step.output);
            for pos in [0, len - 1] {
                for delta in [1i64, -1] {
                    let mut tr = honest.clone();
                    tr.values[step.output][pos] += delta;
                    assert!(
                        mock_failure(&c, &inputs, &tr).is_some(),
                        "{name}: step {k} ({:?}) output[{pos}] moved by {delta} was accepted",
                        step.op_type
                    );
                }
            }
        }
    }
}

/// The steps of the tree lowering, found by what they are: the two relu steps of the branch
/// tests, the bit step right after them, and the reach steps (products `r·b`).
fn steps_of(c: &Compiled) -> (usize, Vec<usize>) {
    let steps = &c.graph.steps;
    let relus: Vec<usize> = (0..steps.len())
        .filter(|&k| matches!(steps[k].op, QOp::Lookup(Func::Relu)))
        .collect();
    let bits = relus[1] + 1;
    let products: Vec<usize> = (bits + 1..steps.len())
        .filter(|&k| {
            matches!(&steps[k].op, QOp::Dot(d) if matches!(&d.kind,
                zkonnx::quant::DotKind::Elementwise { parts, .. }
                if parts.len() == 1 && matches!(parts[0].b, zkonnx::quant::BSrc::Act { .. })))
        })
        .collect();
    (bits, products)
}

#[test]
fn a_flipped_branch_bit_fails_the_bit_gate() {
    let x = [0.203125f32, 0.5, 0.25, 0.0];
    let c = compile_at(&classifier(), &x, SCALE, RunArgs::default());
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let honest = pipeline::trace(&c, &inputs).unwrap();
    let (bits, _) = steps_of(&c);
    let out = c.graph.steps[bits].output;
    let mut changed = 0;
    for pos in 0..c.graph.len_of(out) {
        let b = honest.values[out][pos];
        assert!(b == 0 || b == 1, "bit {pos} = {b}");
        let forged = forge(&c, &honest, bits, pos, 1 - b);
        // (a bit on the path moves the outputs; one off it changes nothing, and still fails)
        changed += (forged.outputs(&c.graph) != honest.outputs(&c.graph)) as usize;
        let e = mock_failure(&c, &inputs, &forged).expect("a flipped bit was accepted");
        assert!(dot_output_rejected(&e), "bit {pos}: {e}");
    }
    assert!(changed >= 2, "flips on the path change the outputs");
}

#[test]
fn another_leaf_fails_the_reach_product() {
    let x = [-0.25f32, 0.09375, 0.40625, -0.5];
    let c = compile_at(&classifier(), &x, SCALE, RunArgs::default());
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let honest = pipeline::trace(&c, &inputs).unwrap();
    let (_, products) = steps_of(&c);
    assert!(!products.is_empty());
    // claim the other child of a reached branch: r_yes flipped (r_no follows honestly)
    let k = products[0];
    let out = c.graph.steps[k].output;
    let pos = 0;
    let v = honest.values[out][pos];
    let forged = forge(&c, &honest, k, pos, 1 - v);
    assert_ne!(forged.outputs(&c.graph), honest.outputs(&c.graph));
    let e = mock_failure(&c, &inputs, &forged).expect("another leaf was accepted");
    assert!(dot_output_rejected(&e), "{e}");
}

#[test]
fn another_argmax_index_fails_the_is_zero_gate() {
    let x = [0.203125f32, 0.5, 0.25, 0.0];
    let c = compile_at(&classifier(), &x, SCALE, RunArgs::default());
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let honest = pipeline::trace(&c, &inputs).unwrap();
    // the label's "equals the maximum" flags: claim class 2 (20 → 30) is the maximum
    let k = c
        .graph
        .steps
        .iter()
        .position(|s| matches!(s.op, QOp::IsZero))
        .unwrap();
    let out = c.graph.steps[k].output;
    assert_eq!(honest.values[out], [1, 0, 0]);
    let mut values = honest.values.clone();
    values[out] = vec![0, 0, 1];
    let forged = zkonnx::quant::run_from(&c.graph, values, k + 1, i64::MAX / 4, &[]).unwrap();
    assert_eq!(forged.outputs(&c.graph)[0], [30 << c.graph.act_scale]);
    let e = mock_failure(&c, &inputs, &forged).expect("another ArgMax index was accepted");
    assert!(e.contains("is_zero"), "{e}");
}

/// Bad attributes are typed errors naming the attribute.
#[test]
fn malformed_ensembles_are_named_errors() {
    let mut g = G::new();
    let outs = g.node_ml(
        "TreeEnsembleRegressor",
        &["input"],
        vec![
            ints_attr("nodes_treeids", &[0, 0]),
            ints_attr("nodes_nodeids", &[0, 1]),
            ints_attr("nodes_featureids", &[0, 0]),
            floats_attr("nodes_values", &[0.5, 0.0]),
            strs_attr("nodes_modes", &["BRANCH_LEQ", "LEAF"]),
            // node 0's false child does not exist
            ints_attr("nodes_truenodeids", &[1, 0]),
            ints_attr("nodes_falsenodeids", &[7, 0]),
            ints_attr("target_treeids", &[0]),
            ints_attr("target_nodeids", &[1]),
            ints_attr("target_ids", &[0]),
            floats_attr("target_weights", &[1.0]),
        ],
        1,
    );
    let bytes = g.build(&[1, 2], &outs[0], &[1, 1]);
    let Err(e) = zkonnx::onnx::parse(&bytes, 1) else {
        panic!("a missing child was accepted");
    };
    let e = e.to_string();
    assert!(e.contains("nodes_truenodeids") && e.contains("7"), "{e}");
}
