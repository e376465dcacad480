//! A small dense float tensor (row-major), the value type of the graph IR and of float inference.

use serde::{Deserialize, Serialize};

/// A dense row-major tensor of `f64`, used for weights, constants and float (reference) inference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f64>,
}

impl Tensor {
    pub fn new(shape: Vec<usize>, data: Vec<f64>) -> Self {
        debug_assert_eq!(shape.iter().product::<usize>(), data.len());
        Tensor { shape, data }
    }

    pub fn zeros(shape: &[usize]) -> Self {
        Tensor {
            shape: shape.to_vec(),
            data: vec![0.0; shape.iter().product()],
        }
    }

    pub fn scalar(v: f64) -> Self {
        Tensor {
            shape: vec![],
            data: vec![v],
        }
    }

    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }
}

/// Row-major strides of a shape.
pub fn strides(shape: &[usize]) -> Vec<usize> {
    let mut s = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        s[i] = s[i + 1] * shape[i + 1];
    }
    s
}

/// The numpy-style broadcast of two shapes, or `None` if they are incompatible.
pub fn broadcast_shape(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    let mut out = vec![0; n];
    for i in 0..n {
        let da = if i + a.len() >= n {
            a[i + a.len() - n]
        } else {
            1
        };
        let db = if i + b.len() >= n {
            b[i + b.len() - n]
        } else {
            1
        };
        out[i] = match (da, db) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

/// For each flat index of `out_shape`, the flat index of the element of a tensor of shape `src`
/// that broadcasting maps to it. `src` must broadcast to `out_shape`.
pub fn broadcast_index_map(src: &[usize], out_shape: &[usize]) -> Vec<usize> {
    let n = out_shape.len();
    let src_strides = strides(src);
    // stride 0 on broadcast (size-1 or missing) axes
    let eff: Vec<usize> = (0..n)
        .map(|i| {
            if i + src.len() < n {
                0
            } else {
                let j = i + src.len() - n;
                if src[j] == 1 {
                    0
                } else {
                    src_strides[j]
                }
            }
        })
        .collect();
    let total: usize = out_shape.iter().product();
    let mut map = Vec::with_capacity(total);
    let mut idx = vec![0usize; n];
    for _ in 0..total {
        map.push(idx.iter().zip(&eff).map(|(i, s)| i * s).sum());
        for ax in (0..n).rev() {
            idx[ax] += 1;
            if idx[ax] < out_shape[ax] {
                break;
            }
            idx[ax] = 0;
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broadcasting() {
        assert_eq!(broadcast_shape(&[2, 3], &[3]), Some(vec![2, 3]));
        assert_eq!(broadcast_shape(&[2, 1], &[1, 4]), Some(vec![2, 4]));
        assert_eq!(broadcast_shape(&[2, 3], &[4]), None);
        assert_eq!(broadcast_index_map(&[3], &[2, 3]), vec![0, 1, 2, 0, 1, 2]);
        assert_eq!(broadcast_index_map(&[2, 1], &[2, 2]), vec![0, 0, 1, 1]);
    }
}
