//! ONNX-ML beyond trees and linear models, built by hand (the exporters' models are tested
//! against onnxruntime in tests/py/ml_breadth.py): SVMClassifier (every kernel, votes,
//! probabilities), SVMRegressor (one-class), LabelEncoder, Binarizer, Imputer, OneHotEncoder,
//! ZipMap, a two-class ensemble scoring both classes. Each: the proven outputs are the float
//! semantics' (labels exact), and every step's output moved by one quantum fails `mock`.

mod common;

use common::*;
use tract_onnx::pb::tensor_proto::DataType;
use zkonnx::model::Compiled;
use zkonnx::pipeline;
use zkonnx::quant::QOp;
use zkonnx::settings::RunArgs;

const SCALE: u32 = 10;

/// Three classes (labels 5, 6, 7), two support vectors each, 2 features.
fn svc(kernel: &str, proba: bool) -> Vec<u8> {
    let mut g = G::new();
    let mut attrs = vec![
        str_attr("kernel_type", kernel),
        floats_attr("kernel_params", &[0.5, 0.25, 2.0]),
        ints_attr("vectors_per_class", &[2, 2, 2]),
        floats_attr(
            "support_vectors",
            &[
                0.5, -0.25, 1.0, 0.5, -0.75, 0.25, -0.5, -1.0, 0.25, 1.25, -1.0, 0.75,
            ],
        ),
        floats_attr(
            "coefficients",
            &[
                0.8, -0.4, 0.6, -0.9, 1.0, -0.3, 0.7, 0.2, -0.5, 0.9, -0.6, 0.4,
            ],
        ),
        floats_attr("rho", &[0.1, -0.2, 0.05]),
        ints_attr("classlabels_ints", &[5, 6, 7]),
    ];
    if proba {
        attrs.push(floats_attr("prob_a", &[-2.0, -1.5, -3.0]));
        attrs.push(floats_attr("prob_b", &[0.1, -0.2, 0.3]));
    }
    let outs = g.node_ml("SVMClassifier", &["input"], attrs, 2);
    // (three classes: 3 probabilities, or the 3 pairs' decision values)
    g.build_outputs(
        DataType::Float,
        &[1, 2],
        &[(&outs[0], &[1]), (&outs[1], &[1, 3])],
    )
}

/// Two classes (labels 0, 1), RBF, with or without probabilities.
fn svc2(proba: bool) -> Vec<u8> {
    let mut g = G::new();
    let mut attrs = vec![
        str_attr("kernel_type", "RBF"),
        floats_attr("kernel_params", &[0.7, 0.0, 3.0]),
        ints_attr("vectors_per_class", &[2, 1]),
        floats_attr("support_vectors", &[0.5, -0.25, 1.0, 0.5, -0.75, 0.25]),
        floats_attr("coefficients", &[0.8, -0.4, -0.4]),
        floats_attr("rho", &[0.1]),
        ints_attr("classlabels_ints", &[0, 1]),
    ];
    if proba {
        attrs.push(floats_attr("prob_a", &[-2.0]));
        attrs.push(floats_attr("prob_b", &[0.1]));
    }
    let outs = g.node_ml("SVMClassifier", &["input"], attrs, 2);
    g.build_outputs(
        DataType::Float,
        &[1, 2],
        &[(&outs[0], &[1]), (&outs[1], &[1, 2])],
    )
}

fn svr(one_class: bool) -> Vec<u8> {
    let mut g = G::new();
    let outs = g.node_ml(
        "SVMRegressor",
        &["input"],
        vec![
            str_attr("kernel_type", "POLY"),
            floats_attr("kernel_params", &[0.5, 0.25, 3.0]),
            int_attr("n_supports", 3),
            floats_attr("support_vectors", &[0.5, -0.25, 1.0, 0.5, -0.75, 0.25]),
            floats_attr("coefficients", &[0.8, -0.4, 0.6]),
            floats_attr("rho", &[-0.1]),
            int_attr("one_class", one_class as i64),
        ],
        1,
    );
    g.build(&[1, 2], &outs[0], &[1, 1])
}

/// LabelEncoder of Binarizer, Imputer and OneHotEncoder outputs, side by side.
fn encoders() -> Vec<u8> {
    let mut g = G::new();
    let b = g.node_ml(
        "Binarizer",
        &["input"],
        vec![float_attr("threshold", 0.3)],
        1,
    );
    let i = g.node_ml(
        "Imputer",
        &["input"],
        vec![
            floats_attr("imputed_value_floats", &[9.0, 8.0, 7.0]),
            float_attr("replaced_value_float", 0.5),
        ],
        1,
    );
    let l = g.node_ml(
        "LabelEncoder",
        &["input"],
        vec![
            floats_attr("keys_floats", &[1.0, 2.0, 0.5, 0.1]),
            floats_attr("values_floats", &[10.0, 20.0, 5.0, 1.0]),
            float_attr("default_float", -1.0),
        ],
        1,
    );
    let o = g.node_ml(
        "OneHotEncoder",
        &["input"],
        vec![ints_attr("cats_int64s", &[0, 1, 2]), int_attr("zeros", 1)],
        1,
    );
    let shape = g.ci(&[1, 9]);
    let of = g.node("Reshape", &[&o[0], &shape], vec![]);
    let v = g.node_ml(
        "FeatureVectorizer",
        &[&b[0], &i[0], &l[0], &of],
        vec![ints_attr("inputdimensions", &[3, 3, 3, 9])],
        1,
    );
    g.build(&[1, 3], &v[0], &[1, 18])
}

/// Two classes both scored (CatBoost's form), LOGISTIC, then ZipMap.
fn both_zipmap() -> Vec<u8> {
    let mut g = G::new();
    let outs = g.node_ml(
        "TreeEnsembleClassifier",
        &["input"],
        vec![
            ints_attr("nodes_treeids", &[0, 0, 0]),
            ints_attr("nodes_nodeids", &[0, 1, 2]),
            ints_attr("nodes_featureids", &[0, 0, 0]),
            floats_attr("nodes_values", &[0.0, 0.0, 0.0]),
            strs_attr("nodes_modes", &["BRANCH_GT", "LEAF", "LEAF"]),
            ints_attr("nodes_truenodeids", &[1, 0, 0]),
            ints_attr("nodes_falsenodeids", &[2, 0, 0]),
            ints_attr("class_treeids", &[0, 0, 0, 0]),
            ints_attr("class_nodeids", &[1, 1, 2, 2]),
            ints_attr("class_ids", &[0, 1, 0, 1]),
            floats_attr("class_weights", &[0.3, -0.3, -0.7, 0.7]),
            ints_attr("classlabels_int64s", &[10, 20]),
            str_attr("post_transform", "LOGISTIC"),
        ],
        2,
    );
    let z = g.node_ml(
        "ZipMap",
        &[&outs[1]],
        vec![ints_attr("classlabels_int64s", &[10, 20])],
        1,
    );
    g.build_outputs(
        DataType::Float,
        &[1, 1],
        &[(&outs[0], &[1]), (&z[0], &[1, 2])],
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

/// The float semantics (the ops' `eval`) of a model at `x`.
fn float_outputs(bytes: &[u8], x: &[f32]) -> Vec<Vec<f64>> {
    let g = zkonnx::onnx::parse(bytes, 1).unwrap();
    g.eval(&[x.iter().map(|&v| v as f64).collect()]).unwrap()
}

/// Proven outputs within `tol` of the float ones, the first `labels` outputs exactly.
fn agrees(name: &str, bytes: &[u8], x: &[f32], labels: usize, tol: f64) -> Compiled {
    let c = compile_at(bytes, x, SCALE, RunArgs::default());
    let got = outputs(&c, x);
    let want = float_outputs(bytes, x);
    assert_eq!(got.len(), want.len(), "{name}");
    for (k, (g, w)) in got.iter().zip(&want).enumerate() {
        assert_eq!(g.len(), w.len(), "{name}: output {k}");
        for (a, b) in g.iter().zip(w) {
            let t = if k < labels { 0.0 } else { tol };
            assert!(
                (a - b).abs() <= t,
                "{name}: output {k}: got {g:?}, want {w:?}"
            );
        }
    }
    c
}

fn every_moved_step_fails(name: &str, c: &Compiled, x: &[f32]) {
    let inputs = pipeline::quantize_input(c, &input_data(x)).unwrap();
    let honest = pipeline::trace(c, &inputs).unwrap();
    assert!(mock_failure(c, &inputs, &honest).is_none());
    for (k, step) in c.graph.steps.iter().enumerate() {
        if matches!(step.op, QOp::Gather(_)) && !c.graph.outputs.contains(&step.output) {
            continue;
        }
        let len = c.graph.len_of(step.output);
        for pos in [0, len - 1] {
            let mut tr = honest.clone();
            tr.values[step.output][pos] += 1;
            assert!(
                mock_failure(c, &inputs, &tr).is_some(),
                "{name}: step {k} ({:?}) output[{pos}] moved by 1 was accepted",
                step.op
            );
        }
    }
}

#[test]
fn svm_classifiers_are_their_float_semantics() {
    let x = [0.375f32, -0.625];
    for kernel in ["LINEAR", "POLY", "RBF", "SIGMOID"] {
        for proba in [false, true] {
            let name = format!("svc {kernel} proba={proba}");
            let c = agrees(&name, &svc(kernel, proba), &x, 1, 0.01);
            if kernel == "RBF" {
                every_moved_step_fails(&name, &c, &x);
            }
        }
    }
    for proba in [false, true] {
        let c = agrees("svc2", &svc2(proba), &x, 1, 0.01);
        every_moved_step_fails("svc2", &c, &x);
    }
}

#[test]
fn svm_regressors_are_their_float_semantics() {
    let x = [0.375f32, -0.625];
    let c = agrees("svr", &svr(false), &x, 0, 0.01);
    every_moved_step_fails("svr", &c, &x);
    let c = agrees("one-class", &svr(true), &x, 1, 0.0);
    every_moved_step_fails("one-class", &c, &x);
}

#[test]
fn encoders_are_their_float_semantics() {
    for x in [[0.5f32, 2.0, 0.25], [0.3125, 1.0, -0.5]] {
        let c = agrees("encoders", &encoders(), &x, 1, 0.0);
        every_moved_step_fails("encoders", &c, &x);
    }
}

#[test]
fn two_scored_classes_and_zipmap() {
    for x in [[0.5f32], [-0.5]] {
        let c = agrees("both + zipmap", &both_zipmap(), &x, 1, 0.01);
        every_moved_step_fails("both + zipmap", &c, &x);
    }
    let o = float_outputs(&both_zipmap(), &[0.5]);
    // onnxruntime: the label is [s_1 > 0] (1), not the class label (20)
    assert_eq!(o[0], [0.0]);
}

/// The coupled probabilities: another value of a minor (the Laplace rows) fails its row.
#[test]
fn a_forged_minor_fails_its_dot_row() {
    let x = [0.375f32, -0.625];
    let c = compile_at(&svc("RBF", true), &x, SCALE, RunArgs::default());
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let honest = pipeline::trace(&c, &inputs).unwrap();
    // the last division step's denominator is Σ of the cofactor sums: forge the step before
    let k = c
        .graph
        .steps
        .iter()
        .rposition(|s| matches!(s.op, QOp::Div { .. }))
        .unwrap();
    let forged = forge(
        &c,
        &honest,
        k - 2,
        0,
        honest.values[c.graph.steps[k - 2].output][0] + 3,
    );
    assert_ne!(forged.outputs(&c.graph), honest.outputs(&c.graph));
    let e = mock_failure(&c, &inputs, &forged).expect("a forged cofactor sum was accepted");
    assert!(e.contains("Lookup digit"), "{e}");
}
