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
python3 scripts/cycles.py src   # no import cycle between modules

step "native: unit, op soundness, proofs, errors, CLI (release: halo2 is too slow in debug)"
cargo test --release

step "Model ID attack cases for the JavaScript tests (tests/model_id.rs, written to target/attacks)"
rm -rf target/attacks
ZKONNX_ATTACKS=target/attacks cargo test --release --test model_id

step "main job on the bundled examples"
for ex in examples/mlp examples/lenet; do
  ./target/release/zkonnx e2e "$ex" --work-dir "target/e2e/$(basename "$ex")"
done

step "SRS interoperability: ezkl's test files (../shared/srs) and an SRS from ezkl's gen_srs (PyPI ezkl 23.0.5)"
[ -d ../shared/srs ] || { echo "../shared/srs is missing: clone zkonnx beside shared/" >&2; exit 1; }
python3 -c 'import ezkl' 2>/dev/null || python3 -m pip install -q ezkl==23.0.5
python3 -c 'import ezkl; ezkl.gen_srs("target/ezkl-k14.srs", 14)'
ZKONNX_SHARED=../shared ZKONNX_EZKL_SRS=target/ezkl-k14.srs cargo test --release --test srs_interop -- --include-ignored

step "Ceremony SRS: snarkjs .ptau import (npm snarkjs@0.7.6 into target/snarkjs), labels of ../shared/srs, a proof with an imported SRS"
ZKONNX_SHARED=../shared cargo test --release --test srs_ceremony -- --include-ignored

step "Fuzzing, bounded (scripts/fuzz.sh: cargo-fuzz, libFuzzer): the light verifier's parsers, 20 s each (all five targets: bash scripts/fuzz.sh)"
ZKONNX_CLI=$PWD/target/release/zkonnx bash scripts/fuzz.sh 20 bundle bundle_verify proof_bytes

step "Exporter-made models against onnxruntime (tests/py/exporters.py): skl2onnx's MLPClassifier and torch-exported CNN and transformer block proved and verified, torch exports from ezkl's corpus mocked"
python3 -m pip install -q scikit-learn==1.9.1 skl2onnx==1.20.0 onnxruntime==1.32.0 onnx numpy
python3 tests/py/exporters.py target/exporters
step "classical ML (skl2onnx, onnxmltools: trees, boosting, linear), proved and verified against onnxruntime"
python3 -m pip install -q onnxmltools==1.16.0 xgboost-cpu==3.2.0 lightgbm==4.7.0
python3 tests/py/classical_ml.py target/classical_ml
step "ONNX-ML breadth (skl2onnx SVMs, encoders, opset-5 TreeEnsemble; CatBoost's own export with ZipMap) against onnxruntime: gen-witness and mock, two proved and verified"
python3 -m pip install -q catboost==1.2.10
python3 tests/py/ml_breadth.py target/ml_breadth
python3 examples/classical_ml/random_forest.py
python3 examples/classical_ml/xgboost_model.py

step "benchmark models for the JavaScript suites (../shared/bench/make_models.py: numpy + onnx)"
python3 -c 'import onnx, numpy' 2>/dev/null || python3 -m pip install -q onnx numpy
python3 ../shared/bench/make_models.py target/bench/models --only mlp_small,mlp_medium,cnn_mnist,sigmoid_mlp,softmax_head --no-check >/dev/null
python3 tests/js/make_unsupported.py target/bench/models/softmax_head target/bench/models/hardmax_head

step "WebAssembly builds (scripts/wasm.sh) and the npm package (scripts/pack.sh)"
[ -x /usr/bin/chromium ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
npm install --no-audit --no-fund --silent   # playwright-core, binaryen (wasm-opt)
bash scripts/wasm.sh
bash scripts/pack.sh

step "EVM: the reusable verifier's golden bytecode (contracts/ZkonnxVerifier.bin, embedded in zkonnx) is what npm's solc 0.8.19 makes of its source"
node scripts/solc.mjs --check

step "wasm32 arithmetic (patches/, PATCHES.md): fields, MSM and FFT against halo2curves 0.10 and naive algorithms, in Node (32-bit limbs) and Chromium (wide-arithmetic); the light verifier's patched fields against the prover's"
bash scripts/arith_wasm32.sh

step "Lints of the WebAssembly features (clippy on wasm, verifier-wasm with evm-wasm, threads; the targets the builds above use)"
CARGO_TARGET_DIR=target-st cargo clippy --release --target wasm32-unknown-unknown --lib \
  --no-default-features --features wasm -- -D warnings
CARGO_TARGET_DIR=target-st cargo clippy --profile verifier --target wasm32-unknown-unknown --lib \
  --no-default-features --features verifier-wasm,evm-wasm -- -D warnings
CARGO_TARGET_DIR=target-mt cargo +nightly clippy --config .cargo/threads.toml --release \
  --target wasm32-unknown-unknown --lib --no-default-features --features threads -- -D warnings

step "Light verifier (zkonnx/verifier): the CLI's proofs of every supported bench model, in Node and in Chromium without COOP/COEP"
m=target/bench/models
node tests/js/verifier.mjs $m/mlp_small $m/mlp_medium $m/cnn_mnist $m/sigmoid_mlp

step "Chromium: every supported bench model and both examples proven by the WebAssembly arithmetic (mt: 32-bit limbs, GLV MSM; 2 threads), verified natively and by the light verifier (the proofs kept for the EVM suite)"
node tests/js/browser_proofs.mjs $m/mlp_small $m/mlp_medium $m/cnn_mnist $m/sigmoid_mlp examples/mlp examples/lenet

step "EVM on a local chain (anvil 1.7.1 from npm, 127.0.0.1): create-evm-verifier, deploy-evm, verify-evm and encodeCalldata + viem for the CLI's, a Node and the Chromium proofs of every supported bench model and the examples; gas in target/evm/gas.json"
node tests/js/evm_chain.mjs $m/mlp_small $m/mlp_medium $m/cnn_mnist $m/sigmoid_mlp examples/mlp examples/lenet

step "On-chain oracle (examples/onchain): ModelRegistry on anvil; mlp_small (committed params, the default) and sigmoid_mlp (hashed) registered; the CLI's proofs and a proof made in Chromium stored; proofs of other weights or another model rejected with custom errors"
mkdir -p target/onchain
for om in mlp_small:committed sigmoid_mlp:hashed; do
  rm -rf target/onchain/${om%:*} && cp -r $m/${om%:*} target/onchain/${om%:*}
  ./target/release/zkonnx e2e target/onchain/${om%:*} --work-dir target/onchain/${om%:*} --param-visibility ${om#*:}
done
node tests/js/onchain.mjs target/onchain/mlp_small target/onchain/sigmoid_mlp

step "Node: the packed package in an empty project, mlp_small, 1 and 2 threads, cross-checked with the CLI"
bash tests/js/npm_install.sh target/bench/models/mlp_small

step "README snippets (README.md, pkg-config/README.md) run as written against the packed package: Node ESM and CommonJS, pages in Chromium with and without COOP/COEP (zkonnx/worker: threaded / single-threaded), a clean console; zkonnx/worker's cancel and restart"
node tests/js/readme_snippets.mjs target/bench/models/mlp_small

step "TypeScript: the package's declarations and the READMEs' snippets under tsc --noEmit, strict, skipLibCheck off, with and without DOM types (npm typescript@5.9.3, @types/node@20.19.43)"
node tests/js/types_check.mjs

step "Vite: the packed package in a Vite project, built, in Chromium with and without COOP/COEP"
node tests/js/vite_project.mjs target/bench/models/mlp_small

step "Chromium (Debian, playwright-core): cnn_mnist's whole pipeline in the page, threaded (COOP/COEP), cross-checked with the CLI"
node tests/js/browser_pipeline.mjs target/bench/models/cnn_mnist
step "Chromium with --js-flags=--wasm-wide-arithmetic: load() takes the wide-arithmetic module; its cnn_mnist proof verifies natively"
node tests/js/browser_pipeline.mjs target/bench/models/cnn_mnist --wide

step "Chromium: a scikit-learn random forest (skl2onnx, 20 trees) proven through the npm package, threaded, against onnxruntime, verified natively"
python3 tests/py/make_forest.py target/forest --trees 20 --depth 5
node tests/js/browser_trees.mjs target/forest

step "Web app (www/, scripts/www.sh): prover page from dropped files (no request leaves the app), cancel, unsupported op; verify page without COOP/COEP; screenshots"
bash scripts/www.sh
node tests/js/www_app.mjs target/bench/models/cnn_mnist target/bench/models/hardmax_head

step "Model ID (docs/trust.md): another circuit with the same weights and salt, a spoofed SRS bundle and nullish expectations against zkonnx/verifier (Node) and the verify page (Chromium); the CLI's, the page's and the READMEs' words agree; scripts/model_id.py = zkonnx commit"
node tests/js/model_id.mjs target/attacks

step "all tests passed"
