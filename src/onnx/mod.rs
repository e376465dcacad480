//! ONNX bytes -> graph IR.
//!
//! The protobuf is decoded with `tract-onnx`'s generated types; nodes are then mapped one by one
//! onto zkonnx's own op set ([`crate::ops`]). Subgraphs that only compute constants (shape
//! arithmetic such as `Shape -> Gather -> Concat -> Reshape` emitted by PyTorch) are folded here,
//! so the graph that reaches quantization only holds ops on activations.

mod attrs;
mod fuse;
mod rewrite;
mod scan;
mod tensor;
mod types;

pub use attrs::Attrs;

use std::collections::HashMap;

use tract_onnx::pb;
use tract_onnx::prelude::Framework;

use crate::graph::{Graph, Node, ValueId, ValueInfo};
use crate::ops::{self, OpError};
use crate::tensor::Tensor;

/// A node the importer writes itself (Scan's slices and stacks, rewrites): `op_type` with one
/// int attribute, `axis`.
fn axis_node(
    name: &str,
    op_type: &str,
    input: Vec<String>,
    output: String,
    axis: i64,
) -> pb::NodeProto {
    pb::NodeProto {
        name: name.into(),
        op_type: op_type.into(),
        input,
        output: vec![output],
        attribute: vec![pb::AttributeProto {
            name: "axis".into(),
            r#type: pb::attribute_proto::AttributeType::Int as i32,
            i: axis,
            ..Default::default()
        }],
        ..Default::default()
    }
}

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
    fn add_value(
        &mut self,
        name: &str,
        shape: Vec<usize>,
        constant: Option<Tensor>,
        integer: bool,
    ) -> ValueId {
        let id = self.values.len();
        self.values.push(ValueInfo {
            name: name.to_string(),
            shape,
            constant,
            integer,
        });
        self.by_name.insert(name.to_string(), id);
        id
    }

    fn build(mut self, g: &pb::GraphProto, batch_size: usize) -> Result<Graph, OnnxError> {
        for init in &g.initializer {
            let t = tensor::decode(init)?;
            self.add_value(
                &init.name,
                t.shape.clone(),
                Some(t),
                types::is_integer(init.data_type),
            );
        }
        let mut inputs = vec![];
        let mut input_kinds = vec![];
        for vi in &g.input {
            if self.by_name.contains_key(&vi.name) {
                continue; // an initializer listed as input (old exporters)
            }
            let (shape, integer) = tensor::value_info_shape(vi, batch_size)?;
            input_kinds.push(integer);
            let int = integer != crate::graph::InputKind::Float;
            let id = self.add_value(&vi.name, shape.clone(), None, int);
            self.probe.insert(id, Tensor::zeros(&shape));
            inputs.push(id);
        }
        for (i, n) in g.node.iter().enumerate() {
            self.dispatch(i, n)?;
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
            let id = if self.values[id].constant.is_some() {
                // a constant output (a model with no inputs, `arange`): proven as a parameter
                // the circuit copies out
                self.materialize(id)
            } else {
                id
            };
            outputs.push(id);
        }
        // functions written out as element-wise ops (GPT-2's GELU): one table each
        self.fuse_functions();
        // nodes nothing reads (left by fusions, or unused outputs): no circuit rows for them
        let mut live = vec![false; self.values.len()];
        for &o in &outputs {
            live[o] = true;
        }
        let mut keep = vec![false; self.nodes.len()];
        for (k, node) in self.nodes.iter().enumerate().rev() {
            if live[node.output] {
                keep[k] = true;
                for &i in &node.inputs {
                    live[i] = true;
                }
            }
        }
        let mut k = 0;
        self.nodes.retain(|_| {
            k += 1;
            keep[k - 1]
        });
        Ok(Graph {
            values: self.values,
            inputs,
            input_kinds,
            outputs,
            nodes: self.nodes,
        })
    }

    /// Import node `n` (the `i`-th of its graph): the nodes the importer rewrites or splits
    /// (Split, variadic Sum/Max/Min, Scan, ArrayFeatureExtractor with computed indices,
    /// multi-output ops packed into one node) and every other one ([`Builder::node`]). A Scan
    /// body's nodes come through here too.
    fn dispatch(&mut self, i: usize, n: &pb::NodeProto) -> Result<(), OnnxError> {
        if n.op_type == "Split" && n.domain.is_empty() {
            // one Slice per output
            for part in self.split(i, n)? {
                self.node(i, &part)?;
            }
            return Ok(());
        }
        if matches!(n.op_type.as_str(), "Sum" | "Max" | "Min")
            && n.domain.is_empty()
            && n.input.len() > 2
        {
            // a variadic Sum/Max/Min: a chain of two-input ones, left to right
            for part in rewrite::chain(i, n) {
                self.node(i, &part)?;
            }
            return Ok(());
        }
        if n.op_type == "Scan" && n.domain.is_empty() {
            self.scan(i, n)?;
            return Ok(());
        }
        if n.op_type == "ArrayFeatureExtractor" && self.feature_extractor(i, n)? {
            return Ok(());
        }
        if n.output.len() > 1 {
            let x = n
                .input
                .first()
                .and_then(|v| self.by_name.get(v))
                .map(|&id| self.values[id].shape.clone())
                .unwrap_or_default();
            let a = attrs::convert(&n.attribute);
            let consts: Vec<Option<&Tensor>> = n
                .input
                .iter()
                .map(|v| {
                    self.by_name
                        .get(v)
                        .and_then(|&id| self.values[id].constant.as_ref())
                })
                .collect();
            if let Some(parts) = ops::output_parts(&n.op_type, &a, &x, &consts) {
                self.packed(i, n, parts)?;
                return Ok(());
            }
        }
        self.node(i, n)
    }

    /// A Softmax's input made by a constant attention mask (module docs of `ops::softmax`):
    /// `Where(mask, x, c)`, `Where(mask, c, x)` or `x + M`, with `mask` constant, every value of
    /// `c` (every non-zero value of `M`) at most `softmax::MASK_LIMIT` and `x` an activation of
    /// the output's shape: `(x, keep)`.
    fn softmax_mask(&self, ins: &[Option<ValueId>]) -> Option<(ValueId, Vec<bool>)> {
        use crate::ops::{arith::Arith, logic::Logic, softmax::MASK_LIMIT};
        use crate::tensor::broadcast_index_map;
        let v = (*ins.first()?)?;
        let node = self.nodes.iter().rev().find(|m| m.output == v)?;
        let shape = &self.values[v].shape;
        let konst = |id: ValueId| self.values[id].constant.as_ref();
        let act = |id: ValueId| konst(id).is_none() && &self.values[id].shape == shape;
        let spread = |t: &Tensor| -> Vec<f64> {
            broadcast_index_map(&t.shape, shape)
                .into_iter()
                .map(|i| t.data[i])
                .collect()
        };
        let is_mask = |x: f64| x <= MASK_LIMIT;
        match (&node.op, node.inputs.as_slice()) {
            (ops::Op::Logic(Logic::Where), &[c, a, b]) => {
                let cond = spread(konst(c)?);
                let (x, keep_if) = match (konst(a), konst(b)) {
                    (None, Some(m)) if act(a) && m.data.iter().all(|&x| is_mask(x)) => (a, true),
                    (Some(m), None) if act(b) && m.data.iter().all(|&x| is_mask(x)) => (b, false),
                    _ => return None,
                };
                Some((x, cond.iter().map(|&k| (k != 0.0) == keep_if).collect()))
            }
            (ops::Op::Arith(Arith::Add), &[p, q]) => {
                let (x, m) = match (konst(p), konst(q)) {
                    (None, Some(m)) if act(p) => (p, m),
                    (Some(m), None) if act(q) => (q, m),
                    _ => return None,
                };
                let m = spread(m);
                let fits = m.iter().all(|&x| x == 0.0 || is_mask(x)) && m.iter().any(|&x| x != 0.0);
                fits.then(|| (x, m.iter().map(|&x| x == 0.0).collect()))
            }
            _ => None,
        }
    }

    /// A node making the constant `id` a value of the circuit ([`ops::Op::Constant`]).
    fn materialize(&mut self, id: ValueId) -> ValueId {
        // the output keeps its ONNX name (the constant is renamed)
        let v = &mut self.values[id];
        let (name, shape, int) = (v.name.clone(), v.shape.clone(), v.integer);
        v.name = format!("{name}:constant");
        let out = self.add_value(&name, shape, None, int);
        self.nodes.push(Node {
            name: format!("{name}:constant"),
            op_type: "Constant".into(),
            op: ops::Op::Constant,
            inputs: vec![id],
            output: out,
        });
        out
    }

    /// `Sqrt`'s input made by `Add(x, c)` (either order) of an activation `x` and a constant
    /// scalar `c ≥ 0`: `(x, c)`.
    fn sqrt_of_sum(&self, ins: &[Option<ValueId>]) -> Option<(ValueId, f64)> {
        let v = (*ins.first()?)?;
        let add = self.nodes.iter().rev().find(|m| m.output == v)?;
        if !matches!(add.op, ops::Op::Arith(ops::arith::Arith::Add)) || add.inputs.len() != 2 {
            return None;
        }
        let (a, b) = (add.inputs[0], add.inputs[1]);
        let scalar = |id: ValueId| {
            self.values[id]
                .constant
                .as_ref()
                .filter(|t| t.data.len() == 1 && t.data[0] >= 0.0 && t.data[0].is_finite())
                .map(|t| t.data[0])
        };
        let shape_kept = |id: ValueId| self.values[id].shape == self.values[v].shape;
        match (scalar(a), scalar(b)) {
            (None, Some(c)) if shape_kept(a) => Some((a, c)),
            (Some(c), None) if shape_kept(b) => Some((b, c)),
            _ => None,
        }
    }

    /// A one-input node of `op` on the activation `x`.
    fn push_unary(
        &mut self,
        name: String,
        op_type: &str,
        op: ops::Op,
        x: ValueId,
        out_name: &str,
    ) -> Result<(), OnnxError> {
        let err = |source: OpError| OnnxError::Op {
            node: name.clone(),
            op: op_type.to_string(),
            source,
        };
        let probe = {
            let p = self.probe.get(&x).ok_or_else(|| {
                OnnxError::Malformed(format!("node `{name}`: input has no value"))
            })?;
            op.eval(&[p]).map_err(err)?
        };
        let int = self.values[x].integer && matches!(op, ops::Op::Shape(_));
        let out = self.add_value(out_name, probe.shape.clone(), None, int);
        self.probe.insert(out, probe);
        self.nodes.push(Node {
            name,
            op_type: op_type.to_string(),
            op,
            inputs: vec![x],
            output: out,
        });
        Ok(())
    }

    /// A multi-output node (LSTM / GRU / RNN, the ONNX-ML classifiers): one node computing
    /// every output into a packed tensor, then each used output read out of it
    /// (`ShapeOp::Part`, copies only) at the place [`ops::output_parts`] gives.
    fn packed(
        &mut self,
        index: usize,
        n: &pb::NodeProto,
        parts: Vec<(usize, Vec<usize>)>,
    ) -> Result<(), OnnxError> {
        let name = if n.name.is_empty() {
            format!("{}_{index}", n.op_type)
        } else {
            n.name.clone()
        };
        let packed = format!("{name}:packed");
        let mut whole = n.clone();
        whole.output = vec![packed.clone()];
        self.node(index, &whole)?;
        let pid = self.by_name[&packed];
        for (k, out) in n.output.iter().enumerate() {
            if out.is_empty() {
                continue;
            }
            let Some((offset, shape)) = parts.get(k).cloned() else {
                return Err(OnnxError::Malformed(format!(
                    "node `{name}` ({}) has no output {k}",
                    n.op_type
                )));
            };
            let op = ops::Op::Shape(ops::shape::ShapeOp::Part { offset, shape });
            let err = |source: OpError| OnnxError::Op {
                node: name.clone(),
                op: n.op_type.clone(),
                source,
            };
            let int = types::part(n, k);
            if let Some(t) = self.values[pid].constant.clone() {
                let t = op.eval(&[&t]).map_err(err)?;
                self.add_value(out, t.shape.clone(), Some(t), int);
                continue;
            }
            self.push_unary(format!("{name}:{k}"), &n.op_type, op, pid, out)?;
            let last = self.values.len() - 1;
            self.values[last].integer = int;
        }
        Ok(())
    }

    /// ONNX Split as one Slice node per output (sizes from `split`, given as an attribute or a
    /// constant input, else equal parts as `num_outputs` or the outputs' count says).
    fn split(&self, index: usize, n: &pb::NodeProto) -> Result<Vec<pb::NodeProto>, OnnxError> {
        let name = if n.name.is_empty() {
            format!("Split_{index}")
        } else {
            n.name.clone()
        };
        let err = |msg: String| OnnxError::Op {
            node: name.clone(),
            op: "Split".into(),
            source: OpError::Shape(msg),
        };
        let x = n
            .input
            .first()
            .and_then(|v| self.by_name.get(v))
            .ok_or_else(|| err("its input is unknown".into()))?;
        let shape = self.values[*x].shape.clone();
        let a = attrs::convert(&n.attribute);
        let r = shape.len() as i64;
        let ax = a.int("axis", 0);
        let axis = if ax < 0 { ax + r } else { ax };
        if axis < 0 || axis >= r {
            return Err(err(format!("axis {ax} is out of range for rank {r}")));
        }
        let dim = shape[axis as usize] as i64;
        let k = n.output.len() as i64;
        let sizes: Vec<i64> = match (a.ints("split"), n.input.get(1).filter(|s| !s.is_empty())) {
            (Some(v), _) => v,
            (None, Some(v)) => match self
                .by_name
                .get(v)
                .and_then(|id| self.values[*id].constant.as_ref())
            {
                Some(t) => t.data.iter().map(|&d| d as i64).collect(),
                None => return Err(err("`split` must be a constant".into())),
            },
            (None, None) => {
                let parts = a.int("num_outputs", k).max(1);
                let each = (dim + parts - 1) / parts;
                (0..parts)
                    .map(|i| each.min(dim - i * each).max(0))
                    .collect()
            }
        };
        if sizes.len() as i64 != k
            || sizes.iter().sum::<i64>() != dim
            || sizes.iter().any(|&s| s < 0)
        {
            return Err(err(format!(
                "sizes {sizes:?} do not split {dim} into {k} outputs"
            )));
        }
        let ints = |nm: &str, v: i64| pb::AttributeProto {
            name: nm.into(),
            r#type: pb::attribute_proto::AttributeType::Ints as i32,
            ints: vec![v],
            ..Default::default()
        };
        let mut start = 0;
        let mut out = vec![];
        for (i, (o, &size)) in n.output.iter().zip(&sizes).enumerate() {
            out.push(pb::NodeProto {
                name: format!("{name}/{i}"),
                op_type: "Slice".into(),
                input: vec![n.input[0].clone()],
                output: vec![o.clone()],
                attribute: vec![
                    ints("starts", start),
                    ints("ends", start + size),
                    ints("axes", axis),
                ],
                ..Default::default()
            });
            start += size;
        }
        Ok(out)
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
        // ai.onnx.ml: the ops scikit-learn, XGBoost and LightGBM models export to
        let ml_ok = n.domain == "ai.onnx.ml" && ops::ML_OPS.contains(&n.op_type.as_str());
        if !n.domain.is_empty() && n.domain != "ai.onnx" && !ml_ok {
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
        let attrs = attrs::convert(&n.attribute);
        if n.op_type == "Constant" {
            let t = tensor::constant_node(&attrs).map_err(op_err)?;
            self.add_value(&out_name, t.shape.clone(), Some(t), types::constant(n));
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
        if n.op_type == "Sqrt" {
            if let Some(fused) = self.sqrt_of_sum(&ins) {
                // √(x + c) as one table: x read directly (the Add stays for other readers)
                let (x, c) = fused;
                let op = ops::Op::Act(ops::Func::SqrtPlus { c });
                return self.push_unary(name, &n.op_type, op, x, &out_name);
            }
        }
        if n.op_type == "Softmax" {
            if let Some((x, keep)) = self.softmax_mask(&ins) {
                let sm = ops::softmax::Softmax::build(&n.op_type, &attrs, &shapes)
                    .map_err(op_err)?
                    .masked(&self.values[x].shape, keep);
                if let Some(sm) = sm {
                    // the mask node stays for other readers (dropped if there are none)
                    return self.push_unary(name, &n.op_type, ops::Op::Softmax(sm), x, &out_name);
                }
            }
        }
        let int_in: Vec<bool> = ins
            .iter()
            .map(|i| i.is_some_and(|id| self.values[id].integer))
            .collect();
        let int_out = types::output(n, &int_in);
        let every_int = !int_in.is_empty() && int_in.iter().all(|&b| b);
        let built =
            ops::build(&n.op_type, &attrs, &consts, &shapes, every_int).map_err(|e| match e {
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
            self.add_value(&out_name, t.shape.clone(), Some(t), int_out);
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
        let out = self.add_value(&out_name, probe.shape.clone(), None, int_out);
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
