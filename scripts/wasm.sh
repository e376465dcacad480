#!/usr/bin/env bash
# Build the WebAssembly packages into pkg/ (installs the toolchain pieces it needs).
#   pkg/web     browser, single-threaded   (stable, wasm32-unknown-unknown)
#   pkg/node    Node, single-threaded      (stable)
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
ls -l pkg/web/*.wasm pkg/node/*.wasm
