//! The graph IR: static shapes, constants folded, one node per op on activations.

use crate::ops::{Op, OpError};
use crate::tensor::Tensor;

pub type ValueId = usize;

/// A value flowing through the graph: an input, a node output or a constant.
#[derive(Clone, Debug)]
pub struct ValueInfo {
    pub name: String,
    pub shape: Vec<usize>,
    /// `Some` for initializers and folded constants.
    pub constant: Option<Tensor>,
    /// Whether its ONNX element type holds whole numbers (integer or bool; `onnx/types.rs`).
    pub integer: bool,
}

/// One op applied to activations (constants folded away).
#[derive(Clone, Debug)]
pub struct Node {
    /// The ONNX node name (or `OpType_index` if the model left it empty).
    pub name: String,
    /// The ONNX op type, kept for messages.
    pub op_type: String,
    pub op: Op,
    pub inputs: Vec<ValueId>,
    pub output: ValueId,
}

/// A model's graph in topological order.
#[derive(Clone, Debug)]
pub struct Graph {
    pub values: Vec<ValueInfo>,
    pub inputs: Vec<ValueId>,
    /// The element kind of each input
    pub input_kinds: Vec<InputKind>,
    pub outputs: Vec<ValueId>,
    pub nodes: Vec<Node>,
}

pub use crate::quant::InputKind;

/// Errors while evaluating the float graph.
#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("expected {expected} input tensor(s), got {got}")]
    InputCount { expected: usize, got: usize },
    #[error(
        "input {index} (`{name}`) has {got} values, the model expects {expected} (shape {shape:?})"
    )]
    InputLength {
        index: usize,
        name: String,
        expected: usize,
        got: usize,
        shape: Vec<usize>,
    },
    #[error("input {index} (`{name}`) holds a non-finite value ({value}) at position {pos}")]
    NonFinite {
        index: usize,
        name: String,
        value: f64,
        pos: usize,
    },
    #[error("node `{node}` ({op}): {source}")]
    Op {
        node: String,
        op: String,
        #[source]
        source: OpError,
    },
}

impl Graph {
    pub fn input_shapes(&self) -> Vec<Vec<usize>> {
        self.inputs
            .iter()
            .map(|&i| self.values[i].shape.clone())
            .collect()
    }

    /// The inputs' ONNX names.
    pub fn input_names(&self) -> Vec<String> {
        self.inputs
            .iter()
            .map(|&i| self.values[i].name.clone())
            .collect()
    }

    /// The outputs' ONNX names.
    pub fn output_names(&self) -> Vec<String> {
        self.outputs
            .iter()
            .map(|&i| self.values[i].name.clone())
            .collect()
    }

    pub fn output_shapes(&self) -> Vec<Vec<usize>> {
        self.outputs
            .iter()
            .map(|&i| self.values[i].shape.clone())
            .collect()
    }

    /// Check flat input vectors against the model's inputs (count, length, finiteness).
    pub fn check_inputs(&self, inputs: &[Vec<f64>]) -> Result<(), GraphError> {
        if inputs.len() != self.inputs.len() {
            return Err(GraphError::InputCount {
                expected: self.inputs.len(),
                got: inputs.len(),
            });
        }
        for (index, (x, &id)) in inputs.iter().zip(&self.inputs).enumerate() {
            let v = &self.values[id];
            let expected: usize = v.shape.iter().product();
            if x.len() != expected {
                return Err(GraphError::InputLength {
                    index,
                    name: v.name.clone(),
                    expected,
                    got: x.len(),
                    shape: v.shape.clone(),
                });
            }
            if let Some((pos, &value)) = x.iter().enumerate().find(|(_, v)| !v.is_finite()) {
                return Err(GraphError::NonFinite {
                    index,
                    name: v.name.clone(),
                    value,
                    pos,
                });
            }
        }
        Ok(())
    }

    /// Float inference; returns every value (`None` for constants) so calibration can inspect
    /// intermediate ranges.
    pub fn eval_all(&self, inputs: &[Vec<f64>]) -> Result<Vec<Option<Tensor>>, GraphError> {
        self.check_inputs(inputs)?;
        let mut vals: Vec<Option<Tensor>> = vec![None; self.values.len()];
        for (x, &id) in inputs.iter().zip(&self.inputs) {
            vals[id] = Some(Tensor::new(self.values[id].shape.clone(), x.clone()));
        }
        for n in &self.nodes {
            let args: Vec<&Tensor> = n
                .inputs
                .iter()
                .map(|&i| {
                    vals[i]
                        .as_ref()
                        .or(self.values[i].constant.as_ref())
                        .expect("topological order")
                })
                .collect();
            let out = n.op.eval(&args).map_err(|source| GraphError::Op {
                node: n.name.clone(),
                op: n.op_type.clone(),
                source,
            })?;
            vals[n.output] = Some(out);
        }
        Ok(vals)
    }

    /// Float inference: the flat outputs.
    pub fn eval(&self, inputs: &[Vec<f64>]) -> Result<Vec<Vec<f64>>, GraphError> {
        let vals = self.eval_all(inputs)?;
        Ok(self
            .outputs
            .iter()
            .map(|&o| vals[o].as_ref().expect("output computed").data.clone())
            .collect())
    }
}
