//! The public instances: the layout the settings decide ([`Settings::public_layout`]: which
//! tensors are public and how; [`crate::verifier::publics`] defines the layout and its digest,
//! which the verifier side reads from the bundle), and the instance values of a run. The
//! circuit, the pipeline, the bundle and the CLI's report all take the layout from here.

use halo2curves::bn256::Fr;

use crate::commitment::{self, CommitError, Kind};
use crate::felt;
use crate::settings::Settings;
use crate::verifier::publics::{Encoding, PublicLayout, Role};

/// The layout of `s`'s public values (decided by the settings: [`Settings::public_layout`]).
pub fn layout(s: &Settings) -> PublicLayout {
    s.public_layout()
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
