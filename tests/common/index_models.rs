//! Op models of the index-tuple ops (GatherND, ScatterND, ScatterElements), with constant and
//! with computed indices; listed in `with_op_models!` (`op_models.rs`).

use super::op_models::OpModel;
use super::*;
use tract_onnx::pb;

/// ConstantOfShape's `value`: a float 0 (tract's default would be a double).
fn zero_value() -> pb::AttributeProto {
    pb::AttributeProto {
        name: "value".into(),
        t: Some(tensor("value", &[1], &[0.0])),
        r#type: pb::attribute_proto::AttributeType::Tensor as i32,
        ..Default::default()
    }
}

fn model(bytes: Vec<u8>, shape: &[usize]) -> OpModel {
    OpModel {
        bytes,
        shape: shape.to_vec(),
    }
}

/// GatherND with constant indices from an activation: tuples of two, and one component with
/// `batch_dims` 1 (tract refuses negative GatherND / ScatterND indices: `tests/ops.rs` checks
/// them against onnxruntime's values)
pub fn op_gather_nd_const() -> OpModel {
    let mut g = G::new();
    let i1 = g.cis(&[2, 2], &[1, 0, 0, 2]);
    let a = g.node("GatherND", &["input", &i1], vec![]);
    let i2 = g.cis(&[2, 1], &[2, 0]);
    let b = g.node("GatherND", &["input", &i2], vec![int_attr("batch_dims", 1)]);
    let y = g.node("Add", &[&a, &b], vec![]);
    model(g.build(&[2, 3, 4], &y, &[2, 4]), &[2, 3, 4])
}

/// GatherND by computed tuples (a constant, ArgMax, ArgMin) from a constant table, and from
/// the input with `batch_dims` 1
pub fn op_gather_nd_computed() -> OpModel {
    let mut g = G::new();
    let keep = vec![int_attr("axis", 1), int_attr("keepdims", 1)];
    let k = g.node("ArgMax", &["input"], keep.clone());
    let k2 = g.node("ArgMin", &["input"], keep);
    // a constant first component (Concat of a constant and activations: a zero cell and one
    // materialised 1)
    let first = g.cis(&[2, 1], &[1, 0]);
    let tuples = g.node("Concat", &[&first, &k, &k2], vec![int_attr("axis", 1)]);
    let t = g.rc(&[2, 4, 4, 3], 80);
    let a = g.node("GatherND", &[&t, &tuples], vec![]);
    let b = g.node("GatherND", &["input", &k2], vec![int_attr("batch_dims", 1)]);
    let shape = g.ci(&[2, 1]);
    let b = g.node("Reshape", &[&b, &shape], vec![]);
    let y = g.node("Add", &[&a, &b], vec![]);
    model(g.build(&[2, 4], &y, &[2, 3]), &[2, 4])
}

/// ScatterND with constant indices: into the input, into zeros (ConstantOfShape) and into a
/// constant, the updates activations
pub fn op_scatter_nd_const() -> OpModel {
    let mut g = G::new();
    let (st, en, ax) = (g.ci(&[1]), g.ci(&[3]), g.ci(&[0]));
    let u = g.node("Slice", &["input", &st, &en, &ax], vec![]);
    let nu = g.node("Neg", &[&u], vec![]);
    let i1 = g.cis(&[2, 1], &[3, 0]);
    let a = g.node("ScatterND", &["input", &i1, &u], vec![]);
    let shape = g.ci(&[4, 3]);
    let zeros = g.node("ConstantOfShape", &[&shape], vec![zero_value()]);
    let b = g.node("ScatterND", &[&zeros, &i1, &nu], vec![]);
    let t = g.rc(&[4, 3], 81);
    let i2 = g.cis(&[2, 1], &[1, 2]);
    let c = g.node("ScatterND", &[&t, &i2, &u], vec![]);
    let ab = g.node("Add", &[&a, &b], vec![]);
    let y = g.node("Add", &[&ab, &c], vec![]);
    model(g.build(&[4, 3], &y, &[4, 3]), &[4, 3])
}

/// ScatterND by computed indices (row i's ArgMax + 3i: distinct) into a constant table, and
/// (the same indices reversed) into an activation
pub fn op_scatter_nd_computed() -> OpModel {
    let mut g = G::new();
    let keep = vec![int_attr("axis", 1), int_attr("keepdims", 1)];
    let k = g.node("ArgMax", &["input"], keep);
    let off = g.cis(&[2, 1], &[0, 3]);
    let idx = g.node("Add", &[&k, &off], vec![]);
    let t = g.rc(&[6, 3], 82);
    let a = g.node("ScatterND", &[&t, &idx, "input"], vec![]);
    let five = g.ci(&[5]);
    let rev = g.node("Sub", &[&five, &idx], vec![]);
    let data = g.node(
        "Concat",
        &["input", "input", "input"],
        vec![int_attr("axis", 0)],
    );
    let nx = g.node("Neg", &["input"], vec![]);
    let b = g.node("ScatterND", &[&data, &rev, &nx], vec![]);
    let y = g.node("Add", &[&a, &b], vec![]);
    model(g.build(&[2, 3], &y, &[6, 3]), &[2, 3])
}

/// ScatterElements with constant indices: into the input, and into zeros along lines the
/// indices cover only in part
pub fn op_scatter_elements_const() -> OpModel {
    let mut g = G::new();
    let (st, en, ax) = (g.ci(&[0]), g.ci(&[2]), g.ci(&[1]));
    let u = g.node("Slice", &["input", &st, &en, &ax], vec![]);
    let nu = g.node("Neg", &[&u], vec![]);
    let i1 = g.cis(&[2, 2], &[1, -1, 0, 2]);
    let a = g.node(
        "ScatterElements",
        &["input", &i1, &nu],
        vec![int_attr("axis", 1)],
    );
    let shape = g.ci(&[2, 4]);
    let zeros = g.node("ConstantOfShape", &[&shape], vec![zero_value()]);
    let en1 = g.ci(&[1]);
    let u1 = g.node("Slice", &["input", &st, &en1, &ax], vec![]);
    let i2 = g.cis(&[2, 1], &[3, 0]);
    let b = g.node(
        "ScatterElements",
        &[&zeros, &i2, &u1],
        vec![int_attr("axis", 1)],
    );
    let y = g.node("Add", &[&a, &b], vec![]);
    model(g.build(&[2, 4], &y, &[2, 4]), &[2, 4])
}

/// ScatterElements by computed indices (ArgMax, ArgMin − 4) into the input, and (one index,
/// row 1 untouched) into a constant
pub fn op_scatter_elements_computed() -> OpModel {
    let mut g = G::new();
    let keep = vec![int_attr("axis", 1), int_attr("keepdims", 1)];
    let k = g.node("ArgMax", &["input"], keep.clone());
    let k2 = g.node("ArgMin", &["input"], keep);
    let four = g.ci(&[4]);
    let neg = g.node("Sub", &[&k2, &four], vec![]);
    let idx = g.node("Concat", &[&k, &neg], vec![int_attr("axis", 1)]);
    let (st, en, ax) = (g.ci(&[0]), g.ci(&[2]), g.ci(&[1]));
    let u = g.node("Slice", &["input", &st, &en, &ax], vec![]);
    let nu = g.node("Neg", &[&u], vec![]);
    let a = g.node(
        "ScatterElements",
        &["input", &idx, &nu],
        vec![int_attr("axis", 1)],
    );
    let (z, one) = (g.ci(&[0]), g.ci(&[1]));
    let k0 = g.node("Slice", &[&k, &z, &one, &z], vec![]);
    let u0 = g.node("Slice", &[&u, &z, &one, &z], vec![]);
    let u0 = g.node("Slice", &[&u0, &z, &one, &one], vec![]);
    let t = g.rc(&[2, 4], 83);
    let b = g.node(
        "ScatterElements",
        &[&t, &k0, &u0],
        vec![int_attr("axis", 1)],
    );
    let y = g.node("Add", &[&a, &b], vec![]);
    model(g.build(&[2, 4], &y, &[2, 4]), &[2, 4])
}
