//! Sizing, decided once. A settings file holds two kinds of fields: the **choices** (`run_args`,
//! `table_domains`: what gen-settings and calibration pick) and the **plan**, every other field,
//! derived from the model under those choices here and nowhere else: the model's rows (the
//! gadgets' counts, `circuit::layout::count_rows`), the commitment chip's rows and digits, the
//! public tensors' shapes, the function tables, and the smallest `logrows` that holds them.
//!
//! gen-settings writes a plan; calibration plans each candidate and keeps the cheapest;
//! compile-circuit plans again from the model and the file's choices, and refuses a file whose
//! planned fields differ (settings of another model, or edited): it never merges fields back.

use crate::circuit::{self, CircuitParams};
use crate::graph::Graph;
use crate::proof::ProofError;
use crate::quant::QGraph;
use crate::settings::{CommitShape, RunArgs, Settings, SettingsError, Visibility};
use crate::verifier::Encoding;
use crate::VERSION;

/// The settings of `q` (lowered from `g`) under the choices `ra` and `table_domains`.
pub fn settings(g: &Graph, q: &QGraph, ra: RunArgs, table_domains: Vec<(i64, i64)>) -> Settings {
    let model_rows = circuit::layout::count_rows(q, ra.num_inner_cols.max(1));
    let mut s = Settings {
        num_rows: model_rows,
        total_assignments: model_rows * (2 * ra.num_inner_cols + 3),
        total_const_size: q.params.iter().map(|p| p.values.len()).sum(),
        model_instance_shapes: vec![],
        model_input_shapes: g.input_shapes(),
        model_output_shapes: g.output_shapes(),
        model_input_scales: vec![q.act_scale; g.inputs.len()],
        model_output_scales: vec![q.act_scale; g.outputs.len()],
        model_input_names: g.input_names(),
        model_output_names: g.output_names(),
        required_lookups: q.required_lookups(),
        table_domains,
        commit_digits: commit_digits(q, &ra),
        commit_rows: 0,
        commit_shape: CommitShape::Wide,
        version: VERSION.to_string(),
        run_args: ra,
    };
    let layout = s.public_layout();
    s.model_instance_shapes = layout
        .tensors
        .iter()
        .map(|t| match t.encoding {
            Encoding::Values => t.shape.iter().map(|&d| d as usize).collect(),
            Encoding::Commitment => vec![1],
        })
        .collect();
    // the narrowest chip that does not raise logrows above the widest one's: at one logrows,
    // fewer columns prove faster, whatever the rows they fill
    let with_shape = |s: &mut Settings, shape| {
        s.commit_shape = shape;
        s.commit_rows = circuit::layout::count_commit_rows(q, &layout, shape);
        s.num_rows = model_rows.max(s.commit_rows);
    };
    with_shape(&mut s, CommitShape::Wide);
    if s.commit_rows > 0 {
        let k = min_logrows(&s);
        for &shape in CommitShape::ALL.iter().rev() {
            with_shape(&mut s, shape);
            if min_logrows(&s) <= k {
                break;
            }
        }
    }
    s
}

/// Digits per packed value that commitments need: every activation (`[-H, H)`) and, with
/// hashed params, every parameter must fit `W = digits·digit_bits` signed bits.
fn commit_digits(q: &QGraph, ra: &RunArgs) -> usize {
    let hashes = [
        ra.input_visibility,
        ra.output_visibility,
        ra.param_visibility,
    ]
    .contains(&Visibility::Hashed);
    if !hashes {
        return 0;
    }
    // signed bits: v ∈ [-2^(b-1), 2^(b-1))
    let bits_of = |v: i64| -> u32 {
        let m = if v < 0 {
            (-(v as i128) - 1) as u128
        } else {
            v as u128
        };
        129 - m.leading_zeros().min(128)
    };
    let mut bits = ra.range_bits();
    if ra.param_visibility == Visibility::Hashed {
        for p in &q.params {
            for &v in &p.values {
                bits = bits.max(bits_of(v));
            }
        }
    }
    (bits.div_ceil(ra.digit_bits()) as usize).max(2)
}

/// The planned fields of `file` must be those of `planned` (the same choices, planned from the
/// model): the first that differs is named. `version` and the names are labels, not compared.
pub fn check_same(file: &Settings, planned: &Settings) -> Result<(), SettingsError> {
    let differ = |field: &'static str, what: String| {
        Err(SettingsError::Invalid {
            field,
            msg: format!(
                "{what}: these settings were made for another model or edited (run gen-settings \
                 or calibrate-settings on this model)"
            ),
        })
    };
    macro_rules! same {
        ($($f:ident),*) => {$(
            if file.$f != planned.$f {
                return differ(
                    stringify!($f),
                    format!("{:?} in the file, {:?} for this model", file.$f, planned.$f),
                );
            }
        )*};
    }
    same!(
        model_input_shapes,
        model_output_shapes,
        total_const_size,
        required_lookups,
        model_input_scales,
        model_output_scales,
        model_instance_shapes,
        commit_digits,
        commit_rows,
        commit_shape,
        num_rows,
        total_assignments
    );
    Ok(())
}

/// The rows halo2 leaves the layout at `settings`' logrows.
pub fn usable_rows(settings: &Settings) -> usize {
    (1usize << settings.run_args.logrows).saturating_sub(circuit::reserved_rows(
        &CircuitParams::from_settings(settings),
    ))
}

/// The smallest logrows (at least 6) whose usable rows hold `settings`' layout, tables and
/// public values.
pub fn min_logrows(settings: &Settings) -> u32 {
    let reserved = circuit::reserved_rows(&CircuitParams::from_settings(settings));
    (settings.rows_needed() + reserved)
        .next_power_of_two()
        .trailing_zeros()
        .max(6)
}

/// Error if the layout, the tables or the public values do not fit `2^logrows` rows.
pub fn check_fits(settings: &Settings) -> Result<(), ProofError> {
    let have = usable_rows(settings);
    let need = settings.rows_needed();
    if need > have {
        return Err(ProofError::TooManyRows {
            need,
            have,
            k: settings.run_args.logrows,
        });
    }
    Ok(())
}
