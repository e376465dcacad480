//! Decoding ONNX tensors (initializers, `Constant` nodes) and value shapes.

use tract_onnx::pb::{self, tensor_proto::DataType, tensor_shape_proto::dimension, type_proto};

use super::{Attrs, OnnxError};
use crate::ops::OpError;
use crate::tensor::Tensor;

/// Decode an ONNX `TensorProto` into a float tensor. Integer and bool tensors are converted to
/// `f64` exactly (they are shapes, indices or masks).
pub fn decode(t: &pb::TensorProto) -> Result<Tensor, OnnxError> {
    let err = |msg: String| OnnxError::Tensor {
        name: t.name.clone(),
        msg,
    };
    let mut shape = vec![];
    for &d in &t.dims {
        if d < 0 {
            return Err(err(format!("negative dimension {d}")));
        }
        shape.push(d as usize);
    }
    let n = shape
        .iter()
        .try_fold(1usize, |a, &d| a.checked_mul(d))
        .ok_or_else(|| err("too many elements".into()))?;
    if t.data_location == Some(pb::tensor_proto::DataLocation::External as i32) {
        return Err(err(
            "external data is not supported: embed the weights in the .onnx file".into(),
        ));
    }
    let dt = DataType::try_from(t.data_type)
        .map_err(|_| err(format!("unknown data type {}", t.data_type)))?;
    let raw = &t.raw_data;
    let from_raw = |width: usize, f: &dyn Fn(&[u8]) -> f64| -> Result<Vec<f64>, OnnxError> {
        if raw.len() != n * width {
            return Err(err(format!(
                "raw_data holds {} bytes, expected {} for {:?}",
                raw.len(),
                n * width,
                shape
            )));
        }
        Ok(raw.chunks_exact(width).map(f).collect())
    };
    let data: Vec<f64> = match dt {
        DataType::Float if !raw.is_empty() => {
            from_raw(4, &|c| f32::from_le_bytes(c.try_into().unwrap()) as f64)?
        }
        DataType::Float => t.float_data.iter().map(|&v| v as f64).collect(),
        DataType::Double if !raw.is_empty() => {
            from_raw(8, &|c| f64::from_le_bytes(c.try_into().unwrap()))?
        }
        DataType::Double => t.double_data.clone(),
        DataType::Int64 if !raw.is_empty() => {
            from_raw(8, &|c| i64::from_le_bytes(c.try_into().unwrap()) as f64)?
        }
        DataType::Int64 => t.int64_data.iter().map(|&v| v as f64).collect(),
        DataType::Int32 if !raw.is_empty() => {
            from_raw(4, &|c| i32::from_le_bytes(c.try_into().unwrap()) as f64)?
        }
        DataType::Int32
        | DataType::Int16
        | DataType::Int8
        | DataType::Uint8
        | DataType::Uint16
        | DataType::Bool
            if raw.is_empty() =>
        {
            t.int32_data.iter().map(|&v| v as f64).collect()
        }
        DataType::Int8 => from_raw(1, &|c| c[0] as i8 as f64)?,
        DataType::Uint8 | DataType::Bool => from_raw(1, &|c| c[0] as f64)?,
        DataType::Int16 => from_raw(2, &|c| i16::from_le_bytes(c.try_into().unwrap()) as f64)?,
        DataType::Uint16 => from_raw(2, &|c| u16::from_le_bytes(c.try_into().unwrap()) as f64)?,
        other => return Err(err(format!("data type {other:?} is not supported"))),
    };
    if data.len() != n {
        return Err(err(format!(
            "holds {} values, expected {} for shape {:?}",
            data.len(),
            n,
            shape
        )));
    }
    Ok(Tensor::new(shape, data))
}

/// The value of a `Constant` node.
pub fn constant_node(a: &Attrs) -> Result<Tensor, OpError> {
    if let Some(t) = a.tensor_value("value") {
        return t.map_err(|msg| OpError::Attribute {
            name: "value".into(),
            msg,
        });
    }
    if a.has("value_float") {
        return Ok(Tensor::scalar(a.float("value_float", 0.0) as f64));
    }
    if a.has("value_int") {
        return Ok(Tensor::scalar(a.int("value_int", 0) as f64));
    }
    if let Some(v) = a.floats("value_floats") {
        return Ok(Tensor::new(
            vec![v.len()],
            v.iter().map(|&x| x as f64).collect(),
        ));
    }
    if let Some(v) = a.ints("value_ints") {
        return Ok(Tensor::new(
            vec![v.len()],
            v.iter().map(|&x| x as f64).collect(),
        ));
    }
    Err(OpError::Attribute {
        name: "value".into(),
        msg: "Constant node without a supported value attribute".into(),
    })
}

/// The static shape of a graph input; symbolic dimensions become `batch_size`.
pub fn value_info_shape(
    vi: &pb::ValueInfoProto,
    batch_size: usize,
) -> Result<(Vec<usize>, crate::graph::InputKind), OnnxError> {
    let err = |msg: &str| OnnxError::Input {
        name: vi.name.clone(),
        msg: msg.to_string(),
    };
    let tt = match vi.r#type.as_ref().and_then(|t| t.value.as_ref()) {
        Some(type_proto::Value::TensorType(tt)) => tt,
        _ => return Err(err("is not a tensor")),
    };
    use crate::graph::InputKind;
    let integer = match DataType::try_from(tt.elem_type) {
        Ok(DataType::Float) | Ok(DataType::Double) | Ok(DataType::Float16) => InputKind::Float,
        Ok(DataType::Bool) => InputKind::Bool,
        Ok(
            DataType::Int64
            | DataType::Int32
            | DataType::Int16
            | DataType::Int8
            | DataType::Uint8
            | DataType::Uint16
            | DataType::Uint32,
        ) => InputKind::Integer,
        Ok(other) => {
            return Err(err(&format!(
                "has element type {other:?}; float, integer and bool inputs are supported"
            )))
        }
        Err(_) => return Err(err("has an unknown element type")),
    };
    let shape = tt.shape.as_ref().ok_or_else(|| err("has no shape"))?;
    let dims = shape
        .dim
        .iter()
        .map(|d| match &d.value {
            Some(dimension::Value::DimValue(v)) if *v > 0 => *v as usize,
            _ => batch_size,
        })
        .collect();
    Ok((dims, integer))
}
