//! TreeEnsembleRegressor and TreeEnsembleClassifier, proven with a cost linear in their
//! nodes (QUANTIZATION.md, "Tree ensembles"): per sample and internal node, the branch bit
//! `b = [x_f ≤ c]` on the quantized feature (`c` the threshold rounded to the grid the way the
//! mode demands, so the comparison is exact on the quantized input) from two relu rows,
//! `[d ≥ 0] = relu(d + 1) − relu(d)` with `d = c − x_f`; then, level by level, the reach of
//! each child, `r_yes = r·b` and `r_no = r − r_yes` (0 or 1 each: exactly one leaf of each
//! tree is reached); and per output one dot product `Σ_leaves r·w` over all leaves, with the
//! weights at a finer scale and one rounding at the end.

use super::{
    act, attr_err, classify, classify_lowered, floats_or_tensor, int_labels, internal, ints,
    post_transform, Binary, Labels, Post,
};
use crate::ops::{need, Attrs, Func, OpError, Operand};
use crate::quant::compose::lin_pairs;
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;
use std::collections::HashMap;

/// Where a node's reach lives: `(tensor, entry of sample 0)` (`None`: a root, reached for
/// sure) and the stride between samples.
type ReachOf = (Option<(Src, u32)>, u32);

/// A branch's test of its feature `x` against its threshold `v`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Mode {
    Leq,
    Lt,
    Gte,
    Gt,
    Eq,
    Neq,
}

impl Mode {
    fn parse(s: &str) -> Option<Option<Self>> {
        Some(match s {
            "BRANCH_LEQ" => Some(Mode::Leq),
            "BRANCH_LT" => Some(Mode::Lt),
            "BRANCH_GTE" => Some(Mode::Gte),
            "BRANCH_GT" => Some(Mode::Gt),
            "BRANCH_EQ" => Some(Mode::Eq),
            "BRANCH_NEQ" => Some(Mode::Neq),
            "LEAF" => None,
            _ => return None,
        })
    }

    fn test(self, x: f64, v: f64) -> bool {
        match self {
            Mode::Leq => x <= v,
            Mode::Lt => x < v,
            Mode::Gte => x >= v,
            Mode::Gt => x > v,
            Mode::Eq => x == v,
            Mode::Neq => x != v,
        }
    }

    /// The test on the quantized feature `q = x·2^s`, as `pol ⊕ [q ≤ c]` (`neg`: negated) or,
    /// for (in)equality, `[q = c]`: `c` is the threshold on the grid (`None`: `v` is not on it,
    /// so `q = v·2^s` never holds).
    fn on_grid(self, v: f64, s: u32) -> Grid {
        let t = v * (1u64 << s) as f64;
        match self {
            Mode::Leq => Grid::AtMost {
                c: t.floor(),
                neg: false,
            },
            Mode::Gt => Grid::AtMost {
                c: t.floor(),
                neg: true,
            },
            Mode::Lt => Grid::AtMost {
                c: t.ceil() - 1.0,
                neg: false,
            },
            Mode::Gte => Grid::AtMost {
                c: t.ceil() - 1.0,
                neg: true,
            },
            Mode::Eq | Mode::Neq => Grid::Equal {
                c: (t.fract() == 0.0).then_some(t),
                neg: self == Mode::Neq,
            },
        }
    }
}

enum Grid {
    AtMost { c: f64, neg: bool },
    Equal { c: Option<f64>, neg: bool },
}

#[derive(Clone, Debug)]
pub(super) enum TNode {
    Branch {
        feature: usize,
        value: f64,
        mode: Mode,
        yes: usize,
        no: usize,
    },
    /// `(output, weight)` pairs
    Leaf(Vec<(usize, f64)>),
}

#[derive(Clone, Debug)]
pub(super) struct Tree {
    pub(super) nodes: Vec<TNode>,
    pub(super) root: usize,
}

impl Tree {
    fn leaf_of(&self, x: &[f64]) -> usize {
        let mut k = self.root;
        while let TNode::Branch {
            feature,
            value,
            mode,
            yes,
            no,
        } = &self.nodes[k]
        {
            k = if mode.test(x[*feature], *value) {
                *yes
            } else {
                *no
            };
        }
        k
    }
}

/// TreeEnsembleRegressor / TreeEnsembleClassifier.
#[derive(Clone, Debug)]
pub struct TreeEnsemble {
    pub(super) trees: Vec<Tree>,
    /// targets (regressor) or classes with a score (classifier)
    pub(super) n_out: usize,
    pub(super) base: Vec<f64>,
    pub(super) post: Post,
    pub(super) average: bool,
    pub(super) class: Option<Labels>,
}

impl TreeEnsemble {
    pub fn build(op_type: &str, a: &Attrs) -> Result<Self, OpError> {
        let classifier = op_type == "TreeEnsembleClassifier";
        let tree_ids = ints(a, "nodes_treeids")?;
        let node_ids = ints(a, "nodes_nodeids")?;
        let features = ints(a, "nodes_featureids")?;
        let modes = a
            .strings("nodes_modes")
            .ok_or_else(|| attr_err("nodes_modes", "missing"))?;
        let yes_ids = ints(a, "nodes_truenodeids")?;
        let no_ids = ints(a, "nodes_falsenodeids")?;
        let values = floats_or_tensor(a, "nodes_values")?
            .ok_or_else(|| attr_err("nodes_values", "missing"))?;
        let n = tree_ids.len();
        for (name, len) in [
            ("nodes_nodeids", node_ids.len()),
            ("nodes_featureids", features.len()),
            ("nodes_modes", modes.len()),
            ("nodes_truenodeids", yes_ids.len()),
            ("nodes_falsenodeids", no_ids.len()),
            ("nodes_values", values.len()),
        ] {
            if len != n {
                return Err(attr_err(
                    name,
                    format!("{len} entries for {n} nodes (nodes_treeids)"),
                ));
            }
        }
        let p = if classifier { "class" } else { "target" };
        let w_trees = ints(a, &format!("{p}_treeids"))?;
        let w_nodes = ints(a, &format!("{p}_nodeids"))?;
        let w_ids = ints(a, &format!("{p}_ids"))?;
        let w_vals = floats_or_tensor(a, &format!("{p}_weights"))?
            .ok_or_else(|| attr_err(&format!("{p}_weights"), "missing"))?;
        if [w_nodes.len(), w_ids.len(), w_vals.len()]
            .iter()
            .any(|&l| l != w_trees.len())
        {
            return Err(attr_err(
                &format!("{p}_weights"),
                "treeids, nodeids, ids and weights differ in length",
            ));
        }
        // trees in order of first appearance; node ids local to their tree
        let mut order: Vec<i64> = vec![];
        for &t in &tree_ids {
            if !order.contains(&t) {
                order.push(t);
            }
        }
        let mut trees = vec![];
        let mut index: HashMap<(i64, i64), (usize, usize)> = Default::default();
        for (ti, &t) in order.iter().enumerate() {
            let members: Vec<usize> = (0..n).filter(|&i| tree_ids[i] == t).collect();
            for (k, &i) in members.iter().enumerate() {
                if index.insert((t, node_ids[i]), (ti, k)).is_some() {
                    return Err(attr_err(
                        "nodes_nodeids",
                        format!("tree {t} lists node {} twice", node_ids[i]),
                    ));
                }
            }
            let child = |id: i64| -> Result<usize, OpError> {
                index.get(&(t, id)).map(|&(_, k)| k).ok_or_else(|| {
                    attr_err(
                        "nodes_truenodeids",
                        format!("tree {t}: child {id} is not a node"),
                    )
                })
            };
            let mut nodes = vec![];
            let mut is_child = vec![false; members.len()];
            for &i in &members {
                let mode = Mode::parse(&modes[i]).ok_or_else(|| {
                    attr_err("nodes_modes", format!("unknown mode `{}`", modes[i]))
                })?;
                nodes.push(match mode {
                    None => TNode::Leaf(vec![]),
                    Some(mode) => {
                        let (yes, no) = (child(yes_ids[i])?, child(no_ids[i])?);
                        is_child[yes] = true;
                        is_child[no] = true;
                        if features[i] < 0 {
                            return Err(attr_err("nodes_featureids", "negative feature id"));
                        }
                        let value = values[i];
                        if !value.is_finite() {
                            return Err(attr_err(
                                "nodes_values",
                                format!("tree {t} node {}: threshold {value}", node_ids[i]),
                            ));
                        }
                        TNode::Branch {
                            feature: features[i] as usize,
                            value,
                            mode,
                            yes,
                            no,
                        }
                    }
                });
            }
            let roots: Vec<usize> = (0..members.len()).filter(|&k| !is_child[k]).collect();
            let [root] = roots[..] else {
                return Err(attr_err(
                    "nodes_truenodeids",
                    format!("tree {t} has {} roots (a tree has one)", roots.len()),
                ));
            };
            trees.push(Tree { nodes, root });
        }
        for i in 0..w_trees.len() {
            let &(ti, k) = index.get(&(w_trees[i], w_nodes[i])).ok_or_else(|| {
                attr_err(
                    &format!("{p}_nodeids"),
                    format!("tree {} has no node {}", w_trees[i], w_nodes[i]),
                )
            })?;
            let TNode::Leaf(ws) = &mut trees[ti].nodes[k] else {
                return Err(attr_err(
                    &format!("{p}_nodeids"),
                    format!("node {} of tree {} is not a leaf", w_nodes[i], w_trees[i]),
                ));
            };
            if w_ids[i] < 0 || !w_vals[i].is_finite() {
                return Err(attr_err(&format!("{p}_weights"), "bad target id or weight"));
            }
            ws.push((w_ids[i] as usize, w_vals[i]));
        }
        // every node reachable once (a tree, not a graph with cycles)
        for (ti, tr) in trees.iter().enumerate() {
            let mut seen = vec![false; tr.nodes.len()];
            let mut stack = vec![(tr.root, 0usize)];
            while let Some((k, depth)) = stack.pop() {
                if seen[k] || depth > 64 {
                    return Err(attr_err(
                        "nodes_truenodeids",
                        format!("tree {} is not a tree of depth ≤ 64", order[ti]),
                    ));
                }
                seen[k] = true;
                if let TNode::Branch { yes, no, .. } = tr.nodes[k] {
                    stack.push((yes, depth + 1));
                    stack.push((no, depth + 1));
                }
            }
        }
        let post = post_transform(a)?;
        let average = match a.string("aggregate_function").as_deref().unwrap_or("SUM") {
            "SUM" => false,
            "AVERAGE" => true,
            other => {
                return Err(attr_err(
                    "aggregate_function",
                    format!("`{other}` is not supported (SUM and AVERAGE are)"),
                ))
            }
        };
        let base: Vec<f64> = floats_or_tensor(a, "base_values")?.unwrap_or_default();
        let used: Vec<usize> = {
            let mut u: Vec<usize> = w_ids.iter().map(|&i| i as usize).collect();
            u.sort_unstable();
            u.dedup();
            u
        };
        if !classifier {
            let t = a.int("n_targets", 1).max(1) as usize;
            if used.iter().any(|&i| i >= t) {
                return Err(attr_err(
                    "target_ids",
                    format!("a target id ≥ n_targets {t}"),
                ));
            }
            if post != Post::None {
                return Err(attr_err(
                    "post_transform",
                    "a regressor's post_transform must be NONE",
                ));
            }
            // onnxruntime: one target adds a single base value; more add one each
            let base = match (t, base.len()) {
                (1, 1) => base,
                (_, l) if l == t => base,
                _ => vec![0.0; t],
            };
            return Ok(TreeEnsemble {
                trees,
                n_out: t,
                base,
                post,
                average,
                class: None,
            });
        }
        let labels = int_labels(a, ["classlabels_int64s", "classlabels_ints"])?;
        let c = labels.len();
        if used.iter().any(|&i| i >= c) {
            return Err(attr_err("class_ids", format!("a class id ≥ {c} classes")));
        }
        if c == 2 && used == [0] {
            if base.len() > 1 {
                return Err(attr_err(
                    "base_values",
                    "a two-class ensemble scoring one class takes at most one base value",
                ));
            }
            let binary = if w_vals.iter().all(|&w| w >= 0.0) {
                Binary::Probability
            } else {
                Binary::Margin
            };
            return Ok(TreeEnsemble {
                trees,
                n_out: 1,
                base: vec![base.first().copied().unwrap_or(0.0)],
                post,
                average,
                class: Some(Labels {
                    labels,
                    binary: Some(binary),
                    both: false,
                }),
            });
        }
        // two classes both scored (CatBoost): onnxruntime adds one base value to class 0
        let both = c == 2;
        if used.len() != c || (both && base.len() > 1) {
            return Err(OpError::Unsupported2(format!(
                "TreeEnsembleClassifier: {c} classes with scores on classes {used:?} and {} base \
                 values: supported are two classes scored on class 0 (binary) or on both (at \
                 most one base value), or ≥ 3 classes all scored",
                base.len()
            )));
        }
        let mut b = vec![0.0; c];
        for (k, v) in base.iter().enumerate().take(c) {
            b[k] = *v;
        }
        Ok(TreeEnsemble {
            trees,
            n_out: c,
            base: b,
            post,
            average,
            class: Some(Labels {
                labels,
                binary: None,
                both,
            }),
        })
    }

    fn n_features(&self) -> usize {
        self.trees
            .iter()
            .flat_map(|t| &t.nodes)
            .filter_map(|n| match n {
                TNode::Branch { feature, .. } => Some(*feature + 1),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// `[N, F]` (or `[F]`): the samples and features.
    fn samples(&self, shape: &[usize]) -> Result<(usize, usize), OpError> {
        let (n, f) = match shape {
            [f] => (1, *f),
            [n, f] => (*n, *f),
            _ => return Err(OpError::Shape(format!("input {shape:?}: expected [N, F]"))),
        };
        if f < self.n_features() {
            return Err(OpError::Shape(format!(
                "the trees read feature {} of an input with {f}",
                self.n_features() - 1
            )));
        }
        Ok((n, f))
    }

    /// The scores before any transform (`[N, n_out]`).
    fn raw_scores(&self, x: &Tensor) -> Result<(usize, Vec<f64>), OpError> {
        let (n, f) = self.samples(&x.shape)?;
        let k = self.n_out;
        let div = if self.average {
            self.trees.len().max(1) as f64
        } else {
            1.0
        };
        let mut out = vec![0.0; n * k];
        for s in 0..n {
            let row = &x.data[s * f..(s + 1) * f];
            for t in &self.trees {
                if let TNode::Leaf(ws) = &t.nodes[t.leaf_of(row)] {
                    for &(o, w) in ws {
                        out[s * k + o] += w;
                    }
                }
            }
            for o in 0..k {
                out[s * k + o] = out[s * k + o] / div + self.base[o];
            }
        }
        Ok((n, out))
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let (n, s) = self.raw_scores(ins[0])?;
        let Some(cl) = &self.class else {
            return Ok(Tensor::new(vec![n, self.n_out], s));
        };
        let (labels, z) = classify(&s, n, cl, self.post);
        let mut data = labels;
        data.extend(z);
        Ok(Tensor::new(vec![data.len()], data))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("a tree ensemble of a constant".into()));
        };
        let (n, f) = self.samples(shape).map_err(internal)?;
        let s = ctx.act_scale;
        let mut lw = Lowered::default();
        let x = Src::In(0);
        // every branch, in (tree, node) order
        let mut branches: Vec<(usize, usize)> = vec![];
        for (ti, t) in self.trees.iter().enumerate() {
            for (k, node) in t.nodes.iter().enumerate() {
                if matches!(node, TNode::Branch { .. }) {
                    branches.push((ti, k));
                }
            }
        }
        let nb = branches.len();
        let bits = if nb > 0 {
            Some(self.branch_bits(ctx, &mut lw, x, n, f, &branches)?)
        } else {
            None
        };
        let bit_of: HashMap<(usize, usize), u32> = branches
            .iter()
            .enumerate()
            .map(|(i, &b)| (b, i as u32))
            .collect();
        // the reach of every node: (tensor, entry of sample 0) and the stride between samples;
        // `None`: a root, reached for sure
        let mut reach: HashMap<(usize, usize), ReachOf> = Default::default();
        let mut level: Vec<(usize, usize)> = self
            .trees
            .iter()
            .enumerate()
            .map(|(ti, t)| (ti, t.root))
            .collect();
        for &r in &level {
            reach.insert(r, (None, 0));
        }
        let mut first = true;
        while let Some(bits) = bits.filter(|_| !level.is_empty()) {
            let br: Vec<(usize, usize)> = level
                .iter()
                .copied()
                .filter(|&(ti, k)| matches!(self.trees[ti].nodes[k], TNode::Branch { .. }))
                .collect();
            if br.is_empty() {
                break;
            }
            let m = br.len();
            let len = n * m;
            // the bit of each (sample, branch of this level)
            let bi: Vec<(Src, u32)> = (0..n)
                .flat_map(|smp| {
                    let bit_of = &bit_of;
                    br.iter()
                        .map(move |b| (bits, (smp * nb) as u32 + bit_of[b]))
                })
                .collect();
            let every: Vec<u32> = (0..len as u32).collect();
            let (yes, r) = if first {
                // the roots: r = 1, so r_yes = b (copies)
                (crate::quant::compose::gather(&mut lw, &bi), None)
            } else {
                // the parents' reach in one tensor (copies), then r_yes = r·b
                let elems: Vec<(Src, u32)> = (0..n)
                    .flat_map(|smp| {
                        br.iter()
                            .map(|b| match reach[b] {
                                (Some((src, base)), stride) => (src, base + smp as u32 * stride),
                                (None, _) => unreachable!("a root below the first level"),
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect();
                let r = crate::quant::compose::gather(&mut lw, &elems);
                let bm: Vec<u32> = bi.iter().map(|e| e.1).collect();
                let yes = lw.push(
                    lin_pairs(
                        len,
                        vec![(act(0, every.clone()), BSrc::Act { slot: 1, map: bm })],
                        0,
                    ),
                    vec![r, bits],
                    vec![len],
                );
                (yes, Some(r))
            };
            // r_no = r − r_yes
            let no = match r {
                Some(r) => lw.push(
                    lin_pairs(
                        len,
                        vec![
                            (act(0, every.clone()), BSrc::Coef(1)),
                            (act(1, every), BSrc::Coef(-1)),
                        ],
                        0,
                    ),
                    vec![r, yes],
                    vec![len],
                ),
                None => lw.push(
                    lin_pairs(
                        len,
                        vec![(act(0, every), BSrc::Coef(-1)), (ASrc::One, BSrc::Coef(1))],
                        0,
                    ),
                    vec![yes],
                    vec![len],
                ),
            };
            for (j, &(ti, k)) in br.iter().enumerate() {
                if let TNode::Branch { yes: y, no: nn, .. } = self.trees[ti].nodes[k] {
                    reach.insert((ti, y), (Some((yes, j as u32)), m as u32));
                    reach.insert((ti, nn), (Some((no, j as u32)), m as u32));
                }
            }
            level = next_level(&self.trees, &br);
            first = false;
        }
        // scores: Σ over leaves of reach · weight, weights and base at scale s + p, one rounding
        let p = ctx.param_scale;
        let k = self.n_out;
        let div = if self.average {
            self.trees.len().max(1) as f64
        } else {
            1.0
        };
        let mut leaves: Vec<(usize, usize)> = vec![];
        let mut weights: Vec<f64> = vec![];
        let mut base = self.base.clone();
        for (ti, t) in self.trees.iter().enumerate() {
            for (kk, node) in t.nodes.iter().enumerate() {
                if let TNode::Leaf(ws) = node {
                    let mut row = vec![0.0; k];
                    for &(o, w) in ws {
                        row[o] += w / div;
                    }
                    if reach[&(ti, kk)].0.is_none() {
                        // a tree that is one leaf: a constant
                        for o in 0..k {
                            base[o] += row[o];
                        }
                    } else {
                        leaves.push((ti, kk));
                        weights.extend(row);
                    }
                }
            }
        }
        let len = n * k;
        let wt = Tensor::new(vec![leaves.len(), k], weights);
        let bt = Tensor::new(vec![k], base);
        let wid = ctx.param(&wt, s + p, "leaf weights", |v| v)?;
        let bid = ctx.param(&bt, s + p, "base values", |v| v)?;
        let mut srcs: Vec<Src> = vec![];
        let mut parts: Vec<(ASrc, BSrc)> = vec![(
            ASrc::One,
            BSrc::Param {
                id: bid,
                map: (0..len).map(|i| (i % k) as u32).collect(),
            },
        )];
        for (li, leaf) in leaves.iter().enumerate() {
            let (Some((src, b0)), stride) = reach[leaf] else {
                unreachable!()
            };
            let slot = match srcs.iter().position(|&t| t == src) {
                Some(q) => q,
                None => {
                    srcs.push(src);
                    srcs.len() - 1
                }
            };
            parts.push((
                act(
                    slot,
                    (0..len).map(|i| b0 + (i / k) as u32 * stride).collect(),
                ),
                BSrc::Param {
                    id: wid,
                    map: (0..len).map(|i| (li * k + i % k) as u32).collect(),
                },
            ));
        }
        let scores = lw.push(lin_pairs(len, parts, p), srcs, vec![n, k]);
        match &self.class {
            None => {
                lw.reshape_last(out);
                Ok(lw)
            }
            Some(cl) => {
                classify_lowered(&mut lw, scores, n, k, cl, self.post, s);
                lw.reshape_last(out);
                Ok(lw)
            }
        }
    }

    /// `[x_f ≤ c]`-style bits (integers 0/1) of every (sample, branch), in that order.
    fn branch_bits(
        &self,
        ctx: &mut LowerCtx,
        lw: &mut Lowered,
        x: Src,
        n: usize,
        f: usize,
        branches: &[(usize, usize)],
    ) -> Result<Src, QuantError> {
        let s = ctx.act_scale;
        let nb = branches.len();
        let len = n * nb;
        let mut c = vec![0.0; nb];
        let mut neg = vec![false; nb];
        let mut eq = vec![false; nb];
        let mut never = vec![false; nb];
        let mut feat = vec![0usize; nb];
        for (i, &(ti, k)) in branches.iter().enumerate() {
            let TNode::Branch {
                feature,
                value,
                mode,
                ..
            } = self.trees[ti].nodes[k]
            else {
                unreachable!()
            };
            feat[i] = feature;
            match mode.on_grid(value, s) {
                Grid::AtMost { c: t, neg: g } => {
                    c[i] = t;
                    neg[i] = g;
                }
                Grid::Equal { c: t, neg: g } => {
                    eq[i] = true;
                    neg[i] = g;
                    match t {
                        Some(t) => c[i] = t,
                        None => never[i] = true,
                    }
                }
            }
        }
        // the grid thresholds are model parameters (integers at the activation scale)
        let ct = Tensor::new(vec![nb], c);
        let cid = ctx.param(&ct, 0, "thresholds", |v| v)?;
        let xmap: Vec<u32> = (0..len)
            .map(|i| ((i / nb) * f + feat[i % nb]) as u32)
            .collect();
        let cmap: Vec<u32> = (0..len).map(|i| (i % nb) as u32).collect();
        // d = c − x
        let d = lw.push(
            lin_pairs(
                len,
                vec![
                    (ASrc::One, BSrc::Param { id: cid, map: cmap }),
                    (act(0, xmap), BSrc::Coef(-1)),
                ],
                0,
            ),
            vec![x],
            vec![len],
        );
        let every: Vec<u32> = (0..len as u32).collect();
        let d1 = lw.push(
            lin_pairs(
                len,
                vec![
                    (act(0, every.clone()), BSrc::Coef(1)),
                    (ASrc::One, BSrc::Coef(1)),
                ],
                0,
            ),
            vec![d],
            vec![len],
        );
        let hi = lw.push(QOp::Lookup(Func::Relu), vec![d1], vec![len]);
        let lo = lw.push(QOp::Lookup(Func::Relu), vec![d], vec![len]);
        let any_eq = eq.iter().any(|&e| e);
        let z = any_eq.then(|| lw.push(QOp::IsZero, vec![d], vec![len]));
        // bit = pol + sgn·[d ≥ 0] (ordered tests) or pol + sgn·[d = 0] (equality tests):
        // each element takes the terms of its kind (coefficient 0 for the other)
        let per = |v: &dyn Fn(usize) -> i64| -> Vec<i64> { (0..len).map(|i| v(i % nb)).collect() };
        let sgn = |b: usize| if neg[b] { -1 } else { 1 };
        let ord = |b: usize| if eq[b] || never[b] { 0 } else { sgn(b) };
        let equ = |b: usize| if eq[b] && !never[b] { sgn(b) } else { 0 };
        let pol: Vec<i64> = per(&|b| neg[b] as i64);
        let mut parts = vec![
            (act(0, every.clone()), BSrc::Consts(per(&ord))),
            (act(1, every.clone()), BSrc::Consts(per(&|b| -ord(b)))),
            (ASrc::One, BSrc::Consts(pol)),
        ];
        let mut srcs = vec![hi, lo];
        if let Some(z) = z {
            parts.push((act(2, every), BSrc::Consts(per(&equ))));
            srcs.push(z);
        }
        Ok(lw.push(lin_pairs(len, parts, 0), srcs, vec![len]))
    }
}

fn next_level(trees: &[Tree], br: &[(usize, usize)]) -> Vec<(usize, usize)> {
    br.iter()
        .flat_map(|&(ti, k)| match trees[ti].nodes[k] {
            TNode::Branch { yes, no, .. } => vec![(ti, yes), (ti, no)],
            TNode::Leaf(_) => vec![],
        })
        .collect()
}
