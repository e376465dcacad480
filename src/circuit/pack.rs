//! The pack lane: range-checks quantized values and packs them into field elements for the
//! Poseidon sponge ([`crate::commitment`] defines the packing), one or two values per row (the
//! chip's shape, `settings::CommitShape`).
//!
//! Columns: `v_0` and, with two slots, `v_1` (the values, copy-constrained to the cells the
//! model uses), `K` digits each `d_{j,0..K−1}` of `B = 2^digit_bits` (advice, each looked up
//! in the digit table), `acc` (advice, the packed element so far). With `W = K·digit_bits`,
//! `off = 2^(W−1)` and the limbs `l_j = v_j + off`:
//! - `pack limb`: `q_limb_j · (v_j + off − Σ_i d_{j,i}·B^i) = 0`: with the lookups
//!   (`pack digit {j·K + i}`), `l_j ∈ [0, 2^W)` exactly, i.e. `v_j ∈ [−2^(W−1), 2^(W−1))`
//! - `pack first`: a chunk's first row: `q_first1 · (acc − l_0)` (one value on the row) and
//!   `q_first2 · (acc − l_0·2^W − l_1)` (two)
//! - `pack next`: `q_next1 · (acc − acc_prev·2^W − l_0)` and
//!   `q_next2 · (acc − acc_prev·2^(2W) − l_0·2^W − l_1)`
//!
//! With one slot only the gates for one value exist. A chunk (the `P` values of one element)
//! takes `⌈m/S⌉` rows at `S` slots; its last `acc` is the element the sponge absorbs. An unused
//! second slot holds `−off` (limb and digits 0) and is not range-checked.

use halo2_proofs::circuit::{Cell, Region, Value};
use halo2_proofs::plonk::{
    Advice, Column, ConstraintSystem, Error, Expression, Selector, TableColumn, VirtualCells,
};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;
use halo2curves::ff::Field;

use crate::commitment;
use crate::felt;

#[derive(Clone, Debug)]
pub struct PackConfig {
    /// the values of a row (1 or 2 slots)
    pub v: Vec<Column<Advice>>,
    /// digits, slot-major: `d[j·K + i]` is digit `i` of slot `j`
    pub d: Vec<Column<Advice>>,
    pub acc: Column<Advice>,
    /// per slot: its value is range-checked
    pub q_limb: Vec<Selector>,
    /// by the number of values on the row, minus one
    pub q_first: Vec<Selector>,
    pub q_next: Vec<Selector>,
    pub digits: usize,
    pub digit_bits: u32,
}

/// The lane's advice columns.
pub struct PackColumns {
    /// a column per slot
    pub v: Vec<Column<Advice>>,
    /// the digits, slot-major
    pub d: Vec<Column<Advice>>,
    pub acc: Column<Advice>,
}

/// One value to pack: its integer (absent at key generation) and the model's cell it must equal
/// (`None`: a value no step reads, e.g. an unused parameter).
#[derive(Clone, Copy, Debug)]
pub struct PackValue {
    pub value: Option<i64>,
    pub src: Option<Cell>,
}

/// Rows the lane takes for `n` values at `limb_bits`, `slots` values per row.
pub fn rows(n: usize, limb_bits: u32, slots: usize) -> usize {
    let p = commitment::per_element(limb_bits);
    (n / p) * p.div_ceil(slots) + (n % p).div_ceil(slots)
}

/// A packed element: its value (with a witness) and its cell.
pub type Packed = (Option<Fr>, Cell);

impl PackConfig {
    pub fn limb_bits(&self) -> u32 {
        self.digits as u32 * self.digit_bits
    }

    /// The lane with `slots` (1 or 2) values per row of `digits` digits each, in columns of its
    /// own.
    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        t_digit: TableColumn,
        digits: usize,
        digit_bits: u32,
        slots: usize,
    ) -> Self {
        let cols = PackColumns {
            v: (0..slots).map(|_| meta.advice_column()).collect(),
            d: (0..slots * digits).map(|_| meta.advice_column()).collect(),
            acc: meta.advice_column(),
        };
        Self::configure_in(meta, t_digit, digit_bits, cols)
    }

    /// The lane in columns it is given (other chips may use them on other rows: every gate and
    /// lookup here holds only where the lane's selectors are enabled): `cols.v.len()` slots of
    /// `cols.d.len() / cols.v.len()` digits each. The values' and accumulator's columns get
    /// equality.
    pub fn configure_in(
        meta: &mut ConstraintSystem<Fr>,
        t_digit: TableColumn,
        digit_bits: u32,
        cols: PackColumns,
    ) -> Self {
        let PackColumns { v, d, acc } = cols;
        let slots = v.len();
        assert!((1..=2).contains(&slots), "pack: 1 or 2 slots");
        assert!(
            !d.is_empty() && d.len() % slots == 0,
            "pack: digits per slot"
        );
        let digits = d.len() / slots;
        for c in v.iter().chain([&acc]) {
            meta.enable_equality(*c);
        }
        let cfg = PackConfig {
            v,
            d,
            acc,
            q_limb: (0..slots).map(|_| meta.complex_selector()).collect(),
            q_first: (0..slots).map(|_| meta.selector()).collect(),
            q_next: (0..slots).map(|_| meta.selector()).collect(),
            digits,
            digit_bits,
        };
        let w = cfg.limb_bits();
        let k = |x: i128| Expression::Constant(felt::from_i128(x));
        let off = k(1i128 << (w - 1));
        let c = cfg.clone();
        let o = off.clone();
        meta.create_gate("pack limb", move |meta| {
            (0..slots)
                .map(|j| {
                    let q = meta.query_selector(c.q_limb[j]);
                    let v = meta.query_advice(c.v[j], Rotation::cur());
                    let sum = (0..c.digits)
                        .map(|i| {
                            meta.query_advice(c.d[j * c.digits + i], Rotation::cur())
                                * k(1i128 << (i as u32 * c.digit_bits))
                        })
                        .reduce(|a, b| a + b)
                        .expect("at least one digit");
                    q * (v + o.clone() - sum)
                })
                .collect::<Vec<_>>()
        });
        // the first `n` limbs of the row, first highest: Σ_{j<n} l_j·2^(W·(n−1−j))
        let packed = move |meta: &mut VirtualCells<'_, Fr>, c: &PackConfig, n: usize| {
            (0..n)
                .map(|j| {
                    (meta.query_advice(c.v[j], Rotation::cur()) + off.clone())
                        * pow2(w as u64 * (n - 1 - j) as u64)
                })
                .reduce(|a, b| a + b)
                .expect("n ≥ 1")
        };
        let (c, pk) = (cfg.clone(), packed.clone());
        meta.create_gate("pack first", move |meta| {
            let acc = meta.query_advice(c.acc, Rotation::cur());
            (1..=slots)
                .map(|n| {
                    let q = meta.query_selector(c.q_first[n - 1]);
                    q * (acc.clone() - pk(meta, &c, n))
                })
                .collect::<Vec<_>>()
        });
        let c = cfg.clone();
        meta.create_gate("pack next", move |meta| {
            let acc = meta.query_advice(c.acc, Rotation::cur());
            let prev = meta.query_advice(c.acc, Rotation::prev());
            (1..=slots)
                .map(|n| {
                    let q = meta.query_selector(c.q_next[n - 1]);
                    let shift = pow2(w as u64 * n as u64);
                    q * (acc.clone() - prev.clone() * shift - packed(meta, &c, n))
                })
                .collect::<Vec<_>>()
        });
        for (n, &col) in cfg.d.iter().enumerate() {
            let sel = cfg.q_limb[n / digits];
            meta.lookup(format!("pack digit {n}"), |meta| {
                let q = meta.query_selector(sel);
                let d = meta.query_advice(col, Rotation::cur());
                vec![(q * d, t_digit)]
            });
        }
        cfg
    }

    /// Assign `values` from `row0`, a slot each; returns each packed element (value, cell).
    pub fn assign(
        &self,
        region: &mut Region<'_, Fr>,
        row0: usize,
        values: &[PackValue],
    ) -> Result<(Vec<Packed>, usize), Error> {
        let w = self.limb_bits();
        let per = commitment::per_element(w);
        let b = 1i128 << self.digit_bits;
        let off = 1i128 << (w - 1);
        let shift = Fr::from(2).pow([u64::from(w)]);
        let mut out = vec![];
        let mut row = row0;
        for chunk in values.chunks(per) {
            let mut acc: Option<Fr> = Some(Fr::zero());
            let mut last = None;
            let slots = self.v.len();
            for (r, pair) in chunk.chunks(slots).enumerate() {
                let slot = pair.len() - 1;
                if r == 0 {
                    self.q_first[slot].enable(region, row)?;
                } else {
                    self.q_next[slot].enable(region, row)?;
                }
                for j in 0..slots {
                    let pv = pair.get(j).copied();
                    let value = match pv {
                        Some(pv) => {
                            self.q_limb[j].enable(region, row)?;
                            pv.value
                        }
                        None => Some(-off as i64), // an unused slot: v = −off, limb 0, digits 0
                    };
                    let cell = region.assign_advice(self.v[j], row, opt_i(value)).cell();
                    if let Some(src) = pv.and_then(|p| p.src) {
                        region.constrain_equal(cell, src);
                    }
                    // digits of v + off; the top digit takes what is left, so a value outside
                    // the range (never in an honest witness) shows in it and fails the lookup
                    let mut rest = value.map(|v| v as i128 + off);
                    for i in 0..self.digits {
                        let top = i + 1 == self.digits;
                        let dv = rest.map(|x| if top { x } else { x.rem_euclid(b) });
                        rest = rest.map(|x| x.div_euclid(b));
                        region.assign_advice(
                            self.d[j * self.digits + i],
                            row,
                            dv.map_or(Value::unknown(), |d| Value::known(felt::from_i128(d))),
                        );
                    }
                    if let (Some(a), Some(v)) = (acc, pv.map(|p| p.value)) {
                        acc = v.map(|v| a * shift + felt::from_i128(v as i128 + off));
                    } else if pv.is_some() {
                        acc = None;
                    }
                }
                last = Some(
                    region
                        .assign_advice(self.acc, row, acc.map_or(Value::unknown(), Value::known))
                        .cell(),
                );
                row += 1;
            }
            out.push((acc, last.ok_or(Error::Synthesis)?));
        }
        Ok((out, row - row0))
    }
}

/// `2^bits` in the field (bits up to `2·MAX_LIMB_BITS`).
fn pow2(bits: u64) -> Expression<Fr> {
    Expression::Constant(Fr::from(2).pow([bits]))
}

fn opt_i(v: Option<i64>) -> Value<Fr> {
    v.map_or(Value::unknown(), |v| Value::known(felt::from_i64(v)))
}
