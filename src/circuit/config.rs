//! The model's shared columns and its gadgets, a function of [`CircuitParams`] alone (derived
//! from settings), never of weights or tract, so a verifier can rebuild the constraint system
//! from settings.
//!
//! Layout of one row (L = lanes):
//! ```text
//!  a_0..a_{L-1} | b_0..b_{L-1} | acc | y | r | y_lo y_hi r_lo r_hi s_lo s_hi
//!    || f_0..f_{L-1} m_0..m_{L-1} div half y_off const || selectors
//! ```
//! Each gadget owns its selectors and gates, over these columns, in its own module:
//! `dot.rs` (`dot_first`, `dot_next`, `b_fixed`), `rescale.rs` (`rescale`, `remainder`),
//! `range.rs` (`range y`, the digit lookups, `digit 1 bound`), `relu.rs` (`relu`), `lookup.rs`
//! (`function k`), `div.rs` (`div`, `div remainder`), `iszero.rs` (`is_zero`), and the
//! commitment chip (`commit.rs`, its own columns). All values stay far below the field's
//! modulus (`B² ≤ 2^49`), so no relation wraps.

use halo2_proofs::plonk::{Advice, Column, ConstraintSystem, Fixed, Instance};
use halo2curves::bn256::Fr;

use super::clamp::{ClampColumns, ClampConfig};
use super::commit::CommitConfig;
use super::div::{DivColumns, DivConfig};
use super::dot::{DotColumns, DotConfig};
use super::iszero::{IsZeroColumns, IsZeroConfig};
use super::lookup::LookupConfig;
use super::range::{RangeColumns, RangeConfig};
use super::relu::{ReluColumns, ReluConfig};
use super::rescale::{RescaleColumns, RescaleConfig};
use crate::settings::CommitShape;

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
    /// The commitment chip's shape.
    pub commit_shape: CommitShape,
    /// Committed params: the parameter columns ([`super::params`]; 0 otherwise) and the rows
    /// each holds (halo2's usable rows).
    pub param_columns: usize,
    pub param_rows: usize,
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
    pub dot: DotConfig,
    pub rescale: RescaleConfig,
    pub range: RangeConfig,
    pub relu: ReluConfig,
    pub clamp: ClampConfig,
    pub funcs: LookupConfig,
    pub div_gadget: DivConfig,
    pub is_zero: IsZeroConfig,
    pub instance: Column<Instance>,
    /// the commitment chip (pack lane + Poseidon sponge), when something is `hashed`
    pub commit: Option<CommitConfig>,
    /// the parameter columns of committed params ([`super::params`])
    pub param_cols: Vec<Column<Advice>>,
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

        let dot = DotConfig::configure(
            meta,
            &DotColumns {
                a: a.clone(),
                b: b.clone(),
                acc,
                f: f.clone(),
                m: m.clone(),
            },
        );
        let rem_digits = [digits[2], digits[3], digits[4], digits[5]];
        let rescale = RescaleConfig::configure(
            meta,
            &RescaleColumns {
                acc,
                y,
                r,
                div,
                half,
                digits: rem_digits,
                digit_bits: params.digit_bits,
            },
        );
        let relu = ReluConfig::configure(meta, ReluColumns { x: a[0], y, r });
        let clamp = ClampConfig::configure(
            meta,
            ClampColumns {
                x: a[0],
                y,
                r,
                y_off,
            },
        );
        let div_gadget = DivConfig::configure(
            meta,
            &DivColumns {
                n: a[0],
                d: b[0],
                y,
                r,
                mult: div,
                digits: rem_digits,
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
        // remainder digits: of a rescale or relu row (q_rem) or a division row
        let range = RangeConfig::configure(
            meta,
            &RangeColumns {
                y,
                y_off,
                digits,
                digit_bits: params.digit_bits,
                range_half: params.range_half,
            },
            &[rescale.q_rem, div_gadget.q],
        );
        let funcs = LookupConfig::configure(meta, a[0], acc, params.num_funcs);
        let commit = (params.commit_digits > 0).then(|| {
            CommitConfig::configure(
                meta,
                range.t_digit,
                params.commit_digits,
                params.digit_bits,
                params.commit_shape,
            )
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
            dot,
            rescale,
            range,
            relu,
            clamp,
            funcs,
            div_gadget,
            is_zero,
            instance,
            param_cols: super::params::configure(meta, params.param_columns),
            params: CircuitParams { lanes, ..params },
        }
    }
}
