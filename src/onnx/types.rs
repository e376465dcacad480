//! Which values hold whole numbers by their ONNX element type (integer and bool tensors).
//!
//! zkonnx computes on one number type, so the importer keeps only this fact per value: it
//! decides ops whose semantics depend on it (an integer `Div` truncates). The rule is
//! conservative: a value is integer only when ONNX's type rules say so for certain (an integer
//! or bool graph input, initializer or `Constant`, a `Cast` to such a type, an op that always
//! yields indices or booleans, or a type-preserving op over integer inputs); anything else is
//! float, the semantics zkonnx applied before it knew types.

use tract_onnx::pb::{self, tensor_proto::DataType};

/// Whether an ONNX element type (`TensorProto.DataType`) holds whole numbers.
pub fn is_integer(data_type: i32) -> bool {
    matches!(
        DataType::try_from(data_type),
        Ok(DataType::Bool
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Uint8
            | DataType::Uint16
            | DataType::Uint32
            | DataType::Uint64)
    )
}

fn attr<'a>(n: &'a pb::NodeProto, name: &str) -> Option<&'a pb::AttributeProto> {
    n.attribute.iter().find(|a| a.name == name)
}

/// Whether a `Constant` node's value is integer-typed.
pub fn constant(n: &pb::NodeProto) -> bool {
    if let Some(t) = attr(n, "value").and_then(|a| a.t.as_ref()) {
        return is_integer(t.data_type);
    }
    attr(n, "value_int").is_some() || attr(n, "value_ints").is_some()
}

/// Whether node `n`'s (first) output is integer-typed, given which of its inputs are
/// (`ins[i]`; an omitted optional input counts as float).
pub fn output(n: &pb::NodeProto, ins: &[bool]) -> bool {
    let all = |idx: &[usize]| idx.iter().all(|&i| ins.get(i).copied().unwrap_or(false));
    if n.domain == "ai.onnx.ml" {
        return match n.op_type.as_str() {
            // the classes (input 0) indexed by an integer
            "ArrayFeatureExtractor" => all(&[0]),
            "LabelEncoder" => {
                attr(n, "values_int64s").is_some()
                    || attr(n, "values_tensor")
                        .and_then(|a| a.t.as_ref())
                        .is_some_and(|t| is_integer(t.data_type))
            }
            _ => false, // classifiers' labels are parts of a packed node: see `part`
        };
    }
    if !(n.domain.is_empty() || n.domain == "ai.onnx") {
        return false;
    }
    match n.op_type.as_str() {
        "Cast" => attr(n, "to").is_some_and(|a| is_integer(a.i as i32)),
        "CastLike" => all(&[1]),
        "ConstantOfShape" => attr(n, "value")
            .and_then(|a| a.t.as_ref())
            .is_some_and(|t| is_integer(t.data_type)),
        // indices, sizes and booleans
        "Shape" | "Size" | "ArgMax" | "ArgMin" | "NonZero" | "Equal" | "Less" | "LessOrEqual"
        | "Greater" | "GreaterOrEqual" | "And" | "Or" | "Xor" | "Not" | "IsNaN" | "IsInf"
        | "BitShift" | "BitwiseAnd" | "BitwiseOr" | "BitwiseXor" | "BitwiseNot" => true,
        // one type `T` over every data input
        "Add" | "Sub" | "Mul" | "Div" | "Mod" | "Max" | "Min" | "Sum" | "Concat" => {
            !ins.is_empty() && ins.iter().all(|&b| b)
        }
        "Where" => all(&[1, 2]),
        // `T` from the data input 0 (indices, shapes and axes are other inputs)
        "Neg" | "Abs" | "Relu" | "Sign" | "Identity" | "Reshape" | "Flatten" | "Squeeze"
        | "Unsqueeze" | "Transpose" | "Slice" | "Gather" | "GatherElements" | "GatherND"
        | "ScatterND" | "ScatterElements" | "Expand" | "Tile" | "Pad" | "ReduceSum"
        | "ReduceMax" | "ReduceMin" | "ReduceProd" | "Clip" | "CumSum" | "Trilu" | "Range"
        | "ReverseSequence" | "DepthToSpace" | "SpaceToDepth" => all(&[0]),
        _ => false,
    }
}

/// Whether output `k` of a multi-output node (computed packed, read out in parts) is
/// integer-typed: TopK's indices, an ONNX-ML classifier's integer labels.
pub fn part(n: &pb::NodeProto, k: usize) -> bool {
    match (n.op_type.as_str(), k) {
        ("TopK", 1) => true,
        (op, 0) if n.domain == "ai.onnx.ml" && op.ends_with("Classifier") => {
            attr(n, "classlabels_int64s").is_some()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(op: &str, attrs: Vec<pb::AttributeProto>) -> pb::NodeProto {
        pb::NodeProto {
            op_type: op.into(),
            attribute: attrs,
            ..Default::default()
        }
    }

    fn to(t: DataType) -> pb::AttributeProto {
        pb::AttributeProto {
            name: "to".into(),
            i: t as i64,
            ..Default::default()
        }
    }

    #[test]
    fn casts_indices_and_type_preserving_ops() {
        assert!(output(&node("Cast", vec![to(DataType::Int32)]), &[false]));
        assert!(!output(&node("Cast", vec![to(DataType::Float)]), &[true]));
        assert!(output(&node("ArgMax", vec![]), &[false]));
        assert!(output(&node("Div", vec![]), &[true, true]));
        assert!(!output(&node("Div", vec![]), &[true, false]));
        assert!(output(&node("Gather", vec![]), &[true, true]));
        assert!(!output(&node("Gather", vec![]), &[false, true]));
        assert!(!output(&node("Where", vec![]), &[true, false, true]));
        assert!(!output(&node("Sigmoid", vec![]), &[true]));
        let mut ml = node("LabelEncoder", vec![]);
        ml.domain = "ai.onnx.ml".into();
        assert!(!output(&ml, &[true]));
    }
}
