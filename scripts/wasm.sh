#!/usr/bin/env bash
# Build the WebAssembly packages into pkg/ (installs the toolchain pieces it needs).
#   pkg/web     browser, single-threaded   (stable, wasm32-unknown-unknown)
#   pkg/node    Node, single-threaded      (stable)
#   pkg/mt      browser, threaded          (nightly: atomics, build-std, wasm-bindgen-rayon)
# Usage: bash scripts/wasm.sh
set -euo pipefail
cd "$(dirname "$0")/.."
WB_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml)

rustup target add wasm32-unknown-unknown >/dev/null
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  # not --locked: the CLI's lock file pins crates the registry mirror may lack
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

CARGO_TARGET_DIR=target-st cargo rustc --release --target wasm32-unknown-unknown --lib \
  --no-default-features --features wasm --crate-type cdylib
wasm=target-st/wasm32-unknown-unknown/release/zkonnx.wasm
rm -rf pkg/web pkg/node
wasm-bindgen --target web --out-dir pkg/web "$wasm"
wasm-bindgen --target nodejs --out-dir pkg/node "$wasm"
# CommonJS glue: keep it CommonJS whatever the enclosing package.json says
echo '{"type": "commonjs"}' > pkg/node/package.json

# threaded: nightly with rust-src; link arguments for shared memory come from build.rs
rustup component add rust-src --toolchain nightly >/dev/null
rustup target add wasm32-unknown-unknown --toolchain nightly >/dev/null
CARGO_TARGET_DIR=target-mt cargo +nightly rustc --config .cargo/threads.toml --release \
  --target wasm32-unknown-unknown --lib --no-default-features --features threads --crate-type cdylib
rm -rf pkg/mt
wasm-bindgen --target web --out-dir pkg/mt target-mt/wasm32-unknown-unknown/release/zkonnx.wasm
grep -q 'shared: *true' pkg/mt/zkonnx.js || { echo "pkg/mt is not a shared-memory build" >&2; exit 1; }
ls -l pkg/*/*.wasm
