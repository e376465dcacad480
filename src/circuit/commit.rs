//! Commitments in the circuit (the `hashed` visibility): the pack lane ([`super::pack`]) and the
//! Poseidon sponge ([`super::poseidon`]) in their own columns, so a commitment's rows run in
//! parallel with the model's. Lane and sponge sit side by side, or (`CommitShape::Stacked`) in
//! the same columns: every job's pack rows first, then every job's sponge rows. Each commitment
//! is a job: its values (tied by copy constraints to the very cells the model uses), its salt
//! and kind; its output cell goes to the instance column. Computes exactly
//! [`crate::commitment::commit`].

use halo2_proofs::circuit::{Cell, Region};
use halo2_proofs::plonk::{ConstraintSystem, Error, TableColumn};
use halo2curves::bn256::Fr;
use halo2curves::ff::PrimeField;

use super::pack::{PackColumns, PackConfig, PackValue};
use super::poseidon::{self, MsgElem, PoseidonConfig};
use crate::commitment::{self, Kind};
use crate::settings::CommitShape;

#[derive(Clone, Debug)]
pub struct CommitConfig {
    pub pack: PackConfig,
    pub sponge: PoseidonConfig,
    pub shape: CommitShape,
}

/// One commitment to compute.
pub struct Job {
    pub kind: Kind,
    pub values: Vec<PackValue>,
    /// the salt (absent at key generation)
    pub salt: Option<Fr>,
}

/// Values per pack-lane row of `shape`.
pub fn pack_slots(shape: CommitShape) -> usize {
    match shape {
        CommitShape::Wide | CommitShape::Mid => 2,
        CommitShape::Narrow | CommitShape::Stacked => 1,
    }
}

/// The sponge's work columns of `shape` (one of [`poseidon::WORK_WIDTHS`]).
pub fn sponge_work(shape: CommitShape) -> usize {
    match shape {
        CommitShape::Wide => poseidon::WORK_WIDTHS[0],
        CommitShape::Mid => poseidon::WORK_WIDTHS[1],
        CommitShape::Narrow | CommitShape::Stacked => poseidon::WORK_WIDTHS[2],
    }
}

/// Pack-lane rows of the commitments of tensors of `lens` values.
fn pack_rows(lens: &[usize], limb_bits: u32, shape: CommitShape) -> usize {
    lens.iter()
        .map(|&n| super::pack::rows(n, limb_bits, pack_slots(shape)))
        .sum()
}

/// Rows the commitments of tensors of `lens` values take (lane and sponge in parallel, or
/// stacked).
pub fn rows(lens: &[usize], limb_bits: u32, shape: CommitShape) -> usize {
    let pack = pack_rows(lens, limb_bits, shape);
    let sponge: usize = lens
        .iter()
        .map(|&n| poseidon::rows(commitment::blocks(n, limb_bits), sponge_work(shape)))
        .sum();
    match shape {
        CommitShape::Stacked => pack + sponge,
        _ => pack.max(sponge),
    }
}

impl CommitConfig {
    pub fn configure(
        meta: &mut ConstraintSystem<Fr>,
        t_digit: TableColumn,
        digits: usize,
        digit_bits: u32,
        shape: CommitShape,
    ) -> Self {
        let sponge = PoseidonConfig::configure(meta, sponge_work(shape));
        let pack = match shape {
            CommitShape::Stacked => {
                // the value and the accumulator in state columns (which have equality), the
                // digits in the work, block and other state columns, then in new ones
                let mut free = sponge
                    .work
                    .iter()
                    .chain(&sponge.blk)
                    .chain(&sponge.s[2..])
                    .copied();
                let d = (0..digits)
                    .map(|_| free.next().unwrap_or_else(|| meta.advice_column()))
                    .collect();
                let cols = PackColumns {
                    v: vec![sponge.s[0]],
                    d,
                    acc: sponge.s[1],
                };
                PackConfig::configure_in(meta, t_digit, digit_bits, cols)
            }
            _ => PackConfig::configure(meta, t_digit, digits, digit_bits, pack_slots(shape)),
        };
        CommitConfig {
            pack,
            sponge,
            shape,
        }
    }

    pub fn limb_bits(&self) -> u32 {
        self.pack.limb_bits()
    }

    /// Assign every job from row 0; returns each job's commitment cell.
    pub fn assign(&self, region: &mut Region<'_, Fr>, jobs: &[Job]) -> Result<Vec<Cell>, Error> {
        let w = self.limb_bits();
        let mut pack_row = 0;
        // stacked: the sponges start after every job's pack rows
        let mut sponge_row = match self.shape {
            CommitShape::Stacked => {
                let lens: Vec<usize> = jobs.iter().map(|j| j.values.len()).collect();
                pack_rows(&lens, w, self.shape)
            }
            _ => 0,
        };
        let mut out = vec![];
        for job in jobs {
            let (elems, used) = self.pack.assign(region, pack_row, &job.values)?;
            // each part must use exactly the rows its count says (the circuit was sized by it)
            if used != super::pack::rows(job.values.len(), w, self.pack.v.len()) {
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
            let blocks = commitment::blocks(job.values.len(), w);
            if used != poseidon::rows(blocks, self.sponge.work.len()) {
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
        /// work cell `j` of a row (the work columns, then the block's, in this order)
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
        shape: CommitShape,
        /// a second commitment (an unsalted output) right after the first, to instance row 1
        second: Option<Vec<i64>>,
    }

    impl Circuit<Fr> for T {
        type Config = (CommitConfig, TableColumn, Column<Instance>);
        type FloorPlanner = SimpleFloorPlanner;
        type Params = CommitShape;
        fn without_witnesses(&self) -> Self {
            self.clone()
        }
        fn params(&self) -> CommitShape {
            self.shape
        }
        fn configure_with_params(
            meta: &mut ConstraintSystem<Fr>,
            shape: CommitShape,
        ) -> Self::Config {
            let t = meta.lookup_table_column();
            let inst = meta.instance_column();
            meta.enable_equality(inst);
            let constants = meta.fixed_column();
            meta.enable_constant(constants);
            (
                CommitConfig::configure(meta, t, 2, DIGIT_BITS, shape),
                t,
                inst,
            )
        }
        fn configure(_meta: &mut ConstraintSystem<Fr>) -> Self::Config {
            unreachable!("configured with its shape")
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
                    let mut jobs = vec![job];
                    if let Some(v2) = &self.second {
                        jobs.push(Job {
                            kind: Kind::Output,
                            values: v2
                                .iter()
                                .map(|&v| PackValue {
                                    value: Some(v),
                                    src: None,
                                })
                                .collect(),
                            salt: Some(Fr::zero()),
                        });
                    }
                    let out = cfg.assign(&mut region, &jobs)?;
                    let set = |region: &mut Region<'_, Fr>, col: Column<Advice>, row, v: Fr| {
                        region.assign_advice(col, row, Value::known(v));
                    };
                    match self.brk {
                        Break::None => {}
                        Break::State(row, j) => set(&mut region, cfg.sponge.s[j], row, Fr::from(3)),
                        Break::Work(row, j) => {
                            let col = cfg
                                .sponge
                                .work
                                .iter()
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
                    Ok(out)
                },
            )?;
            for (i, cell) in out.into_iter().enumerate() {
                layouter.constrain_instance(cell, inst, i);
            }
            Ok(())
        }
    }

    fn values() -> Vec<i64> {
        (0..150).map(|i| (i * 37 % 256) - 128).collect()
    }

    fn run(brk: Break, values: Vec<i64>, salt: Fr) -> Result<(), Vec<VerifyFailure>> {
        run_as(CommitShape::Wide, brk, values, salt)
    }

    fn run_as(
        shape: CommitShape,
        brk: Break,
        values: Vec<i64>,
        salt: Fr,
    ) -> Result<(), Vec<VerifyFailure>> {
        let honest = commit(Kind::Params, &values, salt, 2 * DIGIT_BITS).unwrap();
        let c = T {
            values,
            salt,
            brk,
            shape,
            second: None,
        };
        MockProver::run(10, &c, vec![vec![honest]])
            .unwrap()
            .verify()
    }

    /// A copy constraint is among the failures.
    fn fails_a_copy(errs: &[VerifyFailure]) {
        assert!(
            errs.iter()
                .any(|e| matches!(e, VerifyFailure::Permutation { .. })),
            "{errs:?}"
        );
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
        for shape in CommitShape::ALL {
            run_as(shape, Break::None, values(), Fr::from(12345)).unwrap();
            // one value more than a block (P = 31 values per element at W = 8)
            run_as(shape, Break::None, (0..5).collect(), Fr::zero()).unwrap();
        }
    }

    #[test]
    fn two_sponges_back_to_back() {
        // the second sponge starts on the row after the first one's final state: both outputs
        // are right, and a cell at the seam breaks what it should
        let v2: Vec<i64> = (0..40).map(|i| 100 - 5 * i).collect();
        let run2 = |shape, brk| {
            let h1 = commit(Kind::Params, &values(), Fr::from(9), 8).unwrap();
            let h2 = commit(Kind::Output, &v2, Fr::zero(), 8).unwrap();
            let c = T {
                values: values(),
                salt: Fr::from(9),
                brk,
                shape,
                second: Some(v2.clone()),
            };
            MockProver::run(11, &c, vec![vec![h1, h2]])
                .unwrap()
                .verify()
        };
        for shape in CommitShape::ALL {
            run2(shape, Break::None).unwrap();
            // 150 values: 2 blocks (stacked: after both jobs' pack rows)
            let base = match shape {
                CommitShape::Stacked => pack_rows(&[150, 40], 8, shape),
                _ => 0,
            };
            let first = base + poseidon::rows(2, sponge_work(shape));
            // the first sponge's final state (its output lane, and another lane)
            let errs = run2(shape, Break::State(first - 1, 1)).unwrap_err();
            fails_a_copy(&errs);
            fails_with(
                run2(shape, Break::State(first - 1, 3)).unwrap_err(),
                "poseidon full",
            );
            // the second sponge's initial state is fixed to constants, and absorbs on its row
            let errs = run2(shape, Break::State(first, 2)).unwrap_err();
            fails_a_copy(&errs);
            fails_with(errs, "poseidon absorb");
        }
    }

    #[test]
    fn rows_are_what_the_count_says() {
        // (pack slots, rows per permutation) of each shape: the count that sizes the circuit
        for (shape, slots, perm) in [
            (CommitShape::Wide, 2, 11),
            (CommitShape::Mid, 2, 17),
            (CommitShape::Narrow, 1, 23),
            (CommitShape::Stacked, 1, 23),
        ] {
            assert_eq!(pack_slots(shape), slots);
            assert_eq!(poseidon::rows_per_perm(sponge_work(shape)), perm);
            // 150 values at W = 8 (31 per element): 5 elements + the salt = 2 blocks
            let (sponge, pack) = (
                perm * 2 + 1,
                4 * 31usize.div_ceil(slots) + (150 - 124usize).div_ceil(slots),
            );
            let want = match shape {
                CommitShape::Stacked => sponge + pack,
                _ => sponge.max(pack),
            };
            assert_eq!(rows(&[150], 8, shape), want);
        }
    }

    #[test]
    fn stacked_lane_lives_in_the_sponges_columns() {
        // the columns each shape adds to a circuit (2 digits per value here; 3 in the wider
        // shapes' second slot): advice, equality and lookups
        let count = |shape| {
            let mut cs = ConstraintSystem::<Fr>::default();
            let t = cs.lookup_table_column();
            let cfg = CommitConfig::configure(&mut cs, t, 2, DIGIT_BITS, shape);
            (
                cs.num_advice_columns(),
                cs.permutation().get_columns().len(),
                cs.lookups().len(),
                cfg,
            )
        };
        let (adv, eq, lk, _) = count(CommitShape::Narrow);
        assert_eq!((adv, eq, lk), (14 + 4, 9 + 2, 2));
        let (adv, eq, lk, cfg) = count(CommitShape::Stacked);
        assert_eq!((adv, eq, lk), (14, 9, 2));
        assert_eq!(
            (cfg.pack.v[0], cfg.pack.acc),
            (cfg.sponge.s[0], cfg.sponge.s[1])
        );
        assert_eq!(cfg.pack.d, cfg.sponge.work[..2]);
        // more digits than the sponge has spare columns: the lane takes new ones
        let mut cs = ConstraintSystem::<Fr>::default();
        let t = cs.lookup_table_column();
        let cfg = CommitConfig::configure(&mut cs, t, 14, 1, CommitShape::Stacked);
        assert_eq!(cs.num_advice_columns(), 14 + 2);
        assert_eq!(cfg.pack.d.len(), 14);
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
                shape: CommitShape::Wide,
                second: None,
            };
            let errs = MockProver::run(10, &c, vec![vec![honest]])
                .unwrap()
                .verify()
                .unwrap_err();
            fails_a_copy(&errs);
        }
    }

    #[test]
    fn broken_cells_name_their_gate() {
        let v = values();
        let s = Fr::from(7);
        let wide = |b| run(b, v.clone(), s).unwrap_err();
        // a state cell after a full round, after a partial round, on an absorbing row (rows of
        // a permutation: 0 absorb, 1 full, 2..=8 partial, 9 and 10 full)
        fails_with(wide(Break::State(1, 3)), "poseidon full");
        fails_with(wide(Break::State(4, 3)), "poseidon partial ×9");
        fails_with(wide(Break::State(9, 0)), "poseidon partial ×6");
        // a partial row's S-box square and output (the work columns in pairs)
        for w in 0..18 {
            fails_with(wide(Break::Work(3, w)), "poseidon partial ×9");
        }
        fails_with(wide(Break::Work(19, 11)), "poseidon partial ×6");
        // a full row's squares and the state between its two rounds
        for w in 0..15 {
            fails_with(wide(Break::Work(10, w)), "poseidon full");
            fails_with(wide(Break::Work(0, w)), "poseidon absorb");
        }
        fails_with(wide(Break::State(11, 2)), "poseidon absorb");
        // a digit that does not sum to the value, a digit outside the table, the accumulator
        fails_with(wide(Break::Digit(3, 0, 1)), "pack limb");
        fails_with(wide(Break::Digit(3, 1, 16)), "pack digit 1");
        fails_with(wide(Break::Acc(0)), "pack first");
        fails_with(wide(Break::Acc(5)), "pack next");
    }

    #[test]
    fn broken_cells_name_their_gate_in_narrower_shapes() {
        let v = values();
        let s = Fr::from(7);
        // Mid: rows 0 absorb, 1..=3 full, 4..=12 partial (8 ×7, then ×4), 13..=16 full
        let mid = |b| run_as(CommitShape::Mid, b, v.clone(), s).unwrap_err();
        fails_with(mid(Break::State(2, 1)), "poseidon full");
        for w in 0..5 {
            fails_with(mid(Break::Work(0, w)), "poseidon absorb");
            fails_with(mid(Break::Work(15, w)), "poseidon full");
        }
        for w in 0..14 {
            fails_with(mid(Break::Work(5, w)), "poseidon partial ×7");
        }
        for w in 0..8 {
            fails_with(mid(Break::Work(12, w)), "poseidon partial ×4");
        }
        fails_with(mid(Break::State(13, 0)), "poseidon partial ×4");
        // Narrow: rows 0 absorb, 1..=3 full, 4..=18 partial (15 ×4), 19..=22 full; one slot
        let narrow = |b| run_as(CommitShape::Narrow, b, v.clone(), s).unwrap_err();
        fails_with(narrow(Break::State(23, 4)), "poseidon absorb");
        for w in 0..5 {
            fails_with(narrow(Break::Work(0, w)), "poseidon absorb");
            fails_with(narrow(Break::Work(21, w)), "poseidon full");
        }
        for w in 0..8 {
            fails_with(narrow(Break::Work(7, w)), "poseidon partial ×4");
        }
        fails_with(narrow(Break::Digit(3, 0, 1)), "pack limb");
        fails_with(narrow(Break::Digit(3, 1, 16)), "pack digit 1");
        fails_with(narrow(Break::Acc(0)), "pack first");
        fails_with(narrow(Break::Acc(5)), "pack next");
        // Stacked: Narrow's gates, the 150 pack rows first, then the sponge's 47
        let stacked = |b| run_as(CommitShape::Stacked, b, v.clone(), s).unwrap_err();
        fails_with(stacked(Break::Digit(3, 0, 1)), "pack limb");
        fails_with(stacked(Break::Digit(3, 1, 16)), "pack digit 1");
        fails_with(stacked(Break::Acc(0)), "pack first");
        fails_with(stacked(Break::Acc(5)), "pack next");
        // the value lives in the state's lane 0: its digits no longer sum to it
        fails_with(stacked(Break::State(7, 0)), "pack limb");
        // the last pack row's element is absorbed by the sponge's first row (a copy)
        let errs = stacked(Break::Acc(149));
        fails_a_copy(&errs);
        let p = 150;
        fails_with(stacked(Break::State(p + 23, 4)), "poseidon absorb");
        for w in 0..5 {
            fails_with(stacked(Break::Work(p, w)), "poseidon absorb");
            fails_with(stacked(Break::Work(p + 21, w)), "poseidon full");
        }
        for w in 0..8 {
            fails_with(stacked(Break::Work(p + 7, w)), "poseidon partial ×4");
        }
        // the sponge's initial state is fixed to constants, also right after the pack rows
        let errs = stacked(Break::State(p, 3));
        fails_a_copy(&errs);
        fails_with(errs, "poseidon absorb");
    }

    #[test]
    fn values_outside_the_limb_range_fail_the_lookup() {
        // 128 = 2^(W-1) does not fit W = 8 signed bits: its digits leave the table
        let c = T {
            values: vec![1, 128, 3],
            salt: Fr::one(),
            brk: Break::None,
            shape: CommitShape::Narrow,
            second: None,
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
