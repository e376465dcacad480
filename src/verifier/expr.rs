//! Constraint expressions over the evaluations a proof opens: halo2's `Expression` with every
//! column query resolved to its index in the proof's evaluation lists (selectors are fixed
//! columns by then, and zkonnx's circuits use no challenges).

use super::encoding::{Reader, Res, Writer};
use bn254::bn256::Fr;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Constant(Fr),
    /// index into the fixed evaluations (the fixed queries' order)
    Fixed(u32),
    Advice(u32),
    Instance(u32),
    Negated(Box<Expr>),
    Sum(Box<Expr>, Box<Expr>),
    Product(Box<Expr>, Box<Expr>),
    Scaled(Box<Expr>, Fr),
}

/// Deepest expression a bundle may hold (zkonnx's gates nest a few dozen levels).
const MAX_DEPTH: usize = 512;

/// The evaluations an expression reads.
pub struct Evals<'a> {
    pub fixed: &'a [Fr],
    pub advice: &'a [Fr],
    pub instance: &'a [Fr],
}

impl Expr {
    pub fn evaluate(&self, e: &Evals) -> Fr {
        match self {
            Expr::Constant(c) => *c,
            Expr::Fixed(i) => e.fixed[*i as usize],
            Expr::Advice(i) => e.advice[*i as usize],
            Expr::Instance(i) => e.instance[*i as usize],
            Expr::Negated(a) => -a.evaluate(e),
            Expr::Sum(a, b) => a.evaluate(e) + b.evaluate(e),
            Expr::Product(a, b) => a.evaluate(e) * b.evaluate(e),
            Expr::Scaled(a, c) => a.evaluate(e) * c,
        }
    }

    /// Every query index is within `(fixed, advice, instance)` query counts.
    pub fn check(&self, n: (usize, usize, usize)) -> Res<()> {
        let ok = |i: &u32, m: usize, kind: &str| {
            if (*i as usize) < m {
                Ok(())
            } else {
                Err(format!("{kind} query {i} of {m}"))
            }
        };
        match self {
            Expr::Constant(_) => Ok(()),
            Expr::Fixed(i) => ok(i, n.0, "fixed"),
            Expr::Advice(i) => ok(i, n.1, "advice"),
            Expr::Instance(i) => ok(i, n.2, "instance"),
            Expr::Negated(a) | Expr::Scaled(a, _) => a.check(n),
            Expr::Sum(a, b) | Expr::Product(a, b) => {
                a.check(n)?;
                b.check(n)
            }
        }
    }

    pub fn write(&self, w: &mut Writer) {
        match self {
            Expr::Constant(c) => {
                w.u8(0);
                w.fr(c);
            }
            Expr::Fixed(i) => {
                w.u8(1);
                w.u32(*i);
            }
            Expr::Advice(i) => {
                w.u8(2);
                w.u32(*i);
            }
            Expr::Instance(i) => {
                w.u8(3);
                w.u32(*i);
            }
            Expr::Negated(a) => {
                w.u8(4);
                a.write(w);
            }
            Expr::Sum(a, b) => {
                w.u8(5);
                a.write(w);
                b.write(w);
            }
            Expr::Product(a, b) => {
                w.u8(6);
                a.write(w);
                b.write(w);
            }
            Expr::Scaled(a, c) => {
                w.u8(7);
                a.write(w);
                w.fr(c);
            }
        }
    }

    pub fn read(r: &mut Reader, what: &str) -> Res<Expr> {
        Self::read_at(r, what, 0)
    }

    fn read_at(r: &mut Reader, what: &str, depth: usize) -> Res<Expr> {
        if depth > MAX_DEPTH {
            return Err(format!("{what}: expression nested deeper than {MAX_DEPTH}"));
        }
        let sub = |r: &mut Reader| Self::read_at(r, what, depth + 1).map(Box::new);
        Ok(match r.u8(what)? {
            0 => Expr::Constant(r.fr(what)?),
            1 => Expr::Fixed(r.u32(what)?),
            2 => Expr::Advice(r.u32(what)?),
            3 => Expr::Instance(r.u32(what)?),
            4 => Expr::Negated(sub(r)?),
            5 => Expr::Sum(sub(r)?, sub(r)?),
            6 => Expr::Product(sub(r)?, sub(r)?),
            7 => {
                let a = sub(r)?;
                Expr::Scaled(a, r.fr(what)?)
            }
            t => return Err(format!("{what}: unknown expression tag {t}")),
        })
    }
}
