//! The constraint program: every constraint the light verifier evaluates at `x` (the gates,
//! the permutation's and the lookups' constraints, in `verifier::plonk`'s order), as one
//! hash-consed DAG over memory slots ([`Program`]), folded with `y` (`acc = acc·y + c`), and its
//! two compilations: byte code for the verifier contract's interpreter ([`op`]), and
//! straight-line EVM code the model's contract runs when the verifier calls it
//! (`compile_evm`, [`super::artifact::Form::Compiled`]).

use crate::verifier::transcript::be;
use bn254::bn256::Fr;
use bn254::ff::{Field, PrimeField};

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

/// A constraint over slots, before it is written as a program.
pub(super) enum Node {
    Slot(u16),
    Add(Box<Node>, Box<Node>),
    Sub(Box<Node>, Box<Node>),
    Mul(Box<Node>, Box<Node>),
    Neg(Box<Node>),
}

pub(super) fn add(a: Node, b: Node) -> Node {
    Node::Add(Box::new(a), Box::new(b))
}
pub(super) fn sub(a: Node, b: Node) -> Node {
    Node::Sub(Box::new(a), Box::new(b))
}
pub(super) fn mul(a: Node, b: Node) -> Node {
    Node::Mul(Box::new(a), Box::new(b))
}
pub(super) fn s(x: u16) -> Node {
    Node::Slot(x)
}
/// a product of several factors
pub(super) fn prod(nodes: impl IntoIterator<Item = Node>) -> Node {
    nodes
        .into_iter()
        .reduce(mul)
        .expect("a product of at least one factor")
}

/// A node of the constraints' DAG: equal subexpressions are one node (hash-consing), evaluated
/// once and kept in a temporary slot when used more than once.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum K {
    Slot(u16),
    Add(u32, u32),
    Sub(u32, u32),
    Mul(u32, u32),
    Neg(u32),
}

pub(super) fn children(k: K) -> Vec<u32> {
    match k {
        K::Slot(_) => vec![],
        K::Neg(a) => vec![a],
        K::Add(a, b) | K::Sub(a, b) | K::Mul(a, b) => vec![a, b],
    }
}

/// The constraints, collected, then compiled into the program.
#[derive(Default)]
pub(super) struct Program {
    pub(super) nodes: Vec<K>,
    pub(super) index: std::collections::HashMap<K, u32>,
    pub(super) roots: Vec<u32>,
}

/// The compiled program: its bytes, the temporaries and the deepest stack it needs.
pub(super) struct Code {
    pub(super) code: Vec<u8>,
    pub(super) temps: usize,
    pub(super) max_depth: usize,
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
    pub(super) fn constraint(&mut self, n: &Node) {
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
    pub(super) fn compile(&self, temp_base: u16) -> Code {
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

pub(super) struct Emitter<'a> {
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
pub(super) const MAX_STACK: usize = 1000;

/// EVM opcodes the compiled program uses.
pub(super) mod evm {
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
pub(super) struct CalleeMemory {
    /// bytes copied from calldata 0 to 0x100: the named slots, then the artifact's words
    pub(super) head: usize,
    /// the scalars' first slot in the verifier's memory, their count, their first slot here
    pub(super) scalars: u16,
    pub(super) n_scalars: usize,
    pub(super) moved_to: u16,
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
pub(super) struct EvmEmitter<'a> {
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
    pub(super) fn compile_evm(&self, mem: &CalleeMemory) -> Result<Vec<u8>, StackTooDeep> {
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
            return Err(StackTooDeep(e.max_h + 1));
        }
        Ok(e.code)
    }
}

/// The compiled program would need this many EVM stack items, past [`MAX_STACK`].
#[derive(Debug)]
pub(super) struct StackTooDeep(pub(super) usize);

/// The scalar field's modulus r, big-endian.
pub(super) fn r_word() -> [u8; 32] {
    // r − 1 is the field's −1; r = that + 1 as an integer (no carry out of the low byte: r is odd)
    let mut w = be((-Fr::ONE).to_repr().as_ref());
    w[31] += 1;
    w
}
