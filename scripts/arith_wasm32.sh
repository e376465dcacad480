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

(cd crates/arith-wasm32 && CARGO_TARGET_DIR="$root/target-arith-wide" cargo build --locked --release \
  --target wasm32-unknown-unknown --config "$PATCH_CFG" \
  --config 'target.wasm32-unknown-unknown.rustflags=["-C", "target-feature=+wide-arithmetic", "--cfg", "zkonnx_wide_arithmetic"]')
rm -rf target-arith-wide/pkg
wasm-bindgen --target web --out-dir target-arith-wide/pkg target-arith-wide/wasm32-unknown-unknown/release/zkonnx_arith_wasm32.wasm
node tests/js/wasm_arith_browser.mjs target-arith-wide/pkg
