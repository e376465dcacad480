// The prover's WebAssembly arithmetic (zkonnx's patches of halo2curves-axiom and halo2-axiom,
// PATCHES.md) checked under wasm32 in Node: crates/arith-wasm32 built with the patched crates,
// compared with halo2curves 0.10 (unpatched) and naive algorithms. Exits non-zero on any
// disagreement, naming it.
// Usage: node tests/js/wasm_arith.mjs PKG_DIR [--bench | --fields]   (PKG_DIR: wasm-bindgen --target
// nodejs output; --fields: the field checks only)
import path from 'node:path';
import { createRequire } from 'node:module';

const dir = path.resolve(process.argv[2]);
const m = createRequire(import.meta.url)(path.join(dir, 'zkonnx_arith_wasm32.js'));

if (process.argv.includes('--bench')) {
  const time = (f) => { const t = performance.now(); f(); return performance.now() - t; };
  const min = (f, runs) => Math.min(...Array.from({ length: runs }, () => time(f)));
  const count = 2_000_000;
  console.log(`Fr mul: ${(min(() => m.bench_mul(count), 5) * 1e6 / count).toFixed(1)} ns`);
  console.log(`Fq invert: ${(min(() => m.bench_invert(20000), 3) * 1e3 / 20000).toFixed(2)} us`);
  console.log(`G1 + G1: ${(min(() => m.bench_add(200000, false), 3) * 1e6 / 200000).toFixed(0)} ns, G1 + G1Affine: ${(min(() => m.bench_add(200000, true), 3) * 1e6 / 200000).toFixed(0)} ns`);
  const sweep = process.argv.includes('--sweep');
  for (const k of sweep ? [4, 6, 8, 10, 12, 14] : [10, 12, 14]) {
    m.bench_prepare(1 << k);
    if (sweep) console.log(`  msm_parallel: ${min(() => m.bench_msm_parallel(), 3).toFixed(1)} ms`);
    console.log(`msm 2^${k}: ${min(() => m.bench_msm(), 3).toFixed(1)} ms (msm_best; window ${m.bench_window(1 << k, 1)} at 1 thread, ${m.bench_window(1 << k, 2)} at 2)`);
    if (sweep) {
      m.bench_prepare_runs(1 << k);
      console.log(`  sorted runs of 16 small scalars: msm_best ${min(() => m.bench_msm(), 3).toFixed(1)} ms, msm_parallel ${min(() => m.bench_msm_parallel(), 3).toFixed(1)} ms`);
      m.bench_prepare(1 << k);
      for (let c = Math.max(3, k - 6); c <= Math.min(14, k + 1); c++) console.log(`  window ${c}: ${min(() => m.bench_msm_window(c), 3).toFixed(1)} ms`);
    }
  }
  process.exit(0);
}

const failures = [];
const check = (what, f) => {
  let msg;
  try {
    msg = f();
  } catch (e) {
    msg = `aborted (${e.message}): a panic in the check, e.g. a non-canonical field element`;
  }
  if (msg) failures.push(`${what}: ${msg}`);
  console.log(`${msg ? 'FAIL' : 'ok  '} ${what}${msg ? ` -- ${msg}` : ''}`);
};
check('u128 arithmetic and float formatting', () => m.check_u128(5n, 100000));
for (const seed of [1n, 2n, 3n]) check(`Fr and Fq mul/square/invert, seed ${seed}`, () => m.check_fields(seed, 60));
if (process.argv.includes('--fields')) {
  // the light verifier's build (scripts/arith_wasm32.sh): its fields against the prover's
  if (failures.length) process.exit(1);
  console.log('wasm32 fields: all checks hold');
  process.exit(0);
}
// sizes around every switch of msm_best: window 1/3, msm_parallel, the batch-affine threshold
for (const n of [1, 2, 3, 4, 31, 32, 33, 64, 200, 1023, 1024, 1025, 4096, 8191, 8192, 16384]) {
  check(`msm of ${n} points`, () => m.check_msm(BigInt(n), n));
}
// the GLV MSM at every window from 2 to 16 (and the windows its cost model picks), GLV edge scalars
check('wasm msm: doubling and P + (−P) in the reduction, identity bases, zero scalars, no terms', () => m.check_msm_special());
for (const n of [1, 5, 100, 1000, 3000]) check(`wasm msm of ${n} points at windows 2..16`, () => m.check_msm_windows(BigInt(n), n));
for (let k = 1; k <= 14; k++) check(`fft k=${k}: parallel vs recursive${k <= 6 ? ' vs DFT' : ''}`, () => m.check_fft(BigInt(k), k));
if (failures.length) {
  console.error(`${failures.length} wasm32 arithmetic check(s) failed`);
  process.exit(1);
}
console.log('wasm32 arithmetic: all checks hold');
