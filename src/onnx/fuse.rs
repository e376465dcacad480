//! Functions written out as element-wise ops, fused into one table at import. GPT-2's
//! `gelu_new`, `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`, is exported as eight to ten
//! element-wise nodes (Pow or two Muls for the cube, in any operand order); the erf form
//! `0.5·x·(1 + erf(x/√2))` as five. Each node costs a row per element (nanoGPT: ~130 k rows per
//! layer); one table costs one.
//!
//! Recognised as an identity of polynomials, not by sampling the whole function (a steep
//! `erf` bump between samples would pass that): a `Mul` whose inputs lead back, through
//! arithmetic and one special node `u = g(A)` (`g` = Tanh or Erf), to one activation `x` of
//! its shape, where
//! - `A` is a polynomial in `x` (Add, Sub, Neg, Mul, Div by a constant, Pow by a whole
//!   exponent) of degree `d`, equal to `√(2/π)·(x + 0.044715·x³)` (tanh) or `x/√2` (erf) at
//!   `d + 1` distinct points: two polynomials of degree `≤ d` that agree there are equal;
//! - the root, with `u` as a free variable, is a polynomial `P(x, u)` of degrees `(a, b)`
//!   equal to `0.5·x·(1 + u)` on an `(a + 1) × (b + 1)` grid: again an identity.
//!
//! Each node's own float `eval` gives the values; "equal" is within 10⁻⁶ (exporters write
//! `√(2/π)` and `0.044715` as float32). The `Mul` then reads `x` through the table; the nodes
//! it replaces are dropped when nothing else reads them.

use std::collections::HashMap;

use super::Builder;
use crate::graph::ValueId;
use crate::ops::{arith::Arith, Func, Op};
use crate::tensor::Tensor;

/// At most this many nodes below the root (GELU's tanh form has 9).
const MAX_NODES: usize = 16;
/// Degrees beyond these are not a written-out GELU.
const MAX_DEGREE: u32 = 6;

/// Distinct sample points (enough for degree `MAX_DEGREE` in `x`, 3 in `u`).
const XS: [f64; 7] = [-2.5, -1.25, -0.5, 0.3, 0.9, 1.7, 3.1];
const US: [f64; 4] = [-0.8, -0.2, 0.35, 0.75];

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// A real function of one variable (a form's argument `A(x)`).
type Real = fn(f64) -> f64;

/// The special node's function, its argument `A(x)` and the fused function.
fn forms(g: Func) -> Option<(Real, Func)> {
    fn tanh_arg(x: f64) -> f64 {
        (2.0 / std::f64::consts::PI).sqrt() * (x + 0.044715 * x * x * x)
    }
    fn erf_arg(x: f64) -> f64 {
        x / std::f64::consts::SQRT_2
    }
    match g {
        Func::Tanh => Some((tanh_arg, Func::GeluTanh)),
        Func::Erf => Some((erf_arg, Func::Gelu)),
        _ => None,
    }
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
            if let Some((x, f)) = self.fusable(self.nodes[k].output, &producer) {
                let node = &mut self.nodes[k];
                node.op = Op::Act(f);
                node.inputs = vec![x];
                node.op_type = format!("{} ({} fused)", node.op_type, f.name());
            }
        }
    }

    /// `(x, f)` when the subgraph under `root` is `f(x)` as the module docs say.
    fn fusable(
        &self,
        root: ValueId,
        producer: &HashMap<ValueId, usize>,
    ) -> Option<(ValueId, Func)> {
        let mut walk = Walk::default();
        self.walk(root, producer, &mut walk)?;
        let ([x], [s]) = (&walk.leaves[..], &walk.special[..]) else {
            return None;
        };
        let (x, s) = (*x, *s);
        if self.values[x].shape != self.values[root].shape {
            return None;
        }
        let node = &self.nodes[producer[&s]];
        let Op::Act(g) = node.op else { return None };
        let (arg, fused) = forms(g)?;
        let a = node.inputs[0];
        // A(x): a polynomial of degree d, equal to the form's argument at d + 1 points
        let (d, 0) = self.degree(a, x, None, producer)? else {
            return None;
        };
        let at = |v: ValueId, t: f64, u: Option<f64>| {
            let mut known = HashMap::from([(x, t)]);
            if let Some(u) = u {
                known.insert(s, u);
            }
            self.value_at(v, &known, producer)
        };
        if !XS[..=d as usize]
            .iter()
            .all(|&t| at(a, t, None).is_some_and(|v| close(v, arg(t))))
        {
            return None;
        }
        // P(x, u) = 0.5·x·(1 + u) on an (a + 1) × (b + 1) grid
        let (da, db) = self.degree(root, x, Some(s), producer)?;
        let grid = XS[..=da as usize]
            .iter()
            .flat_map(|&t| US[..=db as usize].iter().map(move |&u| (t, u)));
        grid.into_iter()
            .all(|(t, u)| at(root, t, Some(u)).is_some_and(|v| close(v, 0.5 * t * (1.0 + u))))
            .then_some((x, fused))
    }

    /// Collect the subgraph's activation leaves and special nodes (Tanh, Erf); `None` when it
    /// holds another op, a constant that is not a scalar, or too many nodes.
    fn walk(&self, v: ValueId, producer: &HashMap<ValueId, usize>, w: &mut Walk) -> Option<()> {
        if let Some(c) = &self.values[v].constant {
            return (c.data.len() == 1).then_some(());
        }
        let Some(n) = producer.get(&v).map(|&k| &self.nodes[k]) else {
            if !w.leaves.contains(&v) {
                w.leaves.push(v);
            }
            return Some(());
        };
        w.count += 1;
        if w.count > MAX_NODES {
            return None;
        }
        match n.op {
            Op::Arith(Arith::Add | Arith::Sub | Arith::Mul | Arith::Div | Arith::Neg)
            | Op::Act(Func::Pow { .. }) => {
                for &i in &n.inputs {
                    self.walk(i, producer, w)?;
                }
                Some(())
            }
            Op::Act(Func::Tanh | Func::Erf) => {
                if !w.special.contains(&v) {
                    w.special.push(v);
                }
                self.walk(n.inputs[0], producer, w)
            }
            _ => {
                // any other producer is where the function's input comes from
                if !w.leaves.contains(&v) {
                    w.leaves.push(v);
                }
                Some(())
            }
        }
    }

    /// `v`'s degrees `(in x, in u)` as a polynomial in `x` and the special value `u`; `None`
    /// when it is not one (another function, a division by a non-constant, a fractional
    /// power) or the degree exceeds [`MAX_DEGREE`].
    fn degree(
        &self,
        v: ValueId,
        x: ValueId,
        u: Option<ValueId>,
        producer: &HashMap<ValueId, usize>,
    ) -> Option<(u32, u32)> {
        if v == x {
            return Some((1, 0));
        }
        if Some(v) == u {
            return Some((0, 1));
        }
        if self.values[v].constant.is_some() {
            return Some((0, 0));
        }
        let n = &self.nodes[*producer.get(&v)?];
        let deg = |i: usize| self.degree(n.inputs[i], x, u, producer);
        let d = match n.op {
            Op::Arith(Arith::Add | Arith::Sub) => {
                let (a, b) = (deg(0)?, deg(1)?);
                (a.0.max(b.0), a.1.max(b.1))
            }
            Op::Arith(Arith::Neg) => deg(0)?,
            Op::Arith(Arith::Mul) => {
                let (a, b) = (deg(0)?, deg(1)?);
                (a.0 + b.0, a.1 + b.1)
            }
            Op::Arith(Arith::Div) => match deg(1)? {
                (0, 0) if self.values[n.inputs[1]].constant.is_some() => deg(0)?,
                _ => return None,
            },
            Op::Act(Func::Pow { p }) if p >= 0.0 && p.fract() == 0.0 && p <= 4.0 => {
                let a = deg(0)?;
                (a.0 * p as u32, a.1 * p as u32)
            }
            _ => return None,
        };
        (d.0 <= MAX_DEGREE && d.1 <= 3).then_some(d)
    }

    /// `v`'s float value given the values in `known` (every constant a scalar).
    fn value_at(
        &self,
        v: ValueId,
        known: &HashMap<ValueId, f64>,
        producer: &HashMap<ValueId, usize>,
    ) -> Option<f64> {
        if let Some(&t) = known.get(&v) {
            return Some(t);
        }
        if let Some(c) = &self.values[v].constant {
            return c.data.first().copied();
        }
        let n = &self.nodes[*producer.get(&v)?];
        let ins: Vec<Tensor> = n
            .inputs
            .iter()
            .map(|&i| self.value_at(i, known, producer).map(Tensor::scalar))
            .collect::<Option<_>>()?;
        let refs: Vec<&Tensor> = ins.iter().collect();
        let y = n.op.eval(&refs).ok()?;
        y.data.first().copied().filter(|y| y.is_finite())
    }
}

#[derive(Default)]
struct Walk {
    leaves: Vec<ValueId>,
    special: Vec<ValueId>,
    count: usize,
}
