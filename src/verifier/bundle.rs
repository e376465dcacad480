//! The verification bundle: everything a verifier needs besides the proof, in one small byte
//! string. Layout (all integers u32 little-endian; see [`super::encoding`] for points/scalars):
//!
//! ```text
//! "ZKONNXVB" version(1)
//! k omega delta | #instance #advice #fixed columns | advice, instance, fixed queries (col, rot)
//! blinding_factors cs_degree quotient_degree
//! gates: [expr] | lookups: [([input expr], [table expr])] | permutation: [(kind, eval index)]
//! fixed commitments [G1] | permutation commitments [G1] | transcript_repr
//! g1 s_g1 g2 s_g2                 (the SRS's g[0], g[1], g2, s·g2: checked on every read,
//!                                  `srs_label::check_points`)
//! dev SRS seed: 0, or 1 + seed    (setup found s·G2 to be that of `gen-srs --seed`: UNSAFE)
//! public layout: limb bits, [(role, encoding, index, scale, shape)]   in instance order
//! committed params: [(advice column, published commitment G1)]    (format 5 only)
//! zkonnx version (string)         (not part of the fingerprint)
//! ```
//!
//! A bundle without committed params is written in format 4 (no such section), so its bytes
//! and fingerprint are those of the zkonnx versions before committed params.
//!
//! The fingerprint is Blake2b-256 over every byte before the version string: the same model,
//! settings and keys give the same fingerprint, any change to them another.

use super::encoding::{Reader, Res, Writer};
use super::expr::Expr;
use super::publics::{Decoded, PublicLayout};
use super::VerifyError;
use bn254::bn256::{Fr, G1Affine, G2Affine};
use bn254::ff::Field;

const MAGIC: &[u8; 8] = b"ZKONNXVB";
/// 4: proofs use the EVM (Keccak) transcript; 3 and before: Blake2b
const FORMAT: u8 = 4;
/// 5: format 4 with the committed params' section
const FORMAT_COMMITTED: u8 = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Query {
    pub column: u32,
    pub rotation: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    Advice,
    Fixed,
    Instance,
}

/// A column of the permutation argument, by the index of its rotation-0 query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PermColumn {
    pub kind: ColumnKind,
    pub query: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    pub input: Vec<Expr>,
    pub table: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    pub k: u32,
    pub omega: Fr,
    /// the multiplicative generator's 2^S-th power (halo2's DELTA), for permutation cosets
    pub delta: Fr,
    pub num_instance_columns: u32,
    pub num_advice_columns: u32,
    pub num_fixed_columns: u32,
    pub advice_queries: Vec<Query>,
    pub instance_queries: Vec<Query>,
    pub fixed_queries: Vec<Query>,
    pub blinding_factors: u32,
    pub cs_degree: u32,
    pub quotient_degree: u32,
    pub gates: Vec<Expr>,
    pub lookups: Vec<Lookup>,
    pub permutation: Vec<PermColumn>,
    pub fixed_commitments: Vec<G1Affine>,
    pub permutation_commitments: Vec<G1Affine>,
    pub transcript_repr: Fr,
    pub g1: G1Affine,
    /// the SRS's `g[1] = s·g[0]`: with `g1`, `g2` and `s_g2`, the pairing check that the SRS is
    /// one (not a spoof whose `g2` is a ceremony's `s·g2`)
    pub s_g1: G1Affine,
    pub g2: G2Affine,
    pub s_g2: G2Affine,
    /// `Some(seed)` if the keys were made with zkonnx's seeded development SRS (`gen-srs
    /// --seed`): anyone can forge proofs for such keys. `None`: not a development SRS zkonnx
    /// knows (a ceremony's, or another one; compare the fingerprint with the published one).
    pub dev_srs_seed: Option<u32>,
    /// the public values' layout (its digest is instance 0)
    pub public: PublicLayout,
    /// committed params: each parameter column's advice index and its published commitment
    /// (empty otherwise); a proof ends with their link ([`super::link`])
    pub committed: Vec<(u32, G1Affine)>,
    pub version: String,
}

fn write_queries(w: &mut Writer, qs: &[Query]) {
    w.len(qs.len());
    for q in qs {
        w.u32(q.column);
        w.i32(q.rotation);
    }
}

fn read_queries(r: &mut Reader, what: &str) -> Res<Vec<Query>> {
    let n = r.count(8, what)?;
    (0..n)
        .map(|_| {
            Ok(Query {
                column: r.u32(what)?,
                rotation: r.i32(what)?,
            })
        })
        .collect()
}

fn write_exprs(w: &mut Writer, es: &[Expr]) {
    w.len(es.len());
    for e in es {
        e.write(w);
    }
}

fn read_exprs(r: &mut Reader, what: &str) -> Res<Vec<Expr>> {
    let n = r.count(5, what)?;
    (0..n).map(|_| Expr::read(r, what)).collect()
}

fn read_points(r: &mut Reader, what: &str) -> Res<Vec<G1Affine>> {
    let n = r.count(64, what)?;
    (0..n).map(|_| r.g1(what)).collect()
}

impl Bundle {
    /// The bundle's bytes and where the version string starts (the fingerprint's end).
    fn encode(&self) -> (Vec<u8>, usize) {
        let mut w = Writer::default();
        w.0.extend_from_slice(MAGIC);
        w.u8(if self.committed.is_empty() {
            FORMAT
        } else {
            FORMAT_COMMITTED
        });
        w.u32(self.k);
        w.fr(&self.omega);
        w.fr(&self.delta);
        w.u32(self.num_instance_columns);
        w.u32(self.num_advice_columns);
        w.u32(self.num_fixed_columns);
        write_queries(&mut w, &self.advice_queries);
        write_queries(&mut w, &self.instance_queries);
        write_queries(&mut w, &self.fixed_queries);
        w.u32(self.blinding_factors);
        w.u32(self.cs_degree);
        w.u32(self.quotient_degree);
        write_exprs(&mut w, &self.gates);
        w.len(self.lookups.len());
        for l in &self.lookups {
            write_exprs(&mut w, &l.input);
            write_exprs(&mut w, &l.table);
        }
        w.len(self.permutation.len());
        for c in &self.permutation {
            w.u8(match c.kind {
                ColumnKind::Advice => 0,
                ColumnKind::Fixed => 1,
                ColumnKind::Instance => 2,
            });
            w.u32(c.query);
        }
        for points in [&self.fixed_commitments, &self.permutation_commitments] {
            w.len(points.len());
            for p in points {
                w.g1(p);
            }
        }
        w.fr(&self.transcript_repr);
        w.g1(&self.g1);
        w.g1(&self.s_g1);
        w.g2(&self.g2);
        w.g2(&self.s_g2);
        w.u32(self.dev_srs_seed.map_or(0, |s| s + 1));
        self.public.write(&mut w);
        if !self.committed.is_empty() {
            w.len(self.committed.len());
            for (column, point) in &self.committed {
                w.u32(*column);
                w.g1(point);
            }
        }
        let end = w.0.len();
        w.len(self.version.len());
        w.0.extend_from_slice(self.version.as_bytes());
        (w.0, end)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        self.encode().0
    }

    /// Blake2b-256 over the bundle's bytes up to the version string, as 64 hex digits.
    pub fn fingerprint(&self) -> String {
        self.fingerprint_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// [`Self::fingerprint`]'s 32 bytes.
    pub fn fingerprint_bytes(&self) -> [u8; 32] {
        let (bytes, end) = self.encode();
        super::blake2b::hash(b"zkonnx-bundle-fp", &bytes[..end])
    }

    /// The model's identity as this bundle and a proof's decoded public values give it (the
    /// model ID: [`super::trust`]).
    pub fn identity(&self, public: &[(super::PublicTensor, Decoded)]) -> super::trust::Identity {
        super::trust::Identity::new(self.fingerprint_bytes(), public, self.params_in_keys())
    }

    /// How the keys hold the params when no commitment of them is public.
    pub fn params_in_keys(&self) -> super::trust::Params {
        use super::trust::Params;
        match (self.committed.is_empty(), self.public.params_fixed) {
            (false, _) => Params::Committed,
            (true, true) => Params::Fixed,
            (true, false) => Params::Private,
        }
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Bundle, VerifyError> {
        Self::parse(bytes).map_err(VerifyError::Bundle)
    }

    fn parse(bytes: &[u8]) -> Res<Bundle> {
        let mut r = Reader::new(bytes);
        if r.take(8, "header")? != MAGIC {
            return Err("not a zkonnx verification bundle (bad magic bytes)".into());
        }
        let format = r.u8("format version")?;
        if format != FORMAT && format != FORMAT_COMMITTED {
            let transcript = if format < 4 {
                " (its proofs use the former Blake2b transcript; proofs now use the EVM one)"
            } else {
                ""
            };
            return Err(format!(
                "format version {format}, this verifier reads {FORMAT} and {FORMAT_COMMITTED}: a bundle of another zkonnx \
                 version{transcript}; run `zkonnx setup` again (or use that version's verifier)"
            ));
        }
        let k = r.u32("k")?;
        let omega = r.fr("omega")?;
        let delta = r.fr("delta")?;
        let num_instance_columns = r.u32("instance columns")?;
        let num_advice_columns = r.u32("advice columns")?;
        let num_fixed_columns = r.u32("fixed columns")?;
        let advice_queries = read_queries(&mut r, "advice queries")?;
        let instance_queries = read_queries(&mut r, "instance queries")?;
        let fixed_queries = read_queries(&mut r, "fixed queries")?;
        let blinding_factors = r.u32("blinding factors")?;
        let cs_degree = r.u32("constraint degree")?;
        let quotient_degree = r.u32("quotient degree")?;
        let gates = read_exprs(&mut r, "gates")?;
        let nl = r.count(8, "lookups")?;
        let lookups = (0..nl)
            .map(|_| {
                Ok(Lookup {
                    input: read_exprs(&mut r, "lookup input")?,
                    table: read_exprs(&mut r, "lookup table")?,
                })
            })
            .collect::<Res<Vec<_>>>()?;
        let np = r.count(5, "permutation columns")?;
        let permutation = (0..np)
            .map(|_| {
                let kind = match r.u8("permutation column kind")? {
                    0 => ColumnKind::Advice,
                    1 => ColumnKind::Fixed,
                    2 => ColumnKind::Instance,
                    t => return Err(format!("permutation column kind {t}")),
                };
                Ok(PermColumn {
                    kind,
                    query: r.u32("permutation column")?,
                })
            })
            .collect::<Res<Vec<_>>>()?;
        let fixed_commitments = read_points(&mut r, "fixed commitments")?;
        let permutation_commitments = read_points(&mut r, "permutation commitments")?;
        let transcript_repr = r.fr("transcript_repr")?;
        let g1 = r.g1("g1")?;
        let s_g1 = r.g1("s_g1")?;
        let g2 = r.g2("g2")?;
        let s_g2 = r.g2("s_g2")?;
        let dev_srs_seed = r.u32("dev SRS seed")?.checked_sub(1);
        let public = PublicLayout::read(&mut r)?;
        let mut committed = vec![];
        if format == FORMAT_COMMITTED {
            let n = r.count(68, "committed params")?;
            for _ in 0..n {
                committed.push((
                    r.u32("committed params: column")?,
                    r.g1("committed params: commitment")?,
                ));
            }
            if committed.is_empty() {
                return Err("committed params: none listed (format 5 lists at least one)".into());
            }
        }
        let nv = r.count(1, "version")?;
        let version = String::from_utf8(r.take(nv, "version")?.to_vec())
            .map_err(|_| "version: not UTF-8".to_string())?;
        if r.remaining() != 0 {
            return Err(format!("{} bytes after the end", r.remaining()));
        }
        let b = Bundle {
            k,
            omega,
            delta,
            num_instance_columns,
            num_advice_columns,
            num_fixed_columns,
            advice_queries,
            instance_queries,
            fixed_queries,
            blinding_factors,
            cs_degree,
            quotient_degree,
            gates,
            lookups,
            permutation,
            fixed_commitments,
            permutation_commitments,
            transcript_repr,
            g1,
            s_g1,
            g2,
            s_g2,
            dev_srs_seed,
            public,
            committed,
            version,
        };
        b.check()?;
        Ok(b)
    }

    /// Internal consistency: every index in range, the domain a real one.
    fn check(&self) -> Res<()> {
        super::srs_label::check_points_once(&self.g1, &self.s_g1, &self.g2, &self.s_g2)
            .map_err(|m| format!("SRS rejected: {m} (a spoofed or corrupt SRS)"))?;
        if !(1..=28).contains(&self.k) {
            return Err(format!("k = {}: outside 1..=28", self.k));
        }
        let mut w = self.omega;
        for _ in 0..self.k - 1 {
            w = w.square();
        }
        if w == Fr::ONE || w.square() != Fr::ONE {
            return Err(format!(
                "omega is not a primitive 2^{}-th root of unity",
                self.k
            ));
        }
        let cols = |qs: &[Query], n: u32, what: &str| -> Res<()> {
            match qs
                .iter()
                .find(|q| q.column >= n || q.rotation.unsigned_abs() > 1 << 20)
            {
                Some(q) => Err(format!("{what} query on column {} of {n}", q.column)),
                None => Ok(()),
            }
        };
        cols(&self.advice_queries, self.num_advice_columns, "advice")?;
        cols(
            &self.instance_queries,
            self.num_instance_columns,
            "instance",
        )?;
        cols(&self.fixed_queries, self.num_fixed_columns, "fixed")?;
        if self.fixed_commitments.len() != self.num_fixed_columns as usize {
            return Err("fixed commitments do not match the fixed columns".into());
        }
        if self.permutation_commitments.len() != self.permutation.len() {
            return Err("permutation commitments do not match the permutation columns".into());
        }
        if !(3..=64).contains(&self.cs_degree) || !(1..=64).contains(&self.quotient_degree) {
            return Err(format!(
                "constraint degree {} / quotient degree {}",
                self.cs_degree, self.quotient_degree
            ));
        }
        if self.blinding_factors as u64 + 2 >= 1u64 << self.k {
            return Err("more blinding rows than rows".into());
        }
        for (i, (c, _)) in self.committed.iter().enumerate() {
            if *c >= self.num_advice_columns || self.committed[..i].iter().any(|(d, _)| d == c) {
                return Err(format!(
                    "committed params: advice column {c} of {} (out of range or listed twice)",
                    self.num_advice_columns
                ));
            }
        }
        let n = (
            self.fixed_queries.len(),
            self.advice_queries.len(),
            self.instance_queries.len(),
        );
        for e in self.gates.iter().chain(
            self.lookups
                .iter()
                .flat_map(|l| l.input.iter().chain(&l.table)),
        ) {
            e.check(n).map_err(|m| format!("expression: {m}"))?;
        }
        if let Some(l) = self
            .lookups
            .iter()
            .find(|l| l.input.len() != l.table.len() || l.input.is_empty())
        {
            return Err(format!(
                "a lookup with {} input and {} table expressions",
                l.input.len(),
                l.table.len()
            ));
        }
        for c in &self.permutation {
            let qs = match c.kind {
                ColumnKind::Advice => &self.advice_queries,
                ColumnKind::Fixed => &self.fixed_queries,
                ColumnKind::Instance => &self.instance_queries,
            };
            if qs.get(c.query as usize).map(|q| q.rotation) != Some(0) {
                return Err(format!(
                    "permutation column query {} is not a rotation-0 query",
                    c.query
                ));
            }
        }
        let total = self.public.num_instances() as u64;
        if total + self.blinding_factors as u64 + 1 > 1u64 << self.k {
            return Err("more public values than rows".into());
        }
        Ok(())
    }

    /// Number of public values a proof must carry (the layout digest included).
    pub fn num_public(&self) -> usize {
        self.public.num_instances()
    }

    pub(crate) fn check_instances(&self, instances: &[Fr]) -> Result<(), VerifyError> {
        if self.num_instance_columns != 1 {
            return Err(VerifyError::Bundle(format!(
                "{} instance columns (zkonnx circuits have 1)",
                self.num_instance_columns
            )));
        }
        self.public.check_instances(instances)
    }

    /// What the SRS the keys rest on is, from the bundle's `τ·G2`.
    pub fn srs_label(&self) -> super::srs_label::SrsLabel {
        super::srs_label::label_of_canonical(&super::encoding::g2_bytes(&self.s_g2))
            .unwrap_or(super::srs_label::SrsLabel::Unrecognised)
    }

    /// Every public tensor decoded from the instances.
    pub fn decode(
        &self,
        instances: &[Fr],
    ) -> Result<Vec<(super::PublicTensor, Decoded)>, VerifyError> {
        self.check_instances(instances)?;
        self.public.decode(instances)
    }
}
