//! ONNX bytes -> graph IR.
//!
//! The protobuf is decoded with `tract-onnx`'s generated types; nodes are then mapped one by one
//! onto zkonnx's own op set ([`crate::ops`]). Subgraphs that only compute constants (shape
//! arithmetic such as `Shape -> Gather -> Concat -> Reshape` emitted by PyTorch) are folded here,
//! so the graph that reaches quantization only holds ops on activations.

mod attrs;
mod tensor;

pub use attrs::Attrs;

use std::collections::HashMap;

use tract_onnx::pb;
use tract_onnx::prelude::Framework;

use crate::graph::{Graph, Node, ValueId, ValueInfo};
use crate::ops::{self, OpError};
use crate::tensor::Tensor;

/// Errors while reading an ONNX model.
#[derive(Debug, thiserror::Error)]
pub enum OnnxError {
    #[error("malformed ONNX model: {0}")]
    Malformed(String),
    #[error("unsupported op `{op}` at node `{node}`")]
    UnsupportedOp { op: String, node: String },
    #[error("node `{node}` ({op}): {source}")]
    Op {
        node: String,
        op: String,
        #[source]
        source: OpError,
    },
    #[error("node `{node}` ({op}) reads `{value}`, which no earlier node or initializer defines")]
    UnknownValue {
        node: String,
        op: String,
        value: String,
    },
    #[error("tensor `{name}`: {msg}")]
    Tensor { name: String, msg: String },
    #[error("graph input `{name}`: {msg}")]
    Input { name: String, msg: String },
    #[error("graph output `{name}` {msg}")]
    Output { name: String, msg: String },
    #[error("the model has no inputs (every value is constant)")]
    NoInputs,
}

/// Parse ONNX bytes into the graph IR. `batch_size` replaces symbolic dimensions (ezkl's
/// `--variables batch_size->1`).
pub fn parse(bytes: &[u8], batch_size: usize) -> Result<Graph, OnnxError> {
    if bytes.is_empty() {
        return Err(OnnxError::Malformed("empty file".into()));
    }
    let proto = tract_onnx::onnx()
        .proto_model_for_read(&mut &bytes[..])
        .map_err(|e| OnnxError::Malformed(format!("{e:#}")))?;
    let graph = proto
        .graph
        .as_ref()
        .ok_or_else(|| OnnxError::Malformed("the model holds no graph".into()))?;
    if graph.node.is_empty() {
        return Err(OnnxError::Malformed("the graph holds no nodes".into()));
    }
    Builder::default().build(graph, batch_size)
}

#[derive(Default)]
struct Builder {
    values: Vec<ValueInfo>,
    by_name: HashMap<String, ValueId>,
    /// Zero-valued stand-ins for activations, used to infer shapes by evaluation.
    probe: HashMap<ValueId, Tensor>,
    nodes: Vec<Node>,
}

impl Builder {
    fn add_value(&mut self, name: &str, shape: Vec<usize>, constant: Option<Tensor>) -> ValueId {
        let id = self.values.len();
        self.values.push(ValueInfo {
            name: name.to_string(),
            shape,
            constant,
        });
        self.by_name.insert(name.to_string(), id);
        id
    }

    fn build(mut self, g: &pb::GraphProto, batch_size: usize) -> Result<Graph, OnnxError> {
        for init in &g.initializer {
            let t = tensor::decode(init)?;
            self.add_value(&init.name, t.shape.clone(), Some(t));
        }
        let mut inputs = vec![];
        for vi in &g.input {
            if self.by_name.contains_key(&vi.name) {
                continue; // an initializer listed as input (old exporters)
            }
            let shape = tensor::value_info_shape(vi, batch_size)?;
            let id = self.add_value(&vi.name, shape.clone(), None);
            self.probe.insert(id, Tensor::zeros(&shape));
            inputs.push(id);
        }
        if inputs.is_empty() {
            return Err(OnnxError::NoInputs);
        }
        for (i, n) in g.node.iter().enumerate() {
            self.node(i, n)?;
        }
        let mut outputs = vec![];
        for vo in &g.output {
            let id = *self
                .by_name
                .get(&vo.name)
                .ok_or_else(|| OnnxError::Output {
                    name: vo.name.clone(),
                    msg: "is not produced by any node".into(),
                })?;
            if self.values[id].constant.is_some() {
                return Err(OnnxError::Output {
                    name: vo.name.clone(),
                    msg: "is a constant: it does not depend on the input".into(),
                });
            }
            outputs.push(id);
        }
        Ok(Graph {
            values: self.values,
            inputs,
            outputs,
            nodes: self.nodes,
        })
    }

    fn node(&mut self, index: usize, n: &pb::NodeProto) -> Result<(), OnnxError> {
        let name = if n.name.is_empty() {
            format!("{}_{}", n.op_type, index)
        } else {
            n.name.clone()
        };
        let op_err = |source: OpError| OnnxError::Op {
            node: name.clone(),
            op: n.op_type.clone(),
            source,
        };
        if !n.domain.is_empty() && n.domain != "ai.onnx" {
            return Err(OnnxError::UnsupportedOp {
                op: format!("{}:{}", n.domain, n.op_type),
                node: name,
            });
        }
        let out_name = n
            .output
            .first()
            .ok_or_else(|| OnnxError::Malformed(format!("node `{name}` has no output")))?
            .clone();
        let attrs = Attrs::new(&n.attribute);
        if n.op_type == "Constant" {
            let t = tensor::constant_node(&attrs).map_err(op_err)?;
            self.add_value(&out_name, t.shape.clone(), Some(t));
            return Ok(());
        }
        // Resolve inputs ("" marks an omitted optional input).
        let mut ins: Vec<Option<ValueId>> = vec![];
        for v in &n.input {
            if v.is_empty() {
                ins.push(None);
                continue;
            }
            let id = *self.by_name.get(v).ok_or_else(|| OnnxError::UnknownValue {
                node: name.clone(),
                op: n.op_type.clone(),
                value: v.clone(),
            })?;
            ins.push(Some(id));
        }
        let consts: Vec<Option<&Tensor>> = ins
            .iter()
            .map(|i| i.and_then(|id| self.values[id].constant.as_ref()))
            .collect();
        let shapes: Vec<Option<&[usize]>> = ins
            .iter()
            .map(|i| i.map(|id| self.values[id].shape.as_slice()))
            .collect();
        let built = ops::build(&n.op_type, &attrs, &consts, &shapes).map_err(|e| match e {
            OpError::Unsupported => OnnxError::UnsupportedOp {
                op: n.op_type.clone(),
                node: name.clone(),
            },
            other => op_err(other),
        })?;
        let data_ids: Vec<ValueId> = built
            .data_inputs
            .iter()
            .map(|&k| {
                ins.get(k)
                    .copied()
                    .flatten()
                    .ok_or_else(|| op_err(OpError::MissingInput(k)))
            })
            .collect::<Result<_, _>>()?;
        let all_const = data_ids
            .iter()
            .all(|id| self.values[*id].constant.is_some());
        if all_const {
            // constant folding
            let args: Vec<&Tensor> = data_ids
                .iter()
                .map(|id| self.values[*id].constant.as_ref().unwrap())
                .collect();
            let t = built.op.eval(&args).map_err(op_err)?;
            self.add_value(&out_name, t.shape.clone(), Some(t));
            return Ok(());
        }
        let args: Vec<&Tensor> = data_ids
            .iter()
            .map(|id| {
                self.values[*id]
                    .constant
                    .as_ref()
                    .or_else(|| self.probe.get(id))
                    .unwrap()
            })
            .collect();
        let probe = built.op.eval(&args).map_err(op_err)?;
        let out = self.add_value(&out_name, probe.shape.clone(), None);
        if let Some(t) = built.shape_constant(&probe) {
            // e.g. `Shape`: a constant even though its input is an activation
            self.values[out].constant = Some(t);
            return Ok(());
        }
        self.probe.insert(out, probe);
        self.nodes.push(Node {
            name,
            op_type: n.op_type.clone(),
            op: built.op,
            inputs: data_ids,
            output: out,
        });
        Ok(())
    }
}
