//! Typed access to an ONNX node's attributes.

use tract_onnx::pb::AttributeProto;

use crate::ops::OpError;

/// The attributes of one ONNX node.
pub struct Attrs<'a>(&'a [AttributeProto]);

impl<'a> Attrs<'a> {
    pub fn new(a: &'a [AttributeProto]) -> Self {
        Attrs(a)
    }

    fn get(&self, name: &str) -> Option<&'a AttributeProto> {
        self.0.iter().find(|a| a.name == name)
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn int(&self, name: &str, default: i64) -> i64 {
        self.get(name).map(|a| a.i).unwrap_or(default)
    }

    pub fn float(&self, name: &str, default: f32) -> f32 {
        self.get(name).map(|a| a.f).unwrap_or(default)
    }

    pub fn ints(&self, name: &str) -> Option<Vec<i64>> {
        self.get(name).map(|a| a.ints.clone())
    }

    pub fn floats(&self, name: &str) -> Option<Vec<f32>> {
        self.get(name).map(|a| a.floats.clone())
    }

    pub fn strings(&self, name: &str) -> Option<Vec<String>> {
        self.get(name).map(|a| {
            a.strings
                .iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect()
        })
    }

    pub fn string(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|a| String::from_utf8_lossy(&a.s).into_owned())
    }

    /// A tensor attribute, decoded (`ConstantOfShape`'s `value`, ...).
    pub fn tensor_value(&self, name: &str) -> Option<Result<crate::tensor::Tensor, String>> {
        self.tensor(name)
            .map(|t| super::tensor::decode(t).map_err(|e| e.to_string()))
    }

    pub fn tensor(&self, name: &str) -> Option<&'a tract_onnx::pb::TensorProto> {
        self.get(name).and_then(|a| a.t.as_ref())
    }

    /// An attribute that must hold one of `allowed` values.
    pub fn string_in(
        &self,
        name: &str,
        default: &str,
        allowed: &[&str],
    ) -> Result<String, OpError> {
        let s = self.string(name).unwrap_or_else(|| default.to_string());
        if allowed.contains(&s.as_str()) {
            Ok(s)
        } else {
            Err(OpError::Attribute {
                name: name.to_string(),
                msg: format!("`{s}` is not supported (supported: {allowed:?})"),
            })
        }
    }
}
