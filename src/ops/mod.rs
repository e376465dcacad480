//! The op set, one file per family. Each family holds, side by side:
//! - how it is read from ONNX (`build`),
//! - its float semantics (`eval`, the reference used by calibration and tests),
//! - its quantized semantics as a lowering onto the circuit's constrained primitives
//!   ([`crate::quant::QOp`]: dot products with a range-checked rescale, lookups, and
//!   copy-only rearrangements). The constraints of those primitives live in `crate::circuit`.

pub mod activation;
pub mod arith;
pub mod attrs;
pub mod conv;
pub mod linear;
pub mod logic;
pub mod ml;
pub mod norm;
pub mod recurrent;
pub mod reduce;
pub mod scatter;
pub mod select;
pub mod shape;
pub mod softmax;

use crate::quant::{LowerCtx, Lowered, QOp, QuantError};
use crate::tensor::Tensor;
pub use attrs::Attrs;

pub use activation::Func;

/// Errors from one op (its attributes, shapes or constant inputs).
#[derive(Debug, thiserror::Error)]
pub enum OpError {
    #[error("unsupported op")]
    Unsupported,
    #[error("input {0} is missing")]
    MissingInput(usize),
    #[error("attribute `{name}`: {msg}")]
    Attribute { name: String, msg: String },
    #[error("input {input} ({what}) must be a constant (an initializer or computed from initializers only)")]
    NotConstant { input: usize, what: &'static str },
    #[error("shape mismatch: {0}")]
    Shape(String),
    #[error("{0}")]
    Unsupported2(String),
}

/// An op on activations, as it appears in the graph IR.
#[derive(Clone, Debug)]
pub enum Op {
    Gemm(linear::Gemm),
    MatMul(linear::MatMul),
    Conv(conv::Conv),
    ConvTranspose(conv::ConvTranspose),
    Pool(conv::Pool),
    Arith(arith::Arith),
    BatchNorm(norm::BatchNorm),
    Act(Func),
    Shape(shape::ShapeOp),
    Reduce(reduce::Reduce),
    MaxPool(reduce::MaxPool),
    Softmax(softmax::Softmax),
    /// `1/x`: the division gadget with the numerator 1
    Reciprocal,
    Normalize(norm::Normalize),
    /// PRelu with a constant slope
    PRelu,
    ArgExtreme(reduce::ArgExtreme),
    Logic(logic::Logic),
    /// Gather, GatherElements with activation indices; OneHot
    Select(select::Select),
    /// GatherND, ScatterND, ScatterElements (constant or activation indices)
    Scatter(scatter::Scatter),
    /// TopK: values and indices packed in one tensor (`select::TopK::output_parts`)
    TopK(select::TopK),
    /// ai.onnx.ml TreeEnsembleRegressor / TreeEnsembleClassifier (a classifier's label and
    /// scores packed in one tensor: see `ml::output_parts`)
    Trees(Box<ml::TreeEnsemble>),
    /// ai.onnx.ml LinearClassifier / LinearRegressor
    Linear(Box<ml::Linear>),
    /// ai.onnx.ml Normalizer / Scaler
    Rescale(ml::Rescale),
    /// ai.onnx.ml SVMClassifier (label and scores packed) / SVMRegressor
    Svm(Box<ml::Svm>),
    /// ai.onnx.ml LabelEncoder, Binarizer, Imputer, OneHotEncoder
    Encode(ml::Encode),
    /// LSTM, GRU, RNN: every output packed in one tensor (see `recurrent.rs`)
    Recurrent(Box<recurrent::Recurrent>),
    /// A graph output that is a constant (`arange`, a model with no inputs) made a value of the
    /// circuit: a parameter copied out (`arith::materialize`); added by the importer, not read
    /// from an ONNX op
    Constant,
}

/// The `ai.onnx.ml` ops the importer reads (ZipMap as the probabilities tensor it reads).
pub const ML_OPS: [&str; 16] = [
    "ArrayFeatureExtractor",
    "Binarizer",
    "FeatureVectorizer",
    "Imputer",
    "LabelEncoder",
    "OneHotEncoder",
    "TreeEnsemble",
    "TreeEnsembleClassifier",
    "TreeEnsembleRegressor",
    "LinearClassifier",
    "LinearRegressor",
    "Normalizer",
    "Scaler",
    "SVMClassifier",
    "SVMRegressor",
    "ZipMap",
];

/// Where each output of a multi-output op lies in the one tensor its node computes:
/// `(offset, shape)` per ONNX output (`x`: the shape of its first input, `consts` its constant
/// inputs). `None`: a single output (or an op the importer reads otherwise).
pub fn output_parts(
    op_type: &str,
    a: &Attrs,
    x: &[usize],
    consts: &[Option<&Tensor>],
) -> Option<Vec<(usize, Vec<usize>)>> {
    match op_type {
        "LSTM" | "GRU" | "RNN" => Some(recurrent::output_parts(op_type, a, x)),
        "TopK" => select::TopK::build(a, consts, x)
            .ok()
            .map(|t| t.output_parts(x)),
        _ => ml::output_parts(op_type, a, x),
    }
}

/// An op built from an ONNX node: the op and which ONNX inputs carry data (the others were
/// constants consumed at build time, such as a Reshape's target shape).
pub struct Built {
    pub op: Op,
    pub data_inputs: Vec<usize>,
}

impl Built {
    fn new(op: Op, data_inputs: Vec<usize>) -> Self {
        Built { op, data_inputs }
    }

    /// Ops whose output is known at compile time even though an input is an activation.
    pub fn shape_constant(&self, probe: &Tensor) -> Option<Tensor> {
        match &self.op {
            Op::Shape(shape::ShapeOp::ShapeOf) => Some(probe.clone()),
            _ => None,
        }
    }
}

/// Map an ONNX node onto the op set. `consts[i]` is the value of input `i` if it is constant,
/// `shapes[i]` its static shape; `integer`: every input is integer-typed (the importer's
/// element types, `onnx/types.rs`).
pub fn build(
    op_type: &str,
    a: &Attrs,
    consts: &[Option<&Tensor>],
    shapes: &[Option<&[usize]>],
    integer: bool,
) -> Result<Built, OpError> {
    let present: Vec<usize> = shapes
        .iter()
        .enumerate()
        .filter(|(_, s)| s.is_some())
        .map(|(i, _)| i)
        .collect();
    Ok(match op_type {
        "Gemm" => Built::new(Op::Gemm(linear::Gemm::build(a)?), present),
        "MatMul" => Built::new(Op::MatMul(linear::MatMul), vec![0, 1]),
        "Conv" => Built::new(Op::Conv(conv::Conv::build(a, shapes)?), present),
        "ConvTranspose" => Built::new(
            Op::ConvTranspose(conv::ConvTranspose::build(a, shapes)?),
            present,
        ),
        "AveragePool" | "GlobalAveragePool" => {
            Built::new(Op::Pool(conv::Pool::build(op_type, a, shapes)?), vec![0])
        }
        "Add" | "Sub" | "Mul" | "Div" | "BitShift" => Built::new(
            Op::Arith(arith::Arith::build(op_type, a, integer)?),
            vec![0, 1],
        ),
        // (variadic Sum/Max/Min reach here as two-input chains: `onnx::chain`)
        "Max" | "Min" if shapes.len() == 2 => Built::new(
            Op::Arith(arith::Arith::build(op_type, a, integer)?),
            vec![0, 1],
        ),
        // a two-input Sum (skl2onnx's one-vs-rest SVC scores) is an Add
        "Sum" if shapes.len() == 2 => Built::new(
            Op::Arith(arith::Arith::build("Add", a, integer)?),
            vec![0, 1],
        ),
        "Neg" => Built::new(Op::Arith(arith::Arith::Neg), vec![0]),
        "Mod" => Built::new(
            Op::Arith(arith::Arith::Mod {
                fmod: a.int("fmod", 0) != 0,
            }),
            vec![0, 1],
        ),
        // x^2: the exact product x·x (other constant exponents are tables)
        "Pow"
            if consts
                .get(1)
                .copied()
                .flatten()
                .is_some_and(|t| t.data == [2.0]) =>
        {
            Built::new(Op::Arith(arith::Arith::Mul), vec![0, 0])
        }
        // b^x for a constant base: a table of the exponent
        "Pow" if consts.get(1).copied().flatten().is_none() => {
            let b = consts
                .first()
                .copied()
                .flatten()
                .filter(|t| t.data.len() == 1)
                .map(|t| t.data[0])
                .ok_or(OpError::NotConstant {
                    input: 0,
                    what: "the base (with an activation exponent, a base that is one constant)",
                })?;
            if !(b > 0.0 && b.is_finite()) {
                return Err(OpError::Unsupported2(format!(
                    "Pow: base {b} with an activation exponent (a positive base is supported)"
                )));
            }
            Built::new(Op::Act(Func::PowBase { b }), vec![1])
        }
        "Reciprocal" => Built::new(Op::Reciprocal, vec![0]),
        "PRelu" => Built::new(Op::PRelu, vec![0, 1]),
        // ai.onnx.ml's ArrayFeatureExtractor(x, indices) with constant indices: a Gather along
        // x's last axis (onnxruntime's output is [..., len(indices)], also for one index)
        "ArrayFeatureExtractor" if consts.get(1).copied().flatten().is_some() => {
            let idx = consts[1].unwrap();
            let x = shapes
                .first()
                .copied()
                .flatten()
                .ok_or(OpError::MissingInput(0))?;
            if x.len() < 2 {
                return Err(OpError::Unsupported2(
                    "ArrayFeatureExtractor of a 1-D tensor (supported: [..., C])".into(),
                ));
            }
            let c = x[x.len() - 1] as f64;
            if idx
                .data
                .iter()
                .any(|&i| i < 0.0 || i >= c || i.fract() != 0.0)
            {
                return Err(OpError::Shape(format!(
                    "ArrayFeatureExtractor: an index of {:?} is outside [0, {c})",
                    &idx.data[..idx.data.len().min(8)]
                )));
            }
            let indices = Tensor::new(vec![idx.data.len()], idx.data.clone());
            Built::new(
                Op::Shape(shape::ShapeOp::Gather {
                    axis: x.len() - 1,
                    indices,
                }),
                vec![0],
            )
        }
        // ai.onnx.ml's ArrayFeatureExtractor(classes, index): the class of an index; with the
        // classes 0..k (skl2onnx's integer labels), the index itself
        "ArrayFeatureExtractor" => {
            let classes = consts
                .first()
                .copied()
                .flatten()
                .ok_or(OpError::NotConstant {
                    input: 0,
                    what: "the classes",
                })?;
            let identity = classes.data.iter().enumerate().all(|(i, &c)| c == i as f64);
            if !identity || classes.shape.len() > 1 {
                return Err(OpError::Unsupported2(format!(
                    "ArrayFeatureExtractor: only the classes 0..k are supported (got {:?}); \
                     export with integer labels 0..k",
                    &classes.data[..classes.data.len().min(8)]
                )));
            }
            Built::new(Op::Shape(shape::ShapeOp::Identity), vec![1])
        }
        "ArgMax" | "ArgMin" => Built::new(
            Op::ArgExtreme(reduce::ArgExtreme::build(op_type, a, shapes)?),
            vec![0],
        ),
        "LayerNormalization" | "InstanceNormalization" => {
            Built::new(Op::Normalize(norm::Normalize::build(op_type, a)?), present)
        }
        "ReduceSum" | "ReduceMean" | "ReduceMax" | "ReduceMin" | "ReduceL1" | "ReduceL2"
        | "ReduceSumSquare" | "ReduceLogSumExp" => Built::new(
            Op::Reduce(reduce::Reduce::build(op_type, a, consts, shapes)?),
            vec![0],
        ),
        "MaxPool" | "GlobalMaxPool" => Built::new(
            Op::MaxPool(reduce::MaxPool::build(op_type, a, shapes)?),
            vec![0],
        ),
        "Softmax" | "LogSoftmax" => Built::new(
            Op::Softmax(softmax::Softmax::build(op_type, a, shapes)?),
            vec![0],
        ),
        "LSTM" | "GRU" | "RNN" => Built::new(
            Op::Recurrent(Box::new(recurrent::Recurrent::build(
                op_type, a, consts, shapes,
            )?)),
            vec![0],
        ),
        "BatchNormalization" => Built::new(
            Op::BatchNorm(norm::BatchNorm::build(a)?),
            vec![0, 1, 2, 3, 4],
        ),
        "TreeEnsembleRegressor" | "TreeEnsembleClassifier" => Built::new(
            Op::Trees(Box::new(ml::TreeEnsemble::build(op_type, a)?)),
            vec![0],
        ),
        "TreeEnsemble" => Built::new(Op::Trees(Box::new(ml::tree_ensemble5(a)?)), vec![0]),
        "LinearClassifier" | "LinearRegressor" => Built::new(
            Op::Linear(Box::new(ml::Linear::build(op_type, a)?)),
            vec![0],
        ),
        "SVMClassifier" | "SVMRegressor" => {
            Built::new(Op::Svm(Box::new(ml::Svm::build(op_type, a)?)), vec![0])
        }
        "LabelEncoder" | "Binarizer" | "Imputer" | "OneHotEncoder" => {
            Built::new(Op::Encode(ml::Encode::build(op_type, a)?), vec![0])
        }
        // the inputs side by side along axis 1, each as wide as `inputdimensions` says
        "FeatureVectorizer" => {
            let dims = a.ints("inputdimensions").unwrap_or_default();
            let fits = shapes.len() == dims.len()
                && shapes
                    .iter()
                    .zip(&dims)
                    .all(|(s, &d)| matches!(s, Some([_, c]) if *c as i64 == d));
            if !fits {
                return Err(OpError::Unsupported2(format!(
                    "FeatureVectorizer: inputs {shapes:?} for inputdimensions {dims:?} \
                     (supported: [N, d] inputs of exactly those widths)"
                )));
            }
            Built::new(Op::Shape(shape::ShapeOp::Concat(1)), present)
        }
        "Normalizer" | "Scaler" => {
            Built::new(Op::Rescale(ml::Rescale::build(op_type, a)?), vec![0])
        }
        // ZipMap (a list of {class: probability} maps) as the tensor it reads: the proof holds
        // the probabilities [N, C], classes in the order of its `classlabels_*`
        "ZipMap" => Built::new(Op::Shape(shape::ShapeOp::Identity), vec![0]),
        "TopK" => {
            let x = shapes
                .first()
                .copied()
                .flatten()
                .ok_or(OpError::MissingInput(0))?;
            Built::new(Op::TopK(select::TopK::build(a, consts, x)?), vec![0])
        }
        // an integer cast to another integer type: nothing to round (ArgMax's index cast to a
        // label); to bool it stays a comparison with 0
        "Cast" if integer && !matches!(a.int("to", 1), 1 | 9 | 10 | 11 | 16) => {
            Built::new(Op::Shape(shape::ShapeOp::Identity), vec![0])
        }
        "Gather" | "GatherElements" | "OneHot"
            if op_type != "Gather" || consts.get(1).copied().flatten().is_none() =>
        {
            match select::Select::build(op_type, a, consts)? {
                Some((s, data)) => Built::new(Op::Select(s), data),
                None => return Err(OpError::Unsupported),
            }
        }
        "GatherND" | "ScatterND" | "ScatterElements" | "Scatter" => {
            match scatter::Scatter::build(op_type, a)? {
                Some((s, data)) => Built::new(Op::Scatter(s), data),
                None => return Err(OpError::Unsupported),
            }
        }
        _ => {
            if let Some((l, data)) = logic::Logic::build(op_type) {
                return Ok(Built::new(Op::Logic(l), data));
            }
            if let Some(f) = activation::build(op_type, a, consts, shapes)? {
                return Ok(Built::new(Op::Act(f), vec![0]));
            }
            if let Some((s, data)) = shape::ShapeOp::build(op_type, a, consts, shapes)? {
                return Ok(Built::new(Op::Shape(s), data));
            }
            return Err(OpError::Unsupported);
        }
    })
}

/// How a lowered op sees one of its inputs.
#[derive(Clone, Copy, Debug)]
pub enum Operand<'a> {
    /// An activation: input slot `slot` of the step, of this shape.
    Act { slot: usize, shape: &'a [usize] },
    /// A constant (a weight, a bias, ...).
    Const(&'a Tensor),
}

impl Operand<'_> {
    pub fn shape(&self) -> &[usize] {
        match self {
            Operand::Act { shape, .. } => shape,
            Operand::Const(t) => &t.shape,
        }
    }

    /// The element of this operand each element of an output of shape `out` reads (numpy
    /// broadcasting).
    pub fn out_map(&self, out: &[usize]) -> Vec<u32> {
        crate::tensor::broadcast_index_map(self.shape(), out)
            .into_iter()
            .map(|i| i as u32)
            .collect()
    }
}

impl Op {
    /// Float semantics.
    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        match self {
            Op::Gemm(o) => o.eval(ins),
            Op::MatMul(o) => o.eval(ins),
            Op::Conv(o) => o.eval(ins),
            Op::ConvTranspose(o) => o.eval(ins),
            Op::Pool(o) => o.eval(ins),
            Op::Arith(o) => o.eval(ins),
            Op::BatchNorm(o) => o.eval(ins),
            Op::Act(f) => Ok(Tensor::new(
                ins[0].shape.clone(),
                ins[0].data.iter().map(|&x| f.apply(x)).collect(),
            )),
            Op::Shape(o) => o.eval(ins),
            Op::Reduce(o) => o.eval(ins),
            Op::MaxPool(o) => o.eval(ins),
            Op::Softmax(o) => o.eval(ins),
            Op::Normalize(o) => o.eval(ins),
            Op::PRelu => activation::prelu_eval(ins),
            Op::ArgExtreme(o) => o.eval(ins),
            Op::Logic(o) => o.eval(ins),
            Op::Select(o) => o.eval(ins),
            Op::Scatter(o) => o.eval(ins),
            Op::TopK(o) => o.eval(ins),
            Op::Trees(o) => o.eval(ins),
            Op::Linear(o) => o.eval(ins),
            Op::Rescale(o) => o.eval(ins),
            Op::Svm(o) => o.eval(ins),
            Op::Encode(o) => o.eval(ins),
            Op::Recurrent(o) => o.eval(ins),
            Op::Reciprocal => Ok(Tensor::new(
                ins[0].shape.clone(),
                ins[0].data.iter().map(|&x| 1.0 / x).collect(),
            )),
            Op::Constant => {
                need(ins, 1)?;
                Ok(ins[0].clone())
            }
        }
    }

    /// Quantized semantics: lower onto a sequence of the circuit's gadget steps.
    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out_shape: &[usize],
    ) -> Result<Lowered, QuantError> {
        let acts = ins
            .iter()
            .filter(|o| matches!(o, Operand::Act { .. }))
            .count();
        let one = |op: QOp| Ok(Lowered::single(op, acts, out_shape));
        match self {
            Op::Gemm(o) => one(o.lower(ctx, ins, out_shape)?),
            Op::MatMul(o) => one(o.lower(ctx, ins, out_shape)?),
            Op::Conv(o) => one(o.lower(ctx, ins, out_shape)?),
            Op::ConvTranspose(o) => o.lower(ctx, ins, out_shape),
            Op::Pool(o) => one(o.lower(ctx, ins, out_shape)?),
            Op::Arith(o) if o.is_integer_op() => o.lower_int(ctx, ins, out_shape),
            Op::Arith(o) if o.is_extreme() => o.lower_extreme(ctx, ins, out_shape),
            Op::Arith(o) if o.divides_by_act(ins) => o.lower_div(ctx, ins, out_shape),
            Op::Arith(o) => match o.small_factor(ins, ctx.param_scale) {
                Some(t) => o.lower_small_factor(ctx, ins, out_shape, t),
                None => one(o.lower(ctx, ins, out_shape)?),
            },
            Op::BatchNorm(o) => one(o.lower(ctx, ins, out_shape)?),
            Op::Act(f) => match ins[0] {
                Operand::Act { .. } => one(QOp::Lookup(*f)),
                Operand::Const(_) => Err(QuantError::Internal("activation of a constant".into())),
            },
            Op::Shape(shape::ShapeOp::CastBool) => logic::cast_bool(ctx, out_shape),
            // to an integer type: toward zero, exactly and without a table (`trunc_div` by 1)
            Op::Shape(shape::ShapeOp::CastInt) => {
                let len: usize = out_shape.iter().product();
                let mut lw = Lowered::default();
                let x = crate::quant::Src::In(0);
                crate::quant::compose::trunc_div(&mut lw, x, len, 1, ctx.act_scale);
                lw.reshape_last(out_shape);
                Ok(lw)
            }
            Op::Shape(o) if scatter::mixed_shape_op(o, ins) => {
                scatter::lower_mixed_shape(ctx, o, ins, out_shape)
            }
            Op::Shape(o) => one(o.lower(ins)?),
            Op::Reduce(o) => o.lower(ctx, ins, out_shape),
            Op::MaxPool(o) => o.lower(ins, out_shape),
            Op::Softmax(o) => o.lower(ctx, ins, out_shape),
            Op::Normalize(o) => o.lower(ctx, ins, out_shape),
            Op::PRelu => activation::prelu_lower(ctx, ins, out_shape),
            Op::ArgExtreme(o) => o.lower(ctx, ins, out_shape),
            Op::Logic(o) => o.lower(ctx, ins, out_shape),
            Op::Select(o) => o.lower(ctx, ins, out_shape),
            Op::Scatter(o) => o.lower(ctx, ins, out_shape),
            Op::TopK(o) => o.lower(ctx, ins, out_shape),
            Op::Trees(o) => o.lower(ctx, ins, out_shape),
            Op::Linear(o) => o.lower(ctx, ins, out_shape),
            Op::Rescale(o) => o.lower(ctx, ins, out_shape),
            Op::Svm(o) => o.lower(ctx, ins, out_shape),
            Op::Encode(o) => o.lower(ctx, ins, out_shape),
            Op::Recurrent(o) => o.lower(ctx, ins, out_shape),
            Op::Reciprocal => arith::reciprocal(ctx, ins, out_shape),
            Op::Constant => arith::materialize(ctx, ins, out_shape),
        }
    }
}

/// An ONNX axis (negative: from the end) of a rank-`rank` tensor; the error names `name`.
pub(crate) fn axis_attr(name: &str, ax: i64, rank: usize) -> Result<usize, OpError> {
    let r = rank as i64;
    if ax < -r || ax >= r {
        return Err(OpError::Attribute {
            name: name.into(),
            msg: format!("axis {ax} is out of range for rank {rank}"),
        });
    }
    Ok(if ax < 0 { ax + r } else { ax } as usize)
}

pub(crate) fn need(ins: &[&Tensor], n: usize) -> Result<(), OpError> {
    if ins.len() < n {
        Err(OpError::MissingInput(ins.len()))
    } else {
        Ok(())
    }
}
