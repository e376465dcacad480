//! SVMClassifier and SVMRegressor (libsvm's models as skl2onnx writes them: SVC, NuSVC, SVR,
//! NuSVR, OneClassSVM), as onnxruntime computes them (QUANTIZATION.md, "Support vector
//! machines"): per sample and support vector a kernel value (LINEAR, POLY, SIGMOID from one
//! dot product with the support vector, RBF from the exact squared distance and a table);
//! per pair of classes one decision value; one-vs-one votes and the label of the most voted
//! class (the first on ties); with `prob_a`/`prob_b`, Platt's pairwise probabilities coupled
//! into class probabilities (the exact solution of the coupling's linear system, by Cramer's
//! rule, where onnxruntime iterates towards it).

use super::coupling::{couple, probabilities};
use super::{act, attr_err, int_labels, internal, label_of_index};
use crate::ops::reduce::arg_extreme_groups;
use crate::ops::softmax::exp_floor;
use crate::ops::{need, Attrs, Func, OpError, Operand};
use crate::quant::compose::{gather, lin_pairs, mul};
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kernel {
    Linear,
    /// `(γ·⟨x, sv⟩ + c0)^degree`
    Poly {
        gamma: f64,
        coef0: f64,
        degree: u32,
    },
    /// `e^(−γ·‖x − sv‖²)`
    Rbf {
        gamma: f64,
    },
    /// `tanh(γ·⟨x, sv⟩ + c0)`
    Sigmoid {
        gamma: f64,
        coef0: f64,
    },
}

impl Kernel {
    fn build(a: &Attrs) -> Result<Self, OpError> {
        let p: Vec<f64> = a
            .floats("kernel_params")
            .unwrap_or_default()
            .into_iter()
            .map(|v| v as f64)
            .collect();
        let at = |i: usize| p.get(i).copied().unwrap_or(0.0);
        let (gamma, coef0, degree) = (at(0), at(1), at(2));
        if !(gamma.is_finite() && coef0.is_finite()) {
            return Err(attr_err("kernel_params", "not finite"));
        }
        Ok(
            match a.string("kernel_type").as_deref().unwrap_or("LINEAR") {
                "LINEAR" => Kernel::Linear,
                "POLY" => {
                    if degree.fract() != 0.0 || !(1.0..=8.0).contains(&degree) {
                        return Err(attr_err(
                            "kernel_params",
                            format!("POLY degree {degree}: a whole degree 1 to 8 is supported"),
                        ));
                    }
                    Kernel::Poly {
                        gamma,
                        coef0,
                        degree: degree as u32,
                    }
                }
                "RBF" => {
                    if gamma <= 0.0 {
                        return Err(attr_err("kernel_params", "RBF needs γ > 0"));
                    }
                    Kernel::Rbf { gamma }
                }
                "SIGMOID" => Kernel::Sigmoid { gamma, coef0 },
                other => return Err(attr_err("kernel_type", format!("unknown kernel `{other}`"))),
            },
        )
    }

    fn apply(self, x: &[f64], sv: &[f64]) -> f64 {
        let dot = || x.iter().zip(sv).map(|(a, b)| a * b).sum::<f64>();
        match self {
            Kernel::Linear => dot(),
            Kernel::Poly {
                gamma,
                coef0,
                degree,
            } => (gamma * dot() + coef0).powi(degree as i32),
            Kernel::Rbf { gamma } => {
                let d: f64 = x.iter().zip(sv).map(|(a, b)| (a - b) * (a - b)).sum();
                (-gamma * d).exp()
            }
            Kernel::Sigmoid { gamma, coef0 } => (gamma * dot() + coef0).tanh(),
        }
    }
}

#[derive(Clone, Debug)]
enum Kind {
    /// `Σ coef·K + rho` (`one_class`: its sign, ±1)
    Regressor {
        coef: Vec<f64>,
        rho: f64,
        one_class: bool,
    },
    Classifier {
        labels: Vec<i64>,
        /// the first support vector of each class, and the count (`starts[k] = V`)
        starts: Vec<usize>,
        /// `[k − 1, V]`
        coef: Vec<f64>,
        /// one per pair of classes `(i, j)`, `i < j`, in that order
        rho: Vec<f64>,
        /// Platt's `(A, B)` per pair
        prob: Option<(Vec<f64>, Vec<f64>)>,
    },
}

/// SVMClassifier / SVMRegressor.
#[derive(Clone, Debug)]
pub struct Svm {
    kernel: Kernel,
    /// `[V, F]`, row-major
    sv: Vec<f64>,
    v: usize,
    f: usize,
    kind: Kind,
}

fn floats(a: &Attrs, name: &str) -> Result<Vec<f64>, OpError> {
    let v: Vec<f64> = a
        .floats(name)
        .ok_or_else(|| attr_err(name, "missing"))?
        .into_iter()
        .map(|x| x as f64)
        .collect();
    if v.iter().any(|x| !x.is_finite()) {
        return Err(attr_err(name, "not finite"));
    }
    Ok(v)
}

/// The pairs of classes `(i, j)`, `i < j`, in onnxruntime's order.
pub(super) fn pairs(k: usize) -> Vec<(usize, usize)> {
    (0..k)
        .flat_map(|i| (i + 1..k).map(move |j| (i, j)))
        .collect()
}

impl Svm {
    pub fn build(op_type: &str, a: &Attrs) -> Result<Self, OpError> {
        let mut kernel = Kernel::build(a)?;
        if a.string("post_transform").as_deref().unwrap_or("NONE") != "NONE" {
            return Err(attr_err(
                "post_transform",
                "only NONE is supported for the SVM ops",
            ));
        }
        let mut coef = floats(a, "coefficients")?;
        let rho = floats(a, "rho")?;
        let mut sv = a
            .floats("support_vectors")
            .map(|v| v.into_iter().map(|x| x as f64).collect::<Vec<_>>())
            .unwrap_or_default();
        if sv.iter().any(|x| !x.is_finite()) {
            return Err(attr_err("support_vectors", "not finite"));
        }
        if rho.is_empty() {
            return Err(attr_err("rho", "empty"));
        }
        if op_type == "SVMRegressor" {
            let mut v = a.int("n_supports", 0).max(0) as usize;
            if v == 0 {
                // liblinear's form: one "support vector", the coefficients, with weight 1
                kernel = Kernel::Linear;
                sv = std::mem::replace(&mut coef, vec![1.0]);
                v = 1;
            }
            if sv.is_empty() || !sv.len().is_multiple_of(v) || coef.len() < v {
                return Err(attr_err(
                    "support_vectors",
                    format!(
                        "{} values, {} coefficients for {v} vectors",
                        sv.len(),
                        coef.len()
                    ),
                ));
            }
            coef.truncate(v);
            return Ok(Svm {
                kernel,
                f: sv.len() / v,
                v,
                sv,
                kind: Kind::Regressor {
                    coef,
                    rho: rho[0],
                    one_class: a.int("one_class", 0) != 0,
                },
            });
        }
        let labels = int_labels(a, ["classlabels_ints", "classlabels_int64s"])?;
        let k = labels.len();
        let per = a.ints("vectors_per_class").unwrap_or_default();
        if per.is_empty() {
            return Err(OpError::Unsupported2(
                "SVMClassifier without vectors_per_class (liblinear's form): export the linear \
                 model as LinearClassifier (skl2onnx does for LinearSVC)"
                    .into(),
            ));
        }
        if per.len() != k || k < 2 || per.iter().any(|&c| c < 0) {
            return Err(attr_err(
                "vectors_per_class",
                format!("{} counts for {k} classes", per.len()),
            ));
        }
        let mut starts = vec![0usize];
        for &c in &per {
            starts.push(starts.last().unwrap() + c as usize);
        }
        let v = starts[k];
        let np = k * (k - 1) / 2;
        if v == 0 || sv.len() != v * (sv.len() / v) || sv.is_empty() {
            return Err(attr_err(
                "support_vectors",
                format!("{} values for {v} vectors", sv.len()),
            ));
        }
        if coef.len() < (k - 1) * v {
            return Err(attr_err(
                "coefficients",
                format!("{} values for {} classes and {v} vectors", coef.len(), k),
            ));
        }
        if rho.len() < np {
            return Err(attr_err(
                "rho",
                format!("{} values for {np} pairs", rho.len()),
            ));
        }
        let prob = match (a.floats("prob_a"), a.floats("prob_b")) {
            (Some(pa), Some(pb)) if !pa.is_empty() => {
                if pa.len() < np || pb.len() < np {
                    return Err(attr_err("prob_a", format!("fewer than {np} pairs")));
                }
                let f = |v: Vec<f32>| v.into_iter().take(np).map(|x| x as f64).collect();
                Some((f(pa), f(pb)))
            }
            _ => None,
        };
        coef.truncate((k - 1) * v);
        Ok(Svm {
            kernel,
            f: sv.len() / v,
            v,
            sv,
            kind: Kind::Classifier {
                labels,
                starts,
                coef,
                rho: rho[..np].to_vec(),
                prob,
            },
        })
    }

    /// `(N, F)` of a `[N, F]` or `[F]` input.
    fn samples(&self, shape: &[usize]) -> Result<usize, OpError> {
        let (n, f) = match shape {
            [f] => (1, *f),
            [n, f] => (*n, *f),
            _ => return Err(OpError::Shape(format!("input {shape:?}: expected [N, F]"))),
        };
        if f != self.f {
            return Err(OpError::Shape(format!(
                "input has {f} features, the support vectors {}",
                self.f
            )));
        }
        Ok(n)
    }

    /// The score columns of a classifier: probabilities (k), the decision values of the
    /// pairs (k > 2) or `[−d, d]` (two classes).
    pub fn score_columns(a: &Attrs) -> Option<usize> {
        let k = a
            .ints("classlabels_ints")
            .or_else(|| a.ints("classlabels_int64s"))
            .map(|v| v.len())
            .or_else(|| a.strings("classlabels_strings").map(|v| v.len()))?;
        let proba = a.floats("prob_a").is_some_and(|v| !v.is_empty());
        Some(if proba || k == 2 { k } else { k * (k - 1) / 2 })
    }

    /// The terms of pair `(i, j)`'s decision value: `(support vector, coefficient)`.
    fn pair_terms(
        starts: &[usize],
        coef: &[f64],
        v: usize,
        i: usize,
        j: usize,
    ) -> Vec<(usize, f64)> {
        let mut t: Vec<(usize, f64)> = (starts[i]..starts[i + 1])
            .map(|m| (m, coef[(j - 1) * v + m]))
            .collect();
        t.extend((starts[j]..starts[j + 1]).map(|m| (m, coef[i * v + m])));
        t
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let x = ins[0];
        let n = self.samples(&x.shape)?;
        let (f, v) = (self.f, self.v);
        let kern = |smp: usize| -> Vec<f64> {
            let row = &x.data[smp * f..(smp + 1) * f];
            (0..v)
                .map(|m| self.kernel.apply(row, &self.sv[m * f..(m + 1) * f]))
                .collect()
        };
        match &self.kind {
            Kind::Regressor {
                coef,
                rho,
                one_class,
            } => {
                let out = (0..n)
                    .map(|smp| {
                        let y: f64 =
                            kern(smp).iter().zip(coef).map(|(a, b)| a * b).sum::<f64>() + rho;
                        match one_class {
                            true if y > 0.0 => 1.0,
                            true => -1.0,
                            false => y,
                        }
                    })
                    .collect();
                Ok(Tensor::new(vec![n, 1], out))
            }
            Kind::Classifier {
                labels,
                starts,
                coef,
                rho,
                prob,
            } => {
                let k = labels.len();
                let mut lab = vec![];
                let mut z = vec![];
                for smp in 0..n {
                    let kv = kern(smp);
                    let mut votes = vec![0usize; k];
                    let mut dec = vec![];
                    for (p, &(i, j)) in pairs(k).iter().enumerate() {
                        let d = Self::pair_terms(starts, coef, v, i, j)
                            .iter()
                            .map(|&(m, c)| c * kv[m])
                            .sum::<f64>()
                            + rho[p];
                        votes[if d > 0.0 { i } else { j }] += 1;
                        dec.push(d);
                    }
                    let mut best = 0;
                    for c in 1..k {
                        if votes[c] > votes[best] {
                            best = c;
                        }
                    }
                    lab.push(labels[best] as f64);
                    match prob {
                        Some((pa, pb)) => {
                            let mut r = vec![0.0; k * k];
                            for (p, &(i, j)) in pairs(k).iter().enumerate() {
                                let u = dec[p] * pa[p] + pb[p];
                                let q = (1.0 - super::sigmoid(u)).clamp(1e-7, 1.0 - 1e-7);
                                r[i * k + j] = q;
                                r[j * k + i] = 1.0 - q;
                            }
                            z.extend(couple(k, &r));
                        }
                        None if k == 2 => z.extend([-dec[0], dec[0]]),
                        None => z.extend(dec),
                    }
                }
                lab.extend(z);
                Ok(Tensor::new(vec![lab.len()], lab))
            }
        }
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("an SVM of a constant".into()));
        };
        let n = self.samples(shape).map_err(internal)?;
        let (s, p) = (ctx.act_scale, ctx.param_scale);
        let mut lw = Lowered::default();
        let kv = self.kernels(ctx, &mut lw, n)?;
        let v = self.v;
        match &self.kind {
            Kind::Regressor {
                coef,
                rho,
                one_class,
            } => {
                let cid = ctx.param(
                    &Tensor::new(vec![v], coef.clone()),
                    p,
                    "coefficients",
                    |x| x,
                )?;
                let rid = ctx.param(&Tensor::new(vec![1], vec![*rho]), s + p, "rho", |x| x)?;
                let mut parts: Vec<(ASrc, BSrc)> = (0..v)
                    .map(|m| {
                        (
                            act(0, (0..n).map(|i| (i * v + m) as u32).collect()),
                            BSrc::Param {
                                id: cid,
                                map: vec![m as u32; n],
                            },
                        )
                    })
                    .collect();
                parts.push((
                    ASrc::One,
                    BSrc::Param {
                        id: rid,
                        map: vec![0; n],
                    },
                ));
                let y = lw.push(lin_pairs(n, parts, p), vec![kv], vec![n, 1]);
                if *one_class {
                    // 2^s·(2·[y > 0] − 1), [y > 0] = relu(y) − relu(y − 1)
                    let (hi, lo) = positive_bits(&mut lw, y, n);
                    let one = 1i64 << s;
                    lw.push(
                        lin_pairs(
                            n,
                            vec![
                                (act(0, every(n)), BSrc::Coef(2 * one)),
                                (act(1, every(n)), BSrc::Coef(-2 * one)),
                                (ASrc::One, BSrc::Coef(-one)),
                            ],
                            0,
                        ),
                        vec![hi, lo],
                        vec![n, 1],
                    );
                }
            }
            Kind::Classifier {
                labels,
                starts,
                coef,
                rho,
                prob,
            } => {
                let k = labels.len();
                let pr = pairs(k);
                let np = pr.len();
                // decision values [N, P]: each pair's terms padded to the longest with weight 0
                let terms: Vec<Vec<(usize, f64)>> = pr
                    .iter()
                    .map(|&(i, j)| Self::pair_terms(starts, coef, v, i, j))
                    .collect();
                let tmax = terms.iter().map(|t| t.len()).max().unwrap_or(0);
                let mut w = vec![0.0; np * tmax];
                for (q, t) in terms.iter().enumerate() {
                    for (u, &(_, c)) in t.iter().enumerate() {
                        w[q * tmax + u] = c;
                    }
                }
                let wid = ctx.param(&Tensor::new(vec![np, tmax], w), p, "coefficients", |x| x)?;
                let rid = ctx.param(&Tensor::new(vec![np], rho.clone()), s + p, "rho", |x| x)?;
                let len = n * np;
                let mut parts: Vec<(ASrc, BSrc)> = (0..tmax)
                    .map(|u| {
                        (
                            act(
                                0,
                                (0..len)
                                    .map(|e| {
                                        let m = terms[e % np].get(u).map_or(0, |t| t.0);
                                        ((e / np) * v + m) as u32
                                    })
                                    .collect(),
                            ),
                            BSrc::Param {
                                id: wid,
                                map: (0..len).map(|e| ((e % np) * tmax + u) as u32).collect(),
                            },
                        )
                    })
                    .collect();
                parts.push((
                    ASrc::One,
                    BSrc::Param {
                        id: rid,
                        map: (0..len).map(|e| (e % np) as u32).collect(),
                    },
                ));
                let dec = lw.push(lin_pairs(len, parts, p), vec![kv], vec![len]);
                let label = self.votes_label(&mut lw, dec, n, labels, s);
                let scores = match prob {
                    None if k == 2 => {
                        let neg = lw.push(
                            lin_pairs(n, vec![(act(0, every(n)), BSrc::Coef(-1))], 0),
                            vec![dec],
                            vec![n],
                        );
                        let e: Vec<(Src, u32)> =
                            (0..n as u32).flat_map(|i| [(neg, i), (dec, i)]).collect();
                        gather(&mut lw, &e)
                    }
                    None => dec,
                    Some((pa, pb)) => probabilities(ctx, &mut lw, dec, n, k, pa, pb)?,
                };
                let c = lw.len_of(scores, &[]) / n.max(1);
                let mut elems: Vec<(Src, u32)> = (0..n as u32).map(|i| (label, i)).collect();
                elems.extend((0..(n * c) as u32).map(|i| (scores, i)));
                gather(&mut lw, &elems);
            }
        }
        lw.reshape_last(out);
        Ok(lw)
    }

    /// The kernel values `[N, V]` at scale `s`.
    fn kernels(&self, ctx: &mut LowerCtx, lw: &mut Lowered, n: usize) -> Result<Src, QuantError> {
        let (s, p) = (ctx.act_scale, ctx.param_scale);
        let (v, f) = (self.v, self.f);
        let len = n * v;
        let xmap = |j: usize| -> Vec<u32> { (0..len).map(|i| ((i / v) * f + j) as u32).collect() };
        let svmap = |j: usize| -> Vec<u32> { (0..len).map(|i| ((i % v) * f + j) as u32).collect() };
        let svt = |vals: Vec<f64>| Tensor::new(vec![v, f], vals);
        if let Kernel::Rbf { gamma } = self.kernel {
            // −‖x − sv‖² = Σ x·(−x) + Σ x·2sv − Σ sv², exact at scale 2s (sv on the grid of s)
            let one = (1u64 << s) as f64;
            let q: Vec<f64> = self.sv.iter().map(|&c| (c * one).round()).collect();
            let two_sv = ctx.param(
                &svt(q.iter().map(|c| 2.0 * c / one).collect()),
                s,
                "2·support_vectors",
                |x| x,
            )?;
            let sq: Vec<f64> = (0..v)
                .map(|m| -q[m * f..(m + 1) * f].iter().map(|c| c * c).sum::<f64>() / (one * one))
                .collect();
            let sqid = ctx.param(
                &Tensor::new(vec![v], sq),
                2 * s,
                "−‖support_vectors‖²",
                |x| x,
            )?;
            let nx = lw.push(
                lin_pairs(n * f, vec![(act(0, every(n * f)), BSrc::Coef(-1))], 0),
                vec![Src::In(0)],
                vec![n * f],
            );
            let mut parts = vec![];
            for j in 0..f {
                parts.push((
                    act(0, xmap(j)),
                    BSrc::Act {
                        slot: 1,
                        map: xmap(j),
                    },
                ));
                parts.push((
                    act(0, xmap(j)),
                    BSrc::Param {
                        id: two_sv,
                        map: svmap(j),
                    },
                ));
            }
            parts.push((
                ASrc::One,
                BSrc::Param {
                    id: sqid,
                    map: (0..len).map(|i| (i % v) as u32).collect(),
                },
            ));
            let z = lw.push(lin_pairs(len, parts, s), vec![Src::In(0), nx], vec![len]);
            // below the floor e^(γz) has quantized to 0 already (as Softmax's exp)
            let lo = ((exp_floor(s) as f64 / gamma).floor()).max(-(2f64.powi(60))) as i64;
            let zc = lw.push(QOp::Clamp { lo }, vec![z], vec![len]);
            return Ok(lw.push(
                QOp::Lookup(Func::ExpScaled { k: gamma }),
                vec![zc],
                vec![len],
            ));
        }
        let (gamma, coef0) = match self.kernel {
            Kernel::Poly { gamma, coef0, .. } | Kernel::Sigmoid { gamma, coef0 } => (gamma, coef0),
            _ => (1.0, 0.0),
        };
        // u = γ·⟨x, sv⟩ + c0: γ·sv at p, c0 at s + p, one rounding
        let gsv = ctx.param(&svt(self.sv.clone()), p, "γ·support_vectors", |x| {
            gamma * x
        })?;
        let cid = ctx.param(&Tensor::new(vec![1], vec![coef0]), s + p, "coef0", |x| x)?;
        let mut parts: Vec<(ASrc, BSrc)> = (0..f)
            .map(|j| {
                (
                    act(0, xmap(j)),
                    BSrc::Param {
                        id: gsv,
                        map: svmap(j),
                    },
                )
            })
            .collect();
        parts.push((
            ASrc::One,
            BSrc::Param {
                id: cid,
                map: vec![0; len],
            },
        ));
        let u = lw.push(lin_pairs(len, parts, p), vec![Src::In(0)], vec![len]);
        Ok(match self.kernel {
            Kernel::Poly { degree, .. } => {
                let mut y = u;
                for _ in 1..degree {
                    y = mul(lw, y, every(len), u, every(len), s);
                }
                y
            }
            Kernel::Sigmoid { .. } => lw.push(QOp::Lookup(Func::Tanh), vec![u], vec![len]),
            _ => u,
        })
    }

    /// One-vs-one votes from the decision values `[N, P]` and the label of the most voted class.
    fn votes_label(&self, lw: &mut Lowered, dec: Src, n: usize, labels: &[i64], s: u32) -> Src {
        let k = labels.len();
        let pr = pairs(k);
        let np = pr.len();
        let (hi, lo) = positive_bits(lw, dec, n * np);
        let one = 1i64 << s;
        if k == 2 {
            // labels[0] when d > 0, else labels[1]
            let (l0, l1) = (labels[0], labels[1]);
            return lw.push(
                lin_pairs(
                    n,
                    vec![
                        (act(0, every(n)), BSrc::Coef((l0 - l1) * one)),
                        (act(1, every(n)), BSrc::Coef(-(l0 - l1) * one)),
                        (ASrc::One, BSrc::Coef(l1 * one)),
                    ],
                    0,
                ),
                vec![hi, lo],
                vec![n],
            );
        }
        // votes[c] = Σ_{(c, j)} b + Σ_{(i, c)} (1 − b), b = hi − lo: integers
        let len = n * k;
        let mine: Vec<Vec<(usize, bool)>> = (0..k)
            .map(|c| {
                pr.iter()
                    .enumerate()
                    .filter(|(_, &(i, j))| i == c || j == c)
                    .map(|(q, &(i, _))| (q, i == c))
                    .collect()
            })
            .collect();
        let mut parts = vec![];
        // (slot indexes the second level of `mine`, per class: not an iteration over `mine`)
        #[allow(clippy::needless_range_loop)]
        for slot in 0..k - 1 {
            let map: Vec<u32> = (0..len)
                .map(|e| ((e / k) * np + mine[e % k][slot].0) as u32)
                .collect();
            let sign: Vec<i64> = (0..len)
                .map(|e| if mine[e % k][slot].1 { 1 } else { -1 })
                .collect();
            parts.push((act(0, map.clone()), BSrc::Consts(sign.clone())));
            parts.push((act(1, map), BSrc::Consts(sign.iter().map(|x| -x).collect())));
        }
        let base: Vec<i64> = (0..len)
            .map(|e| mine[e % k].iter().filter(|m| !m.1).count() as i64)
            .collect();
        parts.push((ASrc::One, BSrc::Consts(base)));
        let votes = lw.push(lin_pairs(len, parts, 0), vec![hi, lo], vec![len]);
        let groups: Vec<Vec<u32>> = (0..n)
            .map(|i| ((i * k) as u32..((i + 1) * k) as u32).collect())
            .collect();
        let idx = arg_extreme_groups(lw, votes, len, &groups, false, false, s);
        label_of_index(lw, idx, n, labels, s)
    }
}

pub(super) fn every(len: usize) -> Vec<u32> {
    (0..len as u32).collect()
}

/// `(relu(d), relu(d − 1))`: `[d > 0] = relu(d) − relu(d − 1)` on the quantized `d`.
fn positive_bits(lw: &mut Lowered, d: Src, len: usize) -> (Src, Src) {
    let dm1 = lw.push(
        lin_pairs(
            len,
            vec![
                (act(0, every(len)), BSrc::Coef(1)),
                (ASrc::One, BSrc::Coef(-1)),
            ],
            0,
        ),
        vec![d],
        vec![len],
    );
    let hi = lw.push(QOp::Lookup(Func::Relu), vec![d], vec![len]);
    let lo = lw.push(QOp::Lookup(Func::Relu), vec![dm1], vec![len]);
    (hi, lo)
}
