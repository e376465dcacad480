//! The division gadget: `y = round(n·2^k / d)` (half up) for two activations `n` and `d`,
//! one row per output (Softmax's normalisation).
//!
//! Row: `a_0 = n`, `b_0 = d` (both copies of the cells that produced them), `y`, `r`, the
//! fixed `div = 2^(k+1)`, and the digits of `r` and of `2d − 1 − r`. Gates:
//! - `div`: `q_div · (n·2^(k+1) + d − 2·y·d − r) = 0`
//! - `div remainder`: `q_div · (r − r_lo − B·r_hi) = 0`, `q_div · (2d − 1 − r − s_lo − B·s_hi) = 0`
//!
//! with the four digits looked up in `[0, B)` (the digit lookups' selector is `q_rem + q_div`)
//! and `y` range-checked like every value. Why this is exactly `y = ⌊(2^(k+1)n + d) / 2d⌋`:
//! the remainder gate makes `2d = 1 + r + s` with `r, s ∈ [0, B²)`, a small integer `t`.
//! If `d` were not itself that small integer's half (`d = (p + t)/2`, a huge field element),
//! the first gate would read `d = y·t + r − n·2^(k+1)`, whose right side is small (`y` is
//! range-checked, `n` is an activation or a table value below `2^63`): impossible. So `d` is
//! an integer in `[1, B²)`, `0 ≤ r < 2d`, and no term comes near the field's modulus. (The
//! trace refuses divisors outside `[1, H)` before proving.)

use halo2_proofs::circuit::Cell;
use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Error, Expression, Fixed, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

use super::range;
use super::rows::{at, Rows, Wires};
use crate::felt;

/// The division gadget's selector (its columns are the model's shared ones).
#[derive(Clone, Copy, Debug)]
pub struct DivConfig {
    pub q: Selector,
}

/// The shared columns the gadget reads.
#[derive(Clone, Debug)]
pub struct DivColumns {
    pub n: Column<Advice>,
    pub d: Column<Advice>,
    pub y: Column<Advice>,
    pub r: Column<Advice>,
    pub mult: Column<Fixed>,
    /// `r_lo, r_hi, s_lo, s_hi`
    pub digits: [Column<Advice>; 4],
    pub digit_bits: u32,
}

impl DivConfig {
    pub fn configure(meta: &mut ConstraintSystem<Fr>, c: &DivColumns) -> Self {
        let q = meta.complex_selector();
        meta.create_gate("div", |meta| {
            let s = meta.query_selector(q);
            let n = meta.query_advice(c.n, Rotation::cur());
            let d = meta.query_advice(c.d, Rotation::cur());
            let y = meta.query_advice(c.y, Rotation::cur());
            let r = meta.query_advice(c.r, Rotation::cur());
            let mult = meta.query_fixed(c.mult, Rotation::cur());
            let two = Expression::Constant(Fr::from(2u64));
            vec![s * (n * mult + d.clone() - two * y * d - r)]
        });
        meta.create_gate("div remainder", |meta| {
            let s = meta.query_selector(q);
            let d = meta.query_advice(c.d, Rotation::cur());
            let r = meta.query_advice(c.r, Rotation::cur());
            let base = Expression::Constant(Fr::from(1u64 << c.digit_bits));
            let dg = |meta: &mut halo2_proofs::plonk::VirtualCells<Fr>, i: usize| {
                meta.query_advice(c.digits[i], Rotation::cur())
            };
            let rv = dg(meta, 0) + base.clone() * dg(meta, 1);
            let sv = dg(meta, 2) + base * dg(meta, 3);
            let one = Expression::Constant(Fr::one());
            let two = Expression::Constant(Fr::from(2u64));
            vec![s.clone() * (r.clone() - rv), s * (two * d - one - r - sv)]
        });
        DivConfig { q }
    }
}

/// Rows: one per output element.
pub fn rows(outputs: usize) -> usize {
    outputs
}

/// The remainder cells of a row claiming `y`: `(r, 2d − 1 − r)`, both in `[0, B²)` exactly
/// when `y` is the rounded quotient.
pub fn remainders(n: i128, d: i128, y: i128, shift: u32) -> (i128, i128) {
    let r = (n << (shift + 1)) + d - 2 * y * d;
    (r, 2 * d - 1 - r)
}

/// The witness of one row: `(y, r, 2d − 1 − r)` for `n`, `d ≥ 1`.
pub fn witness(n: i128, d: i128, shift: u32) -> (i128, i128, i128) {
    let y = crate::quant::div_round(n, d, shift);
    let (r, s) = remainders(n, d, y, shift);
    (y, r, s)
}

/// `y_i = round(n_i·2^shift / d_{den[i]})`, one row per output; returns the `y` cells.
pub fn assign(
    rows: &mut Rows,
    shift: u32,
    den: &[u32],
    n: Wires,
    d: Wires,
    y: Option<&[i64]>,
) -> Result<Vec<Cell>, Error> {
    let cfg = rows.cfg;
    let mut out = Vec::with_capacity(den.len());
    for (i, &j) in den.iter().enumerate() {
        let j = j as usize;
        let row = rows.take_row();
        cfg.div_gadget.q.enable(rows.region, row)?;
        rows.copy_in(cfg.a[0], row, n, i);
        rows.copy_in(cfg.b[0], row, d, j);
        rows.region
            .assign_fixed(cfg.div, row, felt::from_i128(1i128 << (shift + 1)));
        let yi = at(y, i);
        out.push(rows.advice(cfg.y, row, yi.map(i128::from)));
        range::check_y(rows, row, yi, true)?;
        // r from the cells' own values (so a wrong y shows in the gates, not here)
        let rs = match (n.val(i), d.val(j), yi) {
            (Some(n), Some(d), Some(y)) => Some(remainders(n as i128, d as i128, y as i128, shift)),
            _ => None,
        };
        rows.advice(cfg.r, row, rs.map(|(r, _)| r));
        range::digits(rows, row, 2, rs.map(|(r, _)| r));
        range::digits(rows, row, 4, rs.map(|(_, s)| s));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    //! The production assignment over model inputs `n`, `d` (`H = 512`, digits of 5 bits:
    //! `B² = 1024`); each broken cell fails the constraint MockProver names.
    use super::super::rows::{Rows, Wires};
    use super::super::testing::{failures, params_h, Harness};
    use super::*;

    /// One row: `(n, d, k)` and which cell to overwrite after the production assignment: `y`,
    /// `r`, or a claimed `y` assigned from the start (the remainders then follow it).
    #[derive(Clone, Copy)]
    enum Break {
        None,
        Y(i128),
        R(i128),
        Claim(i128),
    }

    fn run(n: i64, d: i64, k: u32, brk: Break) -> Vec<String> {
        failures(Harness::new(params_h(1, 512), move |cfg, region| {
            let mut rows = Rows::new(cfg, region)?;
            let (ns, ds) = ([n], [d]);
            let nc = range::assign_inputs(&mut rows, 1, Some(&ns))?;
            let dc = range::assign_inputs(&mut rows, 1, Some(&ds))?;
            let y = match brk {
                Break::Claim(y) => y as i64,
                _ => witness(n as i128, d as i128, k).0 as i64,
            };
            let start = rows.row;
            let wires = |cells, vals| Wires {
                cells,
                vals: Some(vals),
            };
            assign(
                &mut rows,
                k,
                &[0],
                wires(&nc, &ns),
                wires(&dc, &ds),
                Some(&[y]),
            )?;
            assert_eq!(rows.row - start, super::rows(1), "rows used ≠ rows counted");
            match brk {
                Break::Y(v) => {
                    rows.advice(cfg.y, start, Some(v));
                }
                Break::R(v) => {
                    rows.advice(cfg.r, start, Some(v));
                }
                Break::None | Break::Claim(_) => {}
            }
            Ok(())
        }))
    }

    fn fails_with(errs: Vec<String>, name: &str) {
        assert!(
            errs.iter().any(|e| e.contains(&format!("('{name}')"))),
            "expected a failure naming `{name}`, got {errs:#?}"
        );
    }

    #[test]
    fn honest_rows_pass() {
        for (n, d, k) in [
            (128, 300, 7),
            (1, 3, 7),
            (0, 5, 7),
            (-77, 9, 3),
            (511, 511, 0),
        ] {
            let e = run(n, d, k, Break::None);
            assert!(e.is_empty(), "{n}/{d} << {k}: {e:?}");
        }
    }

    #[test]
    fn a_wrong_quotient_fails_the_div_gate() {
        let (y, _, _) = witness(128, 300, 7);
        fails_with(run(128, 300, 7, Break::Y(y + 1)), "div");
    }

    #[test]
    fn a_remainder_off_its_digits_fails_div_remainder() {
        let (_, r, _) = witness(100, 7, 3);
        fails_with(run(100, 7, 3, Break::R(r + 14)), "div remainder");
    }

    #[test]
    fn a_consistent_wrong_quotient_has_no_remainder_digits() {
        // y ± 1 with the remainders following: r < 0 or r ≥ 2d, whose digits are not in [0, B)
        let (y, _, _) = witness(128, 300, 7);
        for claim in [y + 1, y - 1] {
            let errs = run(128, 300, 7, Break::Claim(claim));
            assert!(errs.iter().any(|e| e.contains("Lookup digit")), "{errs:?}");
        }
    }

    #[test]
    fn a_zero_divisor_has_no_witness() {
        for y in -3..4 {
            assert!(!run(5, 0, 2, Break::Claim(y)).is_empty(), "d = 0, y = {y}");
        }
    }

    #[test]
    fn witness_is_the_rounded_quotient_with_a_remainder_below_2d() {
        // (the integer semantics the gates pin down)
        for n in -40i128..40 {
            for d in 1i128..12 {
                for k in [0u32, 3, 7] {
                    let (y, r, s) = witness(n, d, k);
                    let exact = (n as f64) * (1u64 << k) as f64 / d as f64;
                    assert_eq!(y, (exact + 0.5).floor() as i128, "n {n} d {d} k {k}");
                    assert!(r >= 0 && r < 2 * d && s >= 0, "n {n} d {d} k {k}: r {r}");
                }
            }
        }
    }
}
