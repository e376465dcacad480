//! The quantized matrix product and its product terms.

use serde::{Deserialize, Serialize};

use super::{ElemPart, Term, TermA, TermB};

/// A factor of a quantized matrix product: an activation or a parameter, addressed as
/// `offs[batch] + row·rs + col·cs`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct MatSrc {
    pub act: bool,
    /// Activation slot or parameter id.
    pub id: usize,
    pub offs: Vec<u32>,
    pub rs: u32,
    pub cs: u32,
}

impl MatSrc {
    fn idx(&self, b: usize, r: usize, c: usize) -> usize {
        self.offs[b] as usize + r * self.rs as usize + c * self.cs as usize
    }
}

/// Quantized matrix product: `out[b,i,j] = Σ_k a[b,i,k]·b[b,k,j] (+ bias)`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QMatMul {
    pub batch: usize,
    pub m: usize,
    pub k: usize,
    pub n: usize,
    pub a: MatSrc,
    pub b: MatSrc,
    pub bias: Option<ElemPart>,
}

impl QMatMul {
    pub fn out_len(&self) -> usize {
        self.batch * self.m * self.n
    }

    pub fn terms(&self, out: usize, terms: &mut Vec<Term>) {
        let (bi, i, j) = (
            out / (self.m * self.n),
            (out / self.n) % self.m,
            out % self.n,
        );
        for kk in 0..self.k {
            let ai = self.a.idx(bi, i, kk);
            let bj = self.b.idx(bi, kk, j);
            // the activation always sits on the left (the circuit's copy-constrained lane)
            let t = match (self.a.act, self.b.act) {
                (true, true) => Term(
                    TermA::Act {
                        slot: self.a.id,
                        idx: ai,
                    },
                    TermB::Act {
                        slot: self.b.id,
                        idx: bj,
                    },
                ),
                (true, false) => Term(
                    TermA::Act {
                        slot: self.a.id,
                        idx: ai,
                    },
                    TermB::Param {
                        id: self.b.id,
                        idx: bj,
                    },
                ),
                (false, _) => Term(
                    TermA::Act {
                        slot: self.b.id,
                        idx: bj,
                    },
                    TermB::Param {
                        id: self.a.id,
                        idx: ai,
                    },
                ),
            };
            terms.push(t);
        }
        if let Some(p) = &self.bias {
            terms.push(p.term(out));
        }
    }
}
