//! Comparisons and boolean logic (Equal, Less, LessOrEqual, Greater, GreaterOrEqual, Not,
//! And, Or, Xor, Where). Float semantics only, with numpy broadcasting: on constants they fold
//! at import (e.g. attention masks computed from buffers); on activations they have no
//! lowering yet, which is an error naming the node.

use super::{OpError, Operand};
use crate::quant::{Lowered, QuantError};
use crate::tensor::{broadcast_index_map, broadcast_shape, Tensor};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Logic {
    Equal,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Not,
    And,
    Or,
    Xor,
    Where,
}

impl Logic {
    pub fn build(op_type: &str) -> Option<(Self, Vec<usize>)> {
        Some(match op_type {
            "Equal" => (Logic::Equal, vec![0, 1]),
            "Less" => (Logic::Less, vec![0, 1]),
            "LessOrEqual" => (Logic::LessOrEqual, vec![0, 1]),
            "Greater" => (Logic::Greater, vec![0, 1]),
            "GreaterOrEqual" => (Logic::GreaterOrEqual, vec![0, 1]),
            "Not" => (Logic::Not, vec![0]),
            "And" => (Logic::And, vec![0, 1]),
            "Or" => (Logic::Or, vec![0, 1]),
            "Xor" => (Logic::Xor, vec![0, 1]),
            "Where" => (Logic::Where, vec![0, 1, 2]),
            _ => return None,
        })
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        let arity = match self {
            Logic::Not => 1,
            Logic::Where => 3,
            _ => 2,
        };
        super::need(ins, arity)?;
        let mut shape = ins[0].shape.clone();
        for t in &ins[1..arity] {
            shape = broadcast_shape(&shape, &t.shape).ok_or_else(|| {
                OpError::Shape(format!("{:?} and {:?} do not broadcast", shape, t.shape))
            })?;
        }
        let maps: Vec<Vec<usize>> = ins[..arity]
            .iter()
            .map(|t| broadcast_index_map(&t.shape, &shape))
            .collect();
        let b = |v: bool| if v { 1.0 } else { 0.0 };
        let n: usize = shape.iter().product();
        let data = (0..n)
            .map(|i| {
                let v = |k: usize| ins[k].data[maps[k][i]];
                match self {
                    Logic::Equal => b(v(0) == v(1)),
                    Logic::Less => b(v(0) < v(1)),
                    Logic::LessOrEqual => b(v(0) <= v(1)),
                    Logic::Greater => b(v(0) > v(1)),
                    Logic::GreaterOrEqual => b(v(0) >= v(1)),
                    Logic::Not => b(v(0) == 0.0),
                    Logic::And => b(v(0) != 0.0 && v(1) != 0.0),
                    Logic::Or => b(v(0) != 0.0 || v(1) != 0.0),
                    Logic::Xor => b((v(0) != 0.0) != (v(1) != 0.0)),
                    Logic::Where => {
                        if v(0) != 0.0 {
                            v(1)
                        } else {
                            v(2)
                        }
                    }
                }
            })
            .collect();
        Ok(Tensor::new(shape, data))
    }

    pub fn lower(&self, _ins: &[Operand]) -> Result<Lowered, QuantError> {
        Err(QuantError::Unsupported(format!(
            "{self:?} of an activation is not supported yet (only on constants, folded at import)"
        )))
    }
}
