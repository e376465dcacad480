//! The single-op models every op test runs on, one builder each. `with_op_models!` lists them:
//! `tests/ops.rs` makes one `#[test]` of each (named as its builder: `op_relu`), and `OPS` and
//! `op_models()` (the other suites' loops) are made from the same list.
// A builder missing from the list is dead code here, an error under `clippy -D warnings`
// (`OPS` and `op_models` are roots: every listed builder is used wherever `common` is).
#![warn(dead_code)]

use super::*;

/// Calls `$then! { op_gemm, op_matmul_add, … }` with every op model builder of this module:
/// the one list of op models.
macro_rules! with_op_models {
    ($then:ident) => {
        $then! {
            op_gemm,
            op_matmul_add,
            op_conv,
            op_conv1d,
            op_add_act,
            op_sub_act,
            op_mul_act,
            op_mul_const,
            op_div_const,
            op_sub_const,
            op_relu,
            op_sigmoid,
            op_tanh,
            op_leaky_relu,
            op_batchnorm,
            op_avgpool,
            op_softmax,
            op_log_softmax,
            op_masked_softmax,
            op_masked_softmax_inverted,
            op_masked_softmax_additive,
            op_exp,
            op_reduce_sum,
            op_reduce_mean,
            op_reduce_max,
            op_reduce_min,
            op_maxpool,
            op_global_maxpool,
            op_div_act,
            op_reciprocal,
            op_pow2,
            op_pow3,
            op_sqrt,
            op_layernorm,
            op_instancenorm,
            op_prelu,
            op_pad_zero,
            op_pad_reflect,
            op_trilu,
            op_expand,
            op_tile,
            op_reduce_l2,
            op_reduce_logsumexp,
            op_reduce_l1,
            op_less_where,
            op_ge_and_where,
            op_where_constant_condition,
            op_equal_not_where,
            op_resize,
            op_shape_ops,
            op_lstm_bidirectional,
            op_lstm_states,
            op_gru,
            op_gru_linear_before_reset,
            op_rnn,
            op_gather_computed_index,
            op_gather_elements_one_hot,
            op_top_k,
            op_top_k_smallest,
            op_top_k_rounds_ties,
            op_pow_base,
            op_cast_bool,
            op_integer_div_shift,
            op_max_min,
            op_variadic,
            op_gelu_written_out,
            op_small_factors,
            op_scan,
            op_conv_transpose,
            op_conv_transpose_grouped,
            op_gather_nd_const,
            op_gather_nd_computed,
            op_scatter_nd_const,
            op_scatter_nd_computed,
            op_scatter_elements_const,
            op_scatter_elements_computed,
        }
    };
}
pub(crate) use with_op_models;

macro_rules! op_table {
    ($($f:ident),* $(,)?) => {
        /// Every op model: its builder's name (`op_relu`; the model's name without `op_`) and
        /// its builder, in the order of `with_op_models!`.
        #[allow(dead_code)]
        pub const OPS: &[(&str, fn() -> OpModel)] = &[$((stringify!($f), $f)),*];
    };
}
with_op_models!(op_table);

/// Every op model: (name, onnx, input shape), the name without `op_` (`relu`).
#[allow(dead_code)]
pub fn op_models() -> Vec<(&'static str, Vec<u8>, Vec<usize>)> {
    OPS.iter()
        .map(|&(f, build)| {
            let m = build();
            (f.strip_prefix("op_").unwrap(), m.bytes, m.shape)
        })
        .collect()
}

/// A single-op model: the ONNX bytes and the input shape.
pub struct OpModel {
    pub bytes: Vec<u8>,
    pub shape: Vec<usize>,
}

fn model(bytes: Vec<u8>, shape: &[usize]) -> OpModel {
    OpModel {
        bytes,
        shape: shape.to_vec(),
    }
}

/// Gemm (transB, bias)
pub fn op_gemm() -> OpModel {
    let mut g = G::new();
    let (w, b) = (g.rc(&[4, 8], 1), g.rc(&[4], 2));
    let y = g.node("Gemm", &["input", &w, &b], vec![int_attr("transB", 1)]);
    model(g.build(&[1, 8], &y, &[1, 4]), &[1, 8])
}

/// MatMul + Add
pub fn op_matmul_add() -> OpModel {
    let mut g = G::new();
    let (w, b) = (g.rc(&[6, 5], 3), g.rc(&[5], 4));
    let m = g.node("MatMul", &["input", &w], vec![]);
    let y = g.node("Add", &[&m, &b], vec![]);
    model(g.build(&[1, 6], &y, &[1, 5]), &[1, 6])
}

/// Conv (stride 2, pad 1, bias)
pub fn op_conv() -> OpModel {
    let mut g = G::new();
    let (w, b) = (g.rc(&[3, 2, 3, 3], 5), g.rc(&[3], 6));
    let y = g.node(
        "Conv",
        &["input", &w, &b],
        vec![
            ints_attr("strides", &[2, 2]),
            ints_attr("pads", &[1, 1, 1, 1]),
            ints_attr("kernel_shape", &[3, 3]),
        ],
    );
    model(g.build(&[1, 2, 5, 5], &y, &[1, 3, 3, 3]), &[1, 2, 5, 5])
}

/// Conv on a 1-D `[N, C, L]` input (time series): stride 2, dilation 2, pads, groups, bias;
/// then 1-D max and average pooling
pub fn op_conv1d() -> OpModel {
    let mut g = G::new();
    let (w, b) = (g.rc(&[4, 1, 3], 80), g.rc(&[4], 81));
    let c = g.node(
        "Conv",
        &["input", &w, &b],
        vec![
            ints_attr("strides", &[2]),
            ints_attr("dilations", &[2]),
            ints_attr("pads", &[2, 1]),
            ints_attr("kernel_shape", &[3]),
            int_attr("group", 2),
        ],
    );
    let m = g.node("MaxPool", &[&c], vec![ints_attr("kernel_shape", &[2])]);
    let y = g.node("AveragePool", &[&m], vec![ints_attr("kernel_shape", &[2])]);
    model(g.build(&[1, 2, 11], &y, &[1, 4, 3]), &[1, 2, 11])
}

/// Add / Sub / Mul of two activations: `op(input + c, input)`
fn two_activations(op: &str) -> OpModel {
    let mut g = G::new();
    let c = g.rc(&[1, 6], 7);
    let h = g.node("Add", &["input", &c], vec![]);
    let y = g.node(op, &[&h, "input"], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

pub fn op_add_act() -> OpModel {
    two_activations("Add")
}

pub fn op_sub_act() -> OpModel {
    two_activations("Sub")
}

pub fn op_mul_act() -> OpModel {
    two_activations("Mul")
}

/// Mul / Div / Sub by constants (broadcast)
fn by_constants(op: &str) -> OpModel {
    let mut g = G::new();
    let c = g.c(&[6], &[0.5, -1.25, 2.0, 0.75, -0.3, 1.5]);
    let y = g.node(op, &["input", &c], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

pub fn op_mul_const() -> OpModel {
    by_constants("Mul")
}

pub fn op_div_const() -> OpModel {
    by_constants("Div")
}

pub fn op_sub_const() -> OpModel {
    by_constants("Sub")
}

/// An activation: one op on the input
fn activation(op: &str, attrs: Vec<pb::AttributeProto>) -> OpModel {
    let mut g = G::new();
    let y = g.node(op, &["input"], attrs);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

pub fn op_relu() -> OpModel {
    activation("Relu", vec![])
}

pub fn op_sigmoid() -> OpModel {
    activation("Sigmoid", vec![])
}

pub fn op_tanh() -> OpModel {
    activation("Tanh", vec![])
}

pub fn op_leaky_relu() -> OpModel {
    activation("LeakyRelu", vec![float_attr("alpha", 0.1)])
}

/// BatchNormalization
pub fn op_batchnorm() -> OpModel {
    let mut g = G::new();
    let sc = g.c(&[2], &[1.5, 0.5]);
    let bi = g.c(&[2], &[0.1, -0.2]);
    let me = g.c(&[2], &[0.05, -0.1]);
    let va = g.c(&[2], &[0.9, 1.2]);
    let y = g.node("BatchNormalization", &["input", &sc, &bi, &me, &va], vec![]);
    model(g.build(&[1, 2, 2, 2], &y, &[1, 2, 2, 2]), &[1, 2, 2, 2])
}

/// AveragePool
pub fn op_avgpool() -> OpModel {
    let mut g = G::new();
    let y = g.node(
        "AveragePool",
        &["input"],
        vec![
            ints_attr("kernel_shape", &[2, 2]),
            ints_attr("strides", &[2, 2]),
        ],
    );
    model(g.build(&[1, 1, 4, 4], &y, &[1, 1, 2, 2]), &[1, 1, 4, 4])
}

/// Softmax / LogSoftmax over the last axis (two rows of five)
fn softmax(op: &str) -> OpModel {
    let mut g = G::new();
    let y = g.node(op, &["input"], vec![int_attr("axis", -1)]);
    model(g.build(&[2, 5], &y, &[2, 5]), &[2, 5])
}

pub fn op_softmax() -> OpModel {
    softmax("Softmax")
}

pub fn op_log_softmax() -> OpModel {
    softmax("LogSoftmax")
}

pub fn op_masked_softmax() -> OpModel {
    masked_softmax(-1e4)
}

/// How an exporter writes a causal mask before Softmax.
#[derive(Clone, Copy, Debug)]
pub enum MaskForm {
    /// `Where(mask, x, c)` (torch's `masked_fill` on the kept side)
    Where,
    /// `Where(not mask, c, x)` (`masked_fill(~mask, c)`)
    WhereInverted,
    /// `x + M`, `M` 0 where kept and `c` where masked (a float `attn_mask`)
    Additive,
}

/// Causal attention scores as exporters write them (`form`, with `c` the mask constant:
/// −10⁴, −∞, the float minimum...), then Softmax over the last axis of [1, 4, 4]
pub fn masked_softmax_as(c: f32, form: MaskForm) -> OpModel {
    let mut g = G::new();
    let tri: Vec<f32> = (0..16)
        .map(|i| if i % 4 <= i / 4 { 1.0 } else { 0.0 })
        .collect();
    let w = match form {
        MaskForm::Where | MaskForm::WhereInverted => {
            let ones = g.c(&[4, 4], &tri);
            let half = g.c(&[1], &[0.5]);
            let (op, cmp) = match form {
                MaskForm::Where => ("Greater", true),
                _ => ("Less", false),
            };
            let mask = g.node(op, &[&ones, &half], vec![]);
            let c = g.c(&[1], &[c]);
            if cmp {
                g.node("Where", &[&mask, "input", &c], vec![])
            } else {
                g.node("Where", &[&mask, &c, "input"], vec![])
            }
        }
        MaskForm::Additive => {
            let m: Vec<f32> = tri.iter().map(|&k| if k > 0.5 { 0.0 } else { c }).collect();
            let m = g.c(&[1, 4, 4], &m);
            g.node("Add", &["input", &m], vec![])
        }
    };
    let y = g.node("Softmax", &[&w], vec![int_attr("axis", -1)]);
    model(g.build(&[1, 4, 4], &y, &[1, 4, 4]), &[1, 4, 4])
}

/// [`masked_softmax_as`] `Where(mask, x, c)`
pub fn masked_softmax(c: f32) -> OpModel {
    masked_softmax_as(c, MaskForm::Where)
}

pub fn op_masked_softmax_inverted() -> OpModel {
    masked_softmax_as(f32::MIN, MaskForm::WhereInverted)
}

pub fn op_masked_softmax_additive() -> OpModel {
    masked_softmax_as(f32::NEG_INFINITY, MaskForm::Additive)
}

pub fn op_exp() -> OpModel {
    let mut g = G::new();
    let y = g.node("Exp", &["input"], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// A reduction over axis 1 of [2, 3, 2] (attribute axes), keepdims `keep`
fn reduction(op: &str, keep: i64) -> OpModel {
    let mut g = G::new();
    // opset 13: ReduceSum takes its axes as an input, the others as an attribute
    let y = if op == "ReduceSum" {
        let axes = g.ci(&[1]);
        g.node(op, &["input", &axes], vec![int_attr("keepdims", keep)])
    } else {
        g.node(
            op,
            &["input"],
            vec![ints_attr("axes", &[1]), int_attr("keepdims", keep)],
        )
    };
    let out = if keep == 1 { vec![2, 1, 2] } else { vec![2, 2] };
    model(g.build(&[2, 3, 2], &y, &out), &[2, 3, 2])
}

pub fn op_reduce_sum() -> OpModel {
    reduction("ReduceSum", 1)
}

pub fn op_reduce_mean() -> OpModel {
    reduction("ReduceMean", 0)
}

pub fn op_reduce_max() -> OpModel {
    reduction("ReduceMax", 1)
}

pub fn op_reduce_min() -> OpModel {
    reduction("ReduceMin", 0)
}

/// MaxPool: 3x3, stride 2, pad 1, ceil_mode (windows of 4 to 9 elements)
pub fn op_maxpool() -> OpModel {
    let mut g = G::new();
    let y = g.node(
        "MaxPool",
        &["input"],
        vec![
            ints_attr("kernel_shape", &[3, 3]),
            ints_attr("strides", &[2, 2]),
            ints_attr("pads", &[1, 1, 1, 1]),
            int_attr("ceil_mode", 1),
        ],
    );
    model(g.build(&[1, 2, 4, 4], &y, &[1, 2, 3, 3]), &[1, 2, 4, 4])
}

pub fn op_global_maxpool() -> OpModel {
    let mut g = G::new();
    let y = g.node("GlobalMaxPool", &["input"], vec![]);
    model(g.build(&[1, 2, 3, 3], &y, &[1, 2, 1, 1]), &[1, 2, 3, 3])
}

/// Division by an activation (divisor x + 2 ∈ [1, 3])
pub fn op_div_act() -> OpModel {
    let mut g = G::new();
    let two = g.c(&[1], &[2.0]);
    let d = g.node("Add", &["input", &two], vec![]);
    let y = g.node("Div", &["input", &d], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// Reciprocal of x + 2
pub fn op_reciprocal() -> OpModel {
    let mut g = G::new();
    let two = g.c(&[1], &[2.0]);
    let d = g.node("Add", &["input", &two], vec![]);
    let y = g.node("Reciprocal", &[&d], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// Pow by a constant exponent
fn pow(p: f32) -> OpModel {
    let mut g = G::new();
    let e = g.c(&[], &[p]);
    let y = g.node("Pow", &["input", &e], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

pub fn op_pow2() -> OpModel {
    pow(2.0)
}

pub fn op_pow3() -> OpModel {
    pow(3.0)
}

/// Sqrt of x + 2
pub fn op_sqrt() -> OpModel {
    let mut g = G::new();
    let two = g.c(&[1], &[2.0]);
    let d = g.node("Add", &["input", &two], vec![]);
    let y = g.node("Sqrt", &[&d], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// LayerNormalization over the last axis
pub fn op_layernorm() -> OpModel {
    let mut g = G::new();
    let sc = g.c(&[4], &[1.0, 0.5, -1.5, 2.0]);
    let bi = g.c(&[4], &[0.1, -0.2, 0.0, 0.3]);
    let y = g.node(
        "LayerNormalization",
        &["input", &sc, &bi],
        vec![int_attr("axis", -1)],
    );
    model(g.build(&[2, 4], &y, &[2, 4]), &[2, 4])
}

pub fn op_instancenorm() -> OpModel {
    let mut g = G::new();
    let sc = g.c(&[2], &[1.0, 0.5]);
    let bi = g.c(&[2], &[0.1, -0.2]);
    let y = g.node("InstanceNormalization", &["input", &sc, &bi], vec![]);
    model(g.build(&[1, 2, 2, 2], &y, &[1, 2, 2, 2]), &[1, 2, 2, 2])
}

pub fn op_prelu() -> OpModel {
    let mut g = G::new();
    let sl = g.c(&[2, 1, 1], &[0.25, -0.5]);
    let y = g.node("PRelu", &["input", &sl], vec![]);
    model(g.build(&[1, 2, 2, 2], &y, &[1, 2, 2, 2]), &[1, 2, 2, 2])
}

/// Pad in `mode` (zeros: "constant")
fn pad(mode: &str) -> OpModel {
    let mut g = G::new();
    let pads = g.ci(&[0, 0, 1, 2, 0, 0, 1, 1]);
    let mode_attr = str_attr("mode", mode);
    let y = g.node("Pad", &["input", &pads], vec![mode_attr]);
    model(g.build(&[1, 1, 3, 3], &y, &[1, 1, 5, 6]), &[1, 1, 3, 3])
}

pub fn op_pad_zero() -> OpModel {
    pad("constant")
}

pub fn op_pad_reflect() -> OpModel {
    pad("reflect")
}

pub fn op_trilu() -> OpModel {
    let mut g = G::new();
    let y = g.node("Trilu", &["input"], vec![int_attr("upper", 0)]);
    model(g.build(&[1, 3, 3], &y, &[1, 3, 3]), &[1, 3, 3])
}

pub fn op_expand() -> OpModel {
    let mut g = G::new();
    let sh = g.ci(&[2, 1, 3]);
    let y = g.node("Expand", &["input", &sh], vec![]);
    model(g.build(&[1, 3], &y, &[2, 1, 3]), &[1, 3])
}

pub fn op_tile() -> OpModel {
    let mut g = G::new();
    let r = g.ci(&[2, 1]);
    let y = g.node("Tile", &["input", &r], vec![]);
    model(g.build(&[1, 3], &y, &[2, 3]), &[1, 3])
}

/// ReduceL2, ReduceLogSumExp, ReduceL1 over axis 1
fn reduction_axis1(op: &str) -> OpModel {
    let mut g = G::new();
    let y = g.node(
        op,
        &["input"],
        vec![ints_attr("axes", &[1]), int_attr("keepdims", 0)],
    );
    model(g.build(&[2, 4], &y, &[2]), &[2, 4])
}

pub fn op_reduce_l2() -> OpModel {
    reduction_axis1("ReduceL2")
}

pub fn op_reduce_logsumexp() -> OpModel {
    reduction_axis1("ReduceLogSumExp")
}

pub fn op_reduce_l1() -> OpModel {
    reduction_axis1("ReduceL1")
}

/// Comparisons and logic on activations, as Where's condition: Less
pub fn op_less_where() -> OpModel {
    let mut g = G::new();
    let t = g.c(&[1], &[0.1]);
    let c = g.node("Less", &["input", &t], vec![]);
    let h = g.c(&[1], &[0.5]);
    let y = g.node("Where", &[&c, "input", &h], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// GreaterOrEqual, Less, And
pub fn op_ge_and_where() -> OpModel {
    let mut g = G::new();
    let n = g.node("Neg", &["input"], vec![]);
    let c1 = g.node("GreaterOrEqual", &["input", &n], vec![]);
    let t = g.c(&[1], &[0.5]);
    let c2 = g.node("Less", &["input", &t], vec![]);
    let c = g.node("And", &[&c1, &c2], vec![]);
    let y = g.node("Where", &[&c, "input", &n], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// Where with a constant condition (nanoGPT's mask of −10, as ezkl's corpus writes it: not
/// fused into Softmax): copies, broadcast condition and operands
pub fn op_where_constant_condition() -> OpModel {
    let mut g = G::new();
    let keep = g.c(&[2, 1, 3], &[1.0, 0.0, 1.0, 0.0, 0.0, 1.0]);
    let cond = g.node("Cast", &[&keep], vec![int_attr("to", 9)]);
    let fill = g.c(&[1], &[-10.0]);
    let two = g.c(&[3], &[2.0, -1.5, 0.25]);
    let r = g.node("Relu", &["input"], vec![]);
    let a = g.node("Where", &[&cond, "input", &fill], vec![]);
    let b = g.node("Where", &[&cond, &two, &r], vec![]);
    let y = g.node("Add", &[&a, &b], vec![]);
    model(g.build(&[2, 2, 3], &y, &[2, 2, 3]), &[2, 2, 3])
}

/// Equal, Not
pub fn op_equal_not_where() -> OpModel {
    let mut g = G::new();
    let r = g.node("Relu", &["input"], vec![]);
    let e = g.node("Equal", &[&r, "input"], vec![]);
    let ne = g.node("Not", &[&e], vec![]);
    let (p1, m1) = (g.c(&[1], &[1.0]), g.c(&[1], &[-1.0]));
    let y = g.node("Where", &[&ne, &p1, &m1], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// Resize (nearest, asymmetric, floor), as torch's Upsample writes it
pub fn op_resize() -> OpModel {
    let mut g = G::new();
    let roi = g.c(&[0], &[]);
    let sc = g.c(&[4], &[1.0, 1.0, 2.0, 2.0]);
    let y = g.node(
        "Resize",
        &["input", &roi, &sc],
        vec![
            str_attr("mode", "nearest"),
            str_attr("coordinate_transformation_mode", "asymmetric"),
            str_attr("nearest_mode", "floor"),
        ],
    );
    model(g.build(&[1, 1, 2, 3], &y, &[1, 1, 4, 6]), &[1, 1, 2, 3])
}

/// Shape ops: Transpose -> Flatten -> Slice -> Concat
pub fn op_shape_ops() -> OpModel {
    let mut g = G::new();
    let t = g.node("Transpose", &["input"], vec![ints_attr("perm", &[0, 2, 1])]);
    let f = g.node("Flatten", &[&t], vec![int_attr("axis", 1)]);
    let starts = g.ci(&[1]);
    let ends = g.ci(&[5]);
    let axes = g.ci(&[1]);
    let s = g.node("Slice", &[&f, &starts, &ends, &axes], vec![]);
    let y = g.node("Concat", &[&s, &f], vec![int_attr("axis", 1)]);
    model(g.build(&[1, 2, 3], &y, &[1, 10]), &[1, 2, 3])
}

/// Recurrent layers (X: [seq 3, batch 1, input 4], hidden 3): a bidirectional LSTM
pub fn op_lstm_bidirectional() -> OpModel {
    let mut g = G::new();
    let (w, r, b) = (
        g.rc(&[2, 12, 4], 61),
        g.rc(&[2, 12, 3], 62),
        g.rc(&[2, 24], 63),
    );
    let y = g.node_multi(
        "LSTM",
        &["input", &w, &r, &b],
        vec![
            int_attr("hidden_size", 3),
            str_attr("direction", "bidirectional"),
        ],
        &[true, false, false],
    );
    model(g.build(&[3, 1, 4], &y[0], &[3, 2, 1, 3]), &[3, 1, 4])
}

/// An LSTM from initial states, its final states as outputs
pub fn op_lstm_states() -> OpModel {
    let mut g = G::new();
    let (w, r, b) = (
        g.rc(&[1, 12, 4], 64),
        g.rc(&[1, 12, 3], 65),
        g.rc(&[1, 24], 66),
    );
    let (h0, c0) = (g.rc(&[1, 1, 3], 67), g.rc(&[1, 1, 3], 68));
    let y = g.node_multi(
        "LSTM",
        &["input", &w, &r, &b, "", &h0, &c0],
        vec![int_attr("hidden_size", 3)],
        &[false, true, true],
    );
    let y = g.node("Add", &[&y[1], &y[2]], vec![]);
    model(g.build(&[3, 1, 4], &y, &[1, 1, 3]), &[3, 1, 4])
}

/// A forward GRU, `linear_before_reset` = `lbr`
fn gru(lbr: i64) -> OpModel {
    let mut g = G::new();
    let (w, r, b) = (
        g.rc(&[1, 9, 4], 69),
        g.rc(&[1, 9, 3], 70),
        g.rc(&[1, 18], 71),
    );
    let y = g.node_multi(
        "GRU",
        &["input", &w, &r, &b],
        vec![
            int_attr("hidden_size", 3),
            int_attr("linear_before_reset", lbr),
            str_attr("direction", "forward"),
        ],
        &[true, false],
    );
    model(g.build(&[3, 1, 4], &y[0], &[3, 1, 1, 3]), &[3, 1, 4])
}

pub fn op_gru() -> OpModel {
    gru(0)
}

pub fn op_gru_linear_before_reset() -> OpModel {
    gru(1)
}

pub fn op_rnn() -> OpModel {
    let mut g = G::new();
    let (w, r, b) = (
        g.rc(&[1, 3, 4], 72),
        g.rc(&[1, 3, 3], 73),
        g.rc(&[1, 6], 74),
    );
    let y = g.node_multi(
        "RNN",
        &["input", &w, &r, &b],
        vec![int_attr("hidden_size", 3)],
        &[true, true],
    );
    let y = g.node("Add", &[&y[0], &y[1]], vec![]);
    model(g.build(&[3, 1, 4], &y, &[3, 1, 1, 3]), &[3, 1, 4])
}

/// Selection by computed indices: Gather from a constant table by an ArgMax, and by the same
/// index minus 4 (negative: counted from the end)
pub fn op_gather_computed_index() -> OpModel {
    let mut g = G::new();
    let (t1, t2) = (g.rc(&[4, 3], 78), g.rc(&[4, 3], 79));
    let k = g.node(
        "ArgMax",
        &["input"],
        vec![int_attr("axis", 1), int_attr("keepdims", 0)],
    );
    let four = g.ci(&[4]);
    let neg = g.node("Sub", &[&k, &four], vec![]);
    let a = g.node("Gather", &[&t1, &k], vec![int_attr("axis", 0)]);
    let b = g.node("Gather", &[&t2, &neg], vec![int_attr("axis", 0)]);
    let y = g.node("Add", &[&a, &b], vec![]);
    model(g.build(&[1, 4], &y, &[1, 3]), &[1, 4])
}

/// GatherElements and Gather from an activation, OneHot of the index
pub fn op_gather_elements_one_hot() -> OpModel {
    let mut g = G::new();
    let k1 = g.node(
        "ArgMax",
        &["input"],
        vec![int_attr("axis", 1), int_attr("keepdims", 1)],
    );
    let k0 = g.node(
        "ArgMax",
        &["input"],
        vec![int_attr("axis", 1), int_attr("keepdims", 0)],
    );
    let ge = g.node("GatherElements", &["input", &k1], vec![int_attr("axis", 1)]);
    let ga = g.node("Gather", &["input", &k0], vec![int_attr("axis", 1)]);
    let depth = g.ci(&[4]);
    let vals = g.c(&[2], &[-0.5, 1.5]);
    let oh = g.node("OneHot", &[&k0, &depth, &vals], vec![]);
    let m = g.node("Mul", &[&oh, &ge], vec![]);
    let y = g.node("Add", &[&m, &ga], vec![]);
    model(g.build(&[1, 4], &y, &[1, 4]), &[1, 4])
}

/// TopK: the `k` largest (`largest` = 1) or smallest with their indices
fn top_k(k: i64, largest: i64) -> OpModel {
    let mut g = G::new();
    let kk = g.ci(&[k]);
    let t = g.node_multi(
        "TopK",
        &["input", &kk],
        vec![int_attr("axis", 1), int_attr("largest", largest)],
        &[true, true],
    );
    let fi = g.node("Cast", &[&t[1]], vec![int_attr("to", 1)]);
    let y = g.node("Add", &[&t[0], &fi], vec![]);
    model(g.build(&[1, 6], &y, &[1, k as usize]), &[1, 6])
}

pub fn op_top_k() -> OpModel {
    top_k(3, 1)
}

pub fn op_top_k_smallest() -> OpModel {
    top_k(2, 0)
}

/// TopK with k small against n (lowered by rounds of selection), on values with ties (a
/// Relu's zeros; the lower index first): the 2 smallest of each row of 8, and the 2 largest
/// of the negated rows
pub fn op_top_k_rounds_ties() -> OpModel {
    let mut g = G::new();
    let k2 = g.ci(&[2]);
    let r = g.node("Relu", &["input"], vec![]);
    let small = g.node_multi(
        "TopK",
        &[&r, &k2],
        vec![int_attr("axis", 1), int_attr("largest", 0)],
        &[true, true],
    );
    let neg = g.node("Neg", &[&r], vec![]);
    let large = g.node_multi("TopK", &[&neg, &k2], vec![], &[true, true]);
    let (fs, fl) = (
        g.node("Cast", &[&small[1]], vec![int_attr("to", 1)]),
        g.node("Cast", &[&large[1]], vec![int_attr("to", 1)]),
    );
    let y = g.node(
        "Concat",
        &[&small[0], &fs, &large[0], &fl],
        vec![int_attr("axis", 1)],
    );
    model(g.build(&[2, 8], &y, &[2, 8]), &[2, 8])
}

/// Pow with a constant base
pub fn op_pow_base() -> OpModel {
    let mut g = G::new();
    let b = g.c(&[1], &[2.0]);
    let y = g.node("Pow", &[&b, "input"], vec![]);
    model(g.build(&[1, 4], &y, &[1, 4]), &[1, 4])
}

/// Cast to bool of an activation
pub fn op_cast_bool() -> OpModel {
    let mut g = G::new();
    let r = g.node("Relu", &["input"], vec![]);
    let b = g.node("Cast", &[&r], vec![int_attr("to", 9)]);
    let nb = g.node("Not", &[&b], vec![]);
    let f = g.node("Cast", &[&nb], vec![int_attr("to", 1)]);
    let y = g.node("Add", &[&f, "input"], vec![]);
    model(g.build(&[1, 4], &y, &[1, 4]), &[1, 4])
}

/// Integer arithmetic: `Div` on int64 (rounding toward zero, negative quotients too) and
/// `BitShift` on uint32 both ways, by constants
pub fn op_integer_div_shift() -> OpModel {
    let mut g = G::new();
    let k = g.c(&[1], &[9.7]);
    let x = g.node("Mul", &["input", &k], vec![]);
    let i = g.node("Cast", &[&x], vec![int_attr("to", 7)]);
    let d = g.ci(&[-3]);
    let q = g.node("Div", &[&i, &d], vec![]);
    let r = g.node("Relu", &[&x], vec![]);
    let u = g.node("Cast", &[&r], vec![int_attr("to", 12)]);
    let two = g.ci(&[2]);
    let two = g.node("Cast", &[&two], vec![int_attr("to", 12)]);
    let right = g.node(
        "BitShift",
        &[&u, &two],
        vec![str_attr("direction", "RIGHT")],
    );
    let left = g.node("BitShift", &[&u, &two], vec![str_attr("direction", "LEFT")]);
    let shifted = g.node("Add", &[&right, &left], vec![]);
    let fq = g.node("Cast", &[&q], vec![int_attr("to", 1)]);
    let fs = g.node("Cast", &[&shifted], vec![int_attr("to", 1)]);
    let y = g.node("Add", &[&fq, &fs], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// Element-wise Max with a constant (broadcast) and Min of two activations
pub fn op_max_min() -> OpModel {
    let mut g = G::new();
    let c = g.c(&[6], &[0.25, -0.5, 0.0, 1.5, -2.0, 0.1]);
    let m1 = g.node("Max", &["input", &c], vec![]);
    let r = g.node("Relu", &["input"], vec![]);
    let m2 = g.node("Min", &[&r, "input"], vec![]);
    let y = g.node("Add", &[&m1, &m2], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// Small constant factors (an IsolationForest's `/ 917.57`, a `· 0.0123` per column), each
/// lowered with extra bits and two rescales
pub fn op_small_factors() -> OpModel {
    let mut g = G::new();
    let d = g.c(&[1], &[917.56573]);
    let m = g.c(&[4], &[0.0123, -0.0071, 0.0045, 0.0009]);
    let big = g.c(&[1], &[300.0]);
    let x = g.node("Mul", &["input", &big], vec![]);
    let q = g.node("Div", &[&x, &d], vec![]);
    let r = g.node("Mul", &[&m, &x], vec![]);
    let y = g.node("Add", &[&q, &r], vec![]);
    model(g.build(&[1, 4], &y, &[1, 4]), &[1, 4])
}

/// GPT-2's GELU (tanh form) as nanoGPT's torch export writes it, `0.5·x·(1 + tanh(√(2/π)·(x +
/// 0.044715·x·x·x)))` with `c` the cube's constant (0.044715: fused into one table at import)
pub fn gelu_written_out(c: f32, cube_by_pow: bool) -> Vec<u8> {
    let mut g = G::new();
    let (half, k, one, kc) = (
        g.c(&[1], &[0.5]),
        g.c(&[1], &[0.797_884_6]),
        g.c(&[1], &[1.0]),
        g.c(&[1], &[c]),
    );
    let x = g.node("Mul", &["input", &one], vec![]);
    let a = g.node("Mul", &[&x, &half], vec![]);
    let cube = if cube_by_pow {
        let three = g.c(&[1], &[3.0]);
        let p = g.node("Pow", &[&x, &three], vec![]);
        g.node("Mul", &[&kc, &p], vec![])
    } else {
        let m1 = g.node("Mul", &[&x, &kc], vec![]);
        let m2 = g.node("Mul", &[&m1, &x], vec![]);
        g.node("Mul", &[&m2, &x], vec![])
    };
    let s = g.node("Add", &[&x, &cube], vec![]);
    let t = g.node("Mul", &[&s, &k], vec![]);
    let th = g.node("Tanh", &[&t], vec![]);
    let p1 = g.node("Add", &[&th, &one], vec![]);
    let y = g.node("Mul", &[&a, &p1], vec![]);
    g.build(&[1, 8], &y, &[1, 8])
}

pub fn op_gelu_written_out() -> OpModel {
    model(gelu_written_out(0.044715, false), &[1, 8])
}

/// Variadic Sum (4 inputs, IsolationForest's depths), Max and Min (3 inputs, one a constant)
pub fn op_variadic() -> OpModel {
    let mut g = G::new();
    let c = g.c(&[6], &[0.25, -0.5, 0.0, 1.5, -2.0, 0.1]);
    let r = g.node("Relu", &["input"], vec![]);
    let n = g.node("Neg", &["input"], vec![]);
    let s = g.node("Sum", &["input", &r, &c, &n], vec![]);
    let mx = g.node("Max", &["input", &n, &c], vec![]);
    let mn = g.node("Min", &[&r, &c, &n], vec![]);
    let t = g.node("Add", &[&s, &mx], vec![]);
    let y = g.node("Sub", &[&t, &mn], vec![]);
    model(g.build(&[1, 6], &y, &[1, 6]), &[1, 6])
}

/// A node of a Scan body (named after its first output).
fn body_node(
    op: &str,
    ins: &[&str],
    outs: &[&str],
    attrs: Vec<pb::AttributeProto>,
) -> pb::NodeProto {
    pb::NodeProto {
        op_type: op.into(),
        name: format!("body_{}", outs[0]),
        input: ins.iter().map(|s| s.to_string()).collect(),
        output: outs.iter().map(|s| s.to_string()).collect(),
        attribute: attrs,
        ..Default::default()
    }
}

/// Scan (unrolled at import): a state and two scan inputs, one computed and scanned backwards
/// along axis 1, one constant; the scan output stacked along axis 1, added to the final state
pub fn op_scan() -> OpModel {
    let mut g = G::new();
    let s0 = g.rc(&[1, 4], 81);
    let k = g.rc(&[3, 4], 82);
    let w = g.rc(&[4], 83);
    let r = g.node("Relu", &["input"], vec![]);
    let body = pb::GraphProto {
        name: "body".into(),
        node: vec![
            body_node("Mul", &["e1", "e2"], &["p"], vec![]),
            body_node("Add", &["s", "p"], &["s_new"], vec![]),
            // an outer-scope value read in the body
            body_node("Mul", &["s_new", &w], &["q"], vec![]),
            body_node("Sub", &["q", "e1"], &["o"], vec![]),
        ],
        input: vec![
            value_info("s", &[1, 4]),
            value_info("e1", &[1, 4]),
            value_info("e2", &[4]),
        ],
        output: vec![value_info("s_new", &[1, 4]), value_info("o", &[1, 4])],
        ..Default::default()
    };
    let outs = g.node_multi(
        "Scan",
        &[&s0, &r, &k],
        vec![
            int_attr("num_scan_inputs", 2),
            ints_attr("scan_input_axes", &[1, 0]),
            ints_attr("scan_input_directions", &[1, 0]),
            ints_attr("scan_output_axes", &[1]),
            pb::AttributeProto {
                name: "body".into(),
                r#type: pb::attribute_proto::AttributeType::Graph as i32,
                g: Some(body),
                ..Default::default()
            },
        ],
        &[true, true],
    );
    let y = g.node("Add", &[&outs[1], &outs[0]], vec![]);
    model(g.build(&[1, 3, 4], &y, &[1, 3, 4]), &[1, 3, 4])
}

/// Scan whose body holds a Split (a node the importer rewrites, here into slices): each
/// row's halves swapped, accumulated in the state; the split sizes a body initializer
#[allow(dead_code)] // tests/ops.rs only (tract cannot analyse this body: no op model)
pub fn scan_split_body() -> Vec<u8> {
    let mut g = G::new();
    let s0 = g.rc(&[1, 4], 84);
    let body = pb::GraphProto {
        name: "body".into(),
        node: vec![
            body_node(
                "Split",
                &["e", "sizes"],
                &["lo", "hi"],
                vec![int_attr("axis", 1)],
            ),
            body_node("Concat", &["hi", "lo"], &["sw"], vec![int_attr("axis", 1)]),
            body_node("Add", &["s", "sw"], &["s_new"], vec![]),
        ],
        input: vec![value_info("s", &[1, 4]), value_info("e", &[1, 4])],
        output: vec![value_info("s_new", &[1, 4]), value_info("sw", &[1, 4])],
        initializer: vec![pb::TensorProto {
            name: "sizes".into(),
            dims: vec![2],
            data_type: pb::tensor_proto::DataType::Int64 as i32,
            int64_data: vec![2, 2],
            ..Default::default()
        }],
        ..Default::default()
    };
    let (rows, flat) = (g.ci(&[1, 3, 4]), g.ci(&[1, 12]));
    let r = g.node("Reshape", &["input", &rows], vec![]);
    let outs = g.node_multi(
        "Scan",
        &[&s0, &r],
        vec![
            int_attr("num_scan_inputs", 1),
            ints_attr("scan_input_axes", &[1]),
            ints_attr("scan_output_axes", &[1]),
            pb::AttributeProto {
                name: "body".into(),
                r#type: pb::attribute_proto::AttributeType::Graph as i32,
                g: Some(body),
                ..Default::default()
            },
        ],
        &[true, true],
    );
    let y = g.node("Add", &[&outs[1], &outs[0]], vec![]);
    let y = g.node("Reshape", &[&y, &flat], vec![]);
    g.build(&[1, 12], &y, &[1, 12])
}

/// ConvTranspose: stride 2, pads, output_padding, bias
pub fn op_conv_transpose() -> OpModel {
    let mut g = G::new();
    let (w, b) = (g.rc(&[2, 3, 3, 3], 75), g.rc(&[3], 76));
    let y = g.node(
        "ConvTranspose",
        &["input", &w, &b],
        vec![
            ints_attr("strides", &[2, 2]),
            ints_attr("pads", &[1, 1, 1, 0]),
            ints_attr("output_padding", &[1, 0]),
        ],
    );
    model(g.build(&[1, 2, 3, 3], &y, &[1, 3, 6, 6]), &[1, 2, 3, 3])
}

/// ConvTranspose: grouped, dilated, no bias
pub fn op_conv_transpose_grouped() -> OpModel {
    let mut g = G::new();
    let w = g.rc(&[4, 1, 2, 2], 77);
    let y = g.node(
        "ConvTranspose",
        &["input", &w],
        vec![int_attr("group", 2), ints_attr("dilations", &[2, 2])],
    );
    model(g.build(&[1, 4, 3, 3], &y, &[1, 2, 5, 5]), &[1, 4, 3, 3])
}
