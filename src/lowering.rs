//! Graph IR → quantized graph: each node's op lowers itself (`ops/`) into quantized steps
//! (`quant/`). The one module that knows both the graph and the step vocabulary, so that
//! `quant` depends on neither `graph` nor `ops`.

use std::collections::HashMap;

use crate::graph::Graph;
use crate::ops::Operand;
use crate::quant::{
    coarsen_table_inputs, emit, typed_input, InputKind, LowerCtx, QGraph, QuantError, QuantSpec,
    TensorId,
};
use crate::tensor::Tensor;

/// Quantize the graph IR.
pub fn quantize(g: &Graph, spec: QuantSpec) -> Result<QGraph, QuantError> {
    let mut ids: HashMap<usize, TensorId> = HashMap::new();
    let mut shapes = vec![];
    for &i in &g.inputs {
        ids.insert(i, shapes.len());
        shapes.push(g.values[i].shape.clone());
    }
    let inputs: Vec<TensorId> = (0..g.inputs.len()).collect();
    let mut params = vec![];
    let mut dedup = HashMap::new();
    let const_ids: HashMap<*const Tensor, usize> = g
        .values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.constant.as_ref().map(|t| (t as *const Tensor, i)))
        .collect();
    let mut steps = vec![];
    for (i, &kind) in g.input_kinds.iter().enumerate() {
        if kind == InputKind::Float {
            continue;
        }
        let t = inputs[i];
        let len = shapes[t].iter().product();
        let name = format!("input {i}");
        let ids_of = emit(
            typed_input(kind, len, spec.act_scale),
            &[t],
            (&name, "typed input"),
            &mut shapes,
            &mut steps,
        )
        .map_err(QuantError::Internal)?;
        let last = *ids_of
            .last()
            .ok_or_else(|| QuantError::Internal("typed input".into()))?;
        shapes[last] = shapes[t].clone();
        ids.insert(g.inputs[i], last);
    }
    for n in &g.nodes {
        let mut act_inputs = vec![];
        let mut operands = vec![];
        for &v in &n.inputs {
            let info = &g.values[v];
            match &info.constant {
                Some(t) => operands.push(Operand::Const(t)),
                None => {
                    let tid = *ids.get(&v).ok_or_else(|| {
                        QuantError::Internal(format!("value `{}` not lowered", info.name))
                    })?;
                    operands.push(Operand::Act {
                        slot: act_inputs.len(),
                        shape: &info.shape,
                    });
                    act_inputs.push(tid);
                }
            }
        }
        let out_shape = g.values[n.output].shape.clone();
        let mut ctx = LowerCtx {
            act_scale: spec.act_scale,
            param_scale: spec.param_scale,
            params: &mut params,
            dedup: &mut dedup,
            const_ids: &const_ids,
            node: &n.name,
        };
        let node_err = |msg: String| QuantError::Node {
            node: n.name.clone(),
            op: n.op_type.clone(),
            msg,
        };
        let lowered =
            n.op.lower(&mut ctx, &operands, &out_shape)
                .map_err(|e| match e {
                    QuantError::Unsupported(msg) | QuantError::Internal(msg) => node_err(msg),
                    other => other,
                })?;
        let last = lowered
            .steps
            .len()
            .checked_sub(1)
            .ok_or_else(|| node_err("lowered to no step".into()))?;
        if lowered.steps[last].shape != out_shape {
            return Err(node_err(format!(
                "lowered to shape {:?}, expected {out_shape:?}",
                lowered.steps[last].shape
            )));
        }
        let step_ids = emit(
            lowered,
            &act_inputs,
            (&n.name, &n.op_type),
            &mut shapes,
            &mut steps,
        )
        .map_err(node_err)?;
        ids.insert(n.output, step_ids[last]);
    }
    let outputs: Vec<TensorId> = g.outputs.iter().map(|o| ids[o]).collect();
    if spec.table_shift > spec.act_scale {
        return Err(QuantError::Unsupported(format!(
            "table_shift {} is above the activation scale {}",
            spec.table_shift, spec.act_scale
        )));
    }
    if spec.table_shift > 0 {
        steps = coarsen_table_inputs(steps, &mut shapes, &inputs, &outputs, spec.table_shift);
    }
    Ok(QGraph {
        act_scale: spec.act_scale,
        shapes,
        params,
        inputs,
        input_kinds: g.input_kinds.clone(),
        outputs,
        steps,
        table_shift: spec.table_shift,
    })
}
