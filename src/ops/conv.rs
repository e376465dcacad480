//! 2-D convolution and average pooling (NCHW; 1-D `[N, C, L]` read as `[N, C, 1, L]`),
//! lowered to one `Dot` per output element.
//! Average pooling is a depthwise convolution with the weight `1/n`.

use super::Attrs;
use super::{need, OpError, Operand};
use crate::quant::{quantize_value, ASrc, BSrc, Dot, DotKind, ElemPart, LowerCtx, QOp, QuantError};
use crate::tensor::{broadcast_index_map, Tensor};

pub use crate::quant::conv::{Geometry, QConv, WSrc, Window};

impl Window {
    pub(crate) fn build(
        a: &Attrs,
        kernel: [usize; 2],
        input_hw: [usize; 2],
    ) -> Result<Self, OpError> {
        let two = |name: &str, default: usize| -> Result<[usize; 2], OpError> {
            match a.ints(name) {
                None => Ok([default, default]),
                Some(v) if v.len() == 2 && v.iter().all(|&x| x >= 1) => {
                    Ok([v[0] as usize, v[1] as usize])
                }
                Some(v) => Err(OpError::Attribute {
                    name: name.into(),
                    msg: format!("{v:?}: expected two positive values (2-D only)"),
                }),
            }
        };
        let strides = two("strides", 1)?;
        let dilations = two("dilations", 1)?;
        let auto_pad = a.string_in(
            "auto_pad",
            "NOTSET",
            &["NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"],
        )?;
        let pads = match auto_pad.as_str() {
            "NOTSET" => match a.ints("pads") {
                None => [0; 4],
                Some(v) if v.len() == 4 && v.iter().all(|&x| x >= 0) => {
                    [v[0] as usize, v[1] as usize, v[2] as usize, v[3] as usize]
                }
                Some(v) => {
                    return Err(OpError::Attribute {
                        name: "pads".into(),
                        msg: format!("{v:?}: expected four non-negative values"),
                    })
                }
            },
            "VALID" => [0; 4],
            same => {
                let mut p = [0; 4];
                for ax in 0..2 {
                    let out = input_hw[ax].div_ceil(strides[ax]);
                    let eff = (kernel[ax] - 1) * dilations[ax] + 1;
                    let total = ((out - 1) * strides[ax] + eff).saturating_sub(input_hw[ax]);
                    let (small, big) = (total / 2, total - total / 2);
                    if same == "SAME_UPPER" {
                        p[ax] = small;
                        p[ax + 2] = big;
                    } else {
                        p[ax] = big;
                        p[ax + 2] = small;
                    }
                }
                p
            }
        };
        Ok(Window {
            kernel,
            strides,
            pads,
            dilations,
        })
    }

    /// A 1-D window (`[N, C, L]` inputs, read as `[N, C, 1, L]`): attributes of one axis.
    pub(crate) fn build_1d(a: &Attrs, kernel: usize) -> Result<Self, OpError> {
        let one = |name: &str| -> Result<usize, OpError> {
            match a.ints(name) {
                None => Ok(1),
                Some(v) if v.len() == 1 && v[0] >= 1 => Ok(v[0] as usize),
                Some(v) => Err(OpError::Attribute {
                    name: name.into(),
                    msg: format!("{v:?}: expected one positive value (1-D)"),
                }),
            }
        };
        let pads = a.ints("pads").unwrap_or_else(|| vec![0, 0]);
        if pads.len() != 2 || pads.iter().any(|&p| p < 0) {
            return Err(OpError::Attribute {
                name: "pads".into(),
                msg: format!("{pads:?}: expected two non-negative values (1-D)"),
            });
        }
        if a.string("auto_pad")
            .is_some_and(|s| s != "NOTSET" && s != "VALID")
        {
            return Err(OpError::Attribute {
                name: "auto_pad".into(),
                msg: "SAME_* padding of 1-D windows is not supported".into(),
            });
        }
        Ok(Window {
            kernel: [1, kernel],
            strides: [1, one("strides")?],
            pads: [0, pads[0] as usize, 0, pads[1] as usize],
            dilations: [1, one("dilations")?],
        })
    }

    fn out_hw(&self, h: usize, w: usize) -> Result<[usize; 2], OpError> {
        let mut o = [0; 2];
        for (ax, len) in [h, w].into_iter().enumerate() {
            let eff = (self.kernel[ax] - 1) * self.dilations[ax] + 1;
            let padded = len + self.pads[ax] + self.pads[ax + 2];
            if padded < eff {
                return Err(OpError::Shape(format!(
                    "kernel {:?} larger than padded input {h}x{w}",
                    self.kernel
                )));
            }
            o[ax] = (padded - eff) / self.strides[ax] + 1;
        }
        Ok(o)
    }
}

fn nchw(s: &[usize]) -> Result<[usize; 4], OpError> {
    if s.len() != 4 {
        return Err(OpError::Shape(format!(
            "expected an NCHW (4-D) input, got {s:?}"
        )));
    }
    Ok([s[0], s[1], s[2], s[3]])
}

/// A 2-D (transposed) convolution's input (NCHW) and weight shapes, the weight 4-D and
/// `kernel_shape`, if given, the weight's. With `one_d`, a 1-D convolution's: `[N, C, L]` and
/// `[M, C/g, K]` read as `[N, C, 1, L]` and `[M, C/g, 1, K]`.
fn conv_shapes(
    a: &Attrs,
    shapes: &[Option<&[usize]>],
    what: &str,
    one_d: bool,
) -> Result<([usize; 4], [usize; 4]), OpError> {
    let x = shapes
        .first()
        .copied()
        .flatten()
        .ok_or(OpError::MissingInput(0))?;
    let x = if one_d { as_nchw(x)? } else { nchw(x)? };
    let w = shapes
        .get(1)
        .copied()
        .flatten()
        .ok_or(OpError::MissingInput(1))?;
    let w4 = match (one_d, w) {
        (false, [m, c, h, k]) => [*m, *c, *h, *k],
        (true, [m, c, k]) => [*m, *c, 1, *k],
        _ => {
            return Err(OpError::Unsupported2(format!(
                "only 1-D and 2-D {what} are supported (input {x:?}, weight shape {w:?})"
            )))
        }
    };
    if let Some(k) = a.ints("kernel_shape") {
        let want: Vec<i64> = w[2..].iter().map(|&d| d as i64).collect();
        if k != want {
            return Err(OpError::Attribute {
                name: "kernel_shape".into(),
                msg: format!("{k:?} differs from the weight's {w:?}"),
            });
        }
    }
    Ok((x, w4))
}

/// Whether a convolution's input is 1-D (`[N, C, L]`).
fn is_1d(shapes: &[Option<&[usize]>]) -> bool {
    shapes
        .first()
        .copied()
        .flatten()
        .is_some_and(|s| s.len() == 3)
}

/// ONNX Conv (2-D, or 1-D on `[N, C, L]`).
#[derive(Clone, Debug)]
pub struct Conv {
    pub window: Window,
    pub group: usize,
}

impl Conv {
    pub fn build(a: &Attrs, shapes: &[Option<&[usize]>]) -> Result<Self, OpError> {
        let one_d = is_1d(shapes);
        let (x, w) = conv_shapes(a, shapes, "convolutions", one_d)?;
        let group = a.int("group", 1).max(1) as usize;
        let window = if one_d {
            Window::build_1d(a, w[3])?
        } else {
            Window::build(a, [w[2], w[3]], [x[2], x[3]])?
        };
        Ok(Conv { window, group })
    }

    fn geometry(&self, x: &[usize], w: &[usize]) -> Result<Geometry, OpError> {
        let [n, c, h, wd] = as_nchw(x)?;
        let w: Vec<usize> = if w.len() == 3 && x.len() == 3 {
            vec![w[0], w[1], 1, w[2]]
        } else {
            w.to_vec()
        };
        if w.len() != 4 || w[1] * self.group != c || !w[0].is_multiple_of(self.group) {
            return Err(OpError::Shape(format!(
                "weight {w:?} does not fit input {x:?} with group {}",
                self.group
            )));
        }
        let [oh, ow] = self.window.out_hw(h, wd)?;
        Ok(Geometry {
            n,
            c,
            h,
            w: wd,
            m: w[0],
            oh,
            ow,
            group: self.group,
            window: self.window.clone(),
        })
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 2)?;
        let g = self.geometry(&ins[0].shape, &ins[1].shape)?;
        if let Some(b) = ins.get(2) {
            if b.data.len() != g.m {
                return Err(OpError::Shape(format!(
                    "bias has {} values, expected {}",
                    b.data.len(),
                    g.m
                )));
            }
        }
        let mut out = Vec::with_capacity(g.out_len());
        let mut taps = vec![];
        for o in 0..g.out_len() {
            g.taps(o, &mut taps);
            let mut s: f64 = taps
                .iter()
                .map(|&(xi, wi)| ins[0].data[xi] * ins[1].data[wi])
                .sum();
            if let Some(b) = ins.get(2) {
                s += b.data[(o / (g.oh * g.ow)) % g.m];
            }
            out.push(s);
        }
        let mut shape = g.out_shape();
        if ins[0].shape.len() == 3 {
            shape.remove(2); // [N, M, 1, L'] → [N, M, L']
        }
        Ok(Tensor::new(shape, out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        _out: &[usize],
    ) -> Result<QOp, QuantError> {
        let g = self
            .geometry(ins[0].shape(), ins[1].shape())
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let slot = match ins[0] {
            Operand::Act { slot, .. } => slot,
            Operand::Const(_) => {
                return Err(QuantError::Unsupported("Conv of a constant input".into()))
            }
        };
        let weight = match ins[1] {
            Operand::Const(t) => WSrc::Param(ctx.param(t, ctx.param_scale, "weight", |v| v)?),
            Operand::Act { .. } => {
                return Err(QuantError::Unsupported(
                    "Conv weights must be constants".into(),
                ))
            }
        };
        let bias = match ins.get(2) {
            None => None,
            Some(Operand::Const(t)) => {
                let id = ctx.param(t, ctx.act_scale + ctx.param_scale, "bias", |v| v)?;
                let map = broadcast_index_map(&[g.m, 1, 1], &g.out_shape()[1..])
                    .into_iter()
                    .map(|i| i as u32);
                let map: Vec<u32> = (0..g.n).flat_map(|_| map.clone()).collect();
                Some(ElemPart {
                    a: ASrc::One,
                    b: BSrc::Param { id, map },
                })
            }
            Some(Operand::Act { .. }) => {
                return Err(QuantError::Unsupported(
                    "Conv bias must be a constant".into(),
                ))
            }
        };
        Ok(QOp::Dot(Box::new(Dot {
            divisor: None,
            rescale: ctx.param_scale,
            kind: DotKind::Conv(QConv {
                geo: g,
                x: slot,
                weight,
                bias,
            }),
        })))
    }
}

/// AveragePool / GlobalAveragePool.
#[derive(Clone, Debug)]
pub struct Pool {
    pub window: Window,
    pub count_include_pad: bool,
}

impl Pool {
    pub fn build(op_type: &str, a: &Attrs, shapes: &[Option<&[usize]>]) -> Result<Self, OpError> {
        let one_d = shapes
            .first()
            .copied()
            .flatten()
            .is_some_and(|s| s.len() == 3);
        let x = as_nchw(
            shapes
                .first()
                .copied()
                .flatten()
                .ok_or(OpError::MissingInput(0))?,
        )?;
        if op_type == "GlobalAveragePool" {
            return Ok(Pool {
                window: Window {
                    kernel: [x[2], x[3]],
                    strides: [1, 1],
                    pads: [0; 4],
                    dilations: [1, 1],
                },
                count_include_pad: true,
            });
        }
        if a.int("ceil_mode", 0) != 0 {
            return Err(OpError::Attribute {
                name: "ceil_mode".into(),
                msg: "ceil_mode = 1 is not supported".into(),
            });
        }
        let k = a.ints("kernel_shape").ok_or_else(|| OpError::Attribute {
            name: "kernel_shape".into(),
            msg: "missing".into(),
        })?;
        if k.len() != if one_d { 1 } else { 2 } || k.iter().any(|&v| v < 1) {
            return Err(OpError::Attribute {
                name: "kernel_shape".into(),
                msg: format!("{k:?}: 1-D or 2-D pooling with positive sizes"),
            });
        }
        let window = if one_d {
            Window::build_1d(a, k[0] as usize)?
        } else {
            Window::build(a, [k[0] as usize, k[1] as usize], [x[2], x[3]])?
        };
        let count_include_pad = a.int("count_include_pad", 0) != 0;
        if !count_include_pad && window.pads.iter().any(|&p| p > 0) {
            return Err(OpError::Attribute {
                name: "count_include_pad".into(),
                msg: "padded average pooling must count the padding".into(),
            });
        }
        Ok(Pool {
            window,
            count_include_pad,
        })
    }

    fn geometry(&self, x: &[usize]) -> Result<Geometry, OpError> {
        let [n, c, h, w] = as_nchw(x)?;
        let [oh, ow] = self.window.out_hw(h, w)?;
        Ok(Geometry {
            n,
            c,
            h,
            w,
            m: c,
            oh,
            ow,
            group: c,
            window: self.window.clone(),
        })
    }

    fn area(&self) -> usize {
        self.window.kernel[0] * self.window.kernel[1]
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 1)?;
        let g = self.geometry(&ins[0].shape)?;
        let mut taps = vec![];
        let inv = 1.0 / self.area() as f64;
        let out = (0..g.out_len())
            .map(|o| {
                g.taps(o, &mut taps);
                taps.iter().map(|&(xi, _)| ins[0].data[xi]).sum::<f64>() * inv
            })
            .collect();
        let mut shape = g.out_shape();
        if ins[0].shape.len() == 3 {
            shape.remove(2); // [N, C, 1, L'] → [N, C, L']
        }
        Ok(Tensor::new(shape, out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        _out: &[usize],
    ) -> Result<QOp, QuantError> {
        let g = self
            .geometry(ins[0].shape())
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let slot = match ins[0] {
            Operand::Act { slot, .. } => slot,
            Operand::Const(_) => return Err(QuantError::Internal("pool of a constant".into())),
        };
        let coef = quantize_value(1.0 / self.area() as f64, ctx.param_scale)
            .ok_or_else(|| QuantError::Internal("pool coefficient".into()))?;
        let _ = self.count_include_pad;
        Ok(QOp::Dot(Box::new(Dot {
            divisor: None,
            rescale: ctx.param_scale,
            kind: DotKind::Conv(QConv {
                geo: g,
                x: slot,
                weight: WSrc::Coef(coef),
                bias: None,
            }),
        })))
    }
}

/// ONNX ConvTranspose (2-D): a convolution of the input spread by the strides (zeros between
/// elements, zero padding around, or cropping where `pads` exceed the kernel), with the kernel
/// flipped and its channel axes swapped. The spreading is copies of the input and of the zero
/// cell only; the convolution is the Conv `Dot`.
#[derive(Clone, Debug)]
pub struct ConvTranspose {
    pub kernel: [usize; 2],
    pub strides: [usize; 2],
    /// top, left, bottom, right
    pub pads: [usize; 4],
    pub dilations: [usize; 2],
    pub output_padding: [usize; 2],
    pub group: usize,
}

impl ConvTranspose {
    pub fn build(a: &Attrs, shapes: &[Option<&[usize]>]) -> Result<Self, OpError> {
        let (x, w) = conv_shapes(a, shapes, "transposed convolutions", false)?;
        let group = a.int("group", 1).max(1) as usize;
        if w[0] != x[1] || !x[1].is_multiple_of(group) {
            return Err(OpError::Shape(format!(
                "weight {w:?} does not fit input {x:?} with group {group}"
            )));
        }
        let two = |name: &str, default: usize, min: i64| -> Result<[usize; 2], OpError> {
            match a.ints(name) {
                None => Ok([default, default]),
                Some(v) if v.len() == 2 && v.iter().all(|&x| x >= min) => {
                    Ok([v[0] as usize, v[1] as usize])
                }
                Some(v) => Err(OpError::Attribute {
                    name: name.into(),
                    msg: format!("{v:?}: expected two values ≥ {min} (2-D only)"),
                }),
            }
        };
        let strides = two("strides", 1, 1)?;
        let dilations = two("dilations", 1, 1)?;
        let output_padding = two("output_padding", 0, 0)?;
        if a.has("output_shape") {
            return Err(OpError::Attribute {
                name: "output_shape".into(),
                msg: "not supported: give `pads` (and `output_padding`) instead".into(),
            });
        }
        a.string_in("auto_pad", "NOTSET", &["NOTSET", "VALID"])?;
        let pads = match a.ints("pads") {
            None => [0; 4],
            Some(v) if v.len() == 4 && v.iter().all(|&x| x >= 0) => {
                [v[0] as usize, v[1] as usize, v[2] as usize, v[3] as usize]
            }
            Some(v) => {
                return Err(OpError::Attribute {
                    name: "pads".into(),
                    msg: format!("{v:?}: expected four non-negative values"),
                })
            }
        };
        let t = ConvTranspose {
            kernel: [w[2], w[3]],
            strides,
            pads,
            dilations,
            output_padding,
            group,
        };
        t.out_hw(x[2], x[3])?;
        Ok(t)
    }

    fn out_hw(&self, h: usize, w: usize) -> Result<[usize; 2], OpError> {
        let mut o = [0; 2];
        for (ax, len) in [h, w].into_iter().enumerate() {
            let full = self.strides[ax] * (len.max(1) - 1)
                + self.output_padding[ax]
                + (self.kernel[ax] - 1) * self.dilations[ax]
                + 1;
            let crop = self.pads[ax] + self.pads[ax + 2];
            if full <= crop {
                return Err(OpError::Shape(format!(
                    "pads {:?} leave no output of a {h}x{w} input",
                    self.pads
                )));
            }
            o[ax] = full - crop;
        }
        Ok(o)
    }

    /// Float semantics, by its definition: every input element scatters `x · W` onto the output.
    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 2)?;
        let [n, c, h, wd] = nchw(&ins[0].shape)?;
        let wt = ins[1];
        let mg = wt.shape[1];
        let m = mg * self.group;
        let cg = c / self.group;
        let [oh, ow] = self.out_hw(h, wd)?;
        let [kh, kw] = self.kernel;
        let mut out = vec![0.0; n * m * oh * ow];
        for b in 0..n {
            for ci in 0..c {
                let g = ci / cg;
                for iy in 0..h {
                    for ix in 0..wd {
                        let xv = ins[0].data[((b * c + ci) * h + iy) * wd + ix];
                        for mi in 0..mg {
                            let mo = g * mg + mi;
                            for ky in 0..kh {
                                let oy = (iy * self.strides[0] + ky * self.dilations[0]) as isize
                                    - self.pads[0] as isize;
                                if oy < 0 || oy >= oh as isize {
                                    continue;
                                }
                                for kx in 0..kw {
                                    let ox = (ix * self.strides[1] + kx * self.dilations[1])
                                        as isize
                                        - self.pads[1] as isize;
                                    if ox < 0 || ox >= ow as isize {
                                        continue;
                                    }
                                    let wv = wt.data[((ci * mg + mi) * kh + ky) * kw + kx];
                                    out[((b * m + mo) * oh + oy as usize) * ow + ox as usize] +=
                                        xv * wv;
                                }
                            }
                        }
                    }
                }
            }
        }
        if let Some(bias) = ins.get(2) {
            if bias.data.len() != m {
                return Err(OpError::Shape(format!(
                    "bias has {} values, expected {m}",
                    bias.data.len()
                )));
            }
            for (o, v) in out.iter_mut().enumerate() {
                *v += bias.data[(o / (oh * ow)) % m];
            }
        }
        Ok(Tensor::new(vec![n, m, oh, ow], out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out: &[usize],
    ) -> Result<crate::quant::Lowered, QuantError> {
        use crate::ops::shape::ZERO_SLOT;
        let (x, wt) = match (ins.first(), ins.get(1)) {
            (Some(Operand::Act { shape, .. }), Some(Operand::Const(w))) => (shape.to_vec(), *w),
            _ => {
                return Err(QuantError::Unsupported(
                    "ConvTranspose needs an activation input and constant weights".into(),
                ))
            }
        };
        let [n, c, h, wd] = nchw(&x).map_err(|e| QuantError::Internal(e.to_string()))?;
        let [kh, kw] = self.kernel;
        // the spread input: element (iy, ix) at (iy·s + lead, ix·s + lead); lead =
        // d·(k − 1) − pad_begin (negative: cropped)
        let lead = |ax: usize| {
            ((self.kernel[ax] - 1) * self.dilations[ax]) as isize - self.pads[ax] as isize
        };
        let eff = |ax: usize| (self.kernel[ax] - 1) * self.dilations[ax];
        let (oh, ow) = (out[2], out[3]);
        let (sh, sw) = (oh + eff(0), ow + eff(1));
        let mut map = Vec::with_capacity(n * c * sh * sw);
        for b in 0..n {
            for ci in 0..c {
                for y in 0..sh {
                    for xx in 0..sw {
                        let (dy, dx) = (y as isize - lead(0), xx as isize - lead(1));
                        let (st0, st1) = (self.strides[0] as isize, self.strides[1] as isize);
                        let hit = dy >= 0
                            && dx >= 0
                            && dy % st0 == 0
                            && dx % st1 == 0
                            && dy / st0 < h as isize
                            && dx / st1 < wd as isize;
                        map.push(if hit {
                            let (iy, ix) = ((dy / st0) as usize, (dx / st1) as usize);
                            (0, (((b * c + ci) * h + iy) * wd + ix) as u32)
                        } else {
                            (ZERO_SLOT, 0)
                        });
                    }
                }
            }
        }
        let spread_shape = vec![n, c, sh, sw];
        // the kernel flipped, channels swapped: W'[g·Mg + mi, ci, ky, kx] = W[g·Cg + ci, mi, kh−1−ky, kw−1−kx]
        let mg = wt.shape[1];
        let cg = c / self.group;
        let m = mg * self.group;
        let mut flipped = vec![0.0; m * cg * kh * kw];
        for g in 0..self.group {
            for ci in 0..cg {
                for mi in 0..mg {
                    for ky in 0..kh {
                        for kx in 0..kw {
                            let src = (((g * cg + ci) * mg + mi) * kh + (kh - 1 - ky)) * kw
                                + (kw - 1 - kx);
                            let dst = (((g * mg + mi) * cg + ci) * kh + ky) * kw + kx;
                            flipped[dst] = wt.data[src];
                        }
                    }
                }
            }
        }
        let flipped = Tensor::new(vec![m, cg, kh, kw], flipped);
        let conv = Conv {
            window: Window {
                kernel: self.kernel,
                strides: [1, 1],
                pads: [0; 4],
                dilations: self.dilations,
            },
            group: self.group,
        };
        let mut operands = vec![
            Operand::Act {
                slot: 0,
                shape: &spread_shape,
            },
            Operand::Const(&flipped),
        ];
        if let Some(b) = ins.get(2) {
            operands.push(*b);
        }
        let q = conv.lower(ctx, &operands, out)?;
        let mut lw = crate::quant::Lowered::default();
        let spread = lw.push(
            QOp::Gather(map),
            vec![crate::quant::Src::In(0)],
            spread_shape.clone(),
        );
        lw.push(q, vec![spread], out.to_vec());
        Ok(lw)
    }
}

/// `[N, C, H, W]`, with a 1-D `[N, C, L]` read as `[N, C, 1, L]`.
pub(crate) fn as_nchw(s: &[usize]) -> Result<[usize; 4], OpError> {
    match s {
        [n, c, l] => Ok([*n, *c, 1, *l]),
        [n, c, h, w] => Ok([*n, *c, *h, *w]),
        _ => Err(OpError::Shape(format!(
            "expected an NCHW (4-D) or NCL (3-D) input, got {s:?}"
        ))),
    }
}
