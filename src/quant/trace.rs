//! Integer evaluation of the quantized graph: every tensor's fixed-point values (the witness).

use super::{QGraph, QOp, QuantError};

/// The integer value of every tensor of a [`QGraph`].
#[derive(Clone, Debug, PartialEq)]
pub struct Trace {
    pub values: Vec<Vec<i64>>,
}

impl Trace {
    pub fn outputs(&self, q: &QGraph) -> Vec<Vec<i64>> {
        q.outputs.iter().map(|&o| self.values[o].clone()).collect()
    }
}

/// Run the quantized graph. `range` is the lookup range `[-range, range)`: every value the
/// circuit range-checks (inputs, rescaled outputs) must lie in it; `tables` the domain
/// `[lo, hi)` of each function table in `q.required_lookups()`' order (empty: `[-range,
/// range)`), which every input of that function must lie in.
pub fn run(
    q: &QGraph,
    inputs: &[Vec<i64>],
    range: i64,
    tables: &[(i64, i64)],
) -> Result<Trace, QuantError> {
    if inputs.len() != q.inputs.len() {
        return Err(QuantError::Internal(format!(
            "expected {} inputs, got {}",
            q.inputs.len(),
            inputs.len()
        )));
    }
    let mut values: Vec<Vec<i64>> = vec![vec![]; q.shapes.len()];
    for (index, (x, &t)) in inputs.iter().zip(&q.inputs).enumerate() {
        if x.len() != q.len_of(t) {
            return Err(QuantError::Internal(format!(
                "input {index}: {} values, expected {}",
                x.len(),
                q.len_of(t)
            )));
        }
        if let Some((pos, &v)) = x
            .iter()
            .enumerate()
            .find(|(_, v)| **v < -range || **v >= range)
        {
            return Err(QuantError::OutOfRange {
                node: format!("input {index}"),
                op: "input".into(),
                pos,
                value: v as i128,
                lo: -range,
                hi: range,
                scale: q.act_scale,
            });
        }
        values[t] = x.clone();
    }
    run_from(q, values, 0, range, tables)
}

/// Evaluate the steps from `from` on, every tensor they read already in `values` (those of
/// earlier steps and the inputs). [`run`] is this from step 0; tests use it to see what an
/// adversary's trace looks like when one step's output is changed and everything after it
/// follows honestly.
pub fn run_from(
    q: &QGraph,
    mut values: Vec<Vec<i64>>,
    from: usize,
    range: i64,
    tables: &[(i64, i64)],
) -> Result<Trace, QuantError> {
    let funcs = q.required_lookups();
    if !tables.is_empty() && tables.len() != funcs.len() {
        return Err(QuantError::Internal(format!(
            "{} table domains for {} tables",
            tables.len(),
            funcs.len()
        )));
    }
    let domain = |f: &super::Func| -> (i64, i64) {
        funcs
            .iter()
            .position(|g| g == f)
            .and_then(|k| tables.get(k).copied())
            .unwrap_or((-range, range))
    };
    let s_in = q.act_scale.saturating_sub(q.table_shift);
    let mut terms = vec![];
    for s in q.steps.iter().skip(from) {
        let out_of_range = |pos: usize, value: i128| QuantError::OutOfRange {
            node: s.node.clone(),
            op: s.op_type.clone(),
            pos,
            value,
            lo: -range,
            hi: range,
            scale: q.act_scale,
        };
        let ins: Vec<&[i64]> = s.inputs.iter().map(|&i| values[i].as_slice()).collect();
        let out: Vec<i64> = match &s.op {
            QOp::Dot(d) => {
                let n = d.out_len();
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    d.terms(i, &mut terms);
                    let (_, y) = d.eval_one(&terms, &ins, &q.params);
                    if y < -(range as i128) || y >= range as i128 {
                        return Err(out_of_range(i, y));
                    }
                    out.push(y as i64);
                }
                out
            }
            QOp::Lookup(f) => {
                let x = ins[0];
                let mut out = Vec::with_capacity(x.len());
                let (lo, hi, s_x) = if f.tabled() {
                    let (lo, hi) = domain(f);
                    (lo, hi, s_in)
                } else {
                    (-range, range, q.act_scale)
                };
                for (i, &v) in x.iter().enumerate() {
                    if v < lo || v >= hi {
                        return Err(QuantError::OutOfRange {
                            node: s.node.clone(),
                            op: s.op_type.clone(),
                            pos: i,
                            value: v as i128,
                            lo,
                            hi,
                            scale: s_x,
                        });
                    }
                    out.push(f.quantized_at(v, s_x, q.act_scale));
                }
                out
            }
            QOp::Gather(map) => map
                .iter()
                .map(|&(slot, idx)| {
                    if slot == crate::quant::ZERO_SLOT {
                        0
                    } else {
                        ins[slot as usize][idx as usize]
                    }
                })
                .collect(),
            QOp::IsZero => ins[0].iter().map(|&v| (v == 0) as i64).collect(),
            QOp::Clamp { lo } => ins[0].iter().map(|&v| v.max(*lo)).collect(),
            QOp::Div { shift, den } => {
                let mut out = Vec::with_capacity(den.len());
                for (i, &j) in den.iter().enumerate() {
                    let d = ins[1][j as usize] as i128;
                    let op = s.op_type.as_str();
                    let scatter = matches!(op, "ScatterND" | "ScatterElements" | "Scatter");
                    if d < 1 && scatter && s.inputs[0] != s.inputs[1] {
                        // the uniqueness check of `ops::scatter` (divisor 2 − c, numerator keep)
                        return Err(QuantError::Node {
                            node: s.node.clone(),
                            op: s.op_type.clone(),
                            msg: format!(
                                "{} updates name one position (uniqueness check {j}; ONNX \
                                 requires unique indices)",
                                2 - d
                            ),
                        });
                    }
                    let gather = scatter || matches!(op, "Gather" | "GatherElements" | "GatherND");
                    if d == 0 && gather {
                        // the one-hot check of `compose::one_hot`: this index matched nothing
                        return Err(QuantError::Node {
                            node: s.node.clone(),
                            op: s.op_type.clone(),
                            msg: format!(
                                "index at position {j} is out of range for the indexed axis"
                            ),
                        });
                    }
                    if d < 1 || d >= range as i128 {
                        return Err(QuantError::Node {
                            node: s.node.clone(),
                            op: s.op_type.clone(),
                            msg: format!(
                                "divisor {d} at position {j} is outside [1, {range}) (the \
                                 division gadget divides by positive in-range values only)"
                            ),
                        });
                    }
                    let y = div_round(ins[0][i] as i128, d, *shift);
                    if y < -(range as i128) || y >= range as i128 {
                        return Err(out_of_range(i, y));
                    }
                    out.push(y as i64);
                }
                out
            }
        };
        values[s.output] = out;
    }
    Ok(Trace { values })
}

/// `round(n·2^shift / d)`, half up, for `d ≥ 1`: `floor((2^(shift+1)·n + d) / 2d)`, the
/// division gadget's relation.
pub fn div_round(n: i128, d: i128, shift: u32) -> i128 {
    ((n << (shift + 1)) + d).div_euclid(2 * d)
}
