#!/usr/bin/env bash
# Assemble the npm package `zkonnx` from pkg/{web,mt,mt-wide,node} (built by scripts/wasm.sh) and
# pkg-config/, then `npm pack` it into pkg/. Usage: bash scripts/pack.sh
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
out=pkg/npm
rm -rf "$out" && mkdir -p "$out"
cp pkg-config/package.json pkg-config/*.js pkg-config/*.d.ts pkg-config/README.md "$out/"
for k in web mt mt-wide node; do
  mkdir -p "$out/$k"
  cp pkg/$k/zkonnx.js pkg/$k/zkonnx.d.ts pkg/$k/zkonnx_bg.wasm "$out/$k/"
  [ -d pkg/$k/snippets ] && cp -r pkg/$k/snippets "$out/$k/"
done
# wasm-bindgen-rayon's worker script initialises each thread with the positional arguments
# wasm-bindgen deprecated (`default(module, memory)`), which prints "using deprecated parameters
# for the initialization function" once per thread: pass them as one object instead
for f in "$out"/mt*/snippets/wasm-bindgen-rayon-*/src/workerHelpers*.js; do
  [ -e "$f" ] || continue
  sed -i 's/pkg\.default(data\.module, data\.memory)/pkg.default({ module_or_path: data.module, memory: data.memory })/' "$f"
  if grep -q 'pkg\.default(data\.module' "$f"; then echo "pack.sh: could not patch $f" >&2; exit 1; fi
done
# the light verifier: module + glue, and its JS API (zkonnx/verifier)
mkdir -p "$out/verifier"
cp pkg/verifier/zkonnx_verifier.js pkg/verifier/zkonnx_verifier_bg.wasm pkg-config/verifier/* "$out/verifier/"
# the EVM artifact compiler (zkonnx/evm): its own module, so that the verifier's stays small
mkdir -p "$out/evm"
cp pkg/evm/zkonnx_evm.js pkg/evm/zkonnx_evm_bg.wasm pkg-config/evm/* "$out/evm/"
# the Node build is CommonJS inside a "type": "module" package
echo '{"type": "commonjs"}' > "$out/node/package.json"
sed -i "s/\"version\": \"0.0.0\"/\"version\": \"$version\"/" "$out/package.json"
(cd pkg && npm pack ./npm --silent)
ls -l pkg/zkonnx-*.tgz
