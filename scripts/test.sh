#!/usr/bin/env bash
# Every test zkonnx has, from a fresh machine: installs what it needs, then runs the suites.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s  (%s)\n' "$1" "$(date +%T)"; }

step "toolchain"
rustup component add rustfmt clippy
cargo --version

step "format and lints"
cargo fmt --check
cargo clippy --release --all-targets -- -D warnings

step "native: unit, op soundness, proofs, errors, CLI (release: halo2 is too slow in debug)"
cargo test --release

step "main job on the bundled examples"
for ex in examples/mlp examples/lenet; do
  ./target/release/zkonnx e2e "$ex" --work-dir "target/e2e/$(basename "$ex")"
done

step "SRS interoperability: ezkl's test files (../shared/srs) and an SRS from ezkl's gen_srs (PyPI ezkl 23.0.5)"
[ -d ../shared/srs ] || { echo "../shared/srs is missing: clone zkonnx beside shared/" >&2; exit 1; }
python3 -c 'import ezkl' 2>/dev/null || python3 -m pip install -q ezkl==23.0.5
python3 -c 'import ezkl; ezkl.gen_srs("target/ezkl-k14.srs", 14)'
ZKONNX_SHARED=../shared ZKONNX_EZKL_SRS=target/ezkl-k14.srs cargo test --release --test srs_interop -- --include-ignored

step "WebAssembly: builds (scripts/wasm.sh), the whole pipeline in Node"
bash scripts/wasm.sh
node tests/js/node_pipeline.cjs examples/lenet

step "npm package: pack (pkg-config/), install into an empty project, prove + verify in Node"
bash scripts/pack.sh
bash tests/js/npm_install.sh

step "WebAssembly: the whole pipeline in Debian's Chromium, threaded (COOP/COEP), cross-checked with the CLI"
[ -x /usr/bin/chromium ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
npm install --no-audit --no-fund --silent
node tests/js/browser_pipeline.mjs examples/lenet

step "all tests passed"
