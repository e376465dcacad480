//! The fixed lookup tables: the digit table `[0, 2^digit_bits)` of the range checks and one
//! `(tag, x, f_q(x))` table per function over its domain `[lo, hi)` (calibrated; `x` at the
//! table's input scale, `f_q(x)` at the activation scale).

use halo2_proofs::circuit::{Layouter, Value};
use halo2_proofs::plonk::Error;
use halo2curves::bn256::Fr;

use super::config::ModelConfig;
use crate::felt;
use crate::quant::Func;

/// A function table: which function, its input domain `[lo, hi)` at `in_scale`, its output
/// at `out_scale`.
pub struct FuncTable {
    pub func: Func,
    pub lo: i64,
    pub hi: i64,
    pub in_scale: u32,
    pub out_scale: u32,
}

/// The function tables of a compiled model, in the circuit's order.
pub fn of(m: &crate::model::Compiled) -> Vec<FuncTable> {
    let s = &m.settings;
    s.required_lookups
        .iter()
        .enumerate()
        .map(|(k, &func)| {
            let (lo, hi) = s.table_domain(k);
            FuncTable {
                func,
                lo,
                hi,
                in_scale: m.graph.act_scale.saturating_sub(m.graph.table_shift),
                out_scale: m.graph.act_scale,
            }
        })
        .collect()
}

pub fn load(
    layouter: &mut impl Layouter<Fr>,
    cfg: &ModelConfig,
    funcs: &[FuncTable],
) -> Result<(), Error> {
    layouter.assign_table(
        || "digits",
        |mut t| {
            for x in 0..1u64 << cfg.params.digit_bits {
                t.assign_cell(
                    || "",
                    cfg.range.t_digit,
                    x as usize,
                    || Value::known(Fr::from(x)),
                )?;
            }
            Ok(())
        },
    )?;
    for (f, cols) in funcs.iter().zip(&cfg.funcs.t) {
        layouter.assign_table(
            || f.func.name(),
            |mut t| {
                // row 0 is the (0, 0, 0) row matched by disabled rows
                for c in cols {
                    t.assign_cell(|| "", *c, 0, || Value::known(Fr::zero()))?;
                }
                for (i, x) in (f.lo..f.hi).enumerate() {
                    let fx = f.func.quantized_at(x, f.in_scale, f.out_scale);
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
