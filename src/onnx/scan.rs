//! ONNX `Scan`, unrolled at import (as the recurrent ops are unrolled in the circuit): the body
//! graph is imported once per iteration, its values renamed `<scan>/t<k>/<value>`, its state
//! inputs bound to the previous iteration's state outputs and its scan inputs to one slice of
//! each scan input. Scan outputs are stacked along their axis (a reshape adding the axis, then
//! one Concat). skl2onnx writes KNeighbors' pairwise distances this way (one iteration per
//! training row, the rows a constant scan input, so each slice is a constant).
//!
//! Supported: any number of state and scan inputs, `scan_input_axes`, `scan_output_axes` and
//! both directions; body initializers and outer-scope values. Not supported (a typed error
//! naming the node): a body holding a subgraph of its own (nested Scan, If, Loop), the old
//! opset-8 form with a sequence-length input, and a scan of length 0.

use std::collections::HashMap;

use tract_onnx::pb;

use super::{attrs, axis_node, tensor, types, Builder, OnnxError};
use crate::ops::OpError;
use crate::tensor::{strides, Tensor};

/// The slice `k` of `t` along `axis`, that axis removed.
fn slice(t: &Tensor, axis: usize, k: usize) -> Tensor {
    let st = strides(&t.shape);
    let (outer, inner) = (t.shape[..axis].iter().product::<usize>(), st[axis]);
    let mut data = Vec::with_capacity(outer * inner);
    for o in 0..outer {
        let base = o * st[axis] * t.shape[axis] + k * st[axis];
        data.extend_from_slice(&t.data[base..base + inner]);
    }
    let mut shape = t.shape.clone();
    shape.remove(axis);
    Tensor::new(shape, data)
}

fn axis_of(v: i64, rank: usize) -> Option<usize> {
    let r = rank as i64;
    let a = if v < 0 { v + r } else { v };
    (0..r).contains(&a).then_some(a as usize)
}

impl Builder {
    /// Import `Scan` node `n` (the `index`-th of its graph) as its unrolled iterations.
    pub(super) fn scan(&mut self, index: usize, n: &pb::NodeProto) -> Result<(), OnnxError> {
        let name = if n.name.is_empty() {
            format!("Scan_{index}")
        } else {
            n.name.clone()
        };
        let err = |msg: String| OnnxError::Op {
            node: name.clone(),
            op: "Scan".into(),
            source: OpError::Unsupported2(msg),
        };
        let body = n
            .attribute
            .iter()
            .find(|a| a.name == "body")
            .and_then(|a| a.g.as_ref())
            .ok_or_else(|| err("it has no `body` graph".into()))?;
        if body.node.iter().any(|b| {
            b.attribute
                .iter()
                .any(|a| a.g.is_some() || !a.graphs.is_empty())
        }) {
            return Err(err("a body holding a subgraph of its own".into()));
        }
        let a = attrs::convert(
            &n.attribute
                .iter()
                .filter(|a| a.name != "body")
                .cloned()
                .collect::<Vec<_>>(),
        );
        let m = a.int("num_scan_inputs", 0);
        let n_in = n.input.len() as i64;
        if m < 1 || m > n_in {
            return Err(err(format!(
                "num_scan_inputs = {m} with {n_in} inputs (opset 8's sequence-length form is \
                 not supported)"
            )));
        }
        let (m, states) = (m as usize, (n_in - m) as usize);
        let k_out = body.output.len().checked_sub(states).ok_or_else(|| {
            err(format!(
                "its body has {} outputs for {states} states",
                body.output.len()
            ))
        })?;
        if body.input.len() != states + m {
            return Err(err(format!(
                "its body has {} inputs for {states} states and {m} scan inputs",
                body.input.len()
            )));
        }
        let per = |key: &str, count: usize| -> Vec<i64> {
            let mut v = a.ints(key).unwrap_or_default();
            v.resize(count, 0);
            v
        };
        let (in_axes, in_dirs) = (per("scan_input_axes", m), per("scan_input_directions", m));
        let (out_axes, out_dirs) = (
            per("scan_output_axes", k_out),
            per("scan_output_directions", k_out),
        );
        // the scan inputs: their value, axis and length
        let mut scanned = vec![];
        let mut length = None;
        for (j, v) in n.input[states..].iter().enumerate() {
            let id = *self.by_name.get(v).ok_or_else(|| OnnxError::UnknownValue {
                node: name.clone(),
                op: "Scan".into(),
                value: v.clone(),
            })?;
            let rank = self.values[id].shape.len();
            let axis = axis_of(in_axes[j], rank).ok_or_else(|| {
                err(format!(
                    "scan_input_axes[{j}] = {} for rank {rank}",
                    in_axes[j]
                ))
            })?;
            let len = self.values[id].shape[axis];
            if *length.get_or_insert(len) != len {
                return Err(err(format!(
                    "scan inputs of lengths {} and {len}",
                    length.unwrap_or(0)
                )));
            }
            scanned.push((id, axis));
        }
        let length = length.unwrap_or(0);
        if length == 0 {
            return Err(err("a scan of length 0".into()));
        }
        // body initializers: constants, once
        let mut shared: HashMap<String, String> = HashMap::new();
        for init in &body.initializer {
            let t = tensor::decode(init)?;
            let nm = format!("{name}/{}", init.name);
            self.add_value(
                &nm,
                t.shape.clone(),
                Some(t),
                types::is_integer(init.data_type),
            );
            shared.insert(init.name.clone(), nm);
        }
        let mut state: Vec<String> = n.input[..states].to_vec();
        let mut elems: Vec<Vec<String>> = vec![vec![]; k_out];
        for t in 0..length {
            let pre = format!("{name}/t{t}");
            let mut map = shared.clone();
            for (j, s) in state.iter().enumerate() {
                map.insert(body.input[j].name.clone(), s.clone());
            }
            for (j, &(id, axis)) in scanned.iter().enumerate() {
                let at = if in_dirs[j] != 0 { length - 1 - t } else { t };
                let el = format!("{pre}/{}", body.input[states + j].name);
                if let Some(c) = self.values[id].constant.clone() {
                    let s = slice(&c, axis, at);
                    let int = self.values[id].integer;
                    self.add_value(&el, s.shape.clone(), Some(s), int);
                } else {
                    let idx = format!("{el}:index");
                    self.add_value(&idx, vec![], Some(Tensor::scalar(at as f64)), true);
                    let input = vec![self.values[id].name.clone(), idx];
                    let gather = axis_node(&el, "Gather", input, el.clone(), axis as i64);
                    self.node(index, &gather)?;
                }
                map.insert(body.input[states + j].name.clone(), el);
            }
            for b in &body.node {
                let mut part = b.clone();
                let rename = |v: &String, map: &HashMap<String, String>| {
                    if v.is_empty() {
                        v.clone()
                    } else {
                        map.get(v).cloned().unwrap_or_else(|| v.clone())
                    }
                };
                part.input = b.input.iter().map(|v| rename(v, &map)).collect();
                for o in &b.output {
                    if !o.is_empty() {
                        map.insert(o.clone(), format!("{pre}/{o}"));
                    }
                }
                part.output = b.output.iter().map(|v| rename(v, &map)).collect();
                part.name = format!("{pre}/{}", b.name);
                self.dispatch(index, &part)?;
            }
            let outs: Vec<String> = body
                .output
                .iter()
                .map(|o| map.get(&o.name).cloned().unwrap_or_else(|| o.name.clone()))
                .collect();
            state = outs[..states].to_vec();
            for (k, o) in outs[states..].iter().enumerate() {
                elems[k].push(o.clone());
            }
        }
        // final states under the node's output names
        for (j, s) in state.iter().enumerate() {
            let out = &n.output.get(j).cloned().unwrap_or_default();
            if out.is_empty() {
                continue;
            }
            let id = *self
                .by_name
                .get(s)
                .ok_or_else(|| err(format!("state {s} undefined")))?;
            let node = pb::NodeProto {
                name: format!("{name}/state{j}"),
                op_type: "Identity".into(),
                input: vec![self.values[id].name.clone()],
                output: vec![out.clone()],
                ..Default::default()
            };
            self.node(index, &node)?;
        }
        // scan outputs: each element with the scan axis added, then one Concat
        for (k, mut list) in elems.into_iter().enumerate() {
            let out = n.output.get(states + k).cloned().unwrap_or_default();
            if out.is_empty() {
                continue;
            }
            if out_dirs[k] != 0 {
                list.reverse();
            }
            let first = *self
                .by_name
                .get(&list[0])
                .ok_or_else(|| err(format!("scan output {k} undefined")))?;
            let el = self.values[first].shape.clone();
            let axis = axis_of(out_axes[k], el.len() + 1).ok_or_else(|| {
                err(format!(
                    "scan_output_axes[{k}] = {} for rank {}",
                    out_axes[k],
                    el.len() + 1
                ))
            })?;
            let mut one = el.clone();
            one.insert(axis, 1);
            let shape_name = format!("{name}/out{k}:shape");
            let dims = Tensor::new(vec![one.len()], one.iter().map(|&d| d as f64).collect());
            self.add_value(&shape_name, vec![one.len()], Some(dims), true);
            let mut stacked = vec![];
            for (t, e) in list.iter().enumerate() {
                let r = format!("{name}/out{k}/t{t}");
                let node = pb::NodeProto {
                    name: r.clone(),
                    op_type: "Reshape".into(),
                    input: vec![e.clone(), shape_name.clone()],
                    output: vec![r.clone()],
                    ..Default::default()
                };
                self.node(index, &node)?;
                stacked.push(r);
            }
            let concat = axis_node(
                &format!("{name}/out{k}"),
                "Concat",
                stacked,
                out,
                axis as i64,
            );
            self.node(index, &concat)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_drops_its_axis() {
        let t = Tensor::new(vec![2, 3, 2], (0..12).map(f64::from).collect());
        assert_eq!(slice(&t, 0, 1).data, vec![6., 7., 8., 9., 10., 11.]);
        assert_eq!(slice(&t, 1, 2).data, vec![4., 5., 10., 11.]);
        assert_eq!(slice(&t, 2, 0).shape, vec![2, 3]);
        assert_eq!(slice(&t, 2, 0).data, vec![0., 2., 4., 6., 8., 10.]);
    }
}
