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
    let pack: usize = lens.iter().map(|&n| super::pack::rows(n, limb_bits)).sum();
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
            let (elems, used) = self.pack.assign(region, pack_row, &job.values)?;
            // each part must use exactly the rows its count says (the circuit was sized by it)
            if used != super::pack::rows(job.values.len(), w) {
                return Err(Error::Synthesis);
            }
            pack_row += used;
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
            let (cell, used) = self.sponge.assign_sponge(region, sponge_row, tag, &msg)?;
            if used != poseidon::rows(commitment::blocks(job.values.len(), w)) {
                return Err(Error::Synthesis);
            }
            out.push(cell);
            sponge_row += used;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    //! The commitment chip alone: in-circuit equals native; each gate and lookup, broken by one
    //! cell, is the constraint MockProver names.
    use super::*;
    use crate::commitment::commit;
    use halo2_proofs::circuit::{Layouter, SimpleFloorPlanner, Value};
    use halo2_proofs::dev::{MockProver, VerifyFailure};
    use halo2_proofs::plonk::{Advice, Circuit, Column, Instance};

    const DIGIT_BITS: u32 = 4; // W = 8: values in [-128, 128)

    /// Which cell to overwrite after an honest assignment.
    #[derive(Clone, Copy)]
    enum Break {
        None,
        /// the sponge state `s_j` of a row
        State(usize, usize),
        /// the state between a full row's two rounds, `m_j`
        Mid(usize, usize),
        /// work cell `j` of a partial row (`m`, `u_0`, `u_1`, `blk`, in this order)
        Work(usize, usize),
        /// a pack digit `d_i` of a row, set to `v`
        Digit(usize, usize, u64),
        /// the pack accumulator of a row
        Acc(usize),
    }

    #[derive(Clone)]
    struct T {
        values: Vec<i64>,
        salt: Fr,
        brk: Break,
    }

    impl Circuit<Fr> for T {
        type Config = (CommitConfig, TableColumn, Column<Instance>);
        type FloorPlanner = SimpleFloorPlanner;
        type Params = ();
        fn without_witnesses(&self) -> Self {
            self.clone()
        }
        fn configure(meta: &mut ConstraintSystem<Fr>) -> Self::Config {
            let t = meta.lookup_table_column();
            let inst = meta.instance_column();
            meta.enable_equality(inst);
            let constants = meta.fixed_column();
            meta.enable_constant(constants);
            (CommitConfig::configure(meta, t, 2, DIGIT_BITS), t, inst)
        }
        fn synthesize(
            &self,
            (cfg, t, inst): Self::Config,
            mut layouter: impl Layouter<Fr>,
        ) -> Result<(), Error> {
            layouter.assign_table(
                || "digits",
                |mut tb| {
                    for x in 0..1u64 << DIGIT_BITS {
                        tb.assign_cell(|| "", t, x as usize, || Value::known(Fr::from(x)))?;
                    }
                    Ok(())
                },
            )?;
            let out = layouter.assign_region(
                || "commit",
                |mut region| {
                    let job = Job {
                        kind: Kind::Params,
                        values: self
                            .values
                            .iter()
                            .map(|&v| PackValue {
                                value: Some(v),
                                src: None,
                            })
                            .collect(),
                        salt: Some(self.salt),
                    };
                    let out = cfg.assign(&mut region, &[job])?;
                    let set = |region: &mut Region<'_, Fr>, col: Column<Advice>, row, v: Fr| {
                        region.assign_advice(col, row, Value::known(v));
                    };
                    match self.brk {
                        Break::None => {}
                        Break::State(row, j) => set(&mut region, cfg.sponge.s[j], row, Fr::from(3)),
                        Break::Mid(row, j) => set(&mut region, cfg.sponge.m[j], row, Fr::from(3)),
                        Break::Work(row, j) => {
                            let col = cfg
                                .sponge
                                .m
                                .iter()
                                .chain(cfg.sponge.u.iter().flatten())
                                .chain(&cfg.sponge.blk)
                                .nth(j)
                                .copied()
                                .expect("a work column");
                            set(&mut region, col, row, Fr::from(3))
                        }
                        Break::Digit(row, i, v) => {
                            set(&mut region, cfg.pack.d[i], row, Fr::from(v))
                        }
                        Break::Acc(row) => set(&mut region, cfg.pack.acc, row, Fr::from(3)),
                    }
                    Ok(out[0])
                },
            )?;
            layouter.constrain_instance(out, inst, 0);
            Ok(())
        }
    }

    fn values() -> Vec<i64> {
        (0..150).map(|i| (i * 37 % 256) - 128).collect()
    }

    fn run(brk: Break, values: Vec<i64>, salt: Fr) -> Result<(), Vec<VerifyFailure>> {
        let honest = commit(Kind::Params, &values, salt, 2 * DIGIT_BITS).unwrap();
        let c = T { values, salt, brk };
        MockProver::run(10, &c, vec![vec![honest]])
            .unwrap()
            .verify()
    }

    fn fails_with(errs: Vec<VerifyFailure>, name: &str) {
        let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            all.iter().any(|e| e.contains(name)),
            "expected a failure naming `{name}`, got {all:#?}"
        );
    }

    #[test]
    fn in_circuit_equals_native() {
        run(Break::None, values(), Fr::from(12345)).unwrap();
        // one value more than a block (P = 31 values per element at W = 8)
        run(Break::None, (0..5).collect(), Fr::zero()).unwrap();
    }

    #[test]
    fn another_salt_or_value_changes_the_output() {
        // the instance is the honest commitment of `values()` with salt 1: another salt, or
        // another value, gives another sponge output, which the copy to the instance rejects
        let honest = commit(Kind::Params, &values(), Fr::one(), 8).unwrap();
        for (v, salt) in [
            (values(), Fr::from(2)),
            (
                {
                    let mut v = values();
                    v[40] += 1;
                    v
                },
                Fr::one(),
            ),
        ] {
            let c = T {
                values: v,
                salt,
                brk: Break::None,
            };
            let errs = MockProver::run(10, &c, vec![vec![honest]])
                .unwrap()
                .verify()
                .unwrap_err();
            assert!(
                errs.iter()
                    .any(|e| matches!(e, VerifyFailure::Permutation { .. })),
                "{errs:?}"
            );
        }
    }

    #[test]
    fn broken_cells_name_their_gate() {
        let v = values();
        let s = Fr::from(7);
        // a state cell after a full round, after a partial round, on an absorbing row (rows of
        // a permutation: 0 absorb, 1 full, 2..=8 partial, 9 and 10 full)
        fails_with(
            run(Break::State(1, 3), v.clone(), s).unwrap_err(),
            "poseidon full",
        );
        fails_with(
            run(Break::State(4, 3), v.clone(), s).unwrap_err(),
            "poseidon partial ×9",
        );
        fails_with(
            run(Break::State(9, 0), v.clone(), s).unwrap_err(),
            "poseidon partial ×6",
        );
        // a partial row's S-box square and output (the work columns in pairs)
        for w in 0..18 {
            fails_with(
                run(Break::Work(13, w), v.clone(), s).unwrap_err(),
                "poseidon partial ×9",
            );
        }
        fails_with(
            run(Break::Work(19, 11), v.clone(), s).unwrap_err(),
            "poseidon partial ×6",
        );
        // the state between a full row's two rounds
        fails_with(
            run(Break::Mid(10, 0), v.clone(), s).unwrap_err(),
            "poseidon full",
        );
        fails_with(
            run(Break::Mid(0, 4), v.clone(), s).unwrap_err(),
            "poseidon absorb",
        );
        fails_with(
            run(Break::State(poseidon::rows_per_perm(), 2), v.clone(), s).unwrap_err(),
            "poseidon absorb",
        );
        // a digit that does not sum to the value, a digit outside the table, the accumulator
        fails_with(
            run(Break::Digit(3, 0, 1), v.clone(), s).unwrap_err(),
            "pack limb",
        );
        fails_with(
            run(Break::Digit(3, 1, 16), v.clone(), s).unwrap_err(),
            "pack digit 1",
        );
        fails_with(run(Break::Acc(0), v.clone(), s).unwrap_err(), "pack first");
        fails_with(run(Break::Acc(5), v, s).unwrap_err(), "pack next");
    }

    #[test]
    fn values_outside_the_limb_range_fail_the_lookup() {
        // 128 = 2^(W-1) does not fit W = 8 signed bits: its digits leave the table
        let c = T {
            values: vec![1, 128, 3],
            salt: Fr::one(),
            brk: Break::None,
        };
        let packed = {
            // what an honest-looking instance would be: computed in the field without the check
            use crate::commitment::{sponge, tag};
            let e = Fr::from((1 + 128) as u64) * Fr::from(1u64 << 16)
                + Fr::from(256u64) * Fr::from(1u64 << 8)
                + Fr::from(3 + 128u64);
            sponge(tag(Kind::Params, 3, 8), Fr::one(), &[e])
        };
        let errs = MockProver::run(10, &c, vec![vec![packed]])
            .unwrap()
            .verify()
            .unwrap_err();
        fails_with(errs, "pack digit");
        assert!(commit(Kind::Params, &[1, 128, 3], Fr::one(), 8).is_err());
    }
}
