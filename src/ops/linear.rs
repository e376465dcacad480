//! Gemm and MatMul: matrix products, lowered to one `Dot` per output element.

use super::Attrs;
use super::{need, OpError, Operand};
use crate::quant::{ASrc, BSrc, Dot, DotKind, ElemPart, LowerCtx, QOp, QuantError};
use crate::tensor::{broadcast_index_map, broadcast_shape, Tensor};

pub use crate::quant::matmul::{MatSrc, QMatMul};

/// ONNX Gemm: `alpha · A' · B' + beta · C` (A', B' optionally transposed, C broadcast).
#[derive(Clone, Debug)]
pub struct Gemm {
    pub alpha: f64,
    pub beta: f64,
    pub trans_a: bool,
    pub trans_b: bool,
}

/// ONNX MatMul (numpy semantics, batch dimensions broadcast).
#[derive(Clone, Debug)]
pub struct MatMul;

impl Gemm {
    pub fn build(a: &Attrs) -> Result<Self, OpError> {
        Ok(Gemm {
            alpha: a.float("alpha", 1.0) as f64,
            beta: a.float("beta", 1.0) as f64,
            trans_a: a.int("transA", 0) != 0,
            trans_b: a.int("transB", 0) != 0,
        })
    }

    fn dims(&self, sa: &[usize], sb: &[usize]) -> Result<(usize, usize, usize), OpError> {
        if sa.len() != 2 || sb.len() != 2 {
            return Err(OpError::Shape(format!(
                "Gemm needs 2-D A and B, got {sa:?} and {sb:?}"
            )));
        }
        let (m, k) = if self.trans_a {
            (sa[1], sa[0])
        } else {
            (sa[0], sa[1])
        };
        let (kb, n) = if self.trans_b {
            (sb[1], sb[0])
        } else {
            (sb[0], sb[1])
        };
        if k != kb {
            return Err(OpError::Shape(format!(
                "Gemm inner dimensions differ: A {sa:?}, B {sb:?}"
            )));
        }
        Ok((m, k, n))
    }

    fn srcs(&self, m: usize, k: usize, n: usize) -> ((usize, usize), (usize, usize)) {
        let a = if self.trans_a { (1, m) } else { (k, 1) };
        let b = if self.trans_b { (1, k) } else { (n, 1) };
        (a, b)
    }

    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 2)?;
        let (m, k, n) = self.dims(&ins[0].shape, &ins[1].shape)?;
        let ((ars, acs), (brs, bcs)) = self.srcs(m, k, n);
        let mut out = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                let s: f64 = (0..k)
                    .map(|kk| ins[0].data[i * ars + kk * acs] * ins[1].data[kk * brs + j * bcs])
                    .sum();
                out[i * n + j] = self.alpha * s;
            }
        }
        if let Some(c) = ins.get(2) {
            let map = bias_map(&c.shape, &[m, n])?;
            for (o, &ci) in out.iter_mut().zip(&map) {
                *o += self.beta * c.data[ci as usize];
            }
        }
        Ok(Tensor::new(vec![m, n], out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out_shape: &[usize],
    ) -> Result<QOp, QuantError> {
        let (m, k, n) = self
            .dims(ins[0].shape(), ins[1].shape())
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let ((ars, acs), (brs, bcs)) = self.srcs(m, k, n);
        let a = MatOperand {
            op: ins[0],
            offs: vec![0],
            rs: ars,
            cs: acs,
        };
        let b = MatOperand {
            op: ins[1],
            offs: vec![0],
            rs: brs,
            cs: bcs,
        };
        lower_matmul(
            ctx,
            1,
            m,
            k,
            n,
            a,
            b,
            self.alpha,
            ins.get(2).map(|c| (*c, self.beta)),
            out_shape,
        )
    }
}

fn bias_map(c: &[usize], out: &[usize]) -> Result<Vec<u32>, OpError> {
    match broadcast_shape(c, out) {
        Some(s) if s == out => Ok(broadcast_index_map(c, out)
            .into_iter()
            .map(|i| i as u32)
            .collect()),
        _ => Err(OpError::Shape(format!(
            "bias of shape {c:?} does not broadcast to {out:?}"
        ))),
    }
}

/// MatMul dimensions: (batch shape, m, k, n, and three per-batch offset lists).
type MatMulDims = (
    Vec<usize>,
    usize,
    usize,
    usize,
    Vec<usize>,
    Vec<usize>,
    Vec<usize>,
);

/// MatMul shapes: (batch shape, m, k, n, per-batch offsets of a and b).
fn matmul_dims(sa: &[usize], sb: &[usize]) -> Result<MatMulDims, OpError> {
    if sa.is_empty() || sb.is_empty() {
        return Err(OpError::Shape("MatMul of a scalar".into()));
    }
    let a2: Vec<usize> = if sa.len() == 1 {
        vec![1, sa[0]]
    } else {
        sa.to_vec()
    };
    let b2: Vec<usize> = if sb.len() == 1 {
        vec![sb[0], 1]
    } else {
        sb.to_vec()
    };
    let (m, k) = (a2[a2.len() - 2], a2[a2.len() - 1]);
    let (kb, n) = (b2[b2.len() - 2], b2[b2.len() - 1]);
    if k != kb {
        return Err(OpError::Shape(format!(
            "MatMul inner dimensions differ: {sa:?} x {sb:?}"
        )));
    }
    let ba = &a2[..a2.len() - 2];
    let bb = &b2[..b2.len() - 2];
    let batch = broadcast_shape(ba, bb)
        .ok_or_else(|| OpError::Shape(format!("MatMul batch dims {ba:?} vs {bb:?}")))?;
    let amap = broadcast_index_map(ba, &batch);
    let bmap = broadcast_index_map(bb, &batch);
    let offs_a = amap.iter().map(|i| i * m * k).collect();
    let offs_b = bmap.iter().map(|i| i * k * n).collect();
    let mut out_shape = batch.clone();
    if sa.len() > 1 {
        out_shape.push(m);
    }
    if sb.len() > 1 {
        out_shape.push(n);
    }
    Ok((batch, m, k, n, offs_a, offs_b, out_shape))
}

impl MatMul {
    pub fn eval(&self, ins: &[&Tensor]) -> Result<Tensor, OpError> {
        need(ins, 2)?;
        let (batch, m, k, n, oa, ob, out_shape) = matmul_dims(&ins[0].shape, &ins[1].shape)?;
        let nb: usize = batch.iter().product();
        let mut out = Vec::with_capacity(nb * m * n);
        for bi in 0..nb {
            for i in 0..m {
                for j in 0..n {
                    out.push(
                        (0..k)
                            .map(|kk| {
                                ins[0].data[oa[bi] + i * k + kk] * ins[1].data[ob[bi] + kk * n + j]
                            })
                            .sum(),
                    );
                }
            }
        }
        Ok(Tensor::new(out_shape, out))
    }

    pub fn lower(
        &self,
        ctx: &mut LowerCtx,
        ins: &[Operand],
        out_shape: &[usize],
    ) -> Result<QOp, QuantError> {
        let (batch, m, k, n, oa, ob, _) = matmul_dims(ins[0].shape(), ins[1].shape())
            .map_err(|e| QuantError::Internal(e.to_string()))?;
        let nb = batch.iter().product();
        let a = MatOperand {
            op: ins[0],
            offs: oa,
            rs: k,
            cs: 1,
        };
        let b = MatOperand {
            op: ins[1],
            offs: ob,
            rs: n,
            cs: 1,
        };
        lower_matmul(ctx, nb, m, k, n, a, b, 1.0, None, out_shape)
    }
}

struct MatOperand<'a> {
    op: Operand<'a>,
    offs: Vec<usize>,
    rs: usize,
    cs: usize,
}

#[allow(clippy::too_many_arguments)]
fn lower_matmul(
    ctx: &mut LowerCtx,
    batch: usize,
    m: usize,
    k: usize,
    n: usize,
    a: MatOperand,
    b: MatOperand,
    alpha: f64,
    bias: Option<(Operand, f64)>,
    out_shape: &[usize],
) -> Result<QOp, QuantError> {
    let (s, p) = (ctx.act_scale, ctx.param_scale);
    let both_act = matches!((a.op, b.op), (Operand::Act { .. }, Operand::Act { .. }));
    if both_act && alpha != 1.0 {
        return Err(QuantError::Unsupported(format!(
            "alpha = {alpha} on a product of two activations"
        )));
    }
    // scale of the products, and the rescale back to the activation scale
    let (prod_scale, rescale) = if both_act { (2 * s, s) } else { (s + p, p) };
    let src = |o: &MatOperand, what: &str, ctx: &mut LowerCtx| -> Result<MatSrc, QuantError> {
        let offs = o.offs.iter().map(|&x| x as u32).collect();
        Ok(match o.op {
            Operand::Act { slot, .. } => MatSrc {
                act: true,
                id: slot,
                offs,
                rs: o.rs as u32,
                cs: o.cs as u32,
            },
            Operand::Const(t) => {
                let id = ctx.param(t, p, what, |v| v * alpha)?;
                MatSrc {
                    act: false,
                    id,
                    offs,
                    rs: o.rs as u32,
                    cs: o.cs as u32,
                }
            }
        })
    };
    let qa = src(&a, "A", ctx)?;
    let qb = src(&b, "weight", ctx)?;
    let qbias = match bias {
        None => None,
        Some((c, beta)) => {
            let map = bias_map(c.shape(), &[batch * m, n])
                .map_err(|e| QuantError::Internal(e.to_string()))?;
            Some(match c {
                Operand::Const(t) => {
                    let id = ctx.param(t, prod_scale, "bias", |v| v * beta)?;
                    ElemPart {
                        a: ASrc::One,
                        b: BSrc::Param { id, map },
                    }
                }
                Operand::Act { slot, .. } => {
                    if beta != 1.0 {
                        return Err(QuantError::Unsupported(format!(
                            "beta = {beta} on an activation bias"
                        )));
                    }
                    ElemPart {
                        a: ASrc::Act { slot, map },
                        b: BSrc::Coef(1i64 << rescale),
                    }
                }
            })
        }
    };
    let q = QMatMul {
        batch,
        m,
        k,
        n,
        a: qa,
        b: qb,
        bias: qbias,
    };
    debug_assert_eq!(q.out_len(), out_shape.iter().product::<usize>());
    Ok(QOp::Dot(Box::new(Dot {
        divisor: None,
        rescale,
        kind: DotKind::MatMul(q),
    })))
}
