//! Functions written out as element-wise ops, fused into one table at import. GPT-2's
//! `gelu_new`, `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, is exported as eight to ten
//! element-wise nodes (Pow or two Muls for the cube, in any operand order); the erf form
//! `0.5·x·(1 + erf(x/√2))` as five. Each node costs a row per element (nanoGPT: ~130 k rows per
//! layer); one table costs one.
//!
//! Recognised by evaluation, not by the nodes' shapes: a `Mul` whose inputs lead back, through
//! element-wise ops with scalar constants only, to one activation `x` of the `Mul`'s shape,
//! (arithmetic, Tanh, Erf, Pow: smooth functions only), and whose float semantics (each node's
//! own `eval`) equal the function at 16 sample points from −20 to 20, within 10⁻⁶. The `Mul` then reads `x` through the table; the nodes it
//! replaces are dropped when nothing else reads them.

use std::collections::HashMap;

use super::Builder;
use crate::graph::ValueId;
use crate::ops::{arith::Arith, Func, Op};
use crate::tensor::Tensor;

/// The functions looked for, in order.
const FUSED: [Func; 2] = [Func::GeluTanh, Func::Gelu];

/// At most this many nodes below the root (GELU's tanh form has 9).
const MAX_NODES: usize = 16;

const SAMPLES: [f64; 16] = [
    -20.0, -9.0, -6.0, -3.0, -1.7, -1.0, -0.5, -0.1, 0.0, 0.2, 0.6, 1.3, 2.5, 6.0, 9.0, 20.0,
];

/// The nodes a fused subgraph may hold: arithmetic and the smooth functions GELU's forms use
/// (no piecewise function such as Relu or Clip, which could agree at the samples only).
fn elementwise(op: &Op) -> bool {
    matches!(
        op,
        Op::Arith(Arith::Add | Arith::Sub | Arith::Mul | Arith::Div | Arith::Neg)
            | Op::Act(Func::Tanh | Func::Erf | Func::Pow { .. })
    )
}

impl Builder {
    /// Replace every root of a fusable subgraph by one table node reading its `x`.
    pub(super) fn fuse_functions(&mut self) {
        let producer: HashMap<ValueId, usize> = self
            .nodes
            .iter()
            .enumerate()
            .map(|(k, n)| (n.output, k))
            .collect();
        for k in 0..self.nodes.len() {
            if !matches!(self.nodes[k].op, Op::Arith(Arith::Mul)) {
                continue;
            }
            let mut leaves = vec![];
            let mut count = 0;
            if !self.leaves(self.nodes[k].output, &producer, &mut leaves, &mut count) {
                continue;
            }
            let [x] = leaves[..] else { continue };
            if self.values[x].shape != self.values[self.nodes[k].output].shape {
                continue;
            }
            let root = self.nodes[k].output;
            let Some(f) = FUSED.into_iter().find(|f| {
                SAMPLES.iter().all(|&t| {
                    let want = f.apply(t);
                    self.value_at(root, x, t, &producer)
                        .is_some_and(|v| (v - want).abs() <= 1e-6 * want.abs().max(1.0))
                })
            }) else {
                continue;
            };
            let node = &mut self.nodes[k];
            node.op = Op::Act(f);
            node.inputs = vec![x];
            node.op_type = format!("{} ({} fused)", node.op_type, f.name());
        }
    }

    /// The activations `v` depends on through element-wise nodes (scalar constants allowed);
    /// false when a constant is not a scalar or the subgraph is too large.
    fn leaves(
        &self,
        v: ValueId,
        producer: &HashMap<ValueId, usize>,
        out: &mut Vec<ValueId>,
        count: &mut usize,
    ) -> bool {
        if let Some(c) = &self.values[v].constant {
            return c.data.len() == 1;
        }
        match producer.get(&v).map(|&k| &self.nodes[k]) {
            Some(n) if elementwise(&n.op) => {
                *count += 1;
                if *count > MAX_NODES {
                    return false;
                }
                n.inputs
                    .iter()
                    .all(|&i| self.leaves(i, producer, out, count))
            }
            _ => {
                if !out.contains(&v) {
                    out.push(v);
                }
                true
            }
        }
    }

    /// `v`'s float value when `x` is `t` (every constant a scalar, every node element-wise).
    fn value_at(
        &self,
        v: ValueId,
        x: ValueId,
        t: f64,
        producer: &HashMap<ValueId, usize>,
    ) -> Option<f64> {
        if v == x {
            return Some(t);
        }
        if let Some(c) = &self.values[v].constant {
            return c.data.first().copied();
        }
        let n = &self.nodes[*producer.get(&v)?];
        let ins: Vec<Tensor> = n
            .inputs
            .iter()
            .map(|&i| self.value_at(i, x, t, producer).map(Tensor::scalar))
            .collect::<Option<_>>()?;
        let refs: Vec<&Tensor> = ins.iter().collect();
        let y = n.op.eval(&refs).ok()?;
        y.data.first().copied().filter(|y| y.is_finite())
    }
}
