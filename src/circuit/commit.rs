//! Commitments in the circuit (the `hashed` visibility): the pack lane ([`super::pack`]) and the
//! Poseidon sponge ([`super::poseidon`]) side by side in their own columns, so a commitment's
//! rows run in parallel with the model's. Each commitment is a job: its values (tied by copy
//! constraints to the very cells the model uses), its salt and kind; its output cell goes to the
//! instance column. Computes exactly [`crate::commitment::commit`].

use halo2_proofs::circuit::{Cell, Region};
use halo2_proofs::plonk::{ConstraintSystem, Error, TableColumn};
use halo2curves::bn256::Fr;
use halo2curves::ff::PrimeField;

use super::pack::{PackConfig, PackValue};
use super::poseidon::{self, MsgElem, PoseidonConfig};
use crate::commitment::{self, Kind};

#[derive(Clone, Debug)]
pub struct CommitConfig {
    pub pack: PackConfig,
    pub sponge: PoseidonConfig,
}

/// One commitment to compute.
pub struct Job {
    pub kind: Kind,
    pub values: Vec<PackValue>,
    /// the salt (absent at key generation)
    pub salt: Option<Fr>,
}

/// Rows the commitments of tensors of `lens` values take (pack lane and sponge in parallel).
pub fn rows(lens: &[usize], limb_bits: u32) -> usize {
    let pack: usize = lens.iter().sum();
    let sponge: usize = lens
        .iter()
        .map(|&n| poseidon::rows(commitment::blocks(n, limb_bits)))
        .sum();
    pack.max(sponge)
}

impl CommitConfig {
    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        t_digit: TableColumn,
        digits: usize,
        digit_bits: u32,
    ) -> Self {
        CommitConfig {
            pack: PackConfig::configure(meta, t_digit, digits, digit_bits),
            sponge: PoseidonConfig::configure(meta),
        }
    }

    pub fn limb_bits(&self) -> u32 {
        self.pack.limb_bits()
    }

    /// Assign every job from row 0; returns each job's commitment cell.
    pub fn assign(&self, region: &mut Region<'_, Fr>, jobs: &[Job]) -> Result<Vec<Cell>, Error> {
        let w = self.limb_bits();
        let (mut pack_row, mut sponge_row) = (0, 0);
        let mut out = vec![];
        for job in jobs {
            let elems = self.pack.assign(region, pack_row, &job.values)?;
            pack_row += job.values.len();
            let msg: Vec<MsgElem> = std::iter::once(MsgElem {
                value: job.salt,
                src: None,
            })
            .chain(elems.into_iter().map(|(v, c)| MsgElem {
                value: v,
                src: Some(c),
            }))
            .collect();
            let tag = Fr::from_u128(commitment::tag(job.kind, job.values.len(), w));
            out.push(self.sponge.assign_sponge(region, sponge_row, tag, &msg)?);
            sponge_row += poseidon::rows(commitment::blocks(job.values.len(), w));
        }
        Ok(out)
    }
}
