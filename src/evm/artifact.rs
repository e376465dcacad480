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

use crate::verifier::bundle::{Bundle, ColumnKind};
use crate::verifier::expr::Expr;
use crate::verifier::plonk::proof_shape;
use crate::verifier::transcript::be;
use bn254::bn256::{Fr, G1Affine, G2Affine};
use bn254::ff::{Field, PrimeField};
use bn254::group::prime::PrimeCurveAffine;
use bn254::CurveAffine;

/// The artifact's format (header word 0's low byte; its high bytes spell "ZKONNX-VKA").
pub const VERSION: u8 = 2;
/// Where the artifact is copied to in the contract's memory (bytes).
pub const ART: usize = 0x400;
/// Length of the stub in front of the artifact in the model contract's code ([`super::contract`]).
pub const STUB_LEN: usize = super::contract::STUB_LEN;

/// Named scalar slots (memory word indices) the contract fills before running the program.
pub mod slot {
    pub const THETA: u16 = 8;
    pub const BETA: u16 = 9;
    pub const GAMMA: u16 = 10;
    pub const Y: u16 = 11;
    pub const X: u16 = 12;
    /// SHPLONK's `y` (combining a set's commitments)
    pub const SY: u16 = 13;
    pub const V: u16 = 14;
    pub const U: u16 = 15;
    pub const XN: u16 = 16;
    pub const L0: u16 = 17;
    pub const LLAST: u16 = 18;
    pub const ACTIVE: u16 = 19;
    /// the quotient's evaluation the vanishing argument implies: folded / (xⁿ − 1)
    pub const HEVAL: u16 = 20;
    /// the instance column's evaluation at x (from the public values)
    pub const INST: u16 = 21;
    /// the constant 1
    pub const ONE: u16 = 22;
}

/// The constraint program's opcodes (one byte; `s`: a u16 slot operand).
pub mod op {
    /// push mem[s]
    pub const PUSH: u8 = 1;
    /// pop b, a; push a + b
    pub const ADD: u8 = 2;
    pub const MUL: u8 = 3;
    /// top = −top
    pub const NEG: u8 = 4;
    /// pop b, a; push a − b
    pub const SUB: u8 = 5;
    /// pop c; acc = acc·y + c
    pub const FOLD: u8 = 6;
    /// top += mem[s]
    pub const ADDS: u8 = 7;
    /// top ·= mem[s]
    pub const MULS: u8 = 8;
    /// mem[s] = top (a subexpression used again)
    pub const STORE: u8 = 9;
    /// top −= mem[s]
    pub const SUBS: u8 = 10;
    /// push mem[a]·mem[b] (two slot operands)
    pub const PMUL: u8 = 11;
    /// pop c; acc = acc·y + c·mem[s] (a gate's selector folded in)
    pub const MFOLD: u8 = 12;
}

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
    pub const WORDS: usize = 42;
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

/// A constraint over slots, before it is written as a program.
enum Node {
    Slot(u16),
    Add(Box<Node>, Box<Node>),
    Sub(Box<Node>, Box<Node>),
    Mul(Box<Node>, Box<Node>),
    Neg(Box<Node>),
}

fn add(a: Node, b: Node) -> Node {
    Node::Add(Box::new(a), Box::new(b))
}
fn sub(a: Node, b: Node) -> Node {
    Node::Sub(Box::new(a), Box::new(b))
}
fn mul(a: Node, b: Node) -> Node {
    Node::Mul(Box::new(a), Box::new(b))
}
fn s(x: u16) -> Node {
    Node::Slot(x)
}
/// a product of several factors
fn prod(nodes: impl IntoIterator<Item = Node>) -> Node {
    nodes
        .into_iter()
        .reduce(mul)
        .expect("a product of at least one factor")
}

/// A node of the constraints' DAG: equal subexpressions are one node (hash-consing), evaluated
/// once and kept in a temporary slot when used more than once.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum K {
    Slot(u16),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Neg(u32),
}

fn children(k: K) -> Vec<u32> {
    match k {
        K::Slot(_) => vec![],
        K::Neg(a) => vec![a],
        K::Add(a, b) | K::Sub(a, b) | K::Mul(a, b) => vec![a, b],
    }
}

/// The constraints, collected, then compiled into the program.
#[derive(Default)]
struct Program {
    nodes: Vec<K>,
    index: std::collections::HashMap<K, u32>,
    roots: Vec<u32>,
}

/// The compiled program: its bytes, the temporaries and the deepest stack it needs.
struct Code {
    code: Vec<u8>,
    temps: usize,
    max_depth: usize,
}

impl Program {
    fn intern(&mut self, n: &Node) -> u32 {
        let k = match n {
            Node::Slot(x) => K::Slot(*x),
            Node::Neg(a) => K::Neg(self.intern(a)),
            Node::Sub(a, b) => K::Sub(self.intern(a), self.intern(b)),
            Node::Add(a, b) | Node::Mul(a, b) => {
                let (x, y) = (self.intern(a), self.intern(b));
                let add = matches!(n, Node::Add(..));
                // x + (−y) is x − y: one operation instead of two
                match (self.nodes[x as usize], self.nodes[y as usize]) {
                    (_, K::Neg(v)) if add => K::Sub(x, v),
                    (K::Neg(v), _) if add => K::Sub(y, v),
                    _ => {
                        // commutative: one order
                        let (x, y) = (x.min(y), x.max(y));
                        if add {
                            K::Add(x, y)
                        } else {
                            K::Mul(x, y)
                        }
                    }
                }
            }
        };
        if let Some(&id) = self.index.get(&k) {
            return id;
        }
        self.nodes.push(k);
        let id = (self.nodes.len() - 1) as u32;
        self.index.insert(k, id);
        id
    }

    /// One constraint: it is evaluated and folded into the accumulator, in this order.
    fn constraint(&mut self, n: &Node) {
        let id = self.intern(n);
        self.roots.push(id);
    }

    /// How often each node is used by the nodes the roots reach (a negation folded into a
    /// subtraction is left unreached), each root counting once.
    fn uses(&self) -> Vec<u32> {
        let mut reached = vec![false; self.nodes.len()];
        let mut todo: Vec<u32> = self.roots.clone();
        while let Some(id) = todo.pop() {
            if !std::mem::replace(&mut reached[id as usize], true) {
                todo.extend(children(self.nodes[id as usize]));
            }
        }
        let mut uses = vec![0u32; self.nodes.len()];
        for (id, k) in self.nodes.iter().enumerate() {
            if reached[id] {
                for c in children(*k) {
                    uses[c as usize] += 1;
                }
            }
        }
        for r in &self.roots {
            uses[*r as usize] += 1;
        }
        uses
    }

    /// The program for the verifier's interpreter, its temporaries at slots `temp_base..`.
    fn compile(&self, temp_base: u16) -> Code {
        let mut e = Emitter {
            p: self,
            uses: self.uses(),
            slot_of: vec![None; self.nodes.len()],
            code: Vec::new(),
            temps: 0,
            temp_base,
            depth: 0,
            max_depth: 0,
        };
        for r in &self.roots {
            // a gate is `selector · expression`: fold the selector in with the product
            let folded = match self.nodes[*r as usize] {
                K::Mul(a, b) if e.uses[*r as usize] == 1 => match (e.operand(a), e.operand(b)) {
                    (_, Some(v)) => Some((a, v)),
                    (Some(v), _) => Some((b, v)),
                    _ => None,
                },
                _ => None,
            };
            match folded {
                Some((other, v)) => {
                    e.emit(other);
                    e.op_slot(op::MFOLD, v);
                }
                None => {
                    e.emit(*r);
                    e.code.push(op::FOLD);
                }
            }
            e.depth -= 1;
        }
        Code {
            code: e.code,
            temps: e.temps,
            max_depth: e.max_depth,
        }
    }
}

struct Emitter<'a> {
    p: &'a Program,
    uses: Vec<u32>,
    /// a node's value in memory: its own slot, or the temporary it was stored in
    slot_of: Vec<Option<u16>>,
    code: Vec<u8>,
    temps: usize,
    temp_base: u16,
    depth: usize,
    max_depth: usize,
}

impl Emitter<'_> {
    fn op_slot(&mut self, o: u8, x: u16) {
        self.code.push(o);
        self.code.extend_from_slice(&x.to_be_bytes());
    }
    /// the node's slot, if its value is in memory without evaluating anything
    fn operand(&self, id: u32) -> Option<u16> {
        match self.p.nodes[id as usize] {
            K::Slot(x) => Some(x),
            _ => self.slot_of[id as usize],
        }
    }
    fn emit(&mut self, id: u32) {
        if let Some(x) = self.operand(id) {
            self.op_slot(op::PUSH, x);
            self.depth += 1;
            self.max_depth = self.max_depth.max(self.depth);
            return;
        }
        match self.p.nodes[id as usize] {
            K::Slot(_) => unreachable!("slots are operands"),
            K::Neg(a) => {
                self.emit(a);
                self.code.push(op::NEG);
            }
            K::Add(a, b) | K::Mul(a, b) => {
                let add = matches!(self.p.nodes[id as usize], K::Add(..));
                let (with_slot, plain) = if add {
                    (op::ADDS, op::ADD)
                } else {
                    (op::MULS, op::MUL)
                };
                // an operand in memory folds into the instruction (both are commutative)
                if let (false, Some(u), Some(v)) = (add, self.operand(a), self.operand(b)) {
                    self.code.push(op::PMUL);
                    self.code.extend_from_slice(&u.to_be_bytes());
                    self.code.extend_from_slice(&v.to_be_bytes());
                    self.depth += 1;
                    self.max_depth = self.max_depth.max(self.depth);
                } else if let Some(v) = self.operand(b) {
                    self.emit(a);
                    self.op_slot(with_slot, v);
                } else if let Some(v) = self.operand(a) {
                    self.emit(b);
                    self.op_slot(with_slot, v);
                } else {
                    self.emit(a);
                    self.emit(b);
                    self.code.push(plain);
                    self.depth -= 1;
                }
            }
            K::Sub(a, b) => {
                self.emit(a);
                if let Some(v) = self.operand(b) {
                    self.op_slot(op::SUBS, v);
                } else {
                    self.emit(b);
                    self.code.push(op::SUB);
                    self.depth -= 1;
                }
            }
        }
        if self.uses[id as usize] > 1 {
            let t = self.temp_base + self.temps as u16;
            self.temps += 1;
            self.op_slot(op::STORE, t);
            self.slot_of[id as usize] = Some(t);
        }
    }
}

/// The EVM's stack limit (the compiled program keeps a little below it).
const MAX_STACK: usize = 1000;

/// EVM opcodes the compiled program uses.
mod evm {
    pub const SUB: u8 = 0x03;
    pub const MOD: u8 = 0x06;
    pub const ADDMOD: u8 = 0x08;
    pub const MULMOD: u8 = 0x09;
    pub const CALLDATACOPY: u8 = 0x37;
    pub const POP: u8 = 0x50;
    pub const MLOAD: u8 = 0x51;
    pub const MSTORE: u8 = 0x52;
    pub const JUMPDEST: u8 = 0x5b;
    /// PUSH1; PUSHn is `PUSH1 + n − 1`
    pub const PUSH1: u8 = 0x60;
    /// DUP1; DUPn is `DUP1 + n − 1`
    pub const DUP1: u8 = 0x80;
    pub const SWAP1: u8 = 0x90;
    pub const RETURN: u8 = 0xf3;
}

/// Where the compiled program finds its operands: the verifier calls the model's contract with
/// its memory from `0x100` up to the end of the proof's scalars as calldata; the program copies
/// the named slots and the artifact's words (constants) to the same addresses, and the proof's
/// scalars to just after the words (`scalars` slot → `moved_to`).
struct CalleeMemory {
    /// bytes copied from calldata 0 to 0x100: the named slots, then the artifact's words
    head: usize,
    /// the scalars' first slot in the verifier's memory, their count, their first slot here
    scalars: u16,
    n_scalars: usize,
    moved_to: u16,
}

impl CalleeMemory {
    fn slot(&self, x: u16) -> u16 {
        if x >= self.scalars && ((x - self.scalars) as usize) < self.n_scalars {
            self.moved_to + (x - self.scalars)
        } else {
            debug_assert!(
                (x as usize) * 32 < 0x100 + self.head,
                "slot {x} is neither named, a constant nor a scalar"
            );
            x
        }
    }
}

/// The program compiled to straight-line EVM code over the EVM's own stack: the field's modulus
/// `r` at the bottom (and in memory at 0, for depths `DUP16` cannot reach), then the folded
/// accumulator, then the values being computed. A node pushes `r` before its operands, as
/// `ADDMOD`/`MULMOD` read it below them.
struct EvmEmitter<'a> {
    p: &'a Program,
    mem: &'a CalleeMemory,
    uses: Vec<u32>,
    /// a node's value in memory: its slot here (the remapped slot of a column, or its temporary)
    slot_of: Vec<Option<u16>>,
    code: Vec<u8>,
    temp_next: u16,
    /// stack items above `r`, and the most there were
    h: usize,
    max_h: usize,
}

impl EvmEmitter<'_> {
    fn push(&mut self, v: usize) {
        let bytes = (v as u64).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count().min(7);
        self.code.push(evm::PUSH1 + (7 - skip) as u8);
        self.code.extend_from_slice(&bytes[skip..]);
    }
    fn load(&mut self, slot: u16) {
        self.push(32 * slot as usize);
        self.code.push(evm::MLOAD);
        self.h += 1;
        self.max_h = self.max_h.max(self.h);
    }
    fn push_r(&mut self) {
        if self.h < 16 {
            self.code.push(evm::DUP1 + self.h as u8);
        } else {
            self.push(0);
            self.code.push(evm::MLOAD);
        }
        self.h += 1;
        self.max_h = self.max_h.max(self.h);
    }
    fn operand(&self, id: u32) -> Option<u16> {
        match self.p.nodes[id as usize] {
            K::Slot(x) => Some(self.mem.slot(x)),
            _ => self.slot_of[id as usize],
        }
    }
    fn emit(&mut self, id: u32) {
        if let Some(x) = self.operand(id) {
            self.load(x);
            return;
        }
        match self.p.nodes[id as usize] {
            K::Slot(_) => unreachable!("slots are operands"),
            K::Neg(a) => {
                // (r − a) mod r
                self.push_r();
                self.emit(a);
                self.push_r();
                self.code.extend_from_slice(&[evm::SUB, evm::MOD]);
                self.h -= 2;
            }
            K::Add(a, b) | K::Mul(a, b) => {
                let o = if matches!(self.p.nodes[id as usize], K::Add(..)) {
                    evm::ADDMOD
                } else {
                    evm::MULMOD
                };
                self.push_r();
                self.emit(a);
                self.emit(b);
                self.code.push(o);
                self.h -= 2;
            }
            K::Sub(a, b) => {
                // a + (r − b) mod r
                self.push_r();
                self.emit(a);
                self.push_r();
                self.emit(b);
                self.code
                    .extend_from_slice(&[evm::SWAP1, evm::SUB, evm::ADDMOD]);
                self.h -= 3;
            }
        }
        if self.uses[id as usize] > 1 {
            let t = self.temp_next;
            self.temp_next += 1;
            self.code.push(evm::DUP1);
            self.push(32 * t as usize);
            self.code.push(evm::MSTORE);
            self.slot_of[id as usize] = Some(t);
        }
    }
}

impl Program {
    /// The program as EVM code (from its `JUMPDEST`): copies its operands from calldata, folds
    /// every constraint with `y` (`acc = acc·y + c`) and returns `acc` as one word.
    fn compile_evm(&self, mem: &CalleeMemory) -> Result<Vec<u8>, ArtifactError> {
        let mut e = EvmEmitter {
            p: self,
            mem,
            uses: self.uses(),
            slot_of: vec![None; self.nodes.len()],
            code: vec![evm::JUMPDEST, evm::PUSH1 + 31],
            temp_next: mem.moved_to + mem.n_scalars as u16,
            h: 0,
            max_h: 0,
        };
        e.code.extend_from_slice(&r_word());
        // mem[0] = r (for depths DUP16 cannot reach)
        e.code.push(evm::DUP1);
        e.push(0);
        e.code.push(evm::MSTORE);
        // the named slots and the artifact's words, then the scalars
        e.push(mem.head);
        e.push(0);
        e.push(0x100);
        e.code.push(evm::CALLDATACOPY);
        e.push(32 * mem.n_scalars);
        e.push(32 * mem.scalars as usize - 0x100);
        e.push(32 * mem.moved_to as usize);
        e.code.push(evm::CALLDATACOPY);
        // acc = 0
        e.push(0);
        e.h = 1;
        for r in &self.roots {
            // acc·y + c
            e.push_r();
            e.push_r();
            e.code.push(evm::DUP1 + (e.h - 1) as u8);
            e.h += 1;
            e.load(slot::Y);
            e.code.push(evm::MULMOD);
            e.h -= 2;
            e.emit(*r);
            e.code.push(evm::ADDMOD);
            e.h -= 2;
            e.code.extend_from_slice(&[evm::SWAP1, evm::POP]);
            e.h -= 1;
            debug_assert_eq!(e.h, 1);
        }
        // return acc
        e.push(0);
        e.code.push(evm::MSTORE);
        e.push(32);
        e.push(0);
        e.code.push(evm::RETURN);
        // r and the values below the deepest point, within the EVM's 1,024 stack items
        if e.max_h + 1 > MAX_STACK {
            return Err(ArtifactError::StackDepth(e.max_h + 1));
        }
        Ok(e.code)
    }
}

/// The scalar field's modulus r, big-endian.
fn r_word() -> [u8; 32] {
    // r − 1 is the field's −1; r = that + 1 as an integer (no carry out of the low byte: r is odd)
    let mut w = be((-Fr::ONE).to_repr().as_ref());
    w[31] += 1;
    w
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
    let proof_len = 64 * points + 32 * scalars;
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
        (0, 0, 0, 0, Some(prog.compile_evm(&mem)?))
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
/// polynomial; no fixed column of zeros, whose commitment is the identity) plus G1, h1 and h2.
pub fn msm_terms(b: &Bundle) -> usize {
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
}
