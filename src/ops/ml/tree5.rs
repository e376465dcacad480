//! ai.onnx.ml opset 5's TreeEnsemble (the unified op), read into the same ensemble as
//! TreeEnsembleRegressor: each tree from its root (`tree_roots`), interior nodes in the
//! `nodes_*` arrays, leaves in the `leaf_*` arrays (`nodes_trueleafs`/`nodes_falseleafs` say
//! which array a child indexes). Output `[N, n_targets]`, no base values.

use super::trees::{Mode, TNode, Tree, TreeEnsemble};
use super::{attr_err, Post};
use crate::ops::{Attrs, OpError};

fn ints(a: &Attrs, name: &str) -> Result<Vec<i64>, OpError> {
    a.ints(name).ok_or_else(|| attr_err(name, "missing"))
}

fn tensor(a: &Attrs, name: &str) -> Result<Vec<f64>, OpError> {
    match a.tensor_value(name) {
        Some(Ok(t)) => Ok(t.data),
        Some(Err(e)) => Err(attr_err(name, e)),
        None => Err(attr_err(name, "missing")),
    }
}

pub(super) fn build(a: &Attrs) -> Result<TreeEnsemble, OpError> {
    let features = ints(a, "nodes_featureids")?;
    let splits = tensor(a, "nodes_splits")?;
    let modes = tensor(a, "nodes_modes")?;
    let yes = ints(a, "nodes_truenodeids")?;
    let yes_leaf = ints(a, "nodes_trueleafs")?;
    let no = ints(a, "nodes_falsenodeids")?;
    let no_leaf = ints(a, "nodes_falseleafs")?;
    let targets = ints(a, "leaf_targetids")?;
    let weights = tensor(a, "leaf_weights")?;
    let roots = ints(a, "tree_roots")?;
    let n = features.len();
    for (name, l) in [
        ("nodes_splits", splits.len()),
        ("nodes_modes", modes.len()),
        ("nodes_truenodeids", yes.len()),
        ("nodes_trueleafs", yes_leaf.len()),
        ("nodes_falsenodeids", no.len()),
        ("nodes_falseleafs", no_leaf.len()),
    ] {
        if l != n {
            return Err(attr_err(name, format!("{l} entries for {n} nodes")));
        }
    }
    if targets.len() != weights.len() {
        return Err(attr_err("leaf_weights", "as many as leaf_targetids"));
    }
    let t = a.int("n_targets", 1).max(1) as usize;
    if targets.iter().any(|&i| i < 0 || i as usize >= t) {
        return Err(attr_err(
            "leaf_targetids",
            format!("a target outside [0, {t})"),
        ));
    }
    let post = match a.int("post_transform", 0) {
        0 => Post::None,
        1 => Post::Softmax,
        2 => Post::Logistic,
        p => {
            return Err(attr_err(
                "post_transform",
                format!("{p} is not supported (0, 1, 2 are)"),
            ))
        }
    };
    let average = match a.int("aggregate_function", 1) {
        0 => true,
        1 => false,
        f => {
            return Err(attr_err(
                "aggregate_function",
                format!("{f} is not supported (0 AVERAGE, 1 SUM are)"),
            ))
        }
    };
    if post != Post::None {
        return Err(attr_err(
            "post_transform",
            "a transform of the targets is not supported (NONE is)",
        ));
    }
    let mut trees = vec![];
    for &r in &roots {
        // (array index, is a leaf) → node of this tree
        let mut nodes: Vec<TNode> = vec![];
        let mut stack = vec![(r, false, None::<(usize, bool)>, 0usize)];
        while let Some((i, leaf, parent, depth)) = stack.pop() {
            if i < 0 || depth > 64 {
                return Err(attr_err(
                    "tree_roots",
                    "a tree deeper than 64 or a negative id",
                ));
            }
            let i = i as usize;
            let k = nodes.len();
            if let Some((p, yes_side)) = parent {
                if let TNode::Branch { yes, no, .. } = &mut nodes[p] {
                    *if yes_side { yes } else { no } = k;
                }
            }
            if leaf {
                if i >= targets.len() {
                    return Err(attr_err(
                        "nodes_truenodeids",
                        format!("leaf {i} does not exist"),
                    ));
                }
                if !weights[i].is_finite() {
                    return Err(attr_err("leaf_weights", "not finite"));
                }
                nodes.push(TNode::Leaf(vec![(targets[i] as usize, weights[i])]));
                continue;
            }
            if i >= n {
                return Err(attr_err("tree_roots", format!("node {i} does not exist")));
            }
            let mode = match modes[i] as i64 {
                0 => Mode::Leq,
                1 => Mode::Lt,
                2 => Mode::Gte,
                3 => Mode::Gt,
                4 => Mode::Eq,
                5 => Mode::Neq,
                m => {
                    return Err(OpError::Unsupported2(format!(
                        "TreeEnsemble: node mode {m} (BRANCH_MEMBER) is not supported"
                    )))
                }
            };
            if features[i] < 0 || !splits[i].is_finite() {
                return Err(attr_err("nodes_splits", format!("node {i}")));
            }
            nodes.push(TNode::Branch {
                feature: features[i] as usize,
                value: splits[i],
                mode,
                yes: 0,
                no: 0,
            });
            stack.push((no[i], no_leaf[i] != 0, Some((k, false)), depth + 1));
            stack.push((yes[i], yes_leaf[i] != 0, Some((k, true)), depth + 1));
        }
        trees.push(Tree { nodes, root: 0 });
    }
    Ok(TreeEnsemble {
        trees,
        n_out: t,
        base: vec![0.0; t],
        post,
        average,
        class: None,
    })
}
