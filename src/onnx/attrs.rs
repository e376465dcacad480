//! ONNX attributes → the op layer's [`Attrs`] (names and values, no protobuf types).

use tract_onnx::pb::AttributeProto;

pub use crate::ops::attrs::{Attr, Attrs};

/// Convert a node's attributes (tensor attributes decoded here).
pub fn convert(a: &[AttributeProto]) -> Attrs {
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Attrs(
        a.iter()
            .map(|x| Attr {
                name: x.name.clone(),
                i: x.i,
                f: x.f,
                ints: x.ints.clone(),
                floats: x.floats.clone(),
                s: text(&x.s),
                strings: x.strings.iter().map(|s| text(s)).collect(),
                t: x.t
                    .as_ref()
                    .map(|t| super::tensor::decode(t).map_err(|e| e.to_string())),
            })
            .collect(),
    )
}
