//! The fixed lookup tables: the digit table `[0, 2^digit_bits)` of the range checks and one
//! `(tag, x, f_q(x))` table per function over `[-H, H)`.

use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::plonk::Error;
use halo2curves::bn256::Fr;

use super::config::ModelConfig;
use crate::felt;
use crate::ops::Func;

pub fn load(
    layouter: &mut impl Layouter<Fr>,
    cfg: &ModelConfig,
    funcs: &[Func],
    scale: u32,
) -> Result<(), Error> {
    let h = cfg.params.range_half;
    layouter.assign_table(
        || "digits",
        |mut t| {
            for x in 0..1u64 << cfg.params.digit_bits {
                t.assign_cell(|| "", cfg.t_digit, x as usize, || Value::known(Fr::from(x)))?;
            }
            Ok(())
        },
    )?;
    for (f, cols) in funcs.iter().zip(&cfg.t_func) {
        layouter.assign_table(
            || f.name(),
            |mut t| {
                // row 0 is the (0, 0, 0) row matched by disabled rows
                for c in cols {
                    t.assign_cell(|| "", *c, 0, || Value::known(Fr::zero()))?;
                }
                for (i, x) in (-h..h).enumerate() {
                    let fx = f.quantized(x, scale);
                    t.assign_cell(|| "", cols[0], i + 1, || Value::known(Fr::one()))?;
                    t.assign_cell(|| "", cols[1], i + 1, || Value::known(felt::from_i64(x)))?;
                    t.assign_cell(|| "", cols[2], i + 1, || Value::known(felt::from_i64(fx)))?;
                }
                Ok(())
            },
        )?;
    }
    Ok(())
}
