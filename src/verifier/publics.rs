//! The public values' layout: which tensors a proof makes public, how (as values or as a
//! Poseidon commitment), and in what order they sit in the instance column. The prover derives
//! it from the settings (`crate::publics`), the bundle carries it, and both reduce it to one
//! **layout digest**, a field element that the circuit fixes as a constant (so it is part of the
//! verifying key) and that sits in instance row 0. A verifier that reads the public values with
//! another layout (a doctored `settings.json` or bundle: other visibilities, shapes, scales or
//! commitment parameters) computes another digest, and the proof does not verify.
//!
//! Instance column, in order:
//! ```text
//! row 0                      layout digest
//! then, per tensor in order  Values: its integers, row-major   Commitment: one field element
//! tensor order               params commitment (if hashed), inputs, outputs
//! ```

use super::encoding::{Reader, Res, Writer};
use super::VerifyError;
use bn254::bn256::Fr;

/// Which tensor of the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Input,
    Output,
    /// every parameter of the model (weights, biases), in the compiled model's order
    Params,
}

/// How a public tensor appears in the instances.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// its quantized values, one field element each
    Values,
    /// one field element: the Poseidon commitment of its quantized values ([`crate::commitment`])
    Commitment,
}

/// A public tensor, as laid out in the instance column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicTensor {
    pub role: Role,
    /// which model input or output (0 for params)
    pub index: u32,
    /// fixed-point scale: value = integer / 2^scale (params: the param scale)
    pub scale: u32,
    /// the tensor's shape (params: `[number of values]`)
    pub shape: Vec<u32>,
    pub encoding: Encoding,
}

impl PublicTensor {
    /// Values in the tensor.
    pub fn len(&self) -> usize {
        self.shape
            .iter()
            .fold(1usize, |a, &d| a.saturating_mul(d as usize))
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A quantized value of this tensor as a real number (`q / 2^scale`).
    pub fn dequantize(&self, q: i64) -> f64 {
        q as f64 / (1u64 << self.scale) as f64
    }

    /// Instance rows it takes.
    pub fn rows(&self) -> usize {
        match self.encoding {
            Encoding::Values => self.len(),
            Encoding::Commitment => 1,
        }
    }
}

/// The whole layout.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PublicLayout {
    pub tensors: Vec<PublicTensor>,
    /// bits per packed value in commitments (`W`, see [`crate::commitment`]); 0 without any
    pub limb_bits: u32,
    /// the params are `fixed`: their values are in the verifying key (fixed columns), bound by
    /// the keys; `false` with hashed or private params. Part of the digest, so a settings file
    /// that calls private params fixed reads the proof with another layout
    pub params_fixed: bool,
}

/// One decoded public tensor.
#[derive(Clone, Debug, PartialEq)]
pub enum Decoded {
    /// the quantized integers
    Values(Vec<i64>),
    /// the commitment
    Commitment(Fr),
}

const DIGEST_DOMAIN: &[u8; 16] = b"zkonnx-layout-v1";

/// The most values a layout may hold (and any one tensor).
pub const MAX_PUBLIC: u64 = 1 << 28;

impl PublicLayout {
    pub fn write(&self, w: &mut Writer) {
        w.u32(self.limb_bits);
        w.u8(self.params_fixed as u8);
        w.len(self.tensors.len());
        for t in &self.tensors {
            w.u8(match t.role {
                Role::Input => 0,
                Role::Output => 1,
                Role::Params => 2,
            });
            w.u8(match t.encoding {
                Encoding::Values => 0,
                Encoding::Commitment => 1,
            });
            w.u32(t.index);
            w.u32(t.scale);
            w.len(t.shape.len());
            for &d in &t.shape {
                w.u32(d);
            }
        }
    }

    pub fn read(r: &mut Reader) -> Res<PublicLayout> {
        let limb_bits = r.u32("commitment limb bits")?;
        let params_fixed = match r.u8("params fixed")? {
            0 => false,
            1 => true,
            v => return Err(format!("params fixed: {v}, expected 0 or 1")),
        };
        let nt = r.count(14, "public tensors")?;
        let tensors = (0..nt)
            .map(|_| {
                let role = match r.u8("public tensor role")? {
                    0 => Role::Input,
                    1 => Role::Output,
                    2 => Role::Params,
                    t => return Err(format!("public tensor role {t}")),
                };
                let encoding = match r.u8("public tensor encoding")? {
                    0 => Encoding::Values,
                    1 => Encoding::Commitment,
                    t => return Err(format!("public tensor encoding {t}")),
                };
                let index = r.u32("public tensor index")?;
                let scale = r.u32("public tensor scale")?;
                let nd = r.count(4, "public tensor shape")?;
                let shape = (0..nd)
                    .map(|_| r.u32("public tensor shape"))
                    .collect::<Res<Vec<_>>>()?;
                Ok(PublicTensor {
                    role,
                    index,
                    scale,
                    shape,
                    encoding,
                })
            })
            .collect::<Res<Vec<_>>>()?;
        let l = PublicLayout {
            tensors,
            limb_bits,
            params_fixed,
        };
        l.check()?;
        Ok(l)
    }

    /// Consistency: commitments need limb bits that a field element can pack.
    pub fn check(&self) -> Res<()> {
        let commits = self
            .tensors
            .iter()
            .any(|t| t.encoding == Encoding::Commitment);
        if commits && !(2..=crate::commitment::MAX_LIMB_BITS).contains(&self.limb_bits) {
            return Err(format!(
                "commitment limb bits {} outside 2..={}",
                self.limb_bits,
                crate::commitment::MAX_LIMB_BITS
            ));
        }
        // the order `crate::publics::layout` writes: at most one params tensor, a commitment,
        // first; then inputs 0, 1, ... and outputs 0, 1, ... (so "tensor i" is one tensor)
        let params = self
            .tensors
            .iter()
            .filter(|t| t.role == Role::Params)
            .count();
        if params > 1 || self.tensors.iter().skip(1).any(|t| t.role == Role::Params) {
            return Err("the params tensor is not alone and first".into());
        }
        if self
            .tensors
            .iter()
            .any(|t| t.role == Role::Params && (t.encoding != Encoding::Commitment || t.index != 0))
        {
            return Err("params are public only as a commitment".into());
        }
        if self.params_fixed && params > 0 {
            return Err("params both fixed and among the public values".into());
        }
        for role in [Role::Input, Role::Output] {
            let idx: Vec<u32> = self
                .tensors
                .iter()
                .filter(|t| t.role == role)
                .map(|t| t.index)
                .collect();
            if idx.iter().enumerate().any(|(i, &x)| x as usize != i) {
                return Err(format!("{role:?} tensors out of order: indices {idx:?}"));
            }
        }
        if let Some(w) = self
            .tensors
            .windows(2)
            .find(|w| w[0].role == Role::Output && w[1].role == Role::Input)
        {
            return Err(format!("an input after output {}", w[0].index));
        }
        if self.tensors.iter().any(|t| t.scale > 62) {
            return Err("a public tensor's scale is above 62".into());
        }
        // sizes bounded before anything multiplies them (no circuit has 2^28 public values;
        // a crafted shape must not overflow a count or make a verifier loop for hours)
        let mut total: u64 = 1;
        for t in &self.tensors {
            let mut n: u64 = 1;
            for &d in &t.shape {
                n = n
                    .checked_mul(d as u64)
                    .filter(|&n| n <= MAX_PUBLIC)
                    .ok_or_else(|| format!("public tensor of shape {:?}: too large", t.shape))?;
            }
            total += match t.encoding {
                Encoding::Values => n,
                Encoding::Commitment => 1,
            };
            if total > MAX_PUBLIC {
                return Err("more than 2^28 public values".into());
            }
        }
        Ok(())
    }

    /// Instance rows: the digest plus every tensor's rows.
    pub fn num_instances(&self) -> usize {
        self.tensors
            .iter()
            .fold(1usize, |a, t| a.saturating_add(t.rows()))
    }

    /// The layout digest's 32 bytes (little-endian, below the modulus: the top byte is 0).
    pub fn digest_bytes(&self) -> [u8; 32] {
        let mut w = Writer::default();
        self.write(&mut w);
        let h = super::blake2b::hash(DIGEST_DOMAIN, &w.0);
        let mut b = [0u8; 32];
        b[..31].copy_from_slice(&h[..31]);
        b
    }

    pub fn digest(&self) -> Fr {
        super::encoding::fr_from_bytes(&self.digest_bytes()).expect("31 bytes are below p")
    }

    /// Check the instance count and the digest in row 0.
    pub fn check_instances(&self, instances: &[Fr]) -> Result<(), VerifyError> {
        if instances.len() != self.num_instances() {
            return Err(VerifyError::Instances(format!(
                "{} public values, this model's layout has {}",
                instances.len(),
                self.num_instances()
            )));
        }
        if instances[0] != self.digest() {
            return Err(VerifyError::Instances(
                "instance 0 is not the layout digest of these settings/bundle: the public values \
                 would be read with another layout (visibilities, shapes, scales) than the keys \
                 were made for"
                    .into(),
            ));
        }
        Ok(())
    }

    /// Every public tensor decoded from the instances (checked first).
    pub fn decode(&self, instances: &[Fr]) -> Result<Vec<(PublicTensor, Decoded)>, VerifyError> {
        self.check_instances(instances)?;
        let mut it = instances[1..].iter();
        self.tensors
            .iter()
            .map(|t| {
                let d = match t.encoding {
                    Encoding::Commitment => Decoded::Commitment(*it.next().expect("counted above")),
                    Encoding::Values => Decoded::Values(
                        (0..t.len())
                            .map(|i| {
                                super::to_i64(it.next().expect("counted above")).ok_or_else(|| {
                                    VerifyError::Instances(format!(
                                        "{:?} {} value {i} is not a small integer",
                                        t.role, t.index
                                    ))
                                })
                            })
                            .collect::<Result<_, _>>()?,
                    ),
                };
                Ok((t.clone(), d))
            })
            .collect()
    }
}

/// 64 hex digits, big-endian (how commitments are printed and compared: `0x…`).
pub fn fr_hex_be(f: &Fr) -> String {
    use bn254::ff::PrimeField;
    let r = f.to_repr();
    let mut s = String::from("0x");
    for b in r.as_ref().iter().rev() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Parse a commitment written as [`fr_hex_be`] prints it (`0x` optional).
pub fn fr_from_hex_be(s: &str) -> Result<Fr, String> {
    let h = s.trim();
    let h = h.strip_prefix("0x").unwrap_or(h);
    if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{s}` is not 64 hex digits"));
    }
    let mut b = [0u8; 32];
    for i in 0..32 {
        b[31 - i] = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).map_err(|e| e.to_string())?;
    }
    super::encoding::fr_from_bytes(&b)
        .ok_or_else(|| format!("`{s}` is not below the field modulus"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(shape: Vec<u32>) -> PublicLayout {
        PublicLayout {
            tensors: vec![PublicTensor {
                role: Role::Input,
                index: 0,
                scale: 7,
                shape,
                encoding: Encoding::Values,
            }],
            limb_bits: 0,
            params_fixed: false,
        }
    }

    /// A crafted shape (found by the `bundle` fuzz target: its product overflowed and the
    /// decoder looped) is an error before anything multiplies it.
    #[test]
    fn oversized_shapes_are_rejected() {
        assert!(layout(vec![3, 4]).check().is_ok());
        for shape in [
            vec![1 << 20, 1 << 20],
            vec![u32::MAX, u32::MAX, u32::MAX],
            vec![1 << 29],
        ] {
            let e = layout(shape.clone()).check().unwrap_err();
            assert!(
                e.contains("too large") || e.contains("2^28"),
                "{shape:?}: {e}"
            );
        }
        let mut w = Writer::default();
        layout(vec![u32::MAX, u32::MAX]).write(&mut w);
        assert!(PublicLayout::read(&mut Reader::new(&w.0)).is_err());
    }

    /// Layouts `crate::publics::layout` never writes are refused on read (so "tensor i" of the
    /// expectations is one tensor and the params commitment is the one first).
    #[test]
    fn only_ordered_layouts_are_read() {
        let t = |role, index, encoding| PublicTensor {
            role,
            index,
            scale: 0,
            shape: vec![1],
            encoding,
        };
        let l = |tensors: Vec<PublicTensor>| PublicLayout {
            tensors,
            limb_bits: 8,
            params_fixed: false,
        };
        use Encoding::{Commitment as C, Values as V};
        assert!(l(vec![
            t(Role::Params, 0, C),
            t(Role::Input, 0, V),
            t(Role::Output, 0, C)
        ])
        .check()
        .is_ok());
        for bad in [
            vec![t(Role::Params, 0, C), t(Role::Params, 0, C)],
            vec![t(Role::Input, 0, V), t(Role::Params, 0, C)],
            vec![t(Role::Params, 0, V)],
            vec![t(Role::Output, 1, C)],
            vec![t(Role::Input, 0, V), t(Role::Input, 0, V)],
            vec![t(Role::Output, 0, C), t(Role::Input, 0, V)],
        ] {
            assert!(l(bad.clone()).check().is_err(), "{bad:?}");
        }
        let mut fixed = l(vec![t(Role::Params, 0, C)]);
        fixed.params_fixed = true;
        assert!(fixed.check().is_err());
    }

    #[test]
    fn digest_changes_with_every_field() {
        let base = layout(vec![1, 8]);
        let d = base.digest();
        let mut other = base.clone();
        other.tensors[0].scale = 8;
        assert_ne!(other.digest(), d);
        let mut other = base.clone();
        other.tensors[0].encoding = Encoding::Commitment;
        assert_ne!(other.digest(), d);
        let mut other = base.clone();
        other.tensors[0].shape = vec![8, 1];
        assert_ne!(other.digest(), d);
        let mut other = base.clone();
        other.limb_bits = 16;
        assert_ne!(other.digest(), d);
        let mut other = base;
        other.params_fixed = true;
        assert_ne!(other.digest(), d);
    }
}
