//! LinearClassifier and LinearRegressor.

use super::{
    act, attr_err, classify, classify_lowered, int_labels, internal, post_transform, Labels, Post,
};
use crate::ops::{need, Attrs, OpError, Operand};
use crate::quant::compose::lin_pairs;
use crate::quant::{ASrc, BSrc, LowerCtx, Lowered, QuantError, Src};
use crate::tensor::Tensor;

/// LinearClassifier / LinearRegressor: `scores = X·Wᵀ + b`, then the classifier's labels and
/// transformed scores as for the trees (one dot product of `F` terms per score, the weights at
/// scale `s + p`, one rounding).
#[derive(Clone, Debug)]
pub struct Linear {
    /// `[k, F]`, row-major
    coef: Vec<f64>,
    intercepts: Vec<f64>,
    k: usize,
    post: Post,
    class: Option<Labels>,
}

impl Linear {
    pub fn build(op_type: &str, a: &Attrs) -> Result<Self, OpError> {
        let coef: Vec<f64> = a
            .floats("coefficients")
            .ok_or_else(|| attr_err("coefficients", "missing"))?
            .into_iter()
            .map(|v| v as f64)
            .collect();
        let post = post_transform(a)?;
        let (k, class) = if op_type == "LinearClassifier" {
            let labels = int_labels(a, ["classlabels_ints", "classlabels_int64s"])?;
            let k = a
                .floats("intercepts")
                .map(|v| v.len())
                .unwrap_or(labels.len());
            if k != labels.len() || k < 2 {
                return Err(OpError::Unsupported2(format!(
                    "LinearClassifier: {k} score rows for {} classes (supported: one row per                      class, at least two)",
                    labels.len()
                )));
            }
            (
                k,
                Some(Labels {
                    labels,
                    binary: None,
                    both: false,
                }),
            )
        } else {
            if post != Post::None {
                return Err(attr_err(
                    "post_transform",
                    "a regressor's post_transform must be NONE",
                ));
            }
            (a.int("targets", 1).max(1) as usize, None)
        };
        if coef.is_empty() || !coef.len().is_multiple_of(k) || coef.iter().any(|v| !v.is_finite()) {
            return Err(attr_err(
                "coefficients",
                format!("{} values for {k} rows", coef.len()),
            ));
        }
        let intercepts: Vec<f64> = a
            .floats("intercepts")
            .map(|v| v.into_iter().map(|x| x as f64).collect())
            .unwrap_or_else(|| vec![0.0; k]);
        if intercepts.len() != k {
            return Err(attr_err(
                "intercepts",
                format!("{} values for {k} rows", intercepts.len()),
            ));
        }
        Ok(Linear {
            coef,
            intercepts,
            k,
            post,
            class,
        })
    }

    fn samples(&self, shape: &[usize]) -> Result<(usize, usize), OpError> {
        let f = self.coef.len() / self.k;
        let (n, g) = match shape {
            [g] => (1, *g),
            [n, g] => (*n, *g),
            _ => return Err(OpError::Shape(format!("input {shape:?}: expected [N, F]"))),
        };
        if g != f {
            return Err(OpError::Shape(format!(
                "input has {g} features, the coefficients {f}"
            )));
        }
        Ok((n, f))
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let x = ins[0];
        let (n, f) = self.samples(&x.shape)?;
        let k = self.k;
        let mut sc = vec![0.0; n * k];
        for i in 0..n {
            for c in 0..k {
                let row = &self.coef[c * f..(c + 1) * f];
                sc[i * k + c] = self.intercepts[c]
                    + row
                        .iter()
                        .zip(&x.data[i * f..(i + 1) * f])
                        .map(|(w, v)| w * v)
                        .sum::<f64>();
            }
        }
        match &self.class {
            None => Ok(Tensor::new(vec![n, k], sc)),
            Some(cl) => {
                let (mut labels, z) = classify(&sc, n, cl, self.post);
                labels.extend(z);
                Ok(Tensor::new(vec![labels.len()], labels))
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
            return Err(QuantError::Internal("a linear model of a constant".into()));
        };
        let (n, f) = self.samples(shape).map_err(internal)?;
        let (s, p, k) = (ctx.act_scale, ctx.param_scale, self.k);
        let w = ctx.param(
            &Tensor::new(vec![k, f], self.coef.clone()),
            p,
            "coefficients",
            |v| v,
        )?;
        let b = ctx.param(
            &Tensor::new(vec![k], self.intercepts.clone()),
            s + p,
            "intercepts",
            |v| v,
        )?;
        let len = n * k;
        let mut parts = vec![(
            ASrc::One,
            BSrc::Param {
                id: b,
                map: (0..len).map(|i| (i % k) as u32).collect(),
            },
        )];
        for j in 0..f {
            parts.push((
                act(0, (0..len).map(|i| ((i / k) * f + j) as u32).collect()),
                BSrc::Param {
                    id: w,
                    map: (0..len).map(|i| ((i % k) * f + j) as u32).collect(),
                },
            ));
        }
        let mut lw = Lowered::default();
        let scores = lw.push(lin_pairs(len, parts, p), vec![Src::In(0)], vec![n, k]);
        if let Some(cl) = &self.class {
            classify_lowered(&mut lw, scores, n, k, cl, self.post, s);
        }
        lw.reshape_last(out);
        Ok(lw)
    }
}
