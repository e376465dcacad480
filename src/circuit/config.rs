//! Columns, gates and lookups. A function of [`CircuitParams`] alone (derived from settings),
//! never of weights or tract, so a verifier can rebuild the constraint system from settings.
//!
//! Layout of one row (L = lanes):
//! ```text
//!  a_0..a_{L-1} | b_0..b_{L-1} | acc | y | r | y_lo y_hi r_lo r_hi s_lo s_hi
//!    || f_0..f_{L-1} m_0..m_{L-1} div half y_off const || selectors
//! ```
//! Gates (`B = 2^digit_bits`, the digit base):
//! - `dot_first`: `q_first · (acc − Σ a_j·b_j) = 0`
//! - `dot_next`:  `q_next · (acc − acc_prev − Σ a_j·b_j) = 0`
//! - `rescale`:   `q_rescale · (acc + half − y·div − r) = 0`, with `div = 2^d`, `half = ⌊div/2⌋`
//! - `relu`:      `q_relu · y·(y − a_0) = 0` and `q_relu · (r − (y − a_0)) = 0`
//! - `b_fixed_j`: `m_j · (b_j − f_j) = 0` (constants and fixed weights)
//! - `range y`:   `q_range · (y + y_off − y_lo − B·y_hi) = 0` with `y_hi < 2H/B` (an extra
//!   lookup of `y_hi + B − 2H/B` when `log2(2H)` is odd): `y ∈ [−y_off, 2H − y_off)` exactly
//!   (`y_off = H` for values, `0` for relu outputs, which must be non-negative)
//! - `remainder`: `q_rem · (r − r_lo − B·r_hi) = 0` and `q_rem · (div − 1 − r − s_lo − B·s_hi) = 0`:
//!   `0 ≤ r < div` (on rescale rows; on relu rows `div = B²`, so `0 ≤ y − x`)
//!
//! Lookups: each digit (`q · d` for its row selector) in the digit table `[0, B)`; per function
//! f: `(q_f, q_f·a_0, q_f·acc) ∈ {(0,0,0)} ∪ {(1, x, f_q(x)) : x ∈ [−H, H)}`.
//! All values stay far below the field's modulus (`B² ≤ 2^49`), so no relation wraps.

use halo2_proofs::plonk::{
    Advice, Column, ConstraintSystem, Expression, Fixed, Instance, Selector, TableColumn,
};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::commit::CommitConfig;
use super::div::{DivColumns, DivConfig};
use super::iszero::{IsZeroColumns, IsZeroConfig};

/// What the constraint system depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CircuitParams {
    /// Product lanes per row.
    pub lanes: usize,
    /// Lookup range `[-H, H)` (function tables; the offset of range checks).
    pub range_half: i64,
    /// Bits per range-check digit.
    pub digit_bits: u32,
    /// Number of function tables.
    pub num_funcs: usize,
    /// Digits per packed value of the commitment chip (0: no `hashed` visibility, no chip).
    pub commit_digits: usize,
}

#[derive(Clone, Debug)]
pub struct ModelConfig {
    pub a: Vec<Column<Advice>>,
    pub b: Vec<Column<Advice>>,
    pub acc: Column<Advice>,
    pub y: Column<Advice>,
    pub r: Column<Advice>,
    /// digits of `y + y_off`, of `r`, and of the slack `div − 1 − r`
    pub digits: [Column<Advice>; 6],
    pub f: Vec<Column<Fixed>>,
    pub m: Vec<Column<Fixed>>,
    pub div: Column<Fixed>,
    pub half: Column<Fixed>,
    pub y_off: Column<Fixed>,
    pub q_first: Selector,
    pub q_next: Selector,
    pub q_rescale: Selector,
    pub q_range: Selector,
    pub q_rem: Selector,
    pub q_relu: Selector,
    pub q_func: Vec<Selector>,
    /// the division gadget (`div.rs`)
    pub div_gadget: DivConfig,
    /// the is-zero gadget (`iszero.rs`)
    pub is_zero: IsZeroConfig,
    pub t_digit: TableColumn,
    /// (tag, x, f(x)) per function.
    pub t_func: Vec<[TableColumn; 3]>,
    pub instance: Column<Instance>,
    /// the commitment chip (pack lane + Poseidon sponge), when something is `hashed`
    pub commit: Option<CommitConfig>,
    pub params: CircuitParams,
}

impl ModelConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, params: CircuitParams) -> Self {
        let lanes = params.lanes.max(1);
        let a: Vec<_> = (0..lanes).map(|_| meta.advice_column()).collect();
        let b: Vec<_> = (0..lanes).map(|_| meta.advice_column()).collect();
        let acc = meta.advice_column();
        let y = meta.advice_column();
        let r = meta.advice_column();
        let digits = [(); 6].map(|_| meta.advice_column());
        for c in a.iter().chain(&b).chain([&acc, &y]) {
            meta.enable_equality(*c);
        }
        let instance = meta.instance_column();
        meta.enable_equality(instance);
        let f: Vec<_> = (0..lanes).map(|_| meta.fixed_column()).collect();
        let m: Vec<_> = (0..lanes).map(|_| meta.fixed_column()).collect();
        let div = meta.fixed_column();
        let half = meta.fixed_column();
        let y_off = meta.fixed_column();
        let constants = meta.fixed_column();
        meta.enable_constant(constants);

        let q_first = meta.selector();
        let q_next = meta.selector();
        let q_rescale = meta.complex_selector();
        let q_range = meta.complex_selector();
        let q_rem = meta.complex_selector();
        let q_relu = meta.selector();
        let q_func: Vec<_> = (0..params.num_funcs)
            .map(|_| meta.complex_selector())
            .collect();

        let products = |meta: &mut halo2_proofs::plonk::VirtualCells<Fr>| -> Expression<Fr> {
            (0..lanes)
                .map(|j| {
                    meta.query_advice(a[j], Rotation::cur())
                        * meta.query_advice(b[j], Rotation::cur())
                })
                .reduce(|x, y| x + y)
                .unwrap()
        };
        meta.create_gate("dot_first", |meta| {
            let q = meta.query_selector(q_first);
            let acc_cur = meta.query_advice(acc, Rotation::cur());
            vec![q * (acc_cur - products(meta))]
        });
        meta.create_gate("dot_next", |meta| {
            let q = meta.query_selector(q_next);
            let acc_cur = meta.query_advice(acc, Rotation::cur());
            let acc_prev = meta.query_advice(acc, Rotation::prev());
            vec![q * (acc_cur - acc_prev - products(meta))]
        });
        meta.create_gate("rescale", |meta| {
            let q = meta.query_selector(q_rescale);
            let acc = meta.query_advice(acc, Rotation::cur());
            let y = meta.query_advice(y, Rotation::cur());
            let r = meta.query_advice(r, Rotation::cur());
            let div = meta.query_fixed(div, Rotation::cur());
            let half = meta.query_fixed(half, Rotation::cur());
            vec![q * (acc + half - y * div - r)]
        });
        for j in 0..lanes {
            meta.create_gate("b_fixed", |meta| {
                let mj = meta.query_fixed(m[j], Rotation::cur());
                let fj = meta.query_fixed(f[j], Rotation::cur());
                let bj = meta.query_advice(b[j], Rotation::cur());
                vec![mj * (bj - fj)]
            });
        }

        meta.create_gate("relu", |meta| {
            let q = meta.query_selector(q_relu);
            let x = meta.query_advice(a[0], Rotation::cur());
            let y = meta.query_advice(y, Rotation::cur());
            let r = meta.query_advice(r, Rotation::cur());
            let diff = y.clone() - x;
            vec![q.clone() * y * diff.clone(), q * (r - diff)]
        });

        let base = Expression::Constant(Fr::from(1u64 << params.digit_bits));
        let digit = |meta: &mut halo2_proofs::plonk::VirtualCells<Fr>, i: usize| {
            meta.query_advice(digits[i], Rotation::cur())
        };
        meta.create_gate("range y", |meta| {
            let q = meta.query_selector(q_range);
            let y = meta.query_advice(y, Rotation::cur());
            let off = meta.query_fixed(y_off, Rotation::cur());
            let v = digit(meta, 0) + base.clone() * digit(meta, 1);
            vec![q * (y + off - v)]
        });
        meta.create_gate("remainder", |meta| {
            let q = meta.query_selector(q_rem);
            let r = meta.query_advice(r, Rotation::cur());
            let div = meta.query_fixed(div, Rotation::cur());
            let rv = digit(meta, 2) + base.clone() * digit(meta, 3);
            let sv = digit(meta, 4) + base.clone() * digit(meta, 5);
            let one = Expression::Constant(Fr::one());
            vec![q.clone() * (r.clone() - rv), q * (div - one - r - sv)]
        });
        let div_gadget = DivConfig::configure(
            meta,
            &DivColumns {
                n: a[0],
                d: b[0],
                y,
                r,
                mult: div,
                digits: [digits[2], digits[3], digits[4], digits[5]],
                digit_bits: params.digit_bits,
            },
        );
        let is_zero = IsZeroConfig::configure(
            meta,
            IsZeroColumns {
                x: a[0],
                w: b[0],
                z: y,
            },
        );
        let t_digit = meta.lookup_table_column();
        for (i, &col) in digits.iter().enumerate() {
            meta.lookup(format!("digit {i}"), |meta| {
                // remainder digits: of a rescale or relu row (q_rem) or a division row
                let q = if i < 2 {
                    meta.query_selector(q_range)
                } else {
                    meta.query_selector(q_rem) + meta.query_selector(div_gadget.q)
                };
                let d = meta.query_advice(col, Rotation::cur());
                vec![(q * d, t_digit)]
            });
        }
        // `y_hi < 2H/B`, so that `y + y_off ∈ [0, 2H)` exactly: needed when `log2(2H)` is odd
        // (then `B² = 4H`); with an even one `2H/B = B` and the digit lookup says it already
        let range_bits = (2 * params.range_half.max(1) as u64)
            .next_power_of_two()
            .trailing_zeros();
        let hi_bound = 1u64 << (range_bits - params.digit_bits.min(range_bits));
        if hi_bound < 1u64 << params.digit_bits {
            let shift = Expression::Constant(Fr::from((1u64 << params.digit_bits) - hi_bound));
            meta.lookup("digit 1 bound", |meta| {
                let q = meta.query_selector(q_range);
                let d = meta.query_advice(digits[1], Rotation::cur());
                vec![(q * (d + shift), t_digit)]
            });
        }
        let mut t_func = vec![];
        for (k, &qf) in q_func.iter().enumerate() {
            let cols = [
                meta.lookup_table_column(),
                meta.lookup_table_column(),
                meta.lookup_table_column(),
            ];
            meta.lookup(format!("function {k}"), |meta| {
                let q = meta.query_selector(qf);
                let x = meta.query_advice(a[0], Rotation::cur());
                let fx = meta.query_advice(acc, Rotation::cur());
                vec![
                    (q.clone(), cols[0]),
                    (q.clone() * x, cols[1]),
                    (q * fx, cols[2]),
                ]
            });
            t_func.push(cols);
        }
        let commit = (params.commit_digits > 0).then(|| {
            CommitConfig::configure(meta, t_digit, params.commit_digits, params.digit_bits)
        });
        ModelConfig {
            commit,
            a,
            b,
            acc,
            y,
            r,
            digits,
            f,
            m,
            div,
            half,
            y_off,
            q_first,
            q_next,
            q_rescale,
            q_range,
            q_rem,
            q_relu,
            q_func,
            div_gadget,
            is_zero,
            t_digit,
            t_func,
            instance,
            params: CircuitParams { lanes, ..params },
        }
    }
}
