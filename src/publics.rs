//! The one place that decides the public-instance layout: from the settings, which tensors are
//! public and how ([`crate::verifier::publics`] defines the layout and its digest, which the
//! verifier side reads from the bundle). The circuit, the pipeline, the bundle and the CLI's
//! report all take the layout from here.

use halo2curves::bn256::Fr;

use crate::commitment::{self, CommitError, Kind};
use crate::felt;
use crate::settings::{Settings, Visibility};
use crate::verifier::publics::{Encoding, PublicLayout, PublicTensor, Role};

fn encoding(v: Visibility) -> Option<Encoding> {
    match v {
        Visibility::Public => Some(Encoding::Values),
        Visibility::Hashed => Some(Encoding::Commitment),
        Visibility::Private | Visibility::Fixed => None,
    }
}

/// The layout of `s`'s public values: params commitment, then inputs, then outputs.
pub fn layout(s: &Settings) -> PublicLayout {
    let ra = &s.run_args;
    let shape = |sh: &Vec<usize>| sh.iter().map(|&d| d as u32).collect::<Vec<u32>>();
    let mut tensors = vec![];
    if let Some(e) = encoding(ra.param_visibility) {
        tensors.push(PublicTensor {
            role: Role::Params,
            index: 0,
            scale: ra.param_scale,
            shape: vec![s.total_const_size as u32],
            encoding: e,
        });
    }
    let scale = |v: &[u32], i: usize| v.get(i).copied().unwrap_or(ra.input_scale);
    for (role, vis, shapes, scales) in [
        (
            Role::Input,
            ra.input_visibility,
            &s.model_input_shapes,
            &s.model_input_scales,
        ),
        (
            Role::Output,
            ra.output_visibility,
            &s.model_output_shapes,
            &s.model_output_scales,
        ),
    ] {
        if let Some(e) = encoding(vis) {
            for (i, sh) in shapes.iter().enumerate() {
                tensors.push(PublicTensor {
                    role,
                    index: i as u32,
                    scale: scale(scales, i),
                    shape: shape(sh),
                    encoding: e,
                });
            }
        }
    }
    PublicLayout {
        tensors,
        limb_bits: if s.hashes() { s.limb_bits() } else { 0 },
        params_fixed: ra.param_visibility == Visibility::Fixed,
    }
}

/// The layout digest as the prover's field element.
pub fn digest(l: &PublicLayout) -> Fr {
    felt::from_repr(l.digest_bytes())
}

/// Salts of the commitments (`None`: unsalted, i.e. 0).
#[derive(Clone, Debug, Default)]
pub struct Salts {
    pub params: Option<Fr>,
    pub inputs: Vec<Option<Fr>>,
    pub outputs: Vec<Option<Fr>>,
}

impl Salts {
    pub fn of(&self, role: Role, index: usize) -> Fr {
        let s = match role {
            Role::Params => self.params,
            Role::Input => self.inputs.get(index).copied().flatten(),
            Role::Output => self.outputs.get(index).copied().flatten(),
        };
        s.unwrap_or(Fr::zero())
    }
}

pub fn kind(role: Role) -> Kind {
    match role {
        Role::Params => Kind::Params,
        Role::Input => Kind::Input,
        Role::Output => Kind::Output,
    }
}

/// The public instances: the digest, then each public tensor's values or commitment.
pub fn instances(
    l: &PublicLayout,
    params: &[i64],
    inputs: &[Vec<i64>],
    outputs: &[Vec<i64>],
    salts: &Salts,
) -> Result<Vec<Fr>, CommitError> {
    let mut v = vec![digest(l)];
    for t in &l.tensors {
        let vals: &[i64] = match t.role {
            Role::Params => params,
            Role::Input => &inputs[t.index as usize],
            Role::Output => &outputs[t.index as usize],
        };
        match t.encoding {
            Encoding::Values => v.extend(vals.iter().map(|&x| felt::from_i64(x))),
            Encoding::Commitment => v.push(commitment::commit(
                kind(t.role),
                vals,
                salts.of(t.role, t.index as usize),
                l.limb_bits,
            )?),
        }
    }
    Ok(v)
}
