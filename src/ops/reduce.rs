//! Reductions: ReduceSum, ReduceMean, ReduceMax, ReduceMin over constant axes, and MaxPool /
//! GlobalMaxPool (a maximum over each window). All of them are "one value per group of input
//! elements": the groups are computed here, the steps in `quant::compose`.
//!
//! Quantized semantics (activation scale `S` in and out):
//! - sum: the exact integer sum (range-checked like every dot output);
//! - mean: `round(Σx / n)` half up, an exact rounded division by the constant `n`;
//! - max / min: exact, as a tree of pairwise `b + relu(a − b)` (`a − relu(a − b)`) steps.

use super::conv::{as_nchw, Window};
use super::Attrs;
use super::Func;
use super::{need, OpError, Operand};
use crate::quant::compose::{axis_groups, extreme_groups, group_of, mul, sub, sum_groups};
use crate::quant::{LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReduceKind {
    Sum,
    Mean,
    Max,
    Min,
    /// `Σ|x|` (an abs table, then the sum)
    L1,
    /// `√Σx²` (exact squares at the activation scale, the sum, a square-root table)
    L2,
    SumSquare,
    /// `m + ln Σ e^(x − m)`, `m` the maximum (Softmax's steps, a log table)
    LogSumExp,
}

/// A reduction over `axes` (sorted, distinct, resolved against the input's rank).
#[derive(Clone, Debug)]
pub struct Reduce {
    pub kind: ReduceKind,
    pub axes: Vec<usize>,
    pub keepdims: bool,
}

impl Reduce {
    pub fn build(
        op_type: &str,
        a: &Attrs,
        consts: &[Option<&Tensor>],
        shapes: &[Option<&[usize]>],
    ) -> Result<Self, OpError> {
        let kind = match op_type {
            "ReduceSum" => ReduceKind::Sum,
            "ReduceMean" => ReduceKind::Mean,
            "ReduceMax" => ReduceKind::Max,
            "ReduceMin" => ReduceKind::Min,
            "ReduceL1" => ReduceKind::L1,
            "ReduceL2" => ReduceKind::L2,
            "ReduceSumSquare" => ReduceKind::SumSquare,
            "ReduceLogSumExp" => ReduceKind::LogSumExp,
            _ => return Err(OpError::Unsupported),
        };
        let rank = shapes
            .first()
            .copied()
            .flatten()
            .ok_or(OpError::MissingInput(0))?
            .len();
        // axes: an attribute (older opsets) or a constant second input (ReduceSum ≥ 13, the
        // others ≥ 18)
        let listed: Option<Vec<i64>> = match (a.ints("axes"), shapes.get(1).copied().flatten()) {
            (Some(v), _) => Some(v),
            (None, Some(_)) => match consts.get(1).copied().flatten() {
                Some(t) => Some(t.data.iter().map(|&v| v as i64).collect()),
                None => {
                    return Err(OpError::NotConstant {
                        input: 1,
                        what: "axes",
                    })
                }
            },
            (None, None) => None,
        };
        let noop = a.int("noop_with_empty_axes", 0) != 0;
        let axes: Vec<usize> = match listed {
            Some(v) if !v.is_empty() => {
                let mut axes = vec![];
                for &x in &v {
                    let ax = super::axis_attr("axes", x, rank)?;
                    if axes.contains(&ax) {
                        return Err(OpError::Attribute {
                            name: "axes".into(),
                            msg: format!("axis {x} is listed twice"),
                        });
                    }
                    axes.push(ax);
                }
                axes.sort_unstable();
                axes
            }
            _ if noop => vec![],
            _ => (0..rank).collect(),
        };
        Ok(Reduce {
            kind,
            axes,
            keepdims: a.int("keepdims", 1) != 0,
        })
    }

    fn out_shape(&self, x: &[usize]) -> Vec<usize> {
        let mut out = vec![];
        for (ax, &d) in x.iter().enumerate() {
            if !self.axes.contains(&ax) {
                out.push(d);
            } else if self.keepdims {
                out.push(1);
            }
        }
        out
    }

    fn check(&self, x: &[usize]) -> Result<(), OpError> {
        if self.axes.iter().any(|&a| a >= x.len()) {
            return Err(OpError::Shape(format!(
                "axes {:?} do not fit an input of shape {x:?}",
                self.axes
            )));
        }
        if self.axes.iter().any(|&a| x[a] == 0) {
            return Err(OpError::Shape(format!(
                "reduction over an empty axis of {x:?}"
            )));
        }
        Ok(())
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let x = ins[0];
        self.check(&x.shape)?;
        let out = axis_groups(&x.shape, &self.axes)
            .iter()
            .map(|g| {
                let v = g.iter().map(|&i| x.data[i as usize]);
                match self.kind {
                    ReduceKind::Sum => v.sum(),
                    ReduceKind::Mean => v.sum::<f64>() / g.len() as f64,
                    ReduceKind::Max => v.fold(f64::NEG_INFINITY, f64::max),
                    ReduceKind::Min => v.fold(f64::INFINITY, f64::min),
                    ReduceKind::L1 => v.map(f64::abs).sum(),
                    ReduceKind::L2 => v.map(|x| x * x).sum::<f64>().sqrt(),
                    ReduceKind::SumSquare => v.map(|x| x * x).sum(),
                    ReduceKind::LogSumExp => {
                        let m = g
                            .iter()
                            .map(|&i| x.data[i as usize])
                            .fold(f64::NEG_INFINITY, f64::max);
                        m + libm::log(v.map(|x| libm::exp(x - m)).sum::<f64>())
                    }
                }
            })
            .collect();
        Ok(Tensor::new(self.out_shape(&x.shape), out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("reduction of a constant".into()));
        };
        self.check(shape)
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let groups = axis_groups(shape, &self.axes);
        let n = groups.first().map_or(1, |g| g.len()) as u64;
        let len: usize = shape.iter().product();
        let every: Vec<u32> = (0..len as u32).collect();
        let mut lw = Lowered::default();
        match self.kind {
            ReduceKind::Sum => sum_groups(&mut lw, Src::In(0), &groups, 1),
            ReduceKind::Mean => sum_groups(&mut lw, Src::In(0), &groups, n),
            ReduceKind::Max => extreme_groups(&mut lw, Src::In(0), &groups, false),
            ReduceKind::Min => extreme_groups(&mut lw, Src::In(0), &groups, true),
            ReduceKind::L1 => {
                let a = lw.push(QOp::Lookup(Func::Abs), vec![Src::In(0)], vec![len]);
                sum_groups(&mut lw, a, &groups, 1)
            }
            ReduceKind::L2 | ReduceKind::SumSquare => {
                let sq = mul(
                    &mut lw,
                    Src::In(0),
                    every.clone(),
                    Src::In(0),
                    every,
                    ctx.act_scale,
                );
                let s = sum_groups(&mut lw, sq, &groups, 1);
                if self.kind == ReduceKind::L2 {
                    lw.push(QOp::Lookup(Func::Sqrt), vec![s], vec![groups.len()])
                } else {
                    s
                }
            }
            ReduceKind::LogSumExp => {
                let g = group_of(&groups, len);
                let m = extreme_groups(&mut lw, Src::In(0), &groups, false);
                let z = sub(&mut lw, Src::In(0), every, m, g);
                let e = lw.push(QOp::Lookup(Func::Exp), vec![z], vec![len]);
                let s = sum_groups(&mut lw, e, &groups, 1);
                let l = lw.push(QOp::Lookup(Func::Ln), vec![s], vec![groups.len()]);
                let idx: Vec<u32> = (0..groups.len() as u32).collect();
                // m + l
                lw.push(
                    QOp::Dot(Box::new(crate::quant::Dot {
                        rescale: 0,
                        divisor: None,
                        kind: crate::quant::DotKind::Elementwise {
                            len: groups.len(),
                            parts: vec![
                                crate::quant::ElemPart {
                                    a: crate::quant::ASrc::Act {
                                        slot: 0,
                                        map: idx.clone(),
                                    },
                                    b: crate::quant::BSrc::Coef(1),
                                },
                                crate::quant::ElemPart {
                                    a: crate::quant::ASrc::Act { slot: 1, map: idx },
                                    b: crate::quant::BSrc::Coef(1),
                                },
                            ],
                        },
                    })),
                    vec![m, l],
                    vec![groups.len()],
                )
            }
        };
        lw.reshape_last(out);
        Ok(lw)
    }
}

/// MaxPool / GlobalMaxPool (NCHW; a 1-D `[N, C, L]` input is pooled as `[N, C, 1, L]`).
#[derive(Clone, Debug)]
pub struct MaxPool {
    pub window: Window,
    pub ceil_mode: bool,
    pub global: bool,
}

impl MaxPool {
    pub fn build(op_type: &str, a: &Attrs, shapes: &[Option<&[usize]>]) -> Result<Self, OpError> {
        let x = shapes
            .first()
            .copied()
            .flatten()
            .ok_or(OpError::MissingInput(0))?;
        let [_, _, h, w] = as_nchw(x)?;
        if op_type == "GlobalMaxPool" {
            return Ok(MaxPool {
                window: Window {
                    kernel: [h, w],
                    strides: [1, 1],
                    pads: [0; 4],
                    dilations: [1, 1],
                },
                ceil_mode: false,
                global: true,
            });
        }
        if a.int("storage_order", 0) != 0 {
            return Err(OpError::Attribute {
                name: "storage_order".into(),
                msg: "only row-major (0) is supported".into(),
            });
        }
        let k = a.ints("kernel_shape").ok_or_else(|| OpError::Attribute {
            name: "kernel_shape".into(),
            msg: "missing".into(),
        })?;
        if k.iter().any(|&v| v < 1) || !(k.len() == 2 || k.len() == 1 && x.len() == 3) {
            return Err(OpError::Attribute {
                name: "kernel_shape".into(),
                msg: format!("{k:?}: 1-D or 2-D pooling with positive sizes"),
            });
        }
        // 1-D: as 2-D with a height of one (attributes widened the same way)
        let window = if k.len() == 1 {
            Window::build_1d(a, k[0] as usize)?
        } else {
            Window::build(a, [k[0] as usize, k[1] as usize], [h, w])?
        };
        if (0..2).any(|ax| {
            window.pads[ax] >= window.kernel[ax] || window.pads[ax + 2] >= window.kernel[ax]
        }) {
            return Err(OpError::Attribute {
                name: "pads".into(),
                msg: format!(
                    "{:?}: each pad must be smaller than the kernel {:?}",
                    window.pads, window.kernel
                ),
            });
        }
        Ok(MaxPool {
            window,
            ceil_mode: a.int("ceil_mode", 0) != 0,
            global: false,
        })
    }

    /// Output height and width (ONNX: with `ceil_mode`, a last window must start inside the
    /// input or its leading padding).
    fn out_hw(&self, h: usize, w: usize) -> Result<[usize; 2], OpError> {
        let wd = &self.window;
        let mut o = [0; 2];
        for (ax, len) in [h, w].into_iter().enumerate() {
            let eff = (wd.kernel[ax] - 1) * wd.dilations[ax] + 1;
            let padded = len + wd.pads[ax] + wd.pads[ax + 2];
            if padded < eff {
                return Err(OpError::Shape(format!(
                    "kernel {:?} larger than padded input {h}x{w}",
                    wd.kernel
                )));
            }
            let s = wd.strides[ax];
            let mut n = if self.ceil_mode {
                (padded - eff).div_ceil(s) + 1
            } else {
                (padded - eff) / s + 1
            };
            if self.ceil_mode && (n - 1) * s >= len + wd.pads[ax] {
                n -= 1;
            }
            o[ax] = n;
        }
        Ok(o)
    }

    /// The output shape and, per output element, the input elements of its window.
    fn groups(&self, x: &[usize]) -> Result<(Vec<usize>, Vec<Vec<u32>>), OpError> {
        let [n, c, h, w] = as_nchw(x)?;
        let [oh, ow] = self.out_hw(h, w)?;
        let k = self.window.kernel;
        let mut groups = Vec::with_capacity(n * c * oh * ow);
        for plane in 0..n * c {
            for oy in 0..oh {
                for ox in 0..ow {
                    let mut g = vec![];
                    for ky in 0..k[0] {
                        for kx in 0..k[1] {
                            if let Some((iy, ix)) = self.window.at(oy, ox, ky, kx, h, w) {
                                g.push((plane * h * w + iy * w + ix) as u32);
                            }
                        }
                    }
                    if g.is_empty() {
                        return Err(OpError::Shape(format!(
                            "output ({oy}, {ox}) pools padding only"
                        )));
                    }
                    groups.push(g);
                }
            }
        }
        let shape = if x.len() == 3 {
            vec![n, c, ow]
        } else {
            vec![n, c, oh, ow]
        };
        Ok((shape, groups))
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let (shape, groups) = self.groups(&ins[0].shape)?;
        let x = &ins[0].data;
        let out = groups
            .iter()
            .map(|g| {
                g.iter()
                    .map(|&i| x[i as usize])
                    .fold(f64::NEG_INFINITY, f64::max)
            })
            .collect();
        Ok(Tensor::new(shape, out))
    }

    pub fn lower(&self, ins: &[Operand], out: &[usize]) -> Result<Lowered, QuantError> {
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("pooling of a constant".into()));
        };
        let (_, groups) = self
            .groups(shape)
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let _ = self.global;
        let mut lw = Lowered::default();
        extreme_groups(&mut lw, Src::In(0), &groups, false);
        lw.reshape_last(out);
        Ok(lw)
    }
}

/// ArgMax / ArgMin over one axis (first index on ties, as onnxruntime; or the last with
/// `select_last_index`). Lowered: the extreme `m` of each group, `d = x − m`, `z = [d = 0]`
/// (the is-zero gadget), `v = (pos + n)·2^S − n·2^S·z` (first) or `(pos − n)·2^S + n·2^S·z`
/// (last), and the minimum (maximum) of `v`: the index, at the activation scale like every
/// value (an int64 output dequantizes to the integer index exactly).
#[derive(Clone, Debug)]
pub struct ArgExtreme {
    pub axis: usize,
    pub keepdims: bool,
    pub min: bool,
    pub last: bool,
}

impl ArgExtreme {
    pub fn build(op_type: &str, a: &Attrs, shapes: &[Option<&[usize]>]) -> Result<Self, OpError> {
        let rank = shapes
            .first()
            .copied()
            .flatten()
            .ok_or(OpError::MissingInput(0))?
            .len();
        let axis = super::axis_attr("axis", a.int("axis", 0), rank)?;
        Ok(ArgExtreme {
            axis,
            keepdims: a.int("keepdims", 1) != 0,
            min: op_type == "ArgMin",
            last: a.int("select_last_index", 0) != 0,
        })
    }

    fn reduce(&self) -> Reduce {
        Reduce {
            kind: if self.min {
                ReduceKind::Min
            } else {
                ReduceKind::Max
            },
            axes: vec![self.axis],
            keepdims: self.keepdims,
        }
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let x = ins[0];
        let r = self.reduce();
        r.check(&x.shape)?;
        let out = axis_groups(&x.shape, &r.axes)
            .iter()
            .map(|g| {
                let mut best = 0usize;
                for (p, &i) in g.iter().enumerate() {
                    let (v, b) = (x.data[i as usize], x.data[g[best] as usize]);
                    let better = if self.min { v < b } else { v > b };
                    if better || (self.last && v == b) {
                        best = p;
                    }
                }
                best as f64
            })
            .collect();
        Ok(Tensor::new(r.out_shape(&x.shape), out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let Operand::Act { shape, .. } = ins[0] else {
            return Err(QuantError::Internal("ArgMax of a constant".into()));
        };
        let r = self.reduce();
        r.check(shape)
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let groups = axis_groups(shape, &r.axes);
        let len: usize = shape.iter().product();
        let mut lw = Lowered::default();
        arg_extreme_groups(
            &mut lw,
            Src::In(0),
            len,
            &groups,
            self.min,
            self.last,
            ctx.act_scale,
        );
        lw.reshape_last(out);
        Ok(lw)
    }
}

/// The position of the maximum (`min`: minimum) of `x` within each group, as the integer
/// `k·2^s`: the first on ties, or the last with `last` (see [`ArgExtreme`]).
pub(crate) fn arg_extreme_groups(
    lw: &mut Lowered,
    x: Src,
    len: usize,
    groups: &[Vec<u32>],
    min: bool,
    last: bool,
    s: u32,
) -> Src {
    use crate::quant::{ASrc, BSrc, Dot, DotKind, ElemPart};
    let n = groups.first().map_or(1, |g| g.len()) as f64;
    let g = group_of(groups, len);
    let mut pos = vec![0.0; len];
    for members in groups {
        for (p, &i) in members.iter().enumerate() {
            pos[i as usize] = if last { p as f64 - n } else { p as f64 + n };
        }
    }
    let every: Vec<u32> = (0..len as u32).collect();
    let m = extreme_groups(lw, x, groups, min);
    let d = sub(lw, x, every.clone(), m, g);
    let z = lw.push(QOp::IsZero, vec![d], vec![len]);
    // circuit constants, not parameters (which `private` would leave free)
    let pos: Vec<i64> = pos.iter().map(|&p| (p as i64) << s).collect();
    let k = (n as i64) << s;
    let v = lw.push(
        QOp::Dot(Box::new(Dot {
            rescale: 0,
            divisor: None,
            kind: DotKind::Elementwise {
                len,
                parts: vec![
                    ElemPart {
                        a: ASrc::One,
                        b: BSrc::Consts(pos),
                    },
                    ElemPart {
                        a: ASrc::Act {
                            slot: 0,
                            map: every,
                        },
                        b: BSrc::Coef(if last { k } else { -k }),
                    },
                ],
            },
        })),
        vec![z],
        vec![len],
    );
    extreme_groups(lw, v, groups, !last)
}
