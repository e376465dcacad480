//! Checks of the prover's WebAssembly arithmetic (zkonnx's patches of halo2curves-axiom and
//! halo2-axiom, `patches/`), run under wasm32 by `tests/js/wasm_arith.mjs` (Node).
//!
//! Each check compares the patched code with an independent implementation: halo2curves 0.10
//! (the light verifier's crate, not patched: its own 4 × 64-bit arithmetic) and naive algorithms
//! (a sum of scalar multiplications, a quadratic DFT). A check returns `""` when it holds, else a
//! message naming the first disagreement. Inputs come from a seeded generator plus the edge
//! values of each field, so a failure is reproducible from its seed.

use ff::FromUniformBytes;
use ff::{Field, PrimeField};
use group::{prime::PrimeCurveAffine, Curve, Group};
use halo2curves::bn256::{Fq, Fr, G1Affine, G1};
use halo2curves::CurveAffine;
use reference::CurveAffine as _;
use wasm_bindgen::prelude::*;

/// splitmix64: reproducible inputs without a dependency
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn bytes(&mut self) -> [u8; 32] {
        let mut b = [0u8; 32];
        for c in b.chunks_mut(8) {
            c.copy_from_slice(&self.next().to_le_bytes());
        }
        b
    }
}

/// Little-endian bytes of `p − k`, of `2^j`, and random values below p (top bits cleared, then
/// rejected if ≥ p), for a field whose modulus is `modulus_le`.
fn edge_and_random(modulus_le: &[u8; 32], rng: &mut Rng, random: usize) -> Vec<[u8; 32]> {
    let sub = |k: u64| {
        let mut r = *modulus_le;
        let mut borrow = k;
        for byte in r.iter_mut() {
            let (v, b) = (*byte as u64).overflowing_sub(borrow & 0xff);
            *byte = v as u8;
            borrow = (borrow >> 8) + u64::from(b);
        }
        r
    };
    let mut out: Vec<[u8; 32]> = (0u64..4)
        .map(|k| k.to_le_bytes())
        .map(|k| {
            let mut b = [0u8; 32];
            b[..8].copy_from_slice(&k);
            b
        })
        .collect();
    out.extend([1, 2, 3, 0xffff_ffff, 1 << 32].map(sub));
    for j in [31, 32, 63, 64, 127, 128, 191, 192, 252] {
        let mut b = [0u8; 32];
        b[j / 8] = 1 << (j % 8);
        out.push(b);
    }
    // all 32-bit limbs at 2^32 − 1 below the top one: the carries of every column
    let mut ones = [0xffu8; 32];
    ones[31] = 0;
    ones[30] = 0;
    out.push(ones);
    while out.len() < 19 + random {
        let mut b = rng.bytes();
        b[31] &= 0x3f;
        if b.iter().rev().cmp(modulus_le.iter().rev()) == std::cmp::Ordering::Less {
            out.push(b);
        }
    }
    out
}

/// Canonical little-endian bytes of a field element (either crate).
fn bytes<F: PrimeField>(x: &F) -> Vec<u8> {
    x.to_repr().as_ref().to_vec()
}

/// The field element with these canonical bytes (either crate); `None` if ≥ p.
fn from_bytes<F: PrimeField>(b: &[u8; 32]) -> Option<F> {
    let mut r = F::Repr::default();
    r.as_mut().copy_from_slice(b);
    F::from_repr(r).into()
}

macro_rules! field_check {
    ($name:ident, $f:ty, $r:ty) => {
        fn $name(seed: u64, random: usize) -> Result<usize, String> {
            let mut rng = Rng(seed);
            let modulus = <$f>::ZERO - <$f>::ONE;
            let mut m = modulus.to_repr();
            m[0] += 1; // p − 1 + 1: no carry, p is odd
            let values = edge_and_random(&m, &mut rng, random);
            let ours: Vec<$f> = values.iter().map(|b| from_bytes(b).unwrap()).collect();
            let theirs: Vec<$r> = values.iter().map(|b| from_bytes(b).unwrap()).collect();
            let mut checked = 0;
            for (i, (a, ra)) in ours.iter().zip(&theirs).enumerate() {
                if bytes(&a.square()) != bytes(&ra.square()) {
                    return Err(format!(
                        "{}: square of value {i} ({:?})",
                        stringify!($f),
                        values[i]
                    ));
                }
                if Option::<$f>::from(a.invert()).map(|x| bytes(&x))
                    != Option::<$r>::from(ra.invert()).map(|x| bytes(&x))
                {
                    return Err(format!("{}: inverse of value {i}", stringify!($f)));
                }
                for (j, (b, rb)) in ours.iter().zip(&theirs).enumerate() {
                    if bytes(&(*a * b)) != bytes(&(*ra * rb)) {
                        return Err(format!("{}: product of values {i} and {j}", stringify!($f)));
                    }
                    checked += 1;
                }
            }
            // a long chain: products feed products (values in every residue, not only inputs)
            let (mut x, mut rx) = (ours[20], theirs[20]);
            for k in 0..20_000 {
                let j = k % ours.len();
                x = x * ours[j] + x.square();
                rx = rx * theirs[j] + rx.square();
                if bytes(&x) != bytes(&rx) {
                    return Err(format!("{}: chain diverged at step {k}", stringify!($f)));
                }
            }
            Ok(checked + 20_000)
        }
    };
}
field_check!(fr_check, Fr, reference::bn256::Fr);
field_check!(fq_check, Fq, reference::bn256::Fq);

/// Multiplication and squaring of BN254's Fr and Fq against halo2curves 0.10: every pair of edge
/// and `random` random values, inverses, and a 20 000-step chain. Returns "" or the disagreement.
#[wasm_bindgen]
pub fn check_fields(seed: u64, random: usize) -> String {
    match fr_check(seed, random).and_then(|a| fq_check(seed ^ 1, random).map(|b| a + b)) {
        Ok(_) => String::new(),
        Err(e) => e,
    }
}

fn to_reference(p: &G1Affine) -> reference::bn256::G1Affine {
    if bool::from(p.is_identity()) {
        return reference::bn256::G1Affine::identity();
    }
    let c = p.coordinates().unwrap();
    let x = from_bytes(&c.x().to_repr()).unwrap();
    let y = from_bytes(&c.y().to_repr()).unwrap();
    reference::bn256::G1Affine::from_xy(x, y).unwrap()
}

/// Points and scalars for an MSM of `n` terms: random multiples of the generator, with repeats
/// and negations (the batch-affine doubling and P + (−P) cases) and scalars 0, 1, −1 among them.
fn msm_inputs(seed: u64, n: usize) -> (Vec<Fr>, Vec<G1Affine>) {
    let mut rng = Rng(seed);
    let random_fr = |rng: &mut Rng| {
        <Fr as FromUniformBytes<64>>::from_uniform_bytes(
            &[rng.bytes(), rng.bytes()].concat().try_into().unwrap(),
        )
    };
    let mut points: Vec<G1> = (0..n)
        .map(|_| G1::generator() * random_fr(&mut rng))
        .collect();
    let mut scalars: Vec<Fr> = (0..n).map(|_| random_fr(&mut rng)).collect();
    for i in (0..n).step_by(7) {
        match (i / 7) % 5 {
            0 if i > 0 => points[i] = points[i - 1],
            1 if i > 0 => points[i] = -points[i - 1],
            2 => scalars[i] = Fr::ZERO,
            3 => scalars[i] = Fr::ONE,
            _ => scalars[i] = -Fr::ONE,
        }
    }
    let mut affine = vec![G1Affine::identity(); n];
    G1::batch_normalize(&points, &mut affine);
    (scalars, affine)
}

/// `msm_best` (patched: batch-affine buckets and wider windows on wasm32) against halo2curves
/// 0.10's `msm_best` on the same points and, for n ≤ 64, against a sum of scalar multiplications.
#[wasm_bindgen]
pub fn check_msm(seed: u64, n: usize) -> String {
    let (scalars, bases) = msm_inputs(seed, n);
    let ours = halo2curves::msm::msm_best(&scalars, &bases).to_affine();
    let rbases: Vec<_> = bases.iter().map(to_reference).collect();
    let rscalars: Vec<reference::bn256::Fr> = scalars
        .iter()
        .map(|s| from_bytes(&s.to_repr()).unwrap())
        .collect();
    let theirs = reference::msm::msm_best(&rscalars, &rbases).to_affine();
    if to_reference(&ours) != theirs {
        return format!("msm of {n} points (seed {seed}) differs from halo2curves 0.10");
    }
    if n <= 64 {
        let naive: G1 = scalars.iter().zip(&bases).map(|(s, b)| *b * s).sum();
        if naive.to_affine() != ours {
            return format!("msm of {n} points (seed {seed}) differs from the sum of products");
        }
    }
    String::new()
}

/// Scalars where a GLV split could go wrong: 0, ±1, ±2, ±ζ, ζ ± 1, powers of two around 2^128,
/// (r ± 1)/2, r − 2^128, and the top bits.
fn glv_edge_scalars() -> Vec<Fr> {
    let two = Fr::from(2);
    let zeta = <Fr as ff::WithSmallOrderMulGroup<3>>::ZETA;
    let half = (Fr::ZERO - Fr::ONE) * two.invert().unwrap(); // (r − 1)/2
    let mut v = vec![
        Fr::ZERO,
        Fr::ONE,
        -Fr::ONE,
        two,
        -two,
        zeta,
        -zeta,
        zeta + Fr::ONE,
        zeta - Fr::ONE,
    ];
    v.extend([half, half + Fr::ONE, -half]);
    for e in [63u32, 64, 126, 127, 128, 129, 191, 192, 252, 253] {
        let p = two.pow_vartime([e as u64]);
        v.extend([p, p - Fr::ONE, -p, Fr::ZERO - p + Fr::ONE]);
    }
    v
}

/// The WebAssembly MSM (`halo2curves::msm::wasm::msm`: GLV, batch-affine buckets and reduction)
/// at every window from 2 to 16 (its cost model picks 3 to 16), against halo2curves 0.10's `msm_best`, on inputs
/// with repeated and negated points and the GLV edge scalars; its window choice must be a window
/// it accepts.
#[wasm_bindgen]
pub fn check_msm_windows(seed: u64, n: usize) -> String {
    let (mut scalars, bases) = msm_inputs(seed, n);
    for (i, e) in glv_edge_scalars().into_iter().enumerate() {
        if i * 3 < n {
            scalars[i * 3] = e;
        }
    }
    let rbases: Vec<_> = bases.iter().map(to_reference).collect();
    let rscalars: Vec<reference::bn256::Fr> = scalars
        .iter()
        .map(|s| from_bytes(&s.to_repr()).unwrap())
        .collect();
    let theirs = reference::msm::msm_best(&rscalars, &rbases).to_affine();
    for threads in [1, 2, 4] {
        let c = halo2curves::msm::wasm::window(n, threads);
        if !(2..=20).contains(&c) {
            return format!("window({n}, {threads}) = {c}, outside 2..=20");
        }
    }
    for c in 2..=16 {
        let ours = halo2curves::msm::wasm::msm(&scalars, &bases, c).to_affine();
        if to_reference(&ours) != theirs {
            return format!(
                "wasm msm of {n} points (seed {seed}, window {c}) differs from halo2curves 0.10"
            );
        }
    }
    String::new()
}

/// Hand-built MSMs that reach the rare branches of `msm::wasm`: two equal points whose digits land
/// in neighbouring buckets (the reduction's running sum doubles), a point and its negation in one
/// bucket (P + (−P)), identity bases, zero scalars and no terms at all; at windows 2 to 16,
/// against halo2curves 0.10.
#[wasm_bindgen]
pub fn check_msm_special() -> String {
    let g = G1Affine::generator();
    let h = (G1::generator() * Fr::from(5)).to_affine();
    let f = Fr::from;
    let cases: Vec<(&str, Vec<Fr>, Vec<G1Affine>)> = vec![
        ("no terms", vec![], vec![]),
        ("[64, 63]·[G, G]", vec![f(64), f(63)], vec![g, g]),
        ("[64, 64]·[G, −G]", vec![f(64), f(64)], vec![g, -g]),
        (
            "[2^20, 2^20 − 1, 3]·[G, G, H]",
            vec![f(1 << 20), f((1 << 20) - 1), f(3)],
            vec![g, g, h],
        ),
        (
            "[7, 7, 7]·[G, −G, G]",
            vec![f(7), f(7), f(7)],
            vec![g, -g, g],
        ),
        (
            "identity bases",
            vec![f(3), f(9), -f(2)],
            vec![G1Affine::identity(), g, G1Affine::identity()],
        ),
        ("zero scalars", vec![Fr::ZERO, Fr::ZERO], vec![g, h]),
        (
            "k·G + k·G over every bucket",
            (1..=200u64).map(f).collect(),
            vec![g; 200],
        ),
        (
            "k·G − k·G",
            (1..=100u64).chain(1..=100).map(f).collect(),
            [vec![g; 100], vec![-g; 100]].concat(),
        ),
    ];
    for (name, scalars, bases) in cases {
        let rbases: Vec<_> = bases.iter().map(to_reference).collect();
        let rscalars: Vec<reference::bn256::Fr> = scalars
            .iter()
            .map(|s| from_bytes(&s.to_repr()).unwrap())
            .collect();
        let theirs = reference::msm::msm_best(&rscalars, &rbases).to_affine();
        let naive: G1 = scalars.iter().zip(&bases).map(|(s, b)| *b * s).sum();
        if to_reference(&naive.to_affine()) != theirs {
            return format!("{name}: halo2curves 0.10 differs from the sum of products");
        }
        for c in 2..=16 {
            let ours = halo2curves::msm::wasm::msm(&scalars, &bases, c).to_affine();
            if to_reference(&ours) != theirs {
                return format!("wasm msm, {name}, window {c}: wrong sum");
            }
        }
        if to_reference(&halo2curves::msm::msm_best(&scalars, &bases).to_affine()) != theirs {
            return format!("msm_best, {name}: wrong sum");
        }
    }
    String::new()
}

#[cfg(test)]
mod native {
    /// The same checks natively (`cargo test` in this crate with the patched crates): quicker to
    /// run while changing the patch; the wasm32 run in tests/js/wasm_arith.mjs is the real one.
    #[test]
    fn msm_windows() {
        let msg = super::check_msm_special();
        assert!(msg.is_empty(), "{msg}");
        for n in [1, 2, 5, 64, 100, 1000, 3000] {
            let msg = super::check_msm_windows(n as u64, n);
            assert!(msg.is_empty(), "{msg}");
        }
    }
}

/// halo2-axiom's recursive FFT (what `fft::fft` runs on wasm32) against its parallel FFT (an
/// independent implementation), forward and inverse, and for k ≤ 6 against a quadratic DFT.
#[wasm_bindgen]
pub fn check_fft(seed: u64, k: u32) -> String {
    use halo2_proofs::fft::{parallel, recursive};
    let mut rng = Rng(seed);
    let n = 1usize << k;
    let mut omega = Fr::ROOT_OF_UNITY;
    for _ in k..Fr::S {
        omega = omega.square();
    }
    let omega_inv = omega.invert().unwrap();
    let data = recursive::FFTData::new(n, omega, omega_inv);
    let input: Vec<Fr> = (0..n)
        .map(|_| {
            Fr::from_repr({
                let mut b = rng.bytes();
                b[31] &= 0x1f;
                b
            })
            .unwrap()
        })
        .collect();
    for (inverse, w) in [(false, omega), (true, omega_inv)] {
        let mut a = input.clone();
        let mut b = input.clone();
        parallel::fft(&mut a, w, k, &data, inverse);
        recursive::fft(&mut b, w, k, &data, inverse);
        if a != b {
            return format!("fft k={k} inverse={inverse}: parallel and recursive differ");
        }
        if k <= 6 {
            let naive: Vec<Fr> = (0..n)
                .map(|i| {
                    let wi = w.pow_vartime([i as u64]);
                    input.iter().rev().fold(Fr::ZERO, |acc, c| acc * wi + c)
                })
                .collect();
            if a != naive {
                return format!("fft k={k} inverse={inverse}: differs from the quadratic DFT");
            }
        }
    }
    String::new()
}

thread_local! {
    static BENCH: std::cell::RefCell<(Vec<Fr>, Vec<G1Affine>)> = Default::default();
}

/// Benchmark support (scripts/bench_arith.mjs): make the inputs of an n-point MSM.
#[wasm_bindgen]
pub fn bench_prepare(n: usize) {
    BENCH.with(|b| *b.borrow_mut() = msm_inputs(7, n));
}

/// Benchmark support: one MSM of the prepared inputs (the JS side times it).
#[wasm_bindgen]
pub fn bench_msm() -> bool {
    BENCH.with(|b| {
        let b = b.borrow();
        bool::from(halo2curves::msm::msm_best(&b.0, &b.1).is_identity())
    })
}

/// Benchmark support: make the inputs of an n-point MSM whose scalars are small, sorted and
/// repeated in runs (a lookup's permuted column).
#[wasm_bindgen]
pub fn bench_prepare_runs(n: usize) {
    BENCH.with(|b| {
        let (mut scalars, bases) = msm_inputs(7, n);
        for (i, s) in scalars.iter_mut().enumerate() {
            *s = Fr::from((i / 16) as u64);
        }
        *b.borrow_mut() = (scalars, bases)
    });
}

/// Benchmark support: one WebAssembly MSM (`msm::wasm::msm`) of the prepared inputs at window `c`.
#[wasm_bindgen]
pub fn bench_msm_window(c: usize) -> bool {
    BENCH.with(|b| {
        let b = b.borrow();
        bool::from(halo2curves::msm::wasm::msm(&b.0, &b.1, c).is_identity())
    })
}

/// Benchmark support: upstream's `msm_parallel` (projective buckets) of the prepared inputs.
#[wasm_bindgen]
pub fn bench_msm_parallel() -> bool {
    BENCH.with(|b| {
        let b = b.borrow();
        bool::from(halo2curves::msm::msm_parallel(&b.0, &b.1).is_identity())
    })
}

/// Benchmark support: the window `msm_best` picks on wasm32 for `n` points and `threads` threads.
#[wasm_bindgen]
pub fn bench_window(n: usize, threads: usize) -> usize {
    halo2curves::msm::wasm::window(n, threads)
}

/// Benchmark support: `count` inversions in a dependent chain.
#[wasm_bindgen]
pub fn bench_invert(count: u32) -> bool {
    let mut x = Fq::from(0x1234_5678_9abc_def0u64);
    for _ in 0..count {
        x = x.invert().unwrap() + Fq::ONE;
    }
    bool::from(x.is_zero())
}

/// Benchmark support: `count` projective additions (G1 + G1) and mixed additions (G1 + G1Affine).
#[wasm_bindgen]
pub fn bench_add(count: u32, mixed: bool) -> bool {
    let g = G1::generator();
    let mut x = g.double();
    let ga = g.to_affine();
    for _ in 0..count {
        if mixed {
            x += ga;
        } else {
            x += g;
        }
    }
    bool::from(x.is_identity())
}

/// Benchmark support: `count` multiplications in a dependent chain (the JS side times it).
#[wasm_bindgen]
pub fn bench_mul(count: u32) -> bool {
    let mut x = Fr::from(7u64);
    let y = Fr::from(0x1234_5678_9abc_def0u64).invert().unwrap();
    for _ in 0..count {
        x *= y;
    }
    bool::from(x.is_zero())
}

/// Float formatting and 128-bit integer arithmetic (the compiler's lowering of u128/i128, which
/// the wide-arithmetic build turns into i64.mul_wide_u / i64.add128): against values computed
/// with 32-bit pieces.
#[wasm_bindgen]
pub fn check_u128(seed: u64, count: u32) -> String {
    let mut rng = Rng(seed);
    for i in 0..count {
        let (a, b) = (rng.next(), rng.next());
        let p = (a as u128) * (b as u128);
        // schoolbook on 32-bit halves
        let (a0, a1, b0, b1) = (a & 0xffff_ffff, a >> 32, b & 0xffff_ffff, b >> 32);
        let mid = (a0 * b1) as u128 + (a1 * b0) as u128;
        let q = (a0 * b0) as u128 + (mid << 32) + (((a1 * b1) as u128) << 64);
        if p != q {
            return format!("u128 product {i}: {a:#x} * {b:#x}");
        }
        let s = p.wrapping_add(q.rotate_left(17));
        let t = s.wrapping_sub(q.rotate_left(17));
        if t != p {
            return format!("u128 add/sub {i}");
        }
    }
    let x = 0.1f64 + 0.2;
    if format!("{x}") != "0.30000000000000004" || format!("{:.3}", 1.0f64 / 3.0) != "0.333" {
        return format!("float formatting: {x} {:.3}", 1.0f64 / 3.0);
    }
    String::new()
}
