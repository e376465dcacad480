//! An op's attributes as the importer hands them over: names and values, no ONNX protobuf
//! types (those stay in `onnx/`, which builds this from each node).

use super::OpError;
use crate::tensor::Tensor;

/// One attribute; the fields an ONNX attribute of any type can hold (a field its type does not
/// use is empty).
#[derive(Clone, Debug, Default)]
pub struct Attr {
    pub name: String,
    pub i: i64,
    pub f: f32,
    pub ints: Vec<i64>,
    pub floats: Vec<f32>,
    pub s: String,
    pub strings: Vec<String>,
    /// a tensor attribute, decoded (or why it could not be)
    pub t: Option<Result<Tensor, String>>,
}

/// The attributes of one node.
#[derive(Clone, Debug, Default)]
pub struct Attrs(pub Vec<Attr>);

impl Attrs {
    fn get(&self, name: &str) -> Option<&Attr> {
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
        self.get(name).map(|a| a.strings.clone())
    }

    pub fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(|a| a.s.clone())
    }

    /// A tensor attribute, decoded (`ConstantOfShape`'s `value`, ...).
    pub fn tensor_value(&self, name: &str) -> Option<Result<Tensor, String>> {
        self.get(name).and_then(|a| a.t.clone())
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
