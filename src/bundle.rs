//! vk + SRS + settings -> the light verifier's bundle ([`crate::verifier::Bundle`]): halo2's
//! constraint system flattened into expressions over resolved query indices, the vk's
//! commitments, the three KZG points, and the public values' layout. Written by `setup`.

use crate::kzg::light::{fr, g1, g2};
use crate::settings::Settings;
use crate::verifier::bundle::{ColumnKind, Lookup, PermColumn, Query};
use crate::verifier::expr::Expr;
use crate::verifier::Bundle;
use halo2_proofs::plonk::{Any, ConstraintSystem, Expression, VerifyingKey};
use halo2_proofs::poly::commitment::ParamsProver;
use halo2_proofs::poly::kzg::commitment::ParamsKZG;
use halo2curves::bn256::{Bn256, Fr, G1Affine};
use halo2curves::ff::PrimeField;

fn expr(cs: &ConstraintSystem<Fr>, e: &Expression<Fr>) -> Result<Expr, String> {
    let b = |e: &Expression<Fr>| expr(cs, e).map(Box::new);
    Ok(match e {
        Expression::Constant(c) => Expr::Constant(fr(c)),
        Expression::Fixed(q) => Expr::Fixed(
            cs.fixed_queries()
                .iter()
                .position(|(c, r)| c.index() == q.column_index() && *r == q.rotation())
                .ok_or("a fixed query missing from the constraint system")? as u32,
        ),
        Expression::Advice(q) => Expr::Advice(
            cs.advice_queries()
                .iter()
                .position(|(c, r)| c.index() == q.column_index() && *r == q.rotation())
                .ok_or("an advice query missing from the constraint system")? as u32,
        ),
        Expression::Instance(q) => Expr::Instance(
            cs.instance_queries()
                .iter()
                .position(|(c, r)| c.index() == q.column_index() && *r == q.rotation())
                .ok_or("an instance query missing from the constraint system")? as u32,
        ),
        Expression::Negated(a) => Expr::Negated(b(a)?),
        Expression::Sum(x, y) => Expr::Sum(b(x)?, b(y)?),
        Expression::Product(x, y) => Expr::Product(b(x)?, b(y)?),
        Expression::Scaled(a, c) => Expr::Scaled(b(a)?, fr(c)),
        Expression::Selector(_) => return Err("a selector left in the verifying key".into()),
        Expression::Challenge(_) => return Err("challenges are not supported".into()),
    })
}

/// The bundle for `vk`, made with `params` (the SRS the keys came from), for `settings`.
/// `committed`: with committed params, every parameter column's published commitment, in
/// column order (what setup computed; [`crate::circuit::params::commitments`]); else empty.
pub fn export(
    vk: &VerifyingKey<G1Affine>,
    params: &ParamsKZG<Bn256>,
    settings: &Settings,
    committed: &[G1Affine],
) -> Result<Bundle, String> {
    let cs = vk.cs();
    let columns = crate::circuit::params::column_indices(
        &crate::circuit::CircuitParams::from_settings(settings),
    );
    if columns.len() != committed.len() {
        return Err(format!(
            "committed params: {} parameter columns, {} published commitments",
            columns.len(),
            committed.len()
        ));
    }
    if cs.num_challenges() != 0 || cs.advice_column_phase().iter().any(|&p| p != 0) {
        return Err("circuits with several phases are not supported by the light verifier".into());
    }
    let q = |qs: Vec<(usize, i32)>| {
        qs.into_iter()
            .map(|(c, r)| Query {
                column: c as u32,
                rotation: r,
            })
            .collect::<Vec<_>>()
    };
    let gates = cs
        .gates()
        .iter()
        .flat_map(|g| g.polynomials())
        .map(|p| expr(cs, p))
        .collect::<Result<Vec<_>, _>>()?;
    let lookups = cs
        .lookups()
        .iter()
        .map(|l| {
            Ok(Lookup {
                input: l
                    .input_expressions()
                    .iter()
                    .map(|e| expr(cs, e))
                    .collect::<Result<_, String>>()?,
                table: l
                    .table_expressions()
                    .iter()
                    .map(|e| expr(cs, e))
                    .collect::<Result<_, String>>()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let permutation = cs
        .permutation()
        .get_columns()
        .iter()
        .map(|c| {
            let i = c.index();
            let (kind, query) = match c.column_type() {
                Any::Advice(_) => (
                    ColumnKind::Advice,
                    cs.advice_queries()
                        .iter()
                        .position(|(a, r)| a.index() == i && r.0 == 0),
                ),
                Any::Fixed => (
                    ColumnKind::Fixed,
                    cs.fixed_queries()
                        .iter()
                        .position(|(a, r)| a.index() == i && r.0 == 0),
                ),
                Any::Instance => (
                    ColumnKind::Instance,
                    cs.instance_queries()
                        .iter()
                        .position(|(a, r)| a.index() == i && r.0 == 0),
                ),
            };
            let query = query.ok_or("a permutation column without a rotation-0 query")? as u32;
            Ok(PermColumn { kind, query })
        })
        .collect::<Result<Vec<_>, String>>()?;
    let domain = vk.get_domain();
    let bundle = Bundle {
        committed: columns.into_iter().zip(committed.iter().map(g1)).collect(),
        k: domain.k(),
        omega: fr(&domain.get_omega()),
        delta: fr(&Fr::DELTA),
        num_instance_columns: cs.num_instance_columns() as u32,
        num_advice_columns: cs.num_advice_columns() as u32,
        num_fixed_columns: cs.num_fixed_columns() as u32,
        advice_queries: q(cs
            .advice_queries()
            .iter()
            .map(|(c, r)| (c.index(), r.0))
            .collect()),
        instance_queries: q(cs
            .instance_queries()
            .iter()
            .map(|(c, r)| (c.index(), r.0))
            .collect()),
        fixed_queries: q(cs
            .fixed_queries()
            .iter()
            .map(|(c, r)| (c.index(), r.0))
            .collect()),
        blinding_factors: cs.blinding_factors() as u32,
        cs_degree: cs.degree() as u32,
        quotient_degree: domain.get_quotient_poly_degree() as u32,
        gates,
        lookups,
        permutation,
        fixed_commitments: vk.fixed_commitments().iter().map(g1).collect(),
        permutation_commitments: vk.permutation().commitments().iter().map(g1).collect(),
        transcript_repr: fr(&vk.transcript_repr()),
        g1: g1(&params.get_g()[0]),
        s_g1: g1(params.get_g().get(1).ok_or("the SRS has no g[1] (k = 0)")?),
        g2: g2(&params.g2()),
        s_g2: g2(&params.s_g2()),
        dev_srs_seed: crate::srs::dev_seed(&params.s_g2()),
        public: crate::publics::layout(settings),
        version: crate::VERSION.into(),
    };
    // what the verifier will read back must be what was meant
    debug_assert_eq!(Bundle::from_bytes(&bundle.to_bytes()).as_ref(), Ok(&bundle));
    Ok(bundle)
}
