//! Bad input never panics: each case returns a typed error whose message names the problem, and
//! the CLI prints it as one line and exits non-zero.

mod common;

use std::process::Command;

use common::*;
use zkonnx::error::Error;
use zkonnx::formats::InputData;
use zkonnx::pipeline;
use zkonnx::settings::{RunArgs, Visibility};

fn model() -> (Vec<u8>, zkonnx::model::Compiled) {
    let bytes = mlp(3);
    let c = compile_at(&bytes, &values(4, 8, -1.0, 1.0), 7, RunArgs::default());
    (bytes, c)
}

fn msg(e: impl std::fmt::Display) -> String {
    e.to_string()
}

#[test]
fn malformed_onnx() {
    for bytes in [&b"not an onnx file"[..], &[][..], &[0xff; 64][..]] {
        let e = pipeline::gen_settings(bytes, RunArgs::default()).unwrap_err();
        assert!(matches!(e, Error::Onnx(_)), "{e:?}");
        assert!(msg(&e).contains("ONNX"), "{e}");
    }
    // a valid model cut short
    let b = mlp(3);
    let e = pipeline::gen_settings(&b[..b.len() / 2], RunArgs::default()).unwrap_err();
    assert!(matches!(e, Error::Onnx(_)), "{e:?}");
}

#[test]
fn unsupported_op_names_op_and_node() {
    let mut g = G::new();
    let w = g.rc(&[8, 4], 1);
    let h = g.node("MatMul", &["input", &w], vec![]);
    let y = g.node("Hardmax", &[&h], vec![int_attr("axis", 1)]);
    let bytes = g.build(&[1, 8], &y, &[1, 4]);
    let e = pipeline::gen_settings(&bytes, RunArgs::default()).unwrap_err();
    let m = msg(&e);
    assert!(m.contains("Hardmax") && m.contains("Hardmax_3"), "{m}");
}

/// What a recurrent layer cannot be is refused by name: clipping, peepholes, a state that is an
/// activation, partial sequence lengths.
#[test]
fn unsupported_recurrent_features_are_named() {
    let lstm = |extra: Vec<tract_onnx::pb::AttributeProto>, inputs: &[&str], g: &mut G| {
        let (w, r) = (g.rc(&[1, 8, 2], 1), g.rc(&[1, 8, 2], 2));
        let mut ins = vec!["input".to_string(), w, r];
        ins.extend(inputs.iter().map(|s| s.to_string()));
        let ins: Vec<&str> = ins.iter().map(|s| s.as_str()).collect();
        let mut attrs = vec![int_attr("hidden_size", 2)];
        attrs.extend(extra);
        g.node_multi("LSTM", &ins, attrs, &[true])
    };
    let mut g = G::new();
    let y = lstm(vec![float_attr("clip", 1.0)], &[], &mut g);
    let e = msg(pipeline::gen_settings(
        &g.build(&[3, 1, 2], &y[0], &[3, 1, 1, 2]),
        RunArgs::default(),
    )
    .unwrap_err());
    assert!(e.contains("LSTM") && e.contains("clip"), "{e}");
    let mut g = G::new();
    let p = g.rc(&[1, 6], 3);
    let y = lstm(vec![], &["", "", "", "", &p], &mut g);
    let e = msg(pipeline::gen_settings(
        &g.build(&[3, 1, 2], &y[0], &[3, 1, 1, 2]),
        RunArgs::default(),
    )
    .unwrap_err());
    assert!(e.contains("peephole"), "{e}");
    let mut g = G::new();
    let lens = g.c(&[1], &[2.0]);
    let y = lstm(vec![], &["", &lens], &mut g);
    let e = msg(pipeline::gen_settings(
        &g.build(&[3, 1, 2], &y[0], &[3, 1, 1, 2]),
        RunArgs::default(),
    )
    .unwrap_err());
    assert!(e.contains("sequence_lens"), "{e}");
}

#[test]
fn wrong_input_length_and_count() {
    let (_, c) = model();
    let e = pipeline::gen_witness(&c, &input_data(&values(1, 7, -1.0, 1.0))).unwrap_err();
    assert!(matches!(e, Error::Graph(_)), "{e:?}");
    assert!(
        msg(&e).contains("7 values") && msg(&e).contains("expects 8"),
        "{e}"
    );
    let two = InputData {
        input_data: vec![vec![0.0; 8], vec![0.0; 8]],
    };
    let e = pipeline::gen_witness(&c, &two).unwrap_err();
    assert!(msg(&e).contains("expected 1 input tensor(s), got 2"), "{e}");
}

#[test]
fn nan_inf_and_out_of_range_inputs() {
    let (_, c) = model();
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut x = vec![0.1; 8];
        x[5] = bad;
        let e = pipeline::gen_witness(
            &c,
            &InputData {
                input_data: vec![x],
            },
        )
        .unwrap_err();
        assert!(matches!(e, Error::Quant(_) | Error::Graph(_)), "{e:?}");
        assert!(msg(&e).contains("position 5"), "{e}");
    }
    // "NaN" as a string in input.json parses, then fails on quantization
    let d = InputData::from_json(br#"{"input_data": [[0.1, "NaN", 0, 0, 0, 0, 0, 0]]}"#).unwrap();
    assert!(pipeline::gen_witness(&c, &d).is_err());
    let e = InputData::from_json(br#"{"input_data": [[0.1, null]]}"#).unwrap_err();
    assert!(msg(&e).contains("input_data[0][1]"), "{e}");
    // a value far outside the quantized range: an error, never clamped or wrapped
    let mut x = vec![0.1; 8];
    x[2] = 1e12;
    let e = pipeline::gen_witness(
        &c,
        &InputData {
            input_data: vec![x],
        },
    )
    .unwrap_err();
    assert!(msg(&e).contains("position 2"), "{e}");
    // large enough to overflow an intermediate but not the input
    let half =
        c.settings.run_args.range_half() as f64 / (1u64 << c.settings.run_args.input_scale) as f64;
    let x = vec![half * 0.9; 8];
    let e = pipeline::gen_witness(
        &c,
        &InputData {
            input_data: vec![x],
        },
    )
    .unwrap_err();
    assert!(msg(&e).contains("range"), "{e}");
}

#[test]
fn truncated_keys_proof_and_srs() {
    let (_, c) = model();
    let k = c.settings.run_args.logrows;
    let srs = pipeline::gen_srs(k, 1);
    let keys = pipeline::setup(&c, &srs).unwrap();
    let w = pipeline::gen_witness(&c, &input_data(&values(4, 8, -1.0, 1.0))).unwrap();
    let p = pipeline::prove(&c, &w, &keys.pk, &srs).unwrap();
    assert!(pipeline::verify(&p, &c.settings, &keys.vk, &srs).unwrap());

    for cut in [0, 1, 7, keys.vk.len() / 2, keys.vk.len() - 1] {
        let e = pipeline::verify(&p, &c.settings, &keys.vk[..cut], &srs).unwrap_err();
        assert!(matches!(e, Error::Keys(_)), "vk cut at {cut}: {e:?}");
        assert!(msg(&e).contains("verifying key"), "{e}");
    }
    let mut long = keys.vk.clone();
    long.push(0);
    assert!(matches!(
        pipeline::verify(&p, &c.settings, &long, &srs),
        Err(Error::Keys(_))
    ));
    for cut in [0, 9, keys.pk.len() / 3, keys.pk.len() - 1] {
        let e = pipeline::prove(&c, &w, &keys.pk[..cut], &srs).unwrap_err();
        assert!(matches!(e, Error::Keys(_)), "pk cut at {cut}: {e:?}");
        assert!(msg(&e).contains("proving key"), "{e}");
    }
    for cut in [0, 3, 4, 100, srs.len() - 1] {
        let e = pipeline::setup(&c, &srs[..cut]).unwrap_err();
        assert!(matches!(e, Error::Srs(_)), "srs cut at {cut}: {e:?}");
        let e = pipeline::verify(&p, &c.settings, &keys.vk, &srs[..cut]).unwrap_err();
        assert!(matches!(e, Error::Srs(_)), "srs cut at {cut}: {e:?}");
    }
    // an SRS too small for the circuit
    let e = pipeline::setup(&c, &pipeline::gen_srs(k - 1, 1)).unwrap_err();
    assert!(msg(&e).contains(&format!("needs k = {k}")), "{e}");

    let bytes = p.bytes().unwrap();
    for cut in [0, 31, 32, bytes.len() / 2, bytes.len() - 1] {
        let mut q = p.clone();
        q.hex_proof = zkonnx::formats::to_hex_bytes(&bytes[..cut]);
        let e = pipeline::verify(&q, &c.settings, &keys.vk, &srs).unwrap_err();
        assert!(matches!(e, Error::Proof(_)), "proof cut at {cut}: {e:?}");
        assert!(msg(&e).contains("ends early"), "{e}");
    }
    let mut q = p.clone();
    q.hex_proof.push_str("00");
    let e = pipeline::verify(&q, &c.settings, &keys.vk, &srs).unwrap_err();
    assert!(msg(&e).contains("after the end"), "{e}");
    // not hex, wrong instance count
    let mut q = p.clone();
    q.hex_proof = "0xzz".into();
    assert!(matches!(
        pipeline::verify(&q, &c.settings, &keys.vk, &srs),
        Err(Error::Format(_))
    ));
    let mut q = p.clone();
    q.instances[0].pop();
    assert!(pipeline::verify(&q, &c.settings, &keys.vk, &srs).is_err());
}

/// The CLI: one line on stderr starting `error:`, exit code non-zero.
#[test]
fn cli_prints_one_line_and_fails() {
    let dir = std::env::temp_dir().join(format!("zkonnx-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.onnx"), b"garbage").unwrap();
    let bin = env!("CARGO_BIN_EXE_zkonnx");
    let cases: Vec<Vec<&str>> = vec![
        vec!["gen-settings", "-M", "bad.onnx", "-O", "settings.json"],
        vec!["gen-settings", "-M", "missing.onnx", "-O", "settings.json"],
        vec![
            "verify",
            "--proof-path",
            "missing.json",
            "--settings-path",
            "s.json",
            "--vk-path",
            "vk.key",
            "--srs-path",
            "kzg.srs",
        ],
    ];
    for args in cases {
        let out = Command::new(bin)
            .args(&args)
            .current_dir(&dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A hand-edited compiled circuit whose steps read a tensor before it is made, make one twice,
/// or whose scale disagrees with its settings: a typed error on load, never a panic later.
#[test]
fn doctored_step_order_in_compiled_file() {
    let (_, c) = model();
    let load = |c: &zkonnx::model::Compiled| zkonnx::model::Compiled::from_bytes(&c.to_bytes());
    load(&c).unwrap();
    let mut bad = c.clone();
    let last = bad.graph.steps.len() - 1;
    bad.graph.steps[0].inputs[0] = bad.graph.steps[last].output;
    let e = load(&bad).unwrap_err();
    assert!(msg(&e).contains("before any step makes it"), "{e}");
    let mut bad = c.clone();
    bad.graph.steps[1].output = bad.graph.steps[0].output;
    let e = load(&bad).unwrap_err();
    assert!(msg(&e).contains("made twice"), "{e}");
    let mut bad = c.clone();
    bad.graph.act_scale = 70;
    let e = load(&bad).unwrap_err();
    assert!(msg(&e).contains("activation scale"), "{e}");
}

/// A computed Gather index outside the axis: the witness is refused with the node named (the
/// circuit's check that every index names a position is the division gadget's `divisor ≥ 1`).
#[test]
fn gather_index_out_of_range_names_the_node() {
    use tract_onnx::pb::tensor_proto::DataType;
    let mut g = G::new();
    let t = g.rc(&[4, 3], 5);
    let y = g.node("Gather", &[&t, "input"], vec![int_attr("axis", 0)]);
    let bytes = g.build_typed(DataType::Int64, &[2], &y, &[2, 3]);
    let c = compile_at(&bytes, &[1.0, -1.0], 7, RunArgs::default());
    let ok = pipeline::gen_witness(&c, &input_data(&[1.0, -1.0])).unwrap();
    pipeline::mock(&c, &ok).unwrap();
    for bad in [4.0, -5.0] {
        let e = pipeline::gen_witness(&c, &input_data(&[1.0, bad])).unwrap_err();
        assert!(
            msg(&e).contains("Gather_") && msg(&e).contains("out of range"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn settings_of_another_model_or_edited_name_the_field() {
    // compile plans every sizing field again from the model: it takes none from the file
    let bytes = mlp(5);
    let s = pipeline::gen_settings(&bytes, RunArgs::default()).unwrap();
    pipeline::compile_circuit(&bytes, &s).unwrap();
    let mut rows = s.clone();
    rows.num_rows += 1;
    let e = msg(pipeline::compile_circuit(&bytes, &rows).unwrap_err());
    assert!(
        e.contains("num_rows") && e.contains("for this model"),
        "{e}"
    );
    // hashed params: the commitment's rows are part of the settings
    let mut commit = pipeline::gen_settings(&bytes, with_params(Visibility::Hashed)).unwrap();
    assert!(commit.commit_rows > 0);
    commit.commit_rows = 0;
    let e = msg(pipeline::compile_circuit(&bytes, &commit).unwrap_err());
    assert!(e.contains("commit_rows"), "{e}");
    // settings of another model
    let other = pipeline::gen_settings(&op_gemm().bytes, RunArgs::default()).unwrap();
    let e = msg(pipeline::compile_circuit(&bytes, &other).unwrap_err());
    assert!(e.contains("made for another model"), "{e}");
}
