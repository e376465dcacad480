#!/usr/bin/env bash
# The packed npm package installs into an empty project and proves + verifies there (Node).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tgz=$(ls "$root"/pkg/zkonnx-*.tgz | head -1)
proj=$(mktemp -d)
cd "$proj"
npm init -y >/dev/null
npm install --no-audit --no-fund --silent "$tgz"
ZKONNX_PKG="$proj/node_modules/zkonnx/node/zkonnx.js" node "$root/tests/js/node_pipeline.cjs" "$root/examples/lenet"
node -e "const zk = require('zkonnx/node'); if (typeof zk.prove !== 'function') process.exit(1); console.log('require(\"zkonnx/node\") ok')"
rm -rf "$proj"
