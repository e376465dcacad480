//! The verifying-key artifact: everything `contracts/ZkonnxVerifier.sol` needs about one model,
//! compiled from its verification bundle ([`Bundle`]) into the words and byte streams the
//! contract reads after copying the artifact into memory at [`ART`]. The contract is a small
//! interpreter; this file decides every position, so the two agree by construction:
//!
//! ```text
//! memory (bytes)   0x000 scratch (precompile calls) | 0x100 named scalars (slots 8..32)
//!                  ART   the artifact: header words, constant pool, vk points, ω^rot list,
//!                        the opening plan (u16 stream), the constraint program (bytes)
//!                  T0    transcript_repr ‖ instances ‖ the proof (word aligned, so every
//!                        proof scalar is a word slot)
//!                  WORK  the interpreter's stack, then the contract's own work areas
//! ```
//!
//! A *slot* is a memory word index (byte address / 32), written as u16.
//!
//! **The constraint program** evaluates, at the challenge `x`, every constraint the light
//! verifier evaluates (`verifier::plonk`: the gates, the permutation's and the lookups'
//! constraints, in that order) and folds them with `y` (Horner: `acc = acc·y + c`). It is a
//! stack machine with a top-of-stack register (opcodes: [`op`]), which the verifier interprets,
//! or, when the model's contract stays within EIP-170's limit with it, straight-line EVM code
//! after the artifact that the model's contract runs when the verifier calls it
//! ([`Form::Compiled`], `compile_evm`).
//!
//! **The opening plan** lists SHPLONK's rotation sets in the light verifier's order
//! (`verifier::shplonk`): per set its points (indices into the ω^rot list) and its commitments
//! in order, each as the slot of its point's `x` (0: the quotient `h`, a combination of the
//! proof's `h` pieces; 1: the identity, a fixed column of zeros, which adds no MSM term) and the
//! slots of its evaluations at each point of the set.

use super::program::{add, evm, mul, prod, s, sub, CalleeMemory, Node, Program};
use crate::verifier::bundle::{Bundle, ColumnKind};
use crate::verifier::expr::Expr;
use crate::verifier::plonk::proof_shape;
use crate::verifier::transcript::be;
use bn254::bn256::{Fr, G1Affine, G2Affine};
use bn254::ff::{Field, PrimeField};
use bn254::group::prime::PrimeCurveAffine;
use bn254::CurveAffine;

/// The artifact's format (header word 0's low byte; its high bytes spell "ZKONNX-VKA").
pub const VERSION: u8 = 3;
/// Where the artifact is copied to in the contract's memory (bytes).
pub const ART: usize = 0x400;
/// Length of the stub in front of the artifact in the model contract's code ([`super::contract`]).
pub const STUB_LEN: usize = super::contract::STUB_LEN;

pub use super::program::slot;

/// Header word indices (each a 32-byte word at `ART + 32·i`).
pub mod hdr {
    pub const MAGIC: usize = 0;
    /// the artifact's length in bytes (the contract checks it against the code it copied)
    pub const LEN: usize = 1;
    pub const N_INST: usize = 2;
    pub const PROOF_LEN: usize = 3;
    /// the public layout digest, which instance 0 must equal
    pub const DIGEST: usize = 4;
    pub const REPR: usize = 5;
    pub const K: usize = 6;
    pub const OMEGA: usize = 7;
    pub const OMEGA_INV: usize = 8;
    pub const N_INV: usize = 9;
    pub const BF: usize = 10;
    /// points before the scalars (advice … h pieces)
    pub const P1: usize = 11;
    pub const N_SCALARS: usize = 12;
    /// proof byte offsets where θ, β, γ, y, x, SHPLONK y, v, u are squeezed (8 words)
    pub const ENDS: usize = 13;
    pub const QDEG: usize = 21;
    /// proof byte offset of the first `h` piece
    pub const H_OFF: usize = 22;
    /// G1 (x, y)
    pub const G1: usize = 23;
    /// G2 and s·G2 in the pairing precompile's order (x.c1, x.c0, y.c1, y.c0)
    pub const G2: usize = 25;
    pub const S_G2: usize = 29;
    pub const N_ROT: usize = 33;
    /// byte offsets within the artifact
    pub const ROT_PTR: usize = 34;
    pub const PLAN_PTR: usize = 35;
    pub const PROG_PTR: usize = 36;
    pub const PROG_LEN: usize = 37;
    pub const STACK_WORDS: usize = 38;
    /// the bundle's fingerprint (not read by the contract: it names the bundle)
    pub const FINGERPRINT: usize = 39;
    /// the program's temporaries (at the start of the work area; the stack follows them)
    pub const TEMPS: usize = 40;
    /// 0: the program is interpreted from the artifact; else the offset, in the model contract's
    /// code, of the program compiled to EVM code (which the verifier calls the model to run)
    pub const CODE: usize = 41;
    /// committed params ([docs/committed-params.md](../../docs/committed-params.md)): the
    /// parameter columns (0: none, and proofs have no link)
    pub const N_COMMITTED: usize = 42;
    /// byte offset within the artifact of the committed list: per column three words, the
    /// byte offset of its advice commitment in the proof and its published commitment (x, y)
    pub const COMMITTED_PTR: usize = 43;
    pub const WORDS: usize = 44;
}

/// Why a bundle has no artifact.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ArtifactError {
    #[error("the EVM verifier reads circuits with one instance column queried at rotation 0; this bundle has {0}")]
    Instances(String),
    #[error("the artifact needs {0} memory words, more than a u16 slot addresses")]
    TooLarge(usize),
    #[error("not a zkonnx verifying-key artifact (.vka) of format {VERSION}: {0}")]
    Format(String),
    #[error("the compiled program would need {0} stack items, over the EVM's 1,024")]
    StackDepth(usize),
    #[error("committed params: the bundle names advice column {0}, while its circuit has {1}")]
    Committed(u32, u32),
}

/// Check a `.vka` read back from a file: its magic, its format (an artifact of an earlier
/// zkonnx is refused by name: make it again with `create-evm-verifier`) and its lengths.
pub fn check(vka: &[u8]) -> Result<(), ArtifactError> {
    let bad = |m: String| Err(ArtifactError::Format(m));
    if vka.len() < 32 * hdr::WORDS {
        return bad(format!("{} bytes, shorter than its header", vka.len()));
    }
    if &vka[..10] != b"ZKONNX-VKA" || vka[10..31].iter().any(|b| *b != 0) {
        return bad("its first word is not \"ZKONNX-VKA\"".into());
    }
    if vka[31] != VERSION {
        return bad(format!(
            "it is format {} (made by an earlier zkonnx): run create-evm-verifier again",
            vka[31]
        ));
    }
    if STUB_LEN + vka.len() > super::contract::MAX_CODE {
        return bad(format!(
            "its contract would be {} bytes, over EIP-170's {}",
            STUB_LEN + vka.len(),
            super::contract::MAX_CODE
        ));
    }
    let len = match artifact_len(vka) {
        Some(n) if (32 * hdr::WORDS..=vka.len()).contains(&n) => n,
        _ => return bad("its length word is not within the file".into()),
    };
    match code_offset(vka) {
        // interpreted: the artifact is the whole file
        None if len == vka.len() => Ok(()),
        None => bad("bytes follow the artifact but its header names no program".into()),
        // compiled: the gap of zeros, then the program from its JUMPDEST
        Some(c)
            if c == STUB_LEN + len + CODE_GAP
                && vka.len() > len + CODE_GAP
                && vka[len..len + CODE_GAP].iter().all(|b| *b == 0)
                && vka[len + CODE_GAP] == evm::JUMPDEST =>
        {
            Ok(())
        }
        Some(c) => bad(format!(
            "its program offset {c} is not the program after the artifact"
        )),
    }
}

/// The artifact's words and streams while it is being laid out.
struct Layout {
    words: Vec<[u8; 32]>,
}

impl Layout {
    /// Append a word; its slot.
    fn word(&mut self, w: [u8; 32]) -> u16 {
        self.words.push(w);
        ((ART / 32) + self.words.len() - 1) as u16
    }
    fn fr(&mut self, f: &Fr) -> u16 {
        self.word(be(f.to_repr().as_ref()))
    }
    /// A point's two words; the slot of `x`.
    fn g1(&mut self, p: &G1Affine) -> u16 {
        let (x, y) = g1_words(p);
        let at = self.word(x);
        self.word(y);
        at
    }
}

fn u256(v: usize) -> [u8; 32] {
    let mut w = [0u8; 32];
    w[24..].copy_from_slice(&(v as u64).to_be_bytes());
    w
}

fn fr_word(f: &Fr) -> [u8; 32] {
    be(f.to_repr().as_ref())
}

fn g1_words(p: &G1Affine) -> ([u8; 32], [u8; 32]) {
    let c: Option<bn254::Coordinates<G1Affine>> = p.coordinates().into();
    match c {
        Some(c) => (be(c.x().to_repr().as_ref()), be(c.y().to_repr().as_ref())),
        None => ([0; 32], [0; 32]),
    }
}

/// G2 in the pairing precompile's order: x.c1, x.c0, y.c1, y.c0.
fn g2_words(p: &G2Affine) -> [[u8; 32]; 4] {
    let c: Option<bn254::Coordinates<G2Affine>> = p.coordinates().into();
    let c = c.expect("the bundle's G2 points are checked not to be the identity");
    [
        be(c.x().c1().to_repr().as_ref()),
        be(c.x().c0().to_repr().as_ref()),
        be(c.y().c1().to_repr().as_ref()),
        be(c.y().c0().to_repr().as_ref()),
    ]
}

/// What a commitment of the opening plan is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Commit {
    /// a point in memory, by the slot of its `x`
    Point(u16),
    /// the quotient: Σ xⁿⁱ·hᵢ over the proof's h pieces
    H,
    /// the identity (fixed column `i` is all zeros): no MSM term
    Zero(usize),
}

fn build_with(b: &Bundle, form: Option<Form>) -> Result<Vec<u8>, ArtifactError> {
    if let Some((c, _)) = b.committed.iter().find(|(c, _)| *c >= b.num_advice_columns) {
        return Err(ArtifactError::Committed(*c, b.num_advice_columns));
    }
    if b.num_instance_columns != 1
        || b.instance_queries.len() != 1
        || b.instance_queries[0].rotation != 0
    {
        return Err(ArtifactError::Instances(format!(
            "{} instance column(s) and {} instance queries",
            b.num_instance_columns,
            b.instance_queries.len()
        )));
    }
    let n_inst = b.num_public();
    let (points, scalars) = proof_shape(b);
    // committed params: the link ([Q], π) follows the proof's last point
    let link = if b.committed.is_empty() {
        0
    } else {
        crate::verifier::LINK_BYTES
    };
    let proof_len = 64 * points + 32 * scalars + link;
    let n_adv = b.num_advice_columns as usize;
    let n_lk = b.lookups.len();
    let chunk = (b.cs_degree - 2) as usize;
    let sets = b.permutation.len().div_ceil(chunk);
    let qdeg = b.quotient_degree as usize;
    let p1 = n_adv + 3 * n_lk + sets + 1 + qdeg;
    let bf = b.blinding_factors as i32;

    // The layout depends on the artifact's length (the proof follows it), which depends on
    // the program, which names proof slots: lay out twice, the second time with the length the
    // first found (slots below the proof do not move).
    let build_as = |compiled: bool| -> Result<Vec<u8>, ArtifactError> {
        let mut art_len = 0usize;
        for _ in 0..3 {
            let (mut bytes, code) = lay_out(
                b, art_len, n_inst, proof_len, p1, scalars, sets, chunk, bf, compiled,
            )?;
            if bytes.len() == art_len {
                if let Some(code) = code {
                    bytes.extend_from_slice(&[0u8; CODE_GAP]);
                    bytes.extend_from_slice(&code);
                }
                return Ok(bytes);
            }
            art_len = bytes.len();
        }
        unreachable!("the artifact's length is a fixed point after one pass")
    };
    match form {
        Some(Form::Compiled) => build_as(true),
        Some(Form::Interpreted) => build_as(false),
        // compiled when it fits EIP-170 (and the EVM's stack), else interpreted
        None => match build_as(true) {
            Ok(c) if STUB_LEN + c.len() <= super::contract::MAX_CODE => Ok(c),
            Ok(_) | Err(ArtifactError::StackDepth(_)) => build_as(false),
            Err(e) => Err(e),
        },
    }
}

/// How the constraint program is carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// as EVM code after the artifact, which the model's contract runs for the verifier
    /// (≈ 20 gas per operation)
    Compiled,
    /// as bytes the verifier interprets (≈ 250 gas per operation, about half the code)
    Interpreted,
}

/// The artifact for a bundle: the bytes a model's contract carries after its stub. The
/// program is compiled to EVM code when the model's contract stays within EIP-170's limit with
/// it, else interpreted.
pub fn build(b: &Bundle) -> Result<Vec<u8>, ArtifactError> {
    build_with(b, None)
}

/// The artifact with the program in the given form (the contract may then exceed EIP-170's
/// limit: check it).
pub fn build_as(b: &Bundle, form: Form) -> Result<Vec<u8>, ArtifactError> {
    build_with(b, Some(form))
}

/// Zero bytes between the artifact and the compiled program: no byte of the artifact (data)
/// can then be read as a `PUSH` whose immediate covers the program's `JUMPDEST`.
pub const CODE_GAP: usize = 32;

/// The length of the artifact proper (what the verifier copies) within a `.vka`: header word
/// `LEN`; a compiled program follows it.
pub fn artifact_len(vka: &[u8]) -> Option<usize> {
    header_word(vka, hdr::LEN)
}

/// Header word `i` of a `.vka` as a number ([`u256`]'s inverse); `None` past the file or 2^64.
fn header_word(vka: &[u8], i: usize) -> Option<usize> {
    let w = vka.get(32 * i..32 * i + 32)?;
    if w[..24].iter().any(|b| *b != 0) {
        return None;
    }
    Some(u64::from_be_bytes(w[24..].try_into().ok()?) as usize)
}

/// Where a `.vka`'s compiled program starts in its model contract's code (header word `CODE`),
/// when it has one.
pub fn code_offset(vka: &[u8]) -> Option<usize> {
    header_word(vka, hdr::CODE).filter(|&v| v != 0)
}

#[allow(clippy::too_many_arguments)]
fn lay_out(
    b: &Bundle,
    art_len: usize,
    n_inst: usize,
    proof_len: usize,
    p1: usize,
    n_scalars: usize,
    sets: usize,
    chunk: usize,
    bf: i32,
    compiled: bool,
) -> Result<(Vec<u8>, Option<Vec<u8>>), ArtifactError> {
    let n_adv = b.num_advice_columns as usize;
    let n_lk = b.lookups.len();
    let qdeg = b.quotient_degree as usize;
    // memory: the proof starts after the artifact (word aligned), the repr and the instances
    let t0 = ART + art_len.div_ceil(32) * 32;
    let proof = t0 + 32 + 32 * n_inst;
    let work_end = proof + proof_len;
    if work_end / 32 > u16::MAX as usize {
        return Err(ArtifactError::TooLarge(work_end / 32));
    }
    let pslot = |byte: usize| ((proof + byte) / 32) as u16;
    // proof points (byte offsets)
    let advice_pt = |i: usize| 64 * i;
    let permuted_pt = |l: usize, t: usize| 64 * (n_adv + 2 * l + t);
    let perm_pt = |s: usize| 64 * (n_adv + 2 * n_lk + s);
    let lookup_z_pt = |l: usize| 64 * (n_adv + 2 * n_lk + sets + l);
    let random_pt = 64 * (n_adv + 3 * n_lk + sets);
    let h_off = random_pt + 64;
    let scal = 64 * p1;
    // proof scalars (slots), in the light verifier's reading order
    let mut at = scal;
    let mut next = |n: usize| {
        let first = at;
        at += 32 * n;
        (0..n)
            .map(move |i| pslot(first + 32 * i))
            .collect::<Vec<u16>>()
    };
    let advice_ev = next(b.advice_queries.len());
    let fixed_ev = next(b.fixed_queries.len());
    let random_ev = next(1)[0];
    let sigma_ev = next(b.permutation.len());
    let mut perm_ev = Vec::with_capacity(sets);
    for i in 0..sets {
        let v = next(if i + 1 < sets { 3 } else { 2 });
        perm_ev.push((v[0], v[1], v.get(2).copied()));
    }
    let lookup_ev: Vec<Vec<u16>> = (0..n_lk).map(|_| next(5)).collect();
    let scalars_end = at;
    debug_assert_eq!(scalars_end, scal + 32 * n_scalars);

    let mut lay = Layout {
        words: vec![[0u8; 32]; hdr::WORDS],
    };
    // constants, deduplicated
    let mut consts: Vec<(Fr, u16)> = Vec::new();
    let mut constant = |lay: &mut Layout, f: Fr| -> u16 {
        if let Some((_, s)) = consts.iter().find(|(c, _)| *c == f) {
            return *s;
        }
        let s = lay.fr(&f);
        consts.push((f, s));
        s
    };

    // the constraint program
    let mut prog = Program::default();
    let ev_slot = |e: &Expr| -> Option<u16> {
        match e {
            Expr::Fixed(i) => Some(fixed_ev[*i as usize]),
            Expr::Advice(i) => Some(advice_ev[*i as usize]),
            Expr::Instance(_) => Some(slot::INST),
            _ => None,
        }
    };
    fn node(
        e: &Expr,
        lay: &mut Layout,
        ev: &dyn Fn(&Expr) -> Option<u16>,
        c: &mut dyn FnMut(&mut Layout, Fr) -> u16,
    ) -> Node {
        if let Some(x) = ev(e) {
            return s(x);
        }
        match e {
            Expr::Constant(f) => s(c(lay, *f)),
            Expr::Negated(a) => Node::Neg(Box::new(node(a, lay, ev, c))),
            Expr::Sum(a, b2) => add(node(a, lay, ev, c), node(b2, lay, ev, c)),
            Expr::Product(a, b2) => mul(node(a, lay, ev, c), node(b2, lay, ev, c)),
            Expr::Scaled(a, f) => {
                let k = c(lay, *f);
                mul(node(a, lay, ev, c), s(k))
            }
            _ => unreachable!("column queries are slots"),
        }
    }
    for g in &b.gates {
        let n = node(g, &mut lay, &ev_slot, &mut constant);
        prog.constraint(&n);
    }
    // permutation
    let col_slot = |c: &crate::verifier::bundle::PermColumn| match c.kind {
        ColumnKind::Advice => advice_ev[c.query as usize],
        ColumnKind::Fixed => fixed_ev[c.query as usize],
        ColumnKind::Instance => slot::INST,
    };
    if let (Some(first), Some(last)) = (perm_ev.first(), perm_ev.last()) {
        prog.constraint(&mul(s(slot::L0), sub(s(slot::ONE), s(first.0))));
        prog.constraint(&mul(
            sub(mul(s(last.0), s(last.0)), s(last.0)),
            s(slot::LLAST),
        ));
    }
    for w in perm_ev.windows(2) {
        prog.constraint(&mul(
            sub(s(w[1].0), s(w[0].2.expect("all but the last set"))),
            s(slot::L0),
        ));
    }
    let mut delta_j = Fr::ONE;
    for ((cols, sigmas), set) in b
        .permutation
        .chunks(chunk)
        .zip(sigma_ev.chunks(chunk))
        .zip(&perm_ev)
    {
        let left = prod(
            std::iter::once(s(set.1)).chain(cols.iter().zip(sigmas).map(|(c, sg)| {
                add(
                    add(s(col_slot(c)), mul(s(slot::BETA), s(*sg))),
                    s(slot::GAMMA),
                )
            })),
        );
        let mut right_f = vec![s(set.0)];
        for c in cols {
            let d = constant(&mut lay, delta_j);
            right_f.push(add(
                add(s(col_slot(c)), mul(mul(s(slot::BETA), s(slot::X)), s(d))),
                s(slot::GAMMA),
            ));
            delta_j *= b.delta;
        }
        prog.constraint(&mul(sub(left, prod(right_f)), s(slot::ACTIVE)));
    }
    // lookups
    for (arg, e) in b.lookups.iter().zip(&lookup_ev) {
        let (z, z_next, a, a_prev, t) = (e[0], e[1], e[2], e[3], e[4]);
        let mut compress = |es: &[Expr], lay: &mut Layout| -> Node {
            let mut acc: Option<Node> = None;
            for ex in es {
                let v = node(ex, lay, &ev_slot, &mut constant);
                acc = Some(match acc {
                    None => v,
                    Some(a) => add(mul(a, s(slot::THETA)), v),
                });
            }
            acc.expect("lookups have expressions")
        };
        let input = compress(&arg.input, &mut lay);
        let table = compress(&arg.table, &mut lay);
        let left = prod([
            s(z_next),
            add(s(a), s(slot::BETA)),
            add(s(t), s(slot::GAMMA)),
        ]);
        let right = prod([s(z), add(input, s(slot::BETA)), add(table, s(slot::GAMMA))]);
        prog.constraint(&mul(s(slot::L0), sub(s(slot::ONE), s(z))));
        prog.constraint(&mul(s(slot::LLAST), sub(mul(s(z), s(z)), s(z))));
        prog.constraint(&mul(sub(left, right), s(slot::ACTIVE)));
        prog.constraint(&mul(s(slot::L0), sub(s(a), s(t))));
        prog.constraint(&prod([
            sub(s(a), s(t)),
            sub(s(a), s(a_prev)),
            s(slot::ACTIVE),
        ]));
    }

    // vk points
    // a fixed column of zeros commits to the identity: its MSM term is the identity too, so it
    // has no point and no term (its evaluation still enters the opening through r(u))
    let fixed_pt: Vec<Commit> = b
        .fixed_commitments
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if bool::from(p.is_identity()) {
                Commit::Zero(i)
            } else {
                Commit::Point(lay.g1(p))
            }
        })
        .collect();
    let sigma_pt: Vec<u16> = b
        .permutation_commitments
        .iter()
        .map(|p| lay.g1(p))
        .collect();
    // committed params: per column, where its advice commitment is in the proof, and its
    // published commitment
    let committed_ptr = lay.words.len() * 32;
    for (c, published) in &b.committed {
        lay.word(u256(advice_pt(*c as usize)));
        lay.g1(published);
    }

    // the opening plan: queries in the light verifier's order (commitment, rotation, eval slot)
    let proof_point = |byte: usize| Commit::Point(pslot(byte));
    let mut queries: Vec<(Commit, i32, u16)> = Vec::new();
    for (q, e) in b.advice_queries.iter().zip(&advice_ev) {
        queries.push((proof_point(advice_pt(q.column as usize)), q.rotation, *e));
    }
    for (i, (at_, next_, _)) in perm_ev.iter().enumerate() {
        queries.push((proof_point(perm_pt(i)), 0, *at_));
        queries.push((proof_point(perm_pt(i)), 1, *next_));
    }
    for (i, (_, _, last)) in perm_ev.iter().enumerate().rev().skip(1) {
        queries.push((
            proof_point(perm_pt(i)),
            -(bf + 1),
            last.expect("all but the last set"),
        ));
    }
    for (l, e) in lookup_ev.iter().enumerate() {
        let (a, t, z) = (
            proof_point(permuted_pt(l, 0)),
            proof_point(permuted_pt(l, 1)),
            proof_point(lookup_z_pt(l)),
        );
        queries.push((z, 0, e[0]));
        queries.push((a, 0, e[2]));
        queries.push((t, 0, e[4]));
        queries.push((a, -1, e[3]));
        queries.push((z, 1, e[1]));
    }
    for (q, e) in b.fixed_queries.iter().zip(&fixed_ev) {
        queries.push((fixed_pt[q.column as usize], q.rotation, *e));
    }
    for (p, e) in sigma_pt.iter().zip(&sigma_ev) {
        queries.push((Commit::Point(*p), 0, *e));
    }
    queries.push((Commit::H, 0, slot::HEVAL));
    queries.push((proof_point(random_pt), 0, random_ev));

    // the light verifier's grouping: commitments in first-appearance order with their points,
    // then sets of equal point sets, in first-appearance order
    let mut rotations: Vec<i32> = Vec::new();
    let mut by_commit: Vec<(Commit, Vec<i32>)> = Vec::new();
    for (c, r, _) in &queries {
        if !rotations.contains(r) {
            rotations.push(*r);
        }
        match by_commit.iter_mut().find(|(k, _)| k == c) {
            Some((_, rs)) => {
                if !rs.contains(r) {
                    rs.push(*r);
                }
            }
            None => by_commit.push((*c, vec![*r])),
        }
    }
    let mut groups: Vec<(Vec<i32>, Vec<Commit>)> = Vec::new();
    for (c, rs) in by_commit {
        let same = |a: &[i32]| a.len() == rs.len() && a.iter().all(|r| rs.contains(r));
        match groups.iter_mut().find(|(g, _)| same(g)) {
            Some((_, cs)) => cs.push(c),
            None => groups.push((rs, vec![c])),
        }
    }
    let eval_of = |c: Commit, r: i32| {
        queries
            .iter()
            .find(|(k, q, _)| *k == c && *q == r)
            .map(|(_, _, e)| *e)
            .expect("every (commitment, rotation) comes from a query")
    };
    let mut plan: Vec<u16> = vec![groups.len() as u16];
    for (rs, cs) in &groups {
        plan.push(rs.len() as u16);
        for r in rs {
            plan.push(rotations.iter().position(|x| x == r).expect("listed") as u16);
        }
        plan.push(cs.len() as u16);
        for c in cs {
            plan.push(match c {
                Commit::Point(x) => *x,
                Commit::H => 0,
                Commit::Zero(_) => 1,
            });
            for r in rs {
                plan.push(eval_of(*c, *r));
            }
        }
    }

    // ω^rotation for every distinct rotation
    let omega_inv = b.omega.invert().expect("omega is a root of unity");
    let rot_ptr = lay.words.len() * 32;
    for r in &rotations {
        let w = if *r >= 0 { b.omega } else { omega_inv };
        lay.fr(&w.pow_vartime([r.unsigned_abs() as u64]));
    }

    // header
    let mut bytes: Vec<u8> = Vec::new();
    let plan_ptr = lay.words.len() * 32;
    let mut tail: Vec<u8> = plan.iter().flat_map(|v| v.to_be_bytes()).collect();
    let (prog_ptr, prog_len, stack_words, temps, evm_code) = if compiled {
        let words = lay.words.len() * 32;
        let mem = CalleeMemory {
            head: (ART - 0x100) + words,
            scalars: pslot(scal),
            n_scalars,
            moved_to: ((ART + words) / 32) as u16,
        };
        (
            0,
            0,
            0,
            0,
            Some(
                prog.compile_evm(&mem)
                    .map_err(|e| ArtifactError::StackDepth(e.0))?,
            ),
        )
    } else {
        let code = prog.compile((work_end / 32) as u16);
        let at = plan_ptr + tail.len();
        tail.extend_from_slice(&code.code);
        (
            at,
            code.code.len(),
            code.temps + code.max_depth + 1,
            code.temps,
            None,
        )
    };
    let total = lay.words.len() * 32 + tail.len();
    let n = 1u64 << b.k;
    let h = &mut lay.words;
    let mut magic = [0u8; 32];
    magic[..10].copy_from_slice(b"ZKONNX-VKA");
    magic[31] = VERSION;
    h[hdr::MAGIC] = magic;
    h[hdr::LEN] = u256(total);
    h[hdr::N_INST] = u256(n_inst);
    h[hdr::PROOF_LEN] = u256(proof_len);
    h[hdr::DIGEST] = fr_word(&b.public.digest());
    h[hdr::REPR] = fr_word(&b.transcript_repr);
    h[hdr::K] = u256(b.k as usize);
    h[hdr::OMEGA] = fr_word(&b.omega);
    h[hdr::OMEGA_INV] = fr_word(&omega_inv);
    h[hdr::N_INV] = fr_word(&Fr::from(n).invert().expect("n is invertible"));
    h[hdr::BF] = u256(bf as usize);
    h[hdr::P1] = u256(p1);
    h[hdr::N_SCALARS] = u256(n_scalars);
    let ends = [
        64 * n_adv,              // θ
        64 * (n_adv + 2 * n_lk), // β
        64 * (n_adv + 2 * n_lk), // γ
        h_off,                   // y
        scal,                    // x
        scalars_end,             // SHPLONK y
        scalars_end,             // v
        scalars_end + 64,        // u (after h1)
    ];
    for (i, e) in ends.iter().enumerate() {
        h[hdr::ENDS + i] = u256(*e);
    }
    h[hdr::QDEG] = u256(qdeg);
    h[hdr::H_OFF] = u256(h_off);
    let (gx, gy) = g1_words(&b.g1);
    h[hdr::G1] = gx;
    h[hdr::G1 + 1] = gy;
    for (i, w) in g2_words(&b.g2).into_iter().enumerate() {
        h[hdr::G2 + i] = w;
    }
    for (i, w) in g2_words(&b.s_g2).into_iter().enumerate() {
        h[hdr::S_G2 + i] = w;
    }
    h[hdr::N_ROT] = u256(rotations.len());
    h[hdr::ROT_PTR] = u256(rot_ptr);
    h[hdr::PLAN_PTR] = u256(plan_ptr);
    h[hdr::PROG_PTR] = u256(prog_ptr);
    h[hdr::PROG_LEN] = u256(prog_len);
    h[hdr::STACK_WORDS] = u256(stack_words);
    h[hdr::TEMPS] = u256(temps);
    h[hdr::FINGERPRINT] = b.fingerprint_bytes();
    h[hdr::N_COMMITTED] = u256(b.committed.len());
    h[hdr::COMMITTED_PTR] = u256(committed_ptr);
    h[hdr::CODE] = u256(if compiled {
        STUB_LEN + total + CODE_GAP
    } else {
        0
    });
    for w in &lay.words {
        bytes.extend_from_slice(w);
    }
    bytes.extend_from_slice(&tail);
    Ok((bytes, evm_code))
}

/// The terms of the verifier's one multi-scalar multiplication for this bundle's circuit (each
/// an `ecMul` and an `ecAdd` on chain): every commitment of the opening (advice, permutation
/// products, the lookups' three each, fixed, permutation σ, the quotient's pieces, the random
/// polynomial; no fixed column of zeros, whose commitment is the identity) plus G1, h1 and h2;
/// with committed params, two per parameter column, `[Q]`, `π`, and `λ·π` for the pairing.
pub fn msm_terms(b: &Bundle) -> usize {
    let link = if b.committed.is_empty() {
        0
    } else {
        2 * b.committed.len() + 3
    };
    let sets = b.permutation.len().div_ceil((b.cs_degree - 2) as usize);
    b.num_advice_columns as usize
        + sets
        + 3 * b.lookups.len()
        + b.fixed_commitments
            .iter()
            .filter(|p| !bool::from(p.is_identity()))
            .count()
        + b.permutation_commitments.len()
        + b.quotient_degree as usize
        + 1
        + 3
        + link
}
