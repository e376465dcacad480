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

use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Expression, Fixed, Selector};
use halo2_proofs::poly::Rotation;
use halo2curves::bn256::Fr;

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

#[cfg(test)]
mod tests {
    //! The gadget alone on its own columns (digit lookups wired as `ModelConfig` wires them):
    //! honest rows pass; each broken cell fails the constraint MockProver names.
    use super::*;
    use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
    use halo2_proofs::dev::{MockProver, VerifyFailure};
    use halo2_proofs::plonk::{Circuit, Error, TableColumn};

    const BITS: u32 = 5; // B = 32, B² = 1024

    /// One row: `(n, d, k)` and which cell to overwrite: `y`, `r`, or every cell from a
    /// claimed `y` (the remainders then follow it).
    #[derive(Clone, Copy)]
    enum Break {
        None,
        Y(i128),
        R(i128),
        Claim(i128),
    }

    #[derive(Clone)]
    struct T {
        rows: Vec<(i128, i128, u32, Break)>,
    }

    fn fe(v: i128) -> Value<Fr> {
        Value::known(crate::felt::from_i128(v))
    }

    impl Circuit<Fr> for T {
        type Config = (DivConfig, DivColumns, TableColumn);
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();
        fn without_witnesses(&self) -> Self {
            self.clone()
        }
        fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
            let c = DivColumns {
                n: meta.advice_column(),
                d: meta.advice_column(),
                y: meta.advice_column(),
                r: meta.advice_column(),
                mult: meta.fixed_column(),
                digits: [(); 4].map(|_| meta.advice_column()),
                digit_bits: BITS,
            };
            let cfg = DivConfig::configure(meta, &c);
            let t = meta.lookup_table_column();
            for (i, &col) in c.digits.iter().enumerate() {
                meta.lookup(format!("digit {}", i + 2), |meta| {
                    let q = meta.query_selector(cfg.q);
                    vec![(q * meta.query_advice(col, Rotation::cur()), t)]
                });
            }
            (cfg, c, t)
        }
        fn synthesize(
            &self,
            (cfg, c, t): Self::Config,
            mut layouter: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            layouter.assign_table(
                || "digits",
                |mut tb| {
                    for x in 0..1u64 << BITS {
                        tb.assign_cell(|| "", t, x as usize, || Value::known(Fr::from(x)))?;
                    }
                    Ok(())
                },
            )?;
            layouter.assign_region(
                || "div",
                |mut region| {
                    for (row, &(n, d, k, brk)) in self.rows.iter().enumerate() {
                        cfg.q.enable(&mut region, row)?;
                        let claimed = match brk {
                            Break::Claim(y) => y,
                            _ => witness(n, d, k).0,
                        };
                        let (r, s) = remainders(n, d, claimed, k);
                        let b = 1i128 << BITS;
                        region.assign_advice(c.n, row, fe(n));
                        region.assign_advice(c.d, row, fe(d));
                        region.assign_fixed(c.mult, row, crate::felt::from_i128(1 << (k + 1)));
                        let y_cell = match brk {
                            Break::Y(v) => v,
                            _ => claimed,
                        };
                        region.assign_advice(c.y, row, fe(y_cell));
                        let r_cell = match brk {
                            Break::R(v) => v,
                            _ => r,
                        };
                        region.assign_advice(c.r, row, fe(r_cell));
                        for (i, v) in [
                            r.rem_euclid(b),
                            r.div_euclid(b),
                            s.rem_euclid(b),
                            s.div_euclid(b),
                        ]
                        .into_iter()
                        .enumerate()
                        {
                            region.assign_advice(c.digits[i], row, fe(v));
                        }
                    }
                    Ok(())
                },
            )
        }
    }

    fn run(rows: Vec<(i128, i128, u32, Break)>) -> Result<(), Vec<VerifyFailure>> {
        MockProver::run(7, &T { rows }, vec![]).unwrap().verify()
    }

    fn fails_with(errs: Vec<VerifyFailure>, name: &str) {
        let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            all.iter().any(|e| e.contains(&format!("('{name}')"))),
            "expected a failure naming `{name}`, got {all:#?}"
        );
    }

    #[test]
    fn honest_rows_pass() {
        run(vec![
            (128, 300, 7, Break::None),
            (1, 3, 7, Break::None),
            (0, 5, 7, Break::None),
            (-77, 9, 3, Break::None),
            (511, 511, 0, Break::None),
        ])
        .unwrap();
    }

    #[test]
    fn a_wrong_quotient_fails_the_div_gate() {
        let (y, _, _) = witness(128, 300, 7);
        fails_with(
            run(vec![(128, 300, 7, Break::Y(y + 1))]).unwrap_err(),
            "div",
        );
    }

    #[test]
    fn a_remainder_off_its_digits_fails_div_remainder() {
        let (_, r, _) = witness(100, 7, 3);
        fails_with(
            run(vec![(100, 7, 3, Break::R(r + 14))]).unwrap_err(),
            "div remainder",
        );
    }

    #[test]
    fn a_consistent_wrong_quotient_has_no_remainder_digits() {
        // y ± 1 with the remainders following: r < 0 or r ≥ 2d, whose digits are not in [0, B)
        let (y, _, _) = witness(128, 300, 7);
        for claim in [y + 1, y - 1] {
            let errs = run(vec![(128, 300, 7, Break::Claim(claim))]).unwrap_err();
            assert!(
                errs.iter()
                    .any(|e| matches!(e, VerifyFailure::Lookup { .. })),
                "{errs:?}"
            );
        }
    }

    #[test]
    fn a_zero_divisor_has_no_witness() {
        for y in -3..4 {
            assert!(
                run(vec![(5, 0, 2, Break::Claim(y))]).is_err(),
                "d = 0, y = {y}"
            );
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
