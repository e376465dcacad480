//! Graph IR -> quantized graph, and its integer semantics (the witness).
//!
//! Fixed point with power-of-two scales: a real `x` at scale `s` is the integer `round(x * 2^s)`.
//! Every activation is kept at the activation scale `S` (run_args.input_scale); weights are
//! quantized at the param scale `P`, biases at the scale of the products they are added to.
//! Every product-sum (`Dot`) is rescaled back to `S` by a rounded division by `2^d`
//! (`y = floor((acc + 2^(d-1)) / 2^d)`), which the circuit checks with a range-checked
//! remainder. Non-linear functions are tables over the lookup range `[-H, H)` at scale `S`.
//! See `QUANTIZATION.md` for the full rules.

pub mod compose;
pub mod conv;
mod dot;
mod func;
pub mod matmul;
mod trace;

pub use dot::{ASrc, BSrc, Dot, DotKind, ElemPart, Term, TermA, TermB};
pub use func::Func;
pub use trace::{div_round, run, run_from, Trace};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::tensor::Tensor;

pub type TensorId = usize;

/// What a graph input holds: floats, integers (whole numbers) or booleans (0 or 1, like every
/// boolean of the graph). The circuit rounds integer and boolean inputs to those values before
/// any op reads them, so a proof is always about an input of the model's type.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum InputKind {
    #[default]
    Float,
    Integer,
    Bool,
}

/// The slot a gather reads for the constant zero (Pad, Trilu): no input, the circuit's zero
/// cell.
pub const ZERO_SLOT: u32 = u32::MAX;

/// Errors of quantization and of integer (witness) evaluation.
#[derive(Debug, thiserror::Error)]
pub enum QuantError {
    #[error("node `{node}` ({op}): {msg}")]
    Node {
        node: String,
        op: String,
        msg: String,
    },
    #[error("parameter `{name}`: {msg}")]
    Param { name: String, msg: String },
    #[error("input {index}: value {value} at position {pos} is {why}")]
    Input {
        index: usize,
        pos: usize,
        value: f64,
        why: String,
    },
    #[error(
        "node `{node}` ({op}): value {value} at position {pos} is outside [{lo}, {hi}) at scale {scale} \
         (the lookup range, or this function's table as calibrated); re-run calibrate-settings \
         with data like this or use a smaller scale"
    )]
    OutOfRange {
        node: String,
        op: String,
        pos: usize,
        value: i128,
        lo: i64,
        hi: i64,
        scale: u32,
    },
    #[error("{0}")]
    Internal(String),
    #[error("{0}")]
    Unsupported(String),
}

/// A quantized constant (weights, biases, ...).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QParam {
    pub name: String,
    pub scale: u32,
    pub shape: Vec<usize>,
    pub values: Vec<i64>,
}

/// A lowered op: what the circuit constrains.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum QOp {
    /// Sums of products, rescaled and range-checked.
    Dot(Box<Dot>),
    /// An element-wise function through a lookup table.
    Lookup(Func),
    /// A re-indexing: output element `i` is element `.1` of input slot `.0` (copy constraints only).
    Gather(Vec<(u32, u32)>),
    /// Division of two activations: `out[i] = round(n[i]·2^shift / d[den[i]])` (half up), `n` in
    /// input slot 0 (as long as the output), `d` in slot 1, every divisor `≥ 1`
    /// (the circuit's division gadget, `circuit/div.rs`).
    Div { shift: u32, den: Vec<u32> },
    /// `out[i] = [x[i] = 0]` as the integer 0 or 1 (not at the activation scale: an internal
    /// value of a lowering, e.g. ArgMax's; the circuit's is-zero gadget, `circuit/iszero.rs`).
    IsZero,
    /// `out[i] = max(x[i], lo)` for a constant floor `lo` (Softmax's `exp` input, so a mask
    /// constant does not widen the table; the circuit's clamp gadget, `circuit/clamp.rs`).
    Clamp { lo: i64 },
}

/// Where a step of a lowering reads an activation: one of the node's activation inputs, or
/// the output of an earlier step of the same lowering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Src {
    In(usize),
    Step(usize),
}

/// One step of a lowering, before tensor ids are given out.
#[derive(Clone, Debug)]
pub struct LStep {
    pub op: QOp,
    pub inputs: Vec<Src>,
    pub shape: Vec<usize>,
}

/// What an op lowers to: a sequence of steps; the last one's output is the op's output.
#[derive(Clone, Debug, Default)]
pub struct Lowered {
    pub steps: Vec<LStep>,
}

impl Lowered {
    /// One step reading the node's activation inputs `0..n_inputs` in order.
    pub fn single(op: QOp, n_inputs: usize, shape: &[usize]) -> Self {
        Lowered {
            steps: vec![LStep {
                op,
                inputs: (0..n_inputs).map(Src::In).collect(),
                shape: shape.to_vec(),
            }],
        }
    }

    /// Append a step; returns where its output can be read.
    pub fn push(&mut self, op: QOp, inputs: Vec<Src>, shape: Vec<usize>) -> Src {
        self.steps.push(LStep { op, inputs, shape });
        Src::Step(self.steps.len() - 1)
    }

    /// Give the last step the op's output shape (same number of elements).
    pub fn reshape_last(&mut self, shape: &[usize]) {
        if let Some(st) = self.steps.last_mut() {
            if st.shape.iter().product::<usize>() == shape.iter().product::<usize>() {
                st.shape = shape.to_vec();
            }
        }
    }

    /// The length of the tensor at `src` (`ins` are the node's input shapes).
    pub fn len_of(&self, src: Src, ins: &[&[usize]]) -> usize {
        match src {
            Src::In(i) => ins[i].iter().product(),
            Src::Step(k) => self.steps[k].shape.iter().product(),
        }
    }
}

/// One step of the quantized graph.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QStep {
    pub node: String,
    pub op_type: String,
    pub op: QOp,
    /// Activation inputs (`Operand::Act.slot` indexes this list).
    pub inputs: Vec<TensorId>,
    pub output: TensorId,
}

/// The quantized model: what `compile-circuit` writes and every later step reads.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QGraph {
    /// Scale of every activation (inputs, intermediate values, outputs).
    pub act_scale: u32,
    pub shapes: Vec<Vec<usize>>,
    pub params: Vec<QParam>,
    pub inputs: Vec<TensorId>,
    /// The element kind of each input (integers and booleans are checked, then rounded in
    /// the circuit: see [`quantize`])
    #[serde(default)]
    pub input_kinds: Vec<InputKind>,
    pub outputs: Vec<TensorId>,
    pub steps: Vec<QStep>,
    /// Tabled functions read their input at scale `act_scale − table_shift` (their output is
    /// at `act_scale`): see [`QuantSpec::table_shift`].
    #[serde(default)]
    pub table_shift: u32,
}

impl QGraph {
    pub fn len_of(&self, t: TensorId) -> usize {
        self.shapes[t].iter().product()
    }

    /// The functions whose tables the circuit needs, in first-use order.
    pub fn required_lookups(&self) -> Vec<Func> {
        // (a lowering may add tables: Softmax's exp, LayerNorm's 1/√x)
        let mut v: Vec<Func> = vec![];
        for s in &self.steps {
            if let QOp::Lookup(f) = &s.op {
                if f.tabled() && !v.contains(f) {
                    v.push(*f);
                }
            }
        }
        v
    }
}

/// What quantization needs from the settings.
#[derive(Clone, Copy, Debug)]
pub struct QuantSpec {
    pub act_scale: u32,
    pub param_scale: u32,
    /// Tabled functions (not Relu) read their input `t` bits coarser than the activation
    /// scale: the producing `Dot` rescales by `2^t` more, or a rescale step is inserted. Their
    /// tables then span `2^t` times fewer rows for the same real interval.
    pub table_shift: u32,
}

/// Lowering context handed to each op: scales and the parameter store.
pub struct LowerCtx<'a> {
    pub act_scale: u32,
    pub param_scale: u32,
    pub(crate) params: &'a mut Vec<QParam>,
    pub(crate) dedup: &'a mut HashMap<(usize, u32, String), usize>,
    pub(crate) const_ids: &'a HashMap<*const Tensor, usize>,
    pub(crate) node: &'a str,
}

/// Quantize a float to a fixed-point integer at `scale`.
pub fn quantize_value(v: f64, scale: u32) -> Option<i64> {
    let q = (v * (1u64 << scale) as f64).round();
    if q.is_finite() && q.abs() < (1u64 << 62) as f64 {
        Some(q as i64)
    } else {
        None
    }
}

impl LowerCtx<'_> {
    /// Register a constant (quantized at `scale`, after `map` is applied to each value).
    pub fn param(
        &mut self,
        t: &Tensor,
        scale: u32,
        what: &str,
        map: impl Fn(f64) -> f64,
    ) -> Result<usize, QuantError> {
        let cid = self.const_ids.get(&(t as *const Tensor)).copied();
        let name = format!("{}.{what}", self.node);
        let mut values = Vec::with_capacity(t.data.len());
        for (i, &v) in t.data.iter().enumerate() {
            let q = quantize_value(map(v), scale).ok_or_else(|| QuantError::Param {
                name: name.clone(),
                msg: format!(
                    "value {v} at position {i} is not finite or too large for scale {scale}"
                ),
            })?;
            values.push(q);
        }
        // the same constant used the same way at the same scale is one parameter: the same
        // values too (`x + c` and `x − c` of one initializer are two)
        let key = cid.map(|c| (c, scale, what.to_string()));
        if let Some(&id) = key.as_ref().and_then(|k| self.dedup.get(k)) {
            if self.params[id].values == values && self.params[id].shape == t.shape {
                return Ok(id);
            }
        }
        let id = self.params.len();
        self.params.push(QParam {
            name,
            scale,
            shape: t.shape.clone(),
            values,
        });
        if let Some(k) = key {
            self.dedup.entry(k).or_insert(id);
        }
        Ok(id)
    }

    pub fn node(&self) -> &str {
        self.node
    }
}

/// Make every tabled lookup read its input `t` bits coarser. A tensor made by a power-of-two
/// `Dot` and read by tabled lookups alone (not an output) is rescaled by `2^t` more in that
/// `Dot` (one rounding, no extra row); any other table input gets a rescale step of its own.
pub(crate) fn coarsen_table_inputs(
    steps: Vec<QStep>,
    shapes: &mut Vec<Vec<usize>>,
    inputs: &[TensorId],
    outputs: &[TensorId],
    t: u32,
) -> Vec<QStep> {
    let tabled = |s: &QStep| matches!(&s.op, QOp::Lookup(f) if f.tabled());
    // tensors read by something other than a tabled lookup (or an output of the model)
    let mut other_use = vec![false; shapes.len()];
    for s in &steps {
        if !tabled(s) {
            for &i in &s.inputs {
                other_use[i] = true;
            }
        }
    }
    for &o in outputs.iter().chain(inputs) {
        other_use[o] = true;
    }
    let mut folded = vec![false; shapes.len()];
    let mut steps = steps;
    for s in steps.iter_mut() {
        if let QOp::Dot(d) = &mut s.op {
            let read_by_table = !other_use[s.output];
            if read_by_table && d.divisor.is_none() {
                d.rescale += t;
                folded[s.output] = true;
            }
        }
    }
    let mut out = Vec::with_capacity(steps.len());
    // a tensor rescaled once serves every lookup reading it
    let mut coarse: HashMap<TensorId, TensorId> = HashMap::new();
    for mut s in steps {
        if tabled(&s) && !folded[s.inputs[0]] {
            let x = s.inputs[0];
            let y = match coarse.get(&x) {
                Some(&y) => y,
                None => {
                    let len = shapes[x].iter().product::<usize>();
                    let y = shapes.len();
                    shapes.push(shapes[x].clone());
                    out.push(QStep {
                        node: s.node.clone(),
                        op_type: s.op_type.clone(),
                        op: compose::elementwise_scaled(len, t),
                        inputs: vec![x],
                        output: y,
                    });
                    coarse.insert(x, y);
                    y
                }
            };
            s.inputs[0] = y;
        }
        out.push(s);
    }
    out
}

/// Give the steps of a lowering tensor ids and append them; returns their ids.
pub(crate) fn emit(
    lowered: Lowered,
    act_inputs: &[TensorId],
    (node, op_type): (&str, &str),
    shapes: &mut Vec<Vec<usize>>,
    steps: &mut Vec<QStep>,
) -> Result<Vec<TensorId>, String> {
    let mut step_ids: Vec<TensorId> = Vec::with_capacity(lowered.steps.len());
    for (k, st) in lowered.steps.into_iter().enumerate() {
        let mut inputs = Vec::with_capacity(st.inputs.len());
        for src in &st.inputs {
            inputs.push(match *src {
                Src::In(i) => *act_inputs
                    .get(i)
                    .ok_or_else(|| format!("step reads input {i}"))?,
                Src::Step(j) if j < k => step_ids[j],
                Src::Step(j) => return Err(format!("step reads step {j}")),
            });
        }
        let output = shapes.len();
        shapes.push(st.shape);
        step_ids.push(output);
        steps.push(QStep {
            node: node.to_string(),
            op_type: op_type.to_string(),
            op: st.op,
            inputs,
            output,
        });
    }
    Ok(step_ids)
}

/// What every op reads of an integer or boolean input `x` (at scale `s`): `k = round(x/2^s)`
/// (range-checked), then `k·2^s` (integers) or `[k ≥ 1]·2^s = (relu(k) − relu(k − 1))·2^s`
/// (booleans). An honest input is unchanged (whole numbers, 0 or 1: checked when quantized);
/// any other witness still gives the model an input of its type.
pub(crate) fn typed_input(kind: InputKind, len: usize, s: u32) -> Lowered {
    use InputKind;
    let every: Vec<u32> = (0..len as u32).collect();
    let lin = |parts: Vec<(ASrc, BSrc)>, rescale: u32| compose::lin_pairs(len, parts, rescale);
    let a = |slot: usize| ASrc::Act {
        slot,
        map: every.clone(),
    };
    let mut lw = Lowered::default();
    let k = lw.push(
        lin(vec![(a(0), BSrc::Coef(1))], s),
        vec![Src::In(0)],
        vec![len],
    );
    let one = 1i64 << s;
    if kind == InputKind::Bool {
        let d1 = lw.push(
            lin(vec![(a(0), BSrc::Coef(1)), (ASrc::One, BSrc::Coef(-1))], 0),
            vec![k],
            vec![len],
        );
        let r0 = lw.push(QOp::Lookup(Func::Relu), vec![k], vec![len]);
        let r1 = lw.push(QOp::Lookup(Func::Relu), vec![d1], vec![len]);
        lw.push(
            lin(vec![(a(0), BSrc::Coef(one)), (a(1), BSrc::Coef(-one))], 0),
            vec![r0, r1],
            vec![len],
        );
    } else {
        lw.push(lin(vec![(a(0), BSrc::Coef(one))], 0), vec![k], vec![len]);
    }
    lw
}

/// Quantize float inputs at the activation scale; errors name the input and position.
pub fn quantize_inputs(
    inputs: &[Vec<f64>],
    kinds: &[InputKind],
    scale: u32,
) -> Result<Vec<Vec<i64>>, QuantError> {
    use InputKind;
    inputs
        .iter()
        .enumerate()
        .map(|(index, x)| {
            let kind = kinds.get(index).copied().unwrap_or_default();
            x.iter()
                .enumerate()
                .map(|(pos, &value)| {
                    let bad = |why: &str| QuantError::Input {
                        index,
                        pos,
                        value,
                        why: why.into(),
                    };
                    if kind == InputKind::Integer && value.is_finite() && value.fract() != 0.0 {
                        return Err(bad("not a whole number (the model's input is an integer)"));
                    }
                    if kind == InputKind::Bool && value != 0.0 && value != 1.0 {
                        return Err(bad("not a boolean (0 or 1: the model's input is a bool)"));
                    }
                    if !value.is_finite() {
                        return Err(QuantError::Input {
                            index,
                            pos,
                            value,
                            why: "not a finite number".into(),
                        });
                    }
                    quantize_value(value, scale).ok_or_else(|| QuantError::Input {
                        index,
                        pos,
                        value,
                        why: format!("too large for scale {scale}"),
                    })
                })
                .collect()
        })
        .collect()
}

/// `x / 2^scale`.
pub fn dequantize(q: i64, scale: u32) -> f64 {
    q as f64 / (1u64 << scale) as f64
}
