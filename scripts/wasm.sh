#!/usr/bin/env bash
# Build the WebAssembly packages into pkg/ (installs the toolchain pieces it needs).
#   pkg/web     browser, single-threaded   (stable, wasm32-unknown-unknown)
#   pkg/node    Node, single-threaded      (stable)
#   pkg/mt      browser, threaded          (nightly: atomics, build-std, wasm-bindgen-rayon)
#   pkg/mt-wide browser, threaded, +wide-arithmetic (engines that validate i64.mul_wide_u)
#   pkg/verifier  the light verifier       (nightly, size profile, wasm-opt from npm's binaryen)
#   pkg/evm       zkonnx/evm: a model's verifier contract from its bundle (as pkg/verifier)
# Usage: bash scripts/wasm.sh   (after `npm install`: wasm-opt comes from node_modules)
set -euo pipefail
cd "$(dirname "$0")/.."
WB_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)

rustup target add wasm32-unknown-unknown >/dev/null
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  # not --locked: the CLI's lock file pins crates the registry mirror may lack
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# The prover's arithmetic for wasm32: the pinned registry crate with zkonnx's diff (patches/,
# PATCHES.md), through [patch.crates-io] in a config passed to these builds only. The patch
# rewrites Cargo.lock's entry for the crate: the native lock file is put back on exit.
PATCH_CFG=$(bash scripts/patch_crates.sh)
cp Cargo.lock target/patched/Cargo.lock.native
trap 'cp target/patched/Cargo.lock.native Cargo.lock' EXIT

CARGO_TARGET_DIR=target-st cargo rustc --config "$PATCH_CFG" --release --target wasm32-unknown-unknown --lib \
  --no-default-features --features wasm --crate-type cdylib
wasm=target-st/wasm32-unknown-unknown/release/zkonnx.wasm
rm -rf pkg/web pkg/node
# reset-state: after an abort (panic), pkg-config/guard.js restarts the instance
wasm-bindgen --target web --experimental-reset-state-function --out-dir pkg/web "$wasm"
wasm-bindgen --target nodejs --experimental-reset-state-function --out-dir pkg/node "$wasm"
# CommonJS glue: keep it CommonJS whatever the enclosing package.json says
echo '{"type": "commonjs"}' > pkg/node/package.json

# threaded: nightly with rust-src; link arguments for shared memory come from build.rs.
# Tested with this nightly (the machine's; rustup cannot fetch toolchains here):
NIGHTLY_TESTED="1.97.0-nightly (e50aa6fba 2026-05-19)"
have=$(rustc +nightly --version 2>/dev/null | sed 's/^rustc //')
[ "$have" = "$NIGHTLY_TESTED" ] || echo "warning: nightly is '$have', zkonnx's threaded build was tested with '$NIGHTLY_TESTED'" >&2
rustup component add rust-src --toolchain nightly >/dev/null
rustup target add wasm32-unknown-unknown --toolchain nightly >/dev/null
CARGO_TARGET_DIR=target-mt cargo +nightly rustc --config .cargo/threads.toml --config "$PATCH_CFG" --release \
  --target wasm32-unknown-unknown --lib --no-default-features --features threads --crate-type cdylib
rm -rf pkg/mt
wasm-bindgen --target web --out-dir pkg/mt target-mt/wasm32-unknown-unknown/release/zkonnx.wasm
grep -q 'shared: *true' pkg/mt/zkonnx.js || { echo "pkg/mt is not a shared-memory build" >&2; exit 1; }

# threaded with WebAssembly's wide-arithmetic (i64.mul_wide_u: the stock 4 × 64-bit field
# arithmetic, each 128-bit product one instruction); load() takes it where the engine validates
# the instruction (Firefox; Chromium behind --js-flags=--wasm-wide-arithmetic). The feature is on
# for the crates doing the arithmetic only (per-package rustflags: with it on std too, Chromium 156
# miscomputed float formatting); the cfg turns the patch's 32-bit limbs off. rustc calls the
# feature unstable and warns; wasm-opt does not know it (not run on the prover modules).
# It shares target-mt/ with the build above: only the three crates with the flags recompile (not
# std or the other dependencies); their artifacts differ by profile, so both builds stay cached.
WIDE='["-C", "target-feature=+wide-arithmetic", "--cfg", "zkonnx_wide_arithmetic"]'
CARGO_TARGET_DIR=target-mt cargo +nightly rustc -Z profile-rustflags --config .cargo/threads.toml \
  --config "$PATCH_CFG" --config "profile.release.package.halo2curves-axiom.rustflags=$WIDE" \
  --config "profile.release.package.halo2-axiom.rustflags=$WIDE" --config "profile.release.package.zkonnx.rustflags=$WIDE" \
  --release --target wasm32-unknown-unknown --lib --no-default-features --features threads --crate-type cdylib
rm -rf pkg/mt-wide
wasm-bindgen --target web --out-dir pkg/mt-wide target-mt/wasm32-unknown-unknown/release/zkonnx.wasm
grep -q 'shared: *true' pkg/mt-wide/zkonnx.js || { echo "pkg/mt-wide is not a shared-memory build" >&2; exit 1; }

# verify-only: no tract, no halo2-axiom (so no 2 MiB bn256 table), opt-level z, fat LTO; nightly
# std rebuilt for size with panics as plain traps (.cargo/verifier.toml), and halo2curves' field
# arithmetic called rather than inlined at every use (patches/halo2derive-0.2.0.diff, PATCHES.md).
# zkonnx/evm (the EVM artifact compiler, for a model's verifier contract) is a module of its own.
VERIFIER_CFG=$(bash scripts/patch_crates.sh halo2derive-0.2.0 halo2curves-0.10.0)
for m in verifier evm; do
  CARGO_TARGET_DIR=target-vf cargo +nightly rustc --config .cargo/verifier.toml --config "$VERIFIER_CFG" \
    --profile verifier --target wasm32-unknown-unknown --lib --no-default-features --features $m-wasm --crate-type cdylib
  rm -rf pkg/$m
  wasm-bindgen --target web --out-name zkonnx_$m --out-dir pkg/$m target-vf/wasm32-unknown-unknown/verifier/zkonnx.wasm
  # npm's binaryen (Debian's 108 breaks wasm-bindgen's externref tables); linear memory starts
  # zeroed and its first kilobyte unused (Rust's stack and data start at 1 MiB)
  node_modules/.bin/wasm-opt -Oz --converge --zero-filled-memory --low-memory-unused --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
    --enable-reference-types --enable-multivalue pkg/$m/zkonnx_${m}_bg.wasm -o pkg/$m/zkonnx_${m}_bg.wasm
done
ls -l pkg/*/*.wasm
