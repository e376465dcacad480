//! Nodes the importer rewrites into other nodes before mapping them onto ops: variadic
//! `Sum`/`Max`/`Min` as two-input chains, and ai.onnx.ml's `ArrayFeatureExtractor` with
//! computed indices as a Gather along the last axis and a Reshape to onnxruntime's shape.

use tract_onnx::pb;

use super::OnnxError;
use super::{axis_node, Builder};
use crate::tensor::Tensor;

/// A variadic `Sum`/`Max`/`Min` of n > 2 inputs as n − 1 two-input nodes of the same op,
/// left to right; the last writes the node's output. Intermediate values are named after the
/// node (`<name>/chain<k>`), so errors name it.
pub(super) fn chain(index: usize, n: &pb::NodeProto) -> Vec<pb::NodeProto> {
    let name = if n.name.is_empty() {
        format!("{}_{index}", n.op_type)
    } else {
        n.name.clone()
    };
    let last = n.input.len() - 2;
    let mut acc = n.input[0].clone();
    (0..=last)
        .map(|k| {
            let out = if k == last {
                n.output[0].clone()
            } else {
                format!("{name}/chain{k}")
            };
            let part = pb::NodeProto {
                name: if k == last {
                    name.clone()
                } else {
                    format!("{name}/chain{k}")
                },
                op_type: n.op_type.clone(),
                input: vec![acc.clone(), n.input[k + 1].clone()],
                output: vec![out.clone()],
                ..Default::default()
            };
            acc = out;
            part
        })
        .collect()
}

impl Builder {
    /// `ArrayFeatureExtractor(x, indices)` with computed indices (KNeighbors' labels of the
    /// nearest rows, a class by an ArgMax over other labels than 0..k): `Gather(x, indices,
    /// axis = −1)` (checked one-hot selection, `ops::select`), then a Reshape to onnxruntime's
    /// output shape `x.shape[..−1] + [indices.len()]` (`[1, indices.len()]` for a 1-D `x`).
    /// Returns false, leaving the node to `ops::build`, when the indices are constant or `x`
    /// is the classes `0..k` (the index itself is the class).
    pub(super) fn feature_extractor(
        &mut self,
        index: usize,
        n: &pb::NodeProto,
    ) -> Result<bool, OnnxError> {
        let (Some(x), Some(i)) = (
            n.input.first().and_then(|v| self.by_name.get(v)).copied(),
            n.input.get(1).and_then(|v| self.by_name.get(v)).copied(),
        ) else {
            return Ok(false); // ops::build names the missing input
        };
        if self.values[i].constant.is_some() {
            return Ok(false);
        }
        if let Some(c) = &self.values[x].constant {
            let identity = c.data.iter().enumerate().all(|(k, &v)| v == k as f64);
            if identity && c.shape.len() <= 1 {
                return Ok(false);
            }
        }
        let name = if n.name.is_empty() {
            format!("ArrayFeatureExtractor_{index}")
        } else {
            n.name.clone()
        };
        let xs = self.values[x].shape.clone();
        let count: usize = self.values[i].shape.iter().product();
        let mut shape: Vec<usize> = if xs.len() <= 1 {
            vec![1]
        } else {
            xs[..xs.len() - 1].to_vec()
        };
        shape.push(count);
        let gathered = format!("{name}:gather");
        let input = vec![n.input[0].clone(), n.input[1].clone()];
        let gather = axis_node(&gathered, "Gather", input, gathered.clone(), -1);
        self.node(index, &gather)?;
        let dims = format!("{name}:shape");
        let t = Tensor::new(vec![shape.len()], shape.iter().map(|&d| d as f64).collect());
        self.add_value(&dims, vec![shape.len()], Some(t), true);
        let reshape = pb::NodeProto {
            name,
            op_type: "Reshape".into(),
            input: vec![gathered, dims],
            output: n.output.clone(),
            ..Default::default()
        };
        self.node(index, &reshape)?;
        Ok(true)
    }
}
