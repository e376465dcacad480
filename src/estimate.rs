//! How long the long stages (setup, witness, prove, verify) will take, and how much memory setup
//! and prove hold, from the circuit's size alone: rows and the constraint system's columns,
//! lookups and degree. The one place progress estimates come from (the CLI's progress lines, the
//! JS `onProgress` callbacks, the web app), and where a WebAssembly module refuses a circuit its
//! 4 GiB cannot hold ([`check_memory`]) before starting.
//!
//! The model counts what the prover does per row: one MSM of `2^k` points for every committed
//! polynomial (advice columns, three per lookup, the permutation's product chunks, the quotient's
//! pieces, the opening), and coset FFTs and gate evaluation on the extended domain for every
//! polynomial the quotient reads. Its coefficients are fitted on the bench models measured on the
//! reference machine (2 vCPU, x86-64, 2 threads: BENCHMARKS.md, "Progress estimates"); engine
//! factors carry that to fewer or more threads and to the WebAssembly modules. Estimates are
//! meant to be within a factor of about 1.5; callers rescale the stages still to come by how the
//! finished ones compared (see [`Rescale`]).

use serde::Serialize;

use crate::circuit::{constraint_system, CircuitParams};
use crate::proof::ProofError;
use crate::settings::Settings;

/// The size of a circuit, as the prover's work depends on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Shape {
    pub logrows: u32,
    pub advice: usize,
    pub fixed: usize,
    pub selectors: usize,
    pub lookups: usize,
    pub permutation_columns: usize,
    pub degree: usize,
}

impl Shape {
    pub fn of(settings: &Settings) -> Shape {
        let cs = constraint_system(&CircuitParams::from_settings(settings));
        Shape {
            logrows: settings.run_args.logrows,
            advice: cs.num_advice_columns(),
            fixed: cs.num_fixed_columns(),
            selectors: cs.num_selectors(),
            lookups: cs.lookups().len(),
            permutation_columns: cs.permutation().get_columns().len(),
            degree: cs.degree(),
        }
    }

    fn rows(&self) -> f64 {
        (1u64 << self.logrows.min(40)) as f64
    }

    /// The permutation argument's product polynomials (columns per chunk: degree − 2).
    fn permutation_chunks(&self) -> usize {
        let per = self.degree.saturating_sub(2).max(1);
        self.permutation_columns.div_ceil(per)
    }

    /// MSMs of `2^k` points in a proof: advice, lookups (permuted input, permuted table,
    /// product), permutation products, the quotient's pieces, and the opening.
    fn prove_msms(&self) -> f64 {
        (self.advice + 3 * self.lookups + self.permutation_chunks() + self.degree + 3) as f64
    }

    /// Polynomials taken to the extended domain (size `2^k · 2^⌈log2(degree − 1)⌉`) for the
    /// quotient, weighted by that domain's size over `2^k`.
    fn prove_extended(&self) -> f64 {
        let ext = self.extension();
        let polys = self.advice
            + self.fixed
            + self.selectors.div_ceil(4)
            + 3 * self.lookups
            + self.permutation_columns
            + 2 * self.permutation_chunks();
        ext * polys as f64
    }

    /// Polynomials of `2^k` values a proving key holds: every fixed column and selector and
    /// every permutation column, as values and as coefficients, and `l0`, `l_last`,
    /// `l_active_row`.
    fn key_polys(&self) -> f64 {
        (2 * (self.fixed + self.selectors + self.permutation_columns) + 3) as f64
    }

    /// Polynomials of `2^k` values `create_proof` holds at its peak, beside the key: every
    /// advice column and the instance as values and coefficients, each lookup's permuted input,
    /// permuted table and product likewise, the permutation's products likewise, the SRS (`g`
    /// and its Lagrange form, points of two values), then, while the quotient is evaluated on one
    /// part of the extended domain, every polynomial it reads on that part, and the quotient's
    /// values on the whole extended domain.
    fn prove_polys(&self) -> f64 {
        let chunks = self.permutation_chunks();
        let held = 2 * self.advice + 2 + 6 * self.lookups + 2 * chunks + 4;
        let part = self.fixed
            + self.selectors
            + 3
            + self.advice
            + 1
            + self.permutation_columns
            + chunks
            + 3 * self.lookups;
        self.key_polys() + (held + part) as f64 + self.extension()
    }

    /// The extended domain's size over `2^k`.
    fn extension(&self) -> f64 {
        (self.degree.saturating_sub(1).max(1) as f64)
            .log2()
            .ceil()
            .exp2()
    }

    /// Commitments made by setup: fixed columns (selectors compressed) and permutation columns.
    fn setup_msms(&self) -> f64 {
        (self.fixed + self.selectors.div_ceil(4) + self.permutation_columns) as f64
    }
}

/// Seconds per stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Estimate {
    pub setup: f64,
    pub witness: f64,
    pub prove: f64,
    pub verify: f64,
}

/// Where the stages run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// Native code (x86-64) with this many threads.
    Native { threads: usize },
    /// The threaded WebAssembly module with 32-bit-limb arithmetic (`mt`).
    Wasm32 { threads: usize },
    /// The threaded module with WebAssembly's wide arithmetic (`mt-wide`).
    WasmWide { threads: usize },
    /// The single-threaded WebAssembly module (`web`, `node`).
    WasmSingle,
}

// Fitted on the reference machine, native, 2 threads, on the five bench models (k = 10 … 15,
// 44 to 74 advice columns; BENCHMARKS.md, "Progress estimates"): seconds per row per MSM and
// per row per extended polynomial, per row per setup commitment, per row of witness, and the
// fixed parts (reading keys and SRS, transcript, pairing).
const PROVE_MSM: f64 = 1.29e-6;
const PROVE_EXT: f64 = 0.30e-6;
const PROVE_FIXED: f64 = 0.3;
const SETUP_MSM: f64 = 2.4e-6;
const SETUP_FIXED: f64 = 0.35;
const WITNESS_ROW: f64 = 0.8e-6;
const VERIFY_FIXED: f64 = 0.27;
const GEN_SRS_ROW: f64 = 2.9e-5;
// Cutting an SRS down to 2^k points (`srs::load_for_k`): reading and checking its points (the
// random-combination MSMs) per point, and, when the file has no Lagrange basis of that size,
// the inverse FFT over G1's scalar multiplications (`(k/2 + 1)·2^k`); native, 2 threads:
// 0.13 s with the basis and 4.8 s without for 17 → 13, 1.4 s for 17 itself.
const SRS_ROW: f64 = 1.1e-5;
const SRS_G1_FFT_MUL: f64 = 7.6e-5;
const SRS_FIXED: f64 = 0.04;

impl Engine {
    /// The engine's time over native code with 2 threads (the fit's reference), for setup and
    /// prove: one-thread time over native's (measured: BENCHMARKS.md, "Progress estimates"),
    /// divided by the parallel speed-up (native: 1.87 from 1 to 2 threads).
    fn factor(self) -> f64 {
        let speedup = |t: usize| (t.max(1) as f64).powf(0.9);
        let native_1 = speedup(2);
        match self {
            Engine::Native { threads } => native_1 / speedup(threads),
            Engine::Wasm32 { threads } => 1.8 * native_1 / speedup(threads),
            Engine::WasmWide { threads } => 0.75 * native_1 / speedup(threads),
            Engine::WasmSingle => 1.6 * native_1,
        }
    }

    /// Seconds a WebAssembly module adds to setup and to prove whatever the circuit's size:
    /// the keys and the SRS read into linear memory, the thread pool's first tasks (measured in
    /// Node and Chromium: BENCHMARKS.md, "Progress estimates"; it is what made the smallest
    /// circuits' estimates 2× low).
    fn fixed(self) -> f64 {
        match self {
            Engine::Native { .. } => 0.0,
            Engine::Wasm32 { .. } | Engine::WasmWide { .. } => 0.4,
            Engine::WasmSingle => 0.3,
        }
    }

    /// Verify's time over native's: a fixed cost (the pairing, the vk read), one thread.
    fn verify_factor(self) -> f64 {
        match self {
            Engine::Native { .. } => 1.0,
            Engine::Wasm32 { .. } | Engine::WasmSingle => 3.0,
            Engine::WasmWide { .. } => 1.4,
        }
    }

    /// The engine this code runs on (the WebAssembly builds know theirs).
    pub fn current() -> Engine {
        #[cfg(not(target_arch = "wasm32"))]
        {
            Engine::Native { threads: threads() }
        }
        #[cfg(all(
            target_arch = "wasm32",
            target_feature = "atomics",
            zkonnx_wide_arithmetic
        ))]
        {
            Engine::WasmWide { threads: threads() }
        }
        #[cfg(all(
            target_arch = "wasm32",
            target_feature = "atomics",
            not(zkonnx_wide_arithmetic)
        ))]
        {
            Engine::Wasm32 { threads: threads() }
        }
        #[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
        {
            Engine::WasmSingle
        }
    }
}

#[cfg(any(not(target_arch = "wasm32"), target_feature = "atomics"))]
fn threads() -> usize {
    rayon::current_num_threads()
}

// Memory: what every run holds beside the circuit's polynomials (code, the model, the SRS file's
// bytes), and the fits on mlp_small forced to logrows 19 and 20 (14 advice, 9 fixed, 9
// selectors, 6 lookups, 9 permutation columns; BENCHMARKS.md, "The largest circuit one tab
// proves"): native peak RSS of `prove` 0.90 and 0.86 of the polynomial count below, and the
// module's linear memory 0.90 of it at 19 in Chromium; `setup` 2.27 and 2.18 times the key.
const MEM_BASE: f64 = 64.0 * MIB;
const MEM_PROVE_FIT: f64 = 0.9;
const MEM_SETUP_PER_KEY: f64 = 2.2;
const MIB: f64 = 1024.0 * 1024.0;
/// The linear memory a WebAssembly module (wasm32) addresses at most: 4 GiB.
pub const WASM32_MEMORY: f64 = 4096.0 * MIB;

/// Bytes a stage holds at its peak (estimated: within about 15 % of what was measured).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Memory {
    pub setup: f64,
    pub prove: f64,
}

/// The stages' peak memory for this circuit (the same on every engine: the polynomials' sizes).
pub fn memory(shape: &Shape) -> Memory {
    let poly = shape.rows() * 32.0;
    Memory {
        setup: MEM_BASE + MEM_SETUP_PER_KEY * shape.key_polys() * poly,
        prove: MEM_BASE + MEM_PROVE_FIT * shape.prove_polys() * poly,
    }
}

/// Where stages run out of memory: a WebAssembly module at 4 GiB of linear memory (an
/// allocation beyond it aborts the module); native code has no such bound here.
impl Engine {
    pub fn memory_limit(self) -> Option<f64> {
        match self {
            Engine::Native { .. } => None,
            _ => Some(WASM32_MEMORY),
        }
    }
}

/// The stages whose memory is checked before they start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    Setup,
    Prove,
}

/// An error, before the stage starts, when its estimated peak memory exceeds what `engine`
/// can address (rather than an abort minutes later).
pub fn check_memory(shape: &Shape, engine: Engine, stage: Stage) -> Result<(), ProofError> {
    let Some(limit) = engine.memory_limit() else {
        return Ok(());
    };
    let m = memory(shape);
    let (name, need) = match stage {
        Stage::Setup => ("setup", m.setup),
        Stage::Prove => ("proving", m.prove),
    };
    if need > limit {
        return Err(ProofError::OutOfMemory {
            stage: name,
            k: shape.logrows,
            need_mib: (need / MIB).ceil() as u64,
            limit_mib: (limit / MIB) as u64,
        });
    }
    Ok(())
}

/// The stages' estimated seconds for this circuit on this engine.
pub fn estimate(shape: &Shape, engine: Engine) -> Estimate {
    let n = shape.rows();
    let f = engine.factor();
    Estimate {
        setup: engine.fixed() + f * (SETUP_FIXED + n * SETUP_MSM * shape.setup_msms()),
        witness: f * n * WITNESS_ROW,
        prove: engine.fixed()
            + f * (PROVE_FIXED
                + n * (PROVE_MSM * shape.prove_msms() + PROVE_EXT * shape.prove_extended())),
        verify: engine.verify_factor() * VERIFY_FIXED,
    }
}

/// Seconds to generate a development SRS of `2^logrows` points (`gen-srs`: the powers of τ in
/// G1, their Lagrange form and every smaller size's; native, 2 threads: 3.8 s at k = 17).
pub fn gen_srs(logrows: u32, engine: Engine) -> f64 {
    engine.factor() * GEN_SRS_ROW * (1u64 << logrows.min(40)) as f64
}

/// Seconds to load an SRS file (`srs`'s bytes) for a circuit of `2^k` rows and check it: the
/// `srs` stage (0 for bytes that are not an SRS: loading them fails at once).
pub fn srs_load(srs: &[u8], k: u32, engine: Engine) -> f64 {
    let Ok(have) = crate::srs::header(srs) else {
        return 0.0;
    };
    let n = (1u64 << k.min(40)) as f64;
    let fft = if have > k && !crate::srs::has_smaller_bases(srs) {
        SRS_G1_FFT_MUL * (k as f64 / 2.0 + 1.0) * n
    } else {
        0.0
    };
    engine.fixed() + engine.factor() * (SRS_FIXED + SRS_ROW * n + fft)
}

/// Rescales the stages still to come by how the finished ones compared with their estimates:
/// a slower or faster machine than the reference shows in the first long stage.
#[derive(Clone, Debug, Default)]
pub struct Rescale {
    estimated: f64,
    actual: f64,
}

impl Rescale {
    /// A stage finished: its estimate and its actual seconds.
    pub fn finished(&mut self, estimated: f64, actual: f64) {
        if estimated > 0.05 && actual.is_finite() {
            self.estimated += estimated;
            self.actual += actual;
        }
    }

    /// The estimate of a stage to come, corrected by the finished stages (the correction is
    /// bounded to a factor of 4 either way).
    pub fn predict(&self, estimated: f64) -> f64 {
        if self.estimated <= 0.0 {
            return estimated;
        }
        estimated * (self.actual / self.estimated).clamp(0.25, 4.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(logrows: u32, lookups: usize) -> Shape {
        Shape {
            logrows,
            advice: 16,
            fixed: 8,
            selectors: 20,
            lookups,
            permutation_columns: 12,
            degree: 5,
        }
    }

    #[test]
    fn estimates_grow_with_rows_columns_and_engine() {
        let n = Engine::Native { threads: 2 };
        let a = estimate(&shape(12, 4), n);
        let b = estimate(&shape(13, 4), n);
        assert!(
            b.prove > 1.3 * a.prove && b.prove < 2.0 * a.prove,
            "prove: rows and a fixed part"
        );
        assert!(estimate(&shape(12, 8), n).prove > a.prove, "lookups cost");
        assert!(estimate(&shape(12, 4), Engine::Native { threads: 1 }).prove > a.prove);
        assert!(estimate(&shape(12, 4), Engine::Wasm32 { threads: 2 }).prove > a.prove);
        assert!(estimate(&shape(12, 4), Engine::WasmSingle).prove > a.prove);
        assert!(a.setup > 0.0 && a.witness > 0.0 && a.verify > 0.0);
        assert!((gen_srs(16, n) / gen_srs(14, n) - 4.0).abs() < 1e-9);
    }

    /// mlp_small forced to logrows 19 and 20 (committed params, 2 lanes): the shape measured
    /// for the memory fit
    fn small(logrows: u32) -> Shape {
        Shape {
            logrows,
            advice: 14,
            fixed: 9,
            selectors: 9,
            lookups: 6,
            permutation_columns: 9,
            degree: 5,
        }
    }

    #[test]
    fn memory_matches_the_measured_circuits() {
        let mib = |b: f64| b / MIB;
        // measured (BENCHMARKS.md): prove peak 2 938 / 5 604 MiB natively, 2 941 MiB of
        // linear memory in Chromium at 19; setup 2 073 / 3 976 MiB natively
        let (m19, m20) = (memory(&small(19)), memory(&small(20)));
        for (est, got) in [
            (m19.prove, 2941.0),
            (m20.prove, 5604.0),
            (m19.setup, 2073.0),
            (m20.setup, 3976.0),
        ] {
            let r = mib(est) / got;
            assert!(
                (0.95..1.15).contains(&r),
                "estimate {} MiB against {got} MiB",
                mib(est)
            );
        }
        // the key: 57 polynomials of 2^19 values (the file: 912 MiB)
        assert_eq!(small(19).key_polys(), 57.0);
    }

    #[test]
    fn wasm_refuses_what_it_cannot_hold_before_starting() {
        let wasm = Engine::Wasm32 { threads: 2 };
        assert!(
            check_memory(&small(19), wasm, Stage::Prove).is_ok(),
            "19 proves in a tab"
        );
        let e = check_memory(&small(20), wasm, Stage::Prove).unwrap_err();
        match &e {
            ProofError::OutOfMemory {
                stage,
                k,
                need_mib,
                limit_mib,
            } => {
                assert_eq!((*stage, *k, *limit_mib), ("proving", 20, 4096));
                assert!(*need_mib > 4096);
            }
            other => panic!("{other}"),
        }
        assert!(e.to_string().contains("logrows 20"), "{e}");
        for engine in [Engine::WasmSingle, Engine::WasmWide { threads: 1 }] {
            assert!(check_memory(&small(20), engine, Stage::Prove).is_err());
        }
        assert!(check_memory(&small(21), wasm, Stage::Setup).is_err());
        assert!(check_memory(&small(19), wasm, Stage::Setup).is_ok());
        // native: no bound here
        let native = Engine::Native { threads: 2 };
        assert!(check_memory(&small(24), native, Stage::Prove).is_ok());
    }

    #[test]
    fn rescale_follows_the_finished_stages() {
        let mut r = Rescale::default();
        assert_eq!(r.predict(2.0), 2.0);
        r.finished(1.0, 2.0);
        assert!((r.predict(3.0) - 6.0).abs() < 1e-9);
        r.finished(0.01, 100.0); // too short to say anything
        assert!((r.predict(3.0) - 6.0).abs() < 1e-9);
        r.finished(1.0, 100.0);
        assert!((r.predict(1.0) - 4.0).abs() < 1e-9, "bounded");
    }
}
