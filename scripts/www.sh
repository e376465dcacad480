#!/usr/bin/env bash
# Build the web app (www/) to static files in www/dist: the npm package as its dependency
# (pkg/npm, built by `npm run build` if missing), the bundled examples, and a development SRS
# made natively (UNSAFE, labelled so in the app; the page never generates one).
# Usage: bash scripts/www.sh   (then `npm run serve`)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f pkg/npm/package.json ] || { bash scripts/wasm.sh && bash scripts/pack.sh; }
[ -x target/release/zkonnx ] || cargo build --release
pub=www/public
mkdir -p "$pub/srs"
for ex in mlp lenet; do
  mkdir -p "$pub/examples/$ex"
  cp "examples/$ex/network.onnx" "examples/$ex/input.json" "$pub/examples/$ex/"
done
# one file per k (the page loads the one the model needs: downsizing in WebAssembly is slow)
for k in $(seq 5 17); do
  f="$pub/srs/dev-unsafe-k$k.srs"
  [ -f "$f" ] || ./target/release/zkonnx gen-srs --srs-path "$f" --logrows "$k" 2>/dev/null
done
# the supported ops, linked from an unsupported-op error: the README's Ops section
node scripts/ops_page.mjs README.md "$pub/ops.html"
cd www
npm install --no-audit --no-fund --silent
npx vite build --logLevel warn
echo "www/dist: $(du -sh dist | cut -f1)"
