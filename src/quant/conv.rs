//! The quantized convolution: its geometry (shared with the float semantics in `ops/conv.rs`)
//! and its product terms.

use serde::{Deserialize, Serialize};

use super::{ElemPart, Term, TermA, TermB};

/// Geometry of a 2-D window op.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Window {
    pub kernel: [usize; 2],
    pub strides: [usize; 2],
    /// top, left, bottom, right
    pub pads: [usize; 4],
    pub dilations: [usize; 2],
}

impl Window {
    /// Input position read by output `(oy, ox)` at kernel offset `(ky, kx)`, if not padding.
    pub(crate) fn at(
        &self,
        oy: usize,
        ox: usize,
        ky: usize,
        kx: usize,
        h: usize,
        w: usize,
    ) -> Option<(usize, usize)> {
        let iy = (oy * self.strides[0] + ky * self.dilations[0]) as isize - self.pads[0] as isize;
        let ix = (ox * self.strides[1] + kx * self.dilations[1]) as isize - self.pads[1] as isize;
        if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
            None
        } else {
            Some((iy as usize, ix as usize))
        }
    }
}

/// The shape of a convolution, shared by float and quantized evaluation.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Geometry {
    pub n: usize,
    pub c: usize,
    pub h: usize,
    pub w: usize,
    pub m: usize,
    pub oh: usize,
    pub ow: usize,
    pub group: usize,
    pub window: Window,
}

impl Geometry {
    pub fn out_len(&self) -> usize {
        self.n * self.m * self.oh * self.ow
    }

    pub fn out_shape(&self) -> Vec<usize> {
        vec![self.n, self.m, self.oh, self.ow]
    }

    /// (input index, weight index) pairs that output `o` sums over (padding skipped).
    pub fn taps(&self, o: usize, taps: &mut Vec<(usize, usize)>) {
        taps.clear();
        let (ox, oy) = (o % self.ow, (o / self.ow) % self.oh);
        let (mo, b) = (
            (o / (self.ow * self.oh)) % self.m,
            o / (self.ow * self.oh * self.m),
        );
        let cg = self.c / self.group;
        let g = mo / (self.m / self.group);
        let [kh, kw] = self.window.kernel;
        for ci in 0..cg {
            let c = g * cg + ci;
            for ky in 0..kh {
                for kx in 0..kw {
                    if let Some((iy, ix)) = self.window.at(oy, ox, ky, kx, self.h, self.w) {
                        let xi = ((b * self.c + c) * self.h + iy) * self.w + ix;
                        let wi = ((mo * cg + ci) * kh + ky) * kw + kx;
                        taps.push((xi, wi));
                    }
                }
            }
        }
    }
}

/// Convolution weights: a parameter tensor, or one coefficient for every tap (pooling).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum WSrc {
    Param(usize),
    Coef(i64),
}

/// Quantized convolution.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QConv {
    pub geo: Geometry,
    pub x: usize,
    pub weight: WSrc,
    pub bias: Option<ElemPart>,
}

impl QConv {
    pub fn out_len(&self) -> usize {
        self.geo.out_len()
    }

    pub fn terms(&self, out: usize, terms: &mut Vec<Term>) {
        let mut taps = vec![];
        self.geo.taps(out, &mut taps);
        for (xi, wi) in taps {
            let b = match self.weight {
                WSrc::Param(id) => TermB::Param { id, idx: wi },
                WSrc::Coef(c) => TermB::Coef(c),
            };
            terms.push(Term(
                TermA::Act {
                    slot: self.x,
                    idx: xi,
                },
                b,
            ));
        }
        if let Some(p) = &self.bias {
            terms.push(p.term(out));
        }
    }
}
