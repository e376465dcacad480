//! Recurrent layers, unrolled over the sequence: LSTM, GRU and RNN (ONNX's definitions, layout
//! 0, forward / reverse / bidirectional, constant weights, biases and initial states).
//!
//! The op computes all its outputs as one packed tensor, `[Y, Y_h, Y_c]` flattened
//! (`Y: [seq, dirs, batch, H]`, `Y_h`, `Y_c: [dirs, batch, H]`; `Y_c` for LSTM only); the
//! importer reads each ONNX output out of it with a copy-only `ShapeOp::Part`, so a node whose
//! outputs are all used is computed once.
//!
//! Lowering, per direction and time step (every gate a `Dot` over the input, the previous
//! state and the biases, then its table; `⊙` an element-wise product rescaled by `2^s`):
//! - LSTM: `[i, o, f] = σ(x·W + h·R + Wb + Rb)`, `c̃ = tanh(…)`, `c = f ⊙ c + i ⊙ c̃`,
//!   `h = o ⊙ tanh(c)`
//! - GRU: `[z, r] = σ(…)`, `h̃ = tanh(x·Wh + (r ⊙ h)·Rh + Wbh + Rbh)` (or, with
//!   `linear_before_reset`, `tanh(x·Wh + Wbh + r ⊙ (h·Rh + Rbh))`), `h = h̃ + z ⊙ (h − h̃)`
//! - RNN: `h = f(x·W + h·R + Wb + Rb)` (`f`: Tanh, Sigmoid or Relu)
//!
//! Initial states are circuit constants (a `Dot` of the constant one).

use super::Attrs;
use super::{Func, OpError, Operand};
use crate::quant::{quantize_value, ASrc, BSrc, ElemPart, LowerCtx, Lowered, QOp, QuantError, Src};
use crate::tensor::Tensor;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cell {
    Lstm,
    Gru { linear_before_reset: bool },
    Rnn(RnnAct),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RnnAct {
    Tanh,
    Sigmoid,
    Relu,
}

#[derive(Clone, Debug)]
pub struct Recurrent {
    pub cell: Cell,
    pub hidden: usize,
    /// `[forward, reverse]` passes (bidirectional: both)
    pub reverse: Vec<bool>,
    /// `[dirs, G·H, I]`, `[dirs, G·H, H]`
    pub w: Tensor,
    pub r: Tensor,
    /// `[dirs, 2·G·H]` (zeros when absent)
    pub b: Tensor,
    /// `[dirs, batch, H]` (zeros when absent)
    pub h0: Option<Tensor>,
    pub c0: Option<Tensor>,
}

fn attr_err(name: &str, msg: String) -> OpError {
    OpError::Attribute {
        name: name.into(),
        msg,
    }
}

impl Recurrent {
    /// Gates per cell: LSTM 4, GRU 3, RNN 1.
    pub fn gates(&self) -> usize {
        match self.cell {
            Cell::Lstm => 4,
            Cell::Gru { .. } => 3,
            Cell::Rnn(_) => 1,
        }
    }

    pub fn build(
        op_type: &str,
        a: &Attrs,
        consts: &[Option<&Tensor>],
        shapes: &[Option<&[usize]>],
    ) -> Result<Self, OpError> {
        let hidden = a.int("hidden_size", 0);
        if hidden <= 0 {
            return Err(attr_err("hidden_size", "must be given and positive".into()));
        }
        let hidden = hidden as usize;
        let dir = a.string_in(
            "direction",
            "forward",
            &["forward", "reverse", "bidirectional"],
        )?;
        let reverse = match dir.as_str() {
            "forward" => vec![false],
            "reverse" => vec![true],
            _ => vec![false, true],
        };
        if a.int("layout", 0) != 0 {
            return Err(attr_err(
                "layout",
                "only layout 0 ([seq, batch, ...]) is supported".into(),
            ));
        }
        if a.has("clip") {
            return Err(attr_err("clip", "clipped cells are not supported".into()));
        }
        if a.int("input_forget", 0) != 0 {
            return Err(attr_err(
                "input_forget",
                "coupled input-forget gates are not supported".into(),
            ));
        }
        let acts = a.strings("activations");
        let check_acts = |default: &[&str]| -> Result<(), OpError> {
            if let Some(v) = &acts {
                let want: Vec<String> = (0..reverse.len())
                    .flat_map(|_| default.iter().map(|s| s.to_string()))
                    .collect();
                if !v
                    .iter()
                    .map(|s| s.to_ascii_lowercase())
                    .eq(want.iter().map(|s| s.to_ascii_lowercase()))
                {
                    return Err(attr_err(
                        "activations",
                        format!("{v:?}: only the default {default:?} per direction is supported"),
                    ));
                }
            }
            Ok(())
        };
        let cell = match op_type {
            "LSTM" => {
                check_acts(&["Sigmoid", "Tanh", "Tanh"])?;
                Cell::Lstm
            }
            "GRU" => {
                check_acts(&["Sigmoid", "Tanh"])?;
                Cell::Gru {
                    linear_before_reset: a.int("linear_before_reset", 0) != 0,
                }
            }
            "RNN" => {
                let f = match acts.as_deref() {
                    None => RnnAct::Tanh,
                    Some(v) if !v.is_empty() && v.iter().all(|s| s == &v[0]) => {
                        match v[0].to_ascii_lowercase().as_str() {
                            "tanh" => RnnAct::Tanh,
                            "sigmoid" => RnnAct::Sigmoid,
                            "relu" => RnnAct::Relu,
                            o => {
                                return Err(attr_err(
                                    "activations",
                                    format!("`{o}` is not supported (Tanh, Sigmoid, Relu)"),
                                ))
                            }
                        }
                    }
                    Some(v) => {
                        return Err(attr_err(
                            "activations",
                            format!("{v:?}: one activation for every direction"),
                        ))
                    }
                };
                Cell::Rnn(f)
            }
            _ => return Err(OpError::Unsupported),
        };
        let g = match cell {
            Cell::Lstm => 4,
            Cell::Gru { .. } => 3,
            Cell::Rnn(_) => 1,
        };
        let dirs = reverse.len();
        let x = shapes
            .first()
            .copied()
            .flatten()
            .ok_or(OpError::MissingInput(0))?;
        if x.len() != 3 {
            return Err(OpError::Shape(format!(
                "X must be [seq, batch, input], got {x:?}"
            )));
        }
        let (seq, batch, input) = (x[0], x[1], x[2]);
        let present = |i: usize| shapes.get(i).copied().flatten().is_some();
        let constant = |i: usize, what: &'static str| -> Result<Option<Tensor>, OpError> {
            if !present(i) {
                return Ok(None);
            }
            match consts.get(i).copied().flatten() {
                Some(t) => Ok(Some(t.clone())),
                None => Err(OpError::NotConstant { input: i, what }),
            }
        };
        let shaped = |t: Tensor, want: &[usize], what: &str| -> Result<Tensor, OpError> {
            if t.shape != want {
                return Err(OpError::Shape(format!(
                    "{what} has shape {:?}, expected {want:?}",
                    t.shape
                )));
            }
            Ok(t)
        };
        let w = constant(1, "the weights W")?.ok_or(OpError::MissingInput(1))?;
        let w = shaped(w, &[dirs, g * hidden, input], "W")?;
        let r = constant(2, "the recurrence weights R")?.ok_or(OpError::MissingInput(2))?;
        let r = shaped(r, &[dirs, g * hidden, hidden], "R")?;
        let b = match constant(3, "the biases B")? {
            Some(t) => shaped(t, &[dirs, 2 * g * hidden], "B")?,
            None => Tensor::zeros(&[dirs, 2 * g * hidden]),
        };
        if let Some(t) = constant(4, "sequence_lens")? {
            if t.data.iter().any(|&l| l != seq as f64) {
                return Err(OpError::Unsupported2(format!(
                    "sequence_lens {:?}: only full-length sequences ({seq}) are supported",
                    t.data
                )));
            }
        }
        let state = [dirs, batch, hidden];
        let h0 = constant(5, "initial_h")?
            .map(|t| shaped(t, &state, "initial_h"))
            .transpose()?;
        let c0 = if cell == Cell::Lstm {
            constant(6, "initial_c")?
                .map(|t| shaped(t, &state, "initial_c"))
                .transpose()?
        } else {
            None
        };
        if cell == Cell::Lstm && present(7) {
            return Err(OpError::Unsupported2(
                "LSTM peepholes (input P) are not supported".into(),
            ));
        }
        Ok(Recurrent {
            cell,
            hidden,
            reverse,
            w,
            r,
            b,
            h0,
            c0,
        })
    }

    /// The packed output's length for input shape `[seq, batch, _]`.
    pub fn packed_len(&self, seq: usize, batch: usize) -> usize {
        let per = self.reverse.len() * batch * self.hidden;
        per * (seq + 1 + usize::from(self.cell == Cell::Lstm))
    }

    /// Where ONNX output `k` sits in the packed output: `(offset, shape)`.
    pub fn part(&self, k: usize, seq: usize, batch: usize) -> Option<(usize, Vec<usize>)> {
        let dirs = self.reverse.len();
        let per = dirs * batch * self.hidden;
        match k {
            0 => Some((0, vec![seq, dirs, batch, self.hidden])),
            1 => Some((seq * per, vec![dirs, batch, self.hidden])),
            2 if self.cell == Cell::Lstm => Some(((seq + 1) * per, vec![dirs, batch, self.hidden])),
            _ => None,
        }
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        let x = ins.first().ok_or(OpError::MissingInput(0))?;
        if x.shape.len() != 3 {
            return Err(OpError::Shape(format!(
                "X must be [seq, batch, input], got {:?}",
                x.shape
            )));
        }
        let (seq, batch, input) = (x.shape[0], x.shape[1], x.shape[2]);
        let (hs, g) = (self.hidden, self.gates());
        let dirs = self.reverse.len();
        let per = dirs * batch * hs;
        let mut out = vec![0.0; self.packed_len(seq, batch)];
        let sig = |v: f64| 1.0 / (1.0 + (-v).exp());
        for (d, &rev) in self.reverse.iter().enumerate() {
            let mut h: Vec<f64> = (0..batch * hs)
                .map(|i| self.h0.as_ref().map_or(0.0, |t| t.data[d * batch * hs + i]))
                .collect();
            let mut c: Vec<f64> = (0..batch * hs)
                .map(|i| self.c0.as_ref().map_or(0.0, |t| t.data[d * batch * hs + i]))
                .collect();
            // x·W + Wb (gate row q) and h·R + Rb for sample bi
            let wx = |t: usize, bi: usize, q: usize| -> f64 {
                let xv = &x.data[(t * batch + bi) * input..(t * batch + bi + 1) * input];
                let wr = &self.w.data[(d * g * hs + q) * input..(d * g * hs + q + 1) * input];
                xv.iter().zip(wr).map(|(a, b)| a * b).sum::<f64>() + self.b.data[d * 2 * g * hs + q]
            };
            let rh = |h: &[f64], bi: usize, q: usize| -> f64 {
                let hv = &h[bi * hs..(bi + 1) * hs];
                let rr = &self.r.data[(d * g * hs + q) * hs..(d * g * hs + q + 1) * hs];
                hv.iter().zip(rr).map(|(a, b)| a * b).sum::<f64>()
                    + self.b.data[d * 2 * g * hs + g * hs + q]
            };
            for step in 0..seq {
                let t = if rev { seq - 1 - step } else { step };
                let mut nh = vec![0.0; batch * hs];
                let mut nc = c.clone();
                for bi in 0..batch {
                    for j in 0..hs {
                        let pre = |q: usize| wx(t, bi, q) + rh(&h, bi, q);
                        let k = bi * hs + j;
                        match self.cell {
                            Cell::Lstm => {
                                let (i, o, f) =
                                    (sig(pre(j)), sig(pre(hs + j)), sig(pre(2 * hs + j)));
                                let ct = pre(3 * hs + j).tanh();
                                nc[k] = f * c[k] + i * ct;
                                nh[k] = o * nc[k].tanh();
                            }
                            Cell::Gru {
                                linear_before_reset,
                            } => {
                                let z = sig(pre(j));
                                let r = sig(pre(hs + j));
                                let q = 2 * hs + j;
                                let ht = if linear_before_reset {
                                    (wx(t, bi, q) + r * rh(&h, bi, q)).tanh()
                                } else {
                                    let rhv: Vec<f64> = (0..hs)
                                        .map(|m| {
                                            let rm = sig(pre(hs + m));
                                            rm * h[bi * hs + m]
                                        })
                                        .collect();
                                    let rr = &self.r.data
                                        [(d * g * hs + q) * hs..(d * g * hs + q + 1) * hs];
                                    let lin: f64 = rhv.iter().zip(rr).map(|(a, b)| a * b).sum();
                                    (wx(t, bi, q) + lin + self.b.data[d * 2 * g * hs + g * hs + q])
                                        .tanh()
                                };
                                nh[k] = (1.0 - z) * ht + z * h[k];
                            }
                            Cell::Rnn(f) => {
                                let v = pre(j);
                                nh[k] = match f {
                                    RnnAct::Tanh => v.tanh(),
                                    RnnAct::Sigmoid => sig(v),
                                    RnnAct::Relu => v.max(0.0),
                                };
                            }
                        }
                    }
                }
                h = nh;
                c = nc;
                for bi in 0..batch {
                    for j in 0..hs {
                        out[((t * dirs + d) * batch + bi) * hs + j] = h[bi * hs + j];
                    }
                }
            }
            for i in 0..batch * hs {
                out[seq * per + d * batch * hs + i] = h[i];
                if self.cell == Cell::Lstm {
                    out[(seq + 1) * per + d * batch * hs + i] = c[i];
                }
            }
        }
        let len = out.len();
        Ok(Tensor::new(vec![len], out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        _out: &[usize],
    ) -> Result<Lowered, QuantError> {
        let xs = match ins.first() {
            Some(Operand::Act { shape, .. }) => shape.to_vec(),
            _ => return Err(QuantError::Unsupported("X must be an activation".into())),
        };
        let (seq, batch, input) = (xs[0], xs[1], xs[2]);
        let (hs, g) = (self.hidden, self.gates());
        let (s, p) = (ctx.act_scale, ctx.param_scale);
        let dirs = self.reverse.len();
        let n = batch * hs;
        let w = ctx.param(&self.w, p, "W", |v| v)?;
        let r = ctx.param(&self.r, p, "R", |v| v)?;
        // Wb + Rb per gate row, at the products' scale (GRU's h gate with linear_before_reset
        // keeps Rbh apart)
        let lbr = matches!(
            self.cell,
            Cell::Gru {
                linear_before_reset: true
            }
        );
        let mut bsum = Tensor::zeros(&[dirs, g * hs]);
        let mut rbh = Tensor::zeros(&[dirs, hs]);
        for d in 0..dirs {
            for q in 0..g * hs {
                let (wb, rb) = (
                    self.b.data[d * 2 * g * hs + q],
                    self.b.data[d * 2 * g * hs + g * hs + q],
                );
                let in_h_gate = lbr && q >= 2 * hs;
                bsum.data[d * g * hs + q] = wb + if in_h_gate { 0.0 } else { rb };
                if in_h_gate {
                    rbh.data[d * hs + q - 2 * hs] = rb;
                }
            }
        }
        let bias = ctx.param(&bsum, s + p, "B", |v| v)?;
        let rbh = if lbr {
            Some(ctx.param(&rbh, s + p, "Rbh", |v| v)?)
        } else {
            None
        };
        let mut lw = Lowered::default();
        let state = |lw: &mut Lowered, t: &Option<Tensor>, d: usize| -> Result<Src, QuantError> {
            let vals: Vec<i64> = (0..n)
                .map(|i| {
                    let v = t.as_ref().map_or(0.0, |t| t.data[d * n + i]);
                    quantize_value(v, s).ok_or_else(|| QuantError::Param {
                        name: format!("{}.initial state", ctx.node()),
                        msg: format!("value {v} is too large for scale {s}"),
                    })
                })
                .collect::<Result<_, _>>()?;
            Ok(lw.push(
                dot(
                    n,
                    vec![ElemPart {
                        a: ASrc::One,
                        b: BSrc::Consts(vals),
                    }],
                    0,
                ),
                vec![],
                vec![n],
            ))
        };
        let mut hs_of = vec![vec![Src::In(0); seq]; dirs];
        let mut final_h = vec![];
        let mut final_c = vec![];
        for (d, &rev) in self.reverse.iter().enumerate() {
            let mut h = state(&mut lw, &self.h0, d)?;
            let mut c = if self.cell == Cell::Lstm {
                Some(state(&mut lw, &self.c0, d)?)
            } else {
                None
            };
            for step in 0..seq {
                let t = if rev { seq - 1 - step } else { step };
                // pre-activations of gates `gs` (rows q = gate·H + j), for every sample:
                // output o = (bi, gate k of gs, j)
                let gate_dot = |lw: &mut Lowered,
                                gs: &[usize],
                                with_x: bool,
                                hsrc: Option<Src>,
                                bias_id: Option<usize>|
                 -> Src {
                    let len = batch * gs.len() * hs;
                    let row = |o: usize| {
                        let j = o % hs;
                        let k = (o / hs) % gs.len();
                        gs[k] * hs + j
                    };
                    let bi = |o: usize| o / (hs * gs.len());
                    let mut parts = vec![];
                    let mut srcs = vec![];
                    if with_x {
                        srcs.push(Src::In(0));
                        for k in 0..input {
                            parts.push(ElemPart {
                                a: ASrc::Act {
                                    slot: 0,
                                    map: (0..len)
                                        .map(|o| ((t * batch + bi(o)) * input + k) as u32)
                                        .collect(),
                                },
                                b: BSrc::Param {
                                    id: w,
                                    map: (0..len)
                                        .map(|o| ((d * g * hs + row(o)) * input + k) as u32)
                                        .collect(),
                                },
                            });
                        }
                    }
                    if let Some(hsrc) = hsrc {
                        let slot = srcs.len();
                        srcs.push(hsrc);
                        for m in 0..hs {
                            parts.push(ElemPart {
                                a: ASrc::Act {
                                    slot,
                                    map: (0..len).map(|o| (bi(o) * hs + m) as u32).collect(),
                                },
                                b: BSrc::Param {
                                    id: r,
                                    map: (0..len)
                                        .map(|o| ((d * g * hs + row(o)) * hs + m) as u32)
                                        .collect(),
                                },
                            });
                        }
                    }
                    if let Some(bid) = bias_id {
                        let per_dir = if Some(bid) == rbh { hs } else { g * hs };
                        let off = if Some(bid) == rbh { 2 * hs } else { 0 };
                        parts.push(ElemPart {
                            a: ASrc::One,
                            b: BSrc::Param {
                                id: bid,
                                map: (0..len)
                                    .map(|o| (d * per_dir + row(o) - off) as u32)
                                    .collect(),
                            },
                        });
                    }
                    lw.push(dot(len, parts, p), srcs, vec![len])
                };
                match self.cell {
                    Cell::Lstm => {
                        let cp = c.unwrap_or(h);
                        let sg = gate_dot(&mut lw, &[0, 1, 2], true, Some(h), Some(bias));
                        let sg = lw.push(QOp::Lookup(Func::Sigmoid), vec![sg], vec![3 * n]);
                        let ct = gate_dot(&mut lw, &[3], true, Some(h), Some(bias));
                        let ct = lw.push(QOp::Lookup(Func::Tanh), vec![ct], vec![n]);
                        // (bi, gate k, j) in sg: bi·3H + k·H + j
                        let gate = |k: usize| -> Vec<u32> {
                            (0..n)
                                .map(|o| ((o / hs) * 3 * hs + k * hs + o % hs) as u32)
                                .collect()
                        };
                        let id: Vec<u32> = (0..n as u32).collect();
                        let nc = lw.push(
                            dot(
                                n,
                                vec![
                                    ElemPart {
                                        a: ASrc::Act {
                                            slot: 0,
                                            map: gate(2),
                                        },
                                        b: BSrc::Act {
                                            slot: 1,
                                            map: id.clone(),
                                        },
                                    },
                                    ElemPart {
                                        a: ASrc::Act {
                                            slot: 0,
                                            map: gate(0),
                                        },
                                        b: BSrc::Act {
                                            slot: 2,
                                            map: id.clone(),
                                        },
                                    },
                                ],
                                s,
                            ),
                            vec![sg, cp, ct],
                            vec![n],
                        );
                        let tc = lw.push(QOp::Lookup(Func::Tanh), vec![nc], vec![n]);
                        h = lw.push(
                            dot(
                                n,
                                vec![ElemPart {
                                    a: ASrc::Act {
                                        slot: 0,
                                        map: gate(1),
                                    },
                                    b: BSrc::Act { slot: 1, map: id },
                                }],
                                s,
                            ),
                            vec![sg, tc],
                            vec![n],
                        );
                        c = Some(nc);
                    }
                    Cell::Gru {
                        linear_before_reset,
                    } => {
                        let zr = gate_dot(&mut lw, &[0, 1], true, Some(h), Some(bias));
                        let zr = lw.push(QOp::Lookup(Func::Sigmoid), vec![zr], vec![2 * n]);
                        let gate = |k: usize| -> Vec<u32> {
                            (0..n)
                                .map(|o| ((o / hs) * 2 * hs + k * hs + o % hs) as u32)
                                .collect()
                        };
                        let id: Vec<u32> = (0..n as u32).collect();
                        let pre = if linear_before_reset {
                            // x·Wh + Wbh + r ⊙ (h·Rh + Rbh)
                            let hr = gate_dot(&mut lw, &[2], false, Some(h), rbh);
                            let xw = gate_dot(&mut lw, &[2], true, None, Some(bias));
                            lw.push(
                                dot(
                                    n,
                                    vec![
                                        ElemPart {
                                            a: ASrc::Act {
                                                slot: 0,
                                                map: id.clone(),
                                            },
                                            b: BSrc::Coef(1 << s),
                                        },
                                        ElemPart {
                                            a: ASrc::Act {
                                                slot: 1,
                                                map: gate(1),
                                            },
                                            b: BSrc::Act {
                                                slot: 2,
                                                map: id.clone(),
                                            },
                                        },
                                    ],
                                    s,
                                ),
                                vec![xw, zr, hr],
                                vec![n],
                            )
                        } else {
                            // x·Wh + (r ⊙ h)·Rh + Wbh + Rbh
                            let rh = lw.push(
                                dot(
                                    n,
                                    vec![ElemPart {
                                        a: ASrc::Act {
                                            slot: 0,
                                            map: gate(1),
                                        },
                                        b: BSrc::Act {
                                            slot: 1,
                                            map: id.clone(),
                                        },
                                    }],
                                    s,
                                ),
                                vec![zr, h],
                                vec![n],
                            );
                            gate_dot(&mut lw, &[2], true, Some(rh), Some(bias))
                        };
                        let ht = lw.push(QOp::Lookup(Func::Tanh), vec![pre], vec![n]);
                        // h = h̃ + z ⊙ (h − h̃)
                        let diff = lw.push(
                            dot(
                                n,
                                vec![
                                    ElemPart {
                                        a: ASrc::Act {
                                            slot: 0,
                                            map: id.clone(),
                                        },
                                        b: BSrc::Coef(1),
                                    },
                                    ElemPart {
                                        a: ASrc::Act {
                                            slot: 1,
                                            map: id.clone(),
                                        },
                                        b: BSrc::Coef(-1),
                                    },
                                ],
                                0,
                            ),
                            vec![h, ht],
                            vec![n],
                        );
                        h = lw.push(
                            dot(
                                n,
                                vec![
                                    ElemPart {
                                        a: ASrc::Act {
                                            slot: 0,
                                            map: id.clone(),
                                        },
                                        b: BSrc::Coef(1 << s),
                                    },
                                    ElemPart {
                                        a: ASrc::Act {
                                            slot: 1,
                                            map: gate(0),
                                        },
                                        b: BSrc::Act { slot: 2, map: id },
                                    },
                                ],
                                s,
                            ),
                            vec![ht, zr, diff],
                            vec![n],
                        );
                    }
                    Cell::Rnn(f) => {
                        let pre = gate_dot(&mut lw, &[0], true, Some(h), Some(bias));
                        let func = match f {
                            RnnAct::Tanh => Func::Tanh,
                            RnnAct::Sigmoid => Func::Sigmoid,
                            RnnAct::Relu => Func::Relu,
                        };
                        h = lw.push(QOp::Lookup(func), vec![pre], vec![n]);
                    }
                }
                hs_of[d][t] = h;
            }
            final_h.push(h);
            if let Some(c) = c {
                final_c.push(c);
            }
        }
        // the packed output: Y [seq, dirs, batch, H], Y_h, Y_c
        let mut srcs: Vec<Src> = vec![];
        fn slot_of(src: Src, srcs: &mut Vec<Src>) -> u32 {
            match srcs.iter().position(|&x| x == src) {
                Some(i) => i as u32,
                None => {
                    srcs.push(src);
                    (srcs.len() - 1) as u32
                }
            }
        }
        let mut map = Vec::with_capacity(self.packed_len(seq, batch));
        for t in 0..seq {
            for per_dir in &hs_of {
                let sl = slot_of(per_dir[t], &mut srcs);
                map.extend((0..n as u32).map(|i| (sl, i)));
            }
        }
        for fin in [&final_h, &final_c] {
            for &src in fin.iter() {
                let sl = slot_of(src, &mut srcs);
                map.extend((0..n as u32).map(|i| (sl, i)));
            }
        }
        let len = map.len();
        lw.push(QOp::Gather(map), srcs, vec![len]);
        Ok(lw)
    }
}

use crate::quant::compose::lin as dot;

/// Where Y, Y_h (and LSTM's Y_c) lie in the packed output: `[seq, dirs, batch, h]`, then the
/// last hidden (and cell) state `[dirs, batch, h]` each (`x`: the input's `[seq, batch, in]`).
pub fn output_parts(op_type: &str, a: &Attrs, x: &[usize]) -> Vec<(usize, Vec<usize>)> {
    let dirs = if a.string("direction").as_deref() == Some("bidirectional") {
        2
    } else {
        1
    };
    let (seq, batch, h) = (
        x.first().copied().unwrap_or(0),
        x.get(1).copied().unwrap_or(0),
        a.int("hidden_size", 0).max(0) as usize,
    );
    let per = dirs * batch * h;
    let mut parts = vec![
        (0, vec![seq, dirs, batch, h]),
        (seq * per, vec![dirs, batch, h]),
    ];
    if op_type == "LSTM" {
        parts.push(((seq + 1) * per, vec![dirs, batch, h]));
    }
    parts
}
