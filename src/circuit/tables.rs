//! The fixed lookup tables: the range table `[-H, H)` and one `(tag, x, f_q(x))` table per function.

use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::plonk::Error;
use halo2curves::bn256::Fr;

use super::config::ModelConfig;
use crate::felt;
use crate::ops::Func;

pub fn load(layouter: &mut impl Layouter<Fr>, cfg: &ModelConfig, funcs: &[Func], scale: u32) -> Result<(), Error> {
    let h = cfg.params.range_half;
    layouter.assign_table(
        || "range",
        |mut t| {
            for (i, x) in (-h..h).enumerate() {
                t.assign_cell(|| "", cfg.t_range, i, || Value::known(felt::from_i64(x)))?;
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
