#!/usr/bin/env bash
# The packed npm package installs into an empty project and works there in Node: the whole
# pipeline on MODEL_DIR, single-threaded and threaded (worker_threads), the README's verification
# page in Chromium, a CommonJS require.
# Usage: bash tests/js/npm_install.sh MODEL_DIR   (after scripts/pack.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
model=$(cd "$1" && pwd)
tgz=$(ls "$root"/pkg/zkonnx-*.tgz | head -1)
proj=$(mktemp -d)
cd "$proj"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$tgz"
for threads in 1 2; do
  ZKONNX_PKG="$proj/node_modules/zkonnx" node "$root/tests/js/node_pipeline.mjs" "$model" "$threads"
done
# the README's ten-line verification page, with the installed package
work=$(mktemp -d)
"$root/target/release/zkonnx" e2e "$model" --work-dir "$work" >/dev/null
node "$root/tests/js/readme_page.mjs" "$proj" "$work"
rm -rf "$work"
# threads when Node evaluates ES module code (the workers' bootstrap must not need `require`)
node --input-type=module -e "const { load } = await import('zkonnx'); const zk = await load({ threads: 2 }); if (zk.threadsUsed() !== 2) process.exit(1); console.log('threads under --input-type=module: ok');"
node -e "require('zkonnx').load({ threads: 1 }).then((zk) => { if (zk.numThreads() !== 1) process.exit(1); console.log('require(\"zkonnx\") from CommonJS: ok'); })"
# the light verifier from CommonJS (no top-level await in zkonnx/verifier's Node entry): a
# proof of the model verifies, the same proof with another output does not
work=$(mktemp -d)
"$root/target/release/zkonnx" e2e "$model" --work-dir "$work" >/dev/null
WORK="$work" node -e "
const fs = require('node:fs');
const { verify, inspect } = require('zkonnx/verifier');
const proof = JSON.parse(fs.readFileSync(process.env.WORK + '/proof.json', 'utf8'));
const bundle = fs.readFileSync(process.env.WORK + '/verifier.bundle');
if (verify(proof, bundle) !== true) process.exit(1);
const inst = [...proof.instances[0]];
inst[inst.length - 1] = (inst[inst.length - 1][0] === '0' ? '1' : '0') + inst[inst.length - 1].slice(1);
if (verify({ ...proof, instances: [inst] }, bundle) !== false) process.exit(1);
console.log('require(\"zkonnx/verifier\") from CommonJS: ok, outputs', JSON.stringify(inspect(proof, bundle).outputs));
"
rm -rf "$work"
cd / && rm -rf "$proj"
