//! The ONNX-ML (`ai.onnx.ml`) ops that scikit-learn, XGBoost and LightGBM models export to
//! (skl2onnx, onnxmltools), one file per family: tree ensembles (`trees.rs`), linear models
//! (`linear.rs`), Normalizer and Scaler (`rescale.rs`). Float semantics follow onnxruntime's
//! kernels. A classifier's two outputs (label, scores) are one packed tensor, read out by the
//! importer with copy-only `ShapeOp::Part` nodes ([`output_parts`]); this module holds what
//! the classifiers share: the post transforms and the labels.

mod coupling;
mod encode;
mod linear;
mod rescale;
mod svm;
mod tree5;
mod trees;

pub use encode::Encode;
pub use linear::Linear;
pub use rescale::{Norm, Rescale};
pub use svm::Svm;
pub use trees::TreeEnsemble;

/// ai.onnx.ml opset 5's unified TreeEnsemble, as the same ensemble (a regressor).
pub fn tree_ensemble5(a: &Attrs) -> Result<TreeEnsemble, OpError> {
    tree5::build(a)
}

use super::reduce::arg_extreme_groups;
use super::softmax::softmax_groups;
use super::{Attrs, Func, OpError};
use crate::quant::compose::{lin_pairs, one_hot};
use crate::quant::{ASrc, BSrc, Lowered, QOp, QuantError, Src};

/// A post transform of the scores.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Post {
    None,
    Logistic,
    Softmax,
}

fn post_transform(a: &Attrs) -> Result<Post, OpError> {
    match a.string("post_transform").as_deref().unwrap_or("NONE") {
        "NONE" => Ok(Post::None),
        "LOGISTIC" => Ok(Post::Logistic),
        "SOFTMAX" => Ok(Post::Softmax),
        other => Err(OpError::Attribute {
            name: "post_transform".into(),
            msg: format!("`{other}` is not supported (NONE, LOGISTIC and SOFTMAX are)"),
        }),
    }
}

/// The two-class form with scores on one class only (skl2onnx, XGBoost and LightGBM binary
/// classifiers): one score `s` per sample, read as onnxruntime does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Binary {
    /// every weight ≥ 0: `s` is the positive class's probability; label `s > 0.5`, scores
    /// `[1 − s, s]` (no transform)
    Probability,
    /// otherwise: label `s > 0`, scores `[σ(−s), σ(s)]` (LOGISTIC) or `[−s, s]`
    Margin,
}

/// What the classifiers output besides their scores.
#[derive(Clone, Debug)]
struct Labels {
    labels: Vec<i64>,
    binary: Option<Binary>,
    /// two classes, both scored (CatBoost): onnxruntime's label is the integer `[s_1 > 0]`
    /// (1 or 0, whatever the class labels), the scores transformed as for more classes
    both: bool,
}

fn attr_err(name: &str, msg: impl Into<String>) -> OpError {
    OpError::Attribute {
        name: name.into(),
        msg: msg.into(),
    }
}

fn ints(a: &Attrs, name: &str) -> Result<Vec<i64>, OpError> {
    a.ints(name).ok_or_else(|| attr_err(name, "missing"))
}

fn floats_or_tensor(a: &Attrs, name: &str) -> Result<Option<Vec<f64>>, OpError> {
    if let Some(v) = a.floats(name) {
        return Ok(Some(v.into_iter().map(|x| x as f64).collect()));
    }
    match a.tensor_value(&format!("{name}_as_tensor")) {
        Some(Ok(t)) => Ok(Some(t.data)),
        Some(Err(e)) => Err(attr_err(&format!("{name}_as_tensor"), e)),
        None => Ok(None),
    }
}

/// The integer labels of a classifier (`classlabels_int64s`/`classlabels_ints`); string labels
/// are refused (a proof carries numbers).
fn int_labels(a: &Attrs, names: [&str; 2]) -> Result<Vec<i64>, OpError> {
    if let Some(v) = a.ints(names[0]).or_else(|| a.ints(names[1])) {
        return Ok(v);
    }
    let strings = names[0]
        .replace("int64s", "strings")
        .replace("ints", "strings");
    if a.has(&strings) {
        return Err(OpError::Unsupported2(format!(
            "`{strings}`: string class labels are not supported; train with integer labels \
             0..k (e.g. sklearn's LabelEncoder)"
        )));
    }
    Err(attr_err(names[0], "missing"))
}

fn act(slot: usize, map: Vec<u32>) -> ASrc {
    ASrc::Act { slot, map }
}

fn internal(e: OpError) -> QuantError {
    QuantError::Internal(e.to_string())
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Labels and probabilities from raw scores `[N, k]`, as onnxruntime's classifiers write them.
fn classify(s: &[f64], n: usize, cl: &Labels, post: Post) -> (Vec<f64>, Vec<f64>) {
    let mut labels = vec![];
    let mut z = vec![];
    let k = s.len() / n.max(1);
    for smp in 0..n {
        let row = &s[smp * k..(smp + 1) * k];
        match cl.binary {
            Some(b) => {
                let v = row[0];
                let (thr, probs) = match b {
                    Binary::Probability => (0.5, [1.0 - v, v]),
                    Binary::Margin if post == Post::Logistic => (0.0, [sigmoid(-v), sigmoid(v)]),
                    Binary::Margin => (0.0, [-v, v]),
                };
                labels.push(cl.labels[(v > thr) as usize] as f64);
                z.extend(probs);
            }
            None => {
                let mut best = 0;
                for (j, &v) in row.iter().enumerate() {
                    if v > row[best] {
                        best = j;
                    }
                }
                labels.push(if cl.both {
                    (row[1] > 0.0) as u8 as f64
                } else {
                    cl.labels[best] as f64
                });
                match post {
                    Post::None => z.extend(row),
                    Post::Logistic => z.extend(row.iter().map(|&v| sigmoid(v))),
                    Post::Softmax => {
                        let m = row.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                        let e: Vec<f64> = row.iter().map(|&v| (v - m).exp()).collect();
                        let t: f64 = e.iter().sum();
                        z.extend(e.iter().map(|v| v / t));
                    }
                }
            }
        }
    }
    (labels, z)
}

/// The lowered [`classify`]: from scores `[N, k]` at scale `s` to the packed
/// `[labels (N); probabilities (N·C)]`.
#[allow(clippy::too_many_arguments)]
fn classify_lowered(
    lw: &mut Lowered,
    scores: Src,
    n: usize,
    k: usize,
    cl: &Labels,
    post: Post,
    s: u32,
) {
    let one = 1i64 << s;
    let every: Vec<u32> = (0..(n * k) as u32).collect();
    let (label, probs) = match cl.binary {
        Some(b) => {
            // label: [v > thr] = [v − (⌊thr·2^s⌋ + 1) ≥ 0] = relu(d + 1) − relu(d)
            let thr = match b {
                Binary::Probability => one / 2,
                Binary::Margin => 0,
            };
            let d = lw.push(
                lin_pairs(
                    n,
                    vec![
                        (act(0, every.clone()), BSrc::Coef(1)),
                        (ASrc::One, BSrc::Coef(-(thr + 1))),
                    ],
                    0,
                ),
                vec![scores],
                vec![n],
            );
            let all: Vec<u32> = (0..n as u32).collect();
            let d1 = lw.push(
                lin_pairs(
                    n,
                    vec![
                        (act(0, all.clone()), BSrc::Coef(1)),
                        (ASrc::One, BSrc::Coef(1)),
                    ],
                    0,
                ),
                vec![d],
                vec![n],
            );
            let hi = lw.push(QOp::Lookup(Func::Relu), vec![d1], vec![n]);
            let lo = lw.push(QOp::Lookup(Func::Relu), vec![d], vec![n]);
            let (l0, l1) = (cl.labels[0], cl.labels[1]);
            let label = lw.push(
                lin_pairs(
                    n,
                    vec![
                        (act(0, all.clone()), BSrc::Coef((l1 - l0) * one)),
                        (act(1, all.clone()), BSrc::Coef(-(l1 - l0) * one)),
                        (ASrc::One, BSrc::Coef(l0 * one)),
                    ],
                    0,
                ),
                vec![hi, lo],
                vec![n],
            );
            // the positive class's score p, the other 1 − p (or −p)
            let pos = match (b, post) {
                (Binary::Margin, Post::Logistic) => {
                    lw.push(QOp::Lookup(Func::Sigmoid), vec![scores], vec![n])
                }
                _ => scores,
            };
            let (c0, k0) = match (b, post) {
                (Binary::Margin, Post::Logistic) | (Binary::Probability, _) => (one, -1),
                _ => (0, -1),
            };
            let neg = lw.push(
                lin_pairs(
                    n,
                    vec![
                        (act(0, all.clone()), BSrc::Coef(k0)),
                        (ASrc::One, BSrc::Coef(c0)),
                    ],
                    0,
                ),
                vec![pos],
                vec![n],
            );
            let elems: Vec<(Src, u32)> = (0..n as u32).flat_map(|i| [(neg, i), (pos, i)]).collect();
            let probs = crate::quant::compose::gather(lw, &elems);
            (label, probs)
        }
        None => {
            let groups: Vec<Vec<u32>> = (0..n)
                .map(|i| ((i * k) as u32..((i + 1) * k) as u32).collect())
                .collect();
            let label = if cl.both {
                // 2^s·[s_1 > 0] = 2^s·(relu(s_1) − relu(s_1 − 1))
                let s1: Vec<(Src, u32)> = (0..n as u32).map(|i| (scores, 2 * i + 1)).collect();
                let v = crate::quant::compose::gather(lw, &s1);
                let all: Vec<u32> = (0..n as u32).collect();
                let vm1 = lw.push(
                    lin_pairs(
                        n,
                        vec![
                            (act(0, all.clone()), BSrc::Coef(1)),
                            (ASrc::One, BSrc::Coef(-1)),
                        ],
                        0,
                    ),
                    vec![v],
                    vec![n],
                );
                let hi = lw.push(QOp::Lookup(Func::Relu), vec![v], vec![n]);
                let lo = lw.push(QOp::Lookup(Func::Relu), vec![vm1], vec![n]);
                lw.push(
                    lin_pairs(
                        n,
                        vec![
                            (act(0, all.clone()), BSrc::Coef(one)),
                            (act(1, all), BSrc::Coef(-one)),
                        ],
                        0,
                    ),
                    vec![hi, lo],
                    vec![n],
                )
            } else {
                let idx = arg_extreme_groups(lw, scores, n * k, &groups, false, false, s);
                label_of_index(lw, idx, n, &cl.labels, s)
            };
            let probs = match post {
                Post::None => scores,
                Post::Logistic => lw.push(QOp::Lookup(Func::Sigmoid), vec![scores], vec![n * k]),
                Post::Softmax => softmax_groups(lw, scores, n * k, &groups, false, s),
            };
            (label, probs)
        }
    };
    let c = if cl.binary.is_some() { 2 } else { k };
    let mut elems: Vec<(Src, u32)> = (0..n as u32).map(|i| (label, i)).collect();
    elems.extend((0..(n * c) as u32).map(|i| (probs, i)));
    crate::quant::compose::gather(lw, &elems);
}

/// The label of each of `n` class indices `idx` (integers at scale `s`): `labels[idx]` at
/// scale `s` (the index itself when the labels are `0..k`, else through its one-hot row).
fn label_of_index(lw: &mut Lowered, idx: Src, n: usize, labels: &[i64], s: u32) -> Src {
    let one = 1i64 << s;
    let k = labels.len();
    if labels.iter().enumerate().all(|(j, &l)| l == j as i64) {
        return idx;
    }
    let e = one_hot(lw, idx, n, k, s, false);
    let parts = (0..k)
        .map(|j| {
            (
                act(0, (0..n).map(|i| (i * k + j) as u32).collect()),
                BSrc::Coef(labels[j] * one),
            )
        })
        .collect();
    lw.push(lin_pairs(n, parts, 0), vec![e], vec![n])
}

/// Where each output of a packed multi-output op lies in its packed tensor: `(offset, shape)`
/// per ONNX output. `None`: the op has one output.
pub fn output_parts(op_type: &str, a: &Attrs, x: &[usize]) -> Option<Vec<(usize, Vec<usize>)>> {
    let n = match x {
        [_] => 1,
        [n, _] => *n,
        _ => 1,
    };
    let c = match op_type {
        "TreeEnsembleClassifier" => a
            .ints("classlabels_int64s")
            .map(|v| v.len())
            .or_else(|| a.strings("classlabels_strings").map(|v| v.len()))?,
        "SVMClassifier" => Svm::score_columns(a)?,
        "LinearClassifier" => a
            .ints("classlabels_ints")
            .map(|v| v.len())
            .or_else(|| a.strings("classlabels_strings").map(|v| v.len()))?,
        _ => return None,
    };
    Some(vec![(0, vec![n]), (n, vec![n, c])])
}
