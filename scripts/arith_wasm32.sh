#!/usr/bin/env bash
# The prover's wasm32 arithmetic (patches/, PATCHES.md) checked under WebAssembly:
# crates/arith-wasm32 built with the patched crates, run in Node (32-bit limbs) and, built with
# +wide-arithmetic, in Chromium with --js-flags=--wasm-wide-arithmetic. After scripts/pack.sh
# (the Chromium half also checks the npm loader's probe).
# Usage: bash scripts/arith_wasm32.sh [--bench]
set -euo pipefail
cd "$(dirname "$0")/.."
PATCH_CFG=$(bash scripts/patch_crates.sh)
root=$PWD
(cd crates/arith-wasm32 && CARGO_TARGET_DIR="$root/target-arith" cargo build --locked --release \
  --target wasm32-unknown-unknown --config "$PATCH_CFG")
rm -rf target-arith/pkg
wasm-bindgen --target nodejs --out-dir target-arith/pkg target-arith/wasm32-unknown-unknown/release/zkonnx_arith_wasm32.wasm
echo '{"type": "commonjs"}' > target-arith/pkg/package.json
node tests/js/wasm_arith.mjs target-arith/pkg "$@"

# The light verifier's BN254 fields (halo2curves 0.10 with patches/halo2derive-0.2.0.diff and
# patches/halo2curves-0.10.0.diff: 32-bit limbs on wasm32) against the prover's, checked above
# against the unpatched crate: the same checks with every patch applied. The patches rewrite the
# crate's Cargo.lock entries for this build: the committed lock file is put back.
ALL_CFG=$(bash scripts/patch_crates.sh halo2curves-axiom-0.7.3 halo2derive-0.2.0 halo2curves-0.10.0)
cp crates/arith-wasm32/Cargo.lock target-arith/Cargo.lock.committed
trap 'cp target-arith/Cargo.lock.committed crates/arith-wasm32/Cargo.lock' EXIT
(cd crates/arith-wasm32 && CARGO_TARGET_DIR="$root/target-arith" cargo build --release \
  --target wasm32-unknown-unknown --config "$ALL_CFG")
cp target-arith/Cargo.lock.committed crates/arith-wasm32/Cargo.lock
rm -rf target-arith/pkg-verifier
wasm-bindgen --target nodejs --out-dir target-arith/pkg-verifier target-arith/wasm32-unknown-unknown/release/zkonnx_arith_wasm32.wasm
echo '{"type": "commonjs"}' > target-arith/pkg-verifier/package.json
[ "${1:-}" = "--bench" ] || node tests/js/wasm_arith.mjs target-arith/pkg-verifier --fields

(cd crates/arith-wasm32 && CARGO_TARGET_DIR="$root/target-arith-wide" cargo build --locked --release \
  --target wasm32-unknown-unknown --config "$PATCH_CFG" \
  --config 'target.wasm32-unknown-unknown.rustflags=["-C", "target-feature=+wide-arithmetic", "--cfg", "zkonnx_wide_arithmetic"]')
rm -rf target-arith-wide/pkg
wasm-bindgen --target web --out-dir target-arith-wide/pkg target-arith-wide/wasm32-unknown-unknown/release/zkonnx_arith_wasm32.wasm
node tests/js/wasm_arith_browser.mjs target-arith-wide/pkg
