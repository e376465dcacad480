//! Function tables fitted in calibration: a coarser input scale (`table_shift`), a domain
//! measured on the calibration data, and both enforced: by the witness step (a typed error)
//! and by the circuit (the lookup fails).

mod common;

use common::*;
use zkonnx::pipeline;
use zkonnx::proof;
use zkonnx::settings::RunArgs;

/// Gemm → Sigmoid → Gemm (the shape of `examples/mlp`'s hidden layer).
fn sigmoid_mlp() -> Vec<u8> {
    let mut g = G::new();
    let (w1, b1) = (g.rc(&[8, 8], 11), g.rc(&[8], 12));
    let h = g.node("Gemm", &["input", &w1, &b1], vec![int_attr("transB", 1)]);
    let s = g.node("Sigmoid", &[&h], vec![]);
    let (w2, b2) = (g.rc(&[4, 8], 13), g.rc(&[4], 14));
    let y = g.node("Gemm", &[&s, &w2, &b2], vec![int_attr("transB", 1)]);
    g.build(&[1, 8], &y, &[1, 4])
}

#[test]
fn calibration_fits_tables_and_keeps_the_error() {
    let bytes = sigmoid_mlp();
    let x = values(5, 8, -1.0, 1.0);
    let c = compile_at(&bytes, &x, 12, RunArgs::default());
    let s = &c.settings;
    assert!(
        s.run_args.table_shift > 0,
        "a coarser table input pays here"
    );
    assert_eq!(s.table_domains.len(), 1);
    let (lo, hi) = s.table_domains[0];
    let h = s.run_args.range_half();
    assert!(
        (hi - lo) < h,
        "the table [{lo}, {hi}) is not fitted (H = {h})"
    );
    // the Gemm feeding the table rescales further itself: no rescale step was added
    assert_eq!(c.graph.steps.len(), 3, "{:?}", c.graph.steps.len());
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    let reference = tract_run(&bytes, &[1, 8], &x);
    for (g, r) in w.pretty_elements.rescaled_outputs[0].iter().zip(&reference) {
        let g: f64 = g.parse().unwrap();
        assert!((g - *r as f64).abs() < 2e-3, "{g} vs tract {r}");
    }
    pipeline::mock(&c, &w).unwrap();
}

/// The largest value a sample gives the model's Sigmoid (at the table's input scale).
fn top_sigmoid_input(c: &zkonnx::model::Compiled, x: &[f32]) -> i64 {
    let inputs = pipeline::quantize_input(c, &input_data(x)).unwrap();
    let tr = pipeline::trace(c, &inputs).unwrap();
    let sig = c
        .graph
        .steps
        .iter()
        .find(|s| matches!(s.op, zkonnx::quant::QOp::Lookup(_)))
        .unwrap();
    *tr.values[sig.inputs[0]].iter().max().unwrap()
}

#[test]
fn an_input_outside_the_fitted_domain_is_refused_by_name() {
    let bytes = sigmoid_mlp();
    let x = values(5, 8, -1.0, 1.0);
    let mut c = compile_at(&bytes, &x, 12, RunArgs::default());
    // a table that stops just below the largest Sigmoid input of this sample
    let top = top_sigmoid_input(&c, &x);
    c.settings.table_domains[0].1 = top;
    let lo = c.settings.table_domains[0].0;
    let e = pipeline::gen_witness(&c, &input_data(&x))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("Sigmoid")
            && e.contains(&format!("value {top} "))
            && e.contains(&format!("outside [{lo}, {top})")),
        "{e}"
    );
}

#[test]
fn the_circuit_enforces_the_domain() {
    let bytes = sigmoid_mlp();
    let x = values(5, 8, -1.0, 1.0);
    let c = compile_at(&bytes, &x, 12, RunArgs::default());
    let inputs = pipeline::quantize_input(&c, &input_data(&x)).unwrap();
    let tr = pipeline::trace(&c, &inputs).unwrap();
    let outs = tr.outputs(&c.graph);
    // the witness of the calibrated domain, in a circuit whose table stops just below the
    // largest Sigmoid input this sample has
    let top = top_sigmoid_input(&c, &x);
    let mut narrow = c.clone();
    narrow.settings.table_domains[0].1 = top;
    let inst = pipeline::instances_of(&narrow, &inputs, &outs, &salts(&narrow)).unwrap();
    let e = proof::mock(&narrow, &tr, &salts(&narrow), inst.clone())
        .unwrap_err()
        .to_string();
    assert!(e.contains("Lookup") && e.contains("function 0"), "{e}");
    // and the honest circuit accepts the same witness
    proof::mock(&c, &tr, &salts(&c), inst).unwrap();
}

#[test]
fn doctored_table_settings_are_refused() {
    let bytes = sigmoid_mlp();
    let x = values(5, 8, -1.0, 1.0);
    let c = compile_at(&bytes, &x, 12, RunArgs::default());
    let h = c.settings.run_args.range_half();
    for (doms, what) in [
        (vec![(0, 0)], "empty"),
        (vec![(-h - 1, 0)], "outside"),
        (vec![(-4, 4), (-4, 4)], "2 domains for 1 tables"),
    ] {
        let mut s = c.settings.clone();
        s.table_domains = doms;
        let e = zkonnx::settings::Settings::from_json(&s.to_json())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("table_domains") && e.contains(what),
            "{what}: {e}"
        );
    }
    // a compiled file whose graph reads tables at another scale than its settings say
    let mut m = c.clone();
    m.graph.table_shift += 1;
    let e = zkonnx::model::Compiled::from_bytes(&m.to_bytes())
        .unwrap_err()
        .to_string();
    assert!(e.contains("table shift"), "{e}");
}

/// A coarser table input can round a small positive value to 0, where Log has its pole:
/// calibration drops that candidate (a typed error kept aside), never panics, and picks one
/// that works.
#[test]
fn a_pole_at_a_coarse_table_scale_is_skipped() {
    let mut g = G::new();
    let y = g.node("Log", &["input"], vec![]);
    let bytes = g.build(&[1, 4], &y, &[1, 4]);
    let x = [0.02f32, 0.3, 0.9, 0.05];
    let c = compile_at(&bytes, &x, 8, RunArgs::default());
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    for (g, r) in w.pretty_elements.rescaled_outputs[0].iter().zip(&x) {
        let g: f64 = g.parse().unwrap();
        assert!((g - (*r as f64).ln()).abs() < 0.05, "{g} vs ln {r}");
    }
}

/// A step function (here Floor) keeps its table at the activation scale: a coarser input would
/// move its steps.
#[test]
fn step_functions_keep_the_activation_scale() {
    let mut g = G::new();
    let y = g.node("Floor", &["input"], vec![]);
    let bytes = g.build(&[1, 4], &y, &[1, 4]);
    let x = [0.999f32, -1.001, 2.5, 3.0];
    let c = compile_at(&bytes, &x, 12, RunArgs::default());
    assert_eq!(c.settings.run_args.table_shift, 0);
    let w = pipeline::gen_witness(&c, &input_data(&x)).unwrap();
    assert_eq!(w.pretty_elements.rescaled_outputs[0], ["0", "-2", "2", "3"]);
}
