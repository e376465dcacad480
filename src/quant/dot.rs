//! The `Dot` primitive: each output element is a sum of products `Σ a·b`, rescaled by `2^d`
//! with rounding. Op families (Gemm/MatMul, Conv, element-wise arithmetic, normalization)
//! describe their terms here; the circuit's dot chip constrains them.

use serde::{Deserialize, Serialize};

use super::conv::QConv;
use super::matmul::QMatMul;
use super::QParam;

/// Left factor of a product: an activation element or the constant one (for biases).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermA {
    Act { slot: usize, idx: usize },
    One,
}

/// Right factor: an activation, a parameter element, or a coefficient baked into the circuit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TermB {
    Act { slot: usize, idx: usize },
    Param { id: usize, idx: usize },
    Coef(i64),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term(pub TermA, pub TermB);

/// Where the left factor of an element-wise part comes from (with a broadcast index map).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum ASrc {
    Act { slot: usize, map: Vec<u32> },
    One,
}

/// Where the right factor of an element-wise part comes from.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum BSrc {
    Act {
        slot: usize,
        map: Vec<u32>,
    },
    Param {
        id: usize,
        map: Vec<u32>,
    },
    Coef(i64),
    /// A coefficient per output element, baked into the circuit like `Coef` (structural
    /// constants such as ArgMax's positions: never a parameter, which `private` would free)
    Consts(Vec<i64>),
}

/// One product term of an element-wise combination: output `i` gets `a[i] * b[i]`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct ElemPart {
    pub a: ASrc,
    pub b: BSrc,
}

impl ElemPart {
    pub fn term(&self, i: usize) -> Term {
        let a = match &self.a {
            ASrc::Act { slot, map } => TermA::Act {
                slot: *slot,
                idx: map[i] as usize,
            },
            ASrc::One => TermA::One,
        };
        let b = match &self.b {
            BSrc::Act { slot, map } => TermB::Act {
                slot: *slot,
                idx: map[i] as usize,
            },
            BSrc::Param { id, map } => TermB::Param {
                id: *id,
                idx: map[i] as usize,
            },
            BSrc::Coef(c) => TermB::Coef(*c),
            BSrc::Consts(v) => TermB::Coef(v[i]),
        };
        Term(a, b)
    }
}

/// The shapes of sum-of-products an op family can lower to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub enum DotKind {
    MatMul(QMatMul),
    Conv(QConv),
    /// `out[i] = Σ_parts a[i]·b[i]` (Add, Sub, Mul, Div by a constant, BatchNorm, ...).
    Elementwise {
        len: usize,
        parts: Vec<ElemPart>,
    },
}

/// A sum of products per output element, then `y = floor((acc + ⌊D/2⌋) / D)`: a rounded
/// division by `D = 2^rescale`, or by `D = divisor` when set (ReduceMean's `n`, any constant
/// `≥ 1`; the rescale gate takes any `D` its remainder check covers).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Dot {
    pub rescale: u32,
    pub kind: DotKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub divisor: Option<u64>,
}

impl Dot {
    /// `D`.
    pub fn div(&self) -> i128 {
        match self.divisor {
            Some(d) => d as i128,
            None => 1i128 << self.rescale.min(120),
        }
    }

    /// `log2(D)` rounded up: the bits the remainder spans.
    pub fn div_bits(&self) -> u32 {
        match self.divisor {
            Some(d) => 64 - d.saturating_sub(1).leading_zeros(),
            None => self.rescale,
        }
    }

    pub fn out_len(&self) -> usize {
        match &self.kind {
            DotKind::MatMul(m) => m.out_len(),
            DotKind::Conv(c) => c.out_len(),
            DotKind::Elementwise { len, .. } => *len,
        }
    }

    /// The terms of output element `out` (appended to `terms`, which is cleared first).
    pub fn terms(&self, out: usize, terms: &mut Vec<Term>) {
        terms.clear();
        match &self.kind {
            DotKind::MatMul(m) => m.terms(out, terms),
            DotKind::Conv(c) => c.terms(out, terms),
            DotKind::Elementwise { parts, .. } => terms.extend(parts.iter().map(|p| p.term(out))),
        }
    }

    /// Integer semantics of one output: the accumulator and the rescaled value.
    pub fn eval_one(&self, terms: &[Term], ins: &[&[i64]], params: &[QParam]) -> (i128, i128) {
        let acc: i128 = terms
            .iter()
            .map(|t| term_a(t.0, ins) * term_b(t.1, ins, params))
            .sum();
        (acc, round_div(acc, self.div()))
    }
}

pub fn term_a(a: TermA, ins: &[&[i64]]) -> i128 {
    match a {
        TermA::Act { slot, idx } => ins[slot][idx] as i128,
        TermA::One => 1,
    }
}

pub fn term_b(b: TermB, ins: &[&[i64]], params: &[QParam]) -> i128 {
    match b {
        TermB::Act { slot, idx } => ins[slot][idx] as i128,
        TermB::Param { id, idx } => params[id].values[idx] as i128,
        TermB::Coef(c) => c as i128,
    }
}

/// Rounded division by `2^d` (round half up): `floor((acc + 2^(d-1)) / 2^d)`.
#[cfg(test)]
fn rescale(acc: i128, d: u32) -> i128 {
    round_div(acc, 1i128 << d)
}

/// Rounded division by `div ≥ 1` (round half up): `floor((acc + ⌊div/2⌋) / div)`.
pub fn round_div(acc: i128, div: i128) -> i128 {
    (acc + div / 2).div_euclid(div)
}

impl ElemPart {
    fn map_len_ok(&self, len: usize) -> bool {
        let ok = |m: &Vec<u32>| m.len() >= len;
        (match &self.a {
            ASrc::Act { map, .. } => ok(map),
            ASrc::One => true,
        }) && (match &self.b {
            BSrc::Act { map, .. } | BSrc::Param { map, .. } => ok(map),
            BSrc::Consts(v) => v.len() >= len,
            BSrc::Coef(_) => true,
        })
    }
}

impl Dot {
    /// [`Dot::terms`] on an untrusted (deserialized) op: checks every index against the input
    /// lengths `lens` and the parameters instead of panicking.
    pub fn terms_checked(
        &self,
        out: usize,
        terms: &mut Vec<Term>,
        lens: &[usize],
        params: &[QParam],
    ) -> Result<(), String> {
        let n = self.out_len();
        let structural = match &self.kind {
            DotKind::MatMul(m) => {
                m.a.offs.len() >= m.batch
                    && m.b.offs.len() >= m.batch
                    && m.bias.as_ref().is_none_or(|p| p.map_len_ok(n))
            }
            DotKind::Conv(c) => {
                let g = &c.geo;
                g.ow > 0
                    && g.oh > 0
                    && g.m > 0
                    && g.group > 0
                    && g.m % g.group == 0
                    && g.c % g.group == 0
                    && c.bias.as_ref().is_none_or(|p| p.map_len_ok(n))
            }
            DotKind::Elementwise { len, parts } => parts.iter().all(|p| p.map_len_ok(*len)),
        };
        if !structural {
            return Err("malformed dot-product description".into());
        }
        self.terms(out, terms);
        for t in terms.iter() {
            let a_ok = match t.0 {
                TermA::Act { slot, idx } => slot < lens.len() && idx < lens[slot],
                TermA::One => true,
            };
            let b_ok = match t.1 {
                TermB::Act { slot, idx } => slot < lens.len() && idx < lens[slot],
                TermB::Param { id, idx } => id < params.len() && idx < params[id].values.len(),
                TermB::Coef(_) => true,
            };
            if !a_ok || !b_ok {
                return Err(format!("term index out of range at output {out}"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::rescale;

    #[test]
    fn rescale_rounds_half_up() {
        assert_eq!(rescale(5, 1), 3); // 2.5 -> 3
        assert_eq!(rescale(-5, 1), -2); // -2.5 -> -2
        assert_eq!(rescale(-6, 2), -1); // -1.5 -> -1
        assert_eq!(rescale(7, 0), 7);
        assert_eq!(rescale(383, 7), 3); // 2.99 -> 3
        assert_eq!(super::round_div(15, 10), 2); // 1.5 -> 2
        assert_eq!(super::round_div(-15, 10), -1); // -1.5 -> -1
        assert_eq!(super::round_div(14, 10), 1);
        assert_eq!(super::round_div(-16, 10), -2);
    }
}
