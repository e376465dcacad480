#!/usr/bin/env bash
# Op coverage on ezkl's example corpus (../shared/conformance/ezkl-examples, read in place):
# gen-settings -> calibrate-settings -> compile-circuit -> gen-witness -> mock per model.
# Prints one line per model (ok, or the step and first error line) and the pass rate.
# Usage: bash scripts/conformance.sh [OUT_DIR]   (needs target/release/zkonnx)
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/conformance/ezkl-examples
out=${1:-target/conformance}
zk=$PWD/target/release/zkonnx
mkdir -p "$out"
pass=0; total=0
for d in "$corpus"/*/; do
  name=$(basename "$d")
  [ -f "$d/network.onnx" ] && [ -f "$d/input.json" ] || continue
  total=$((total + 1))
  w="$out/$name"; mkdir -p "$w"
  cp "$d/network.onnx" "$d/input.json" "$w/"
  result=ok
  for step in "gen-settings -M network.onnx -O settings.json" \
              "calibrate-settings -D input.json -M network.onnx -O settings.json --max-logrows 20" \
              "compile-circuit -M network.onnx --compiled-circuit model.compiled -S settings.json" \
              "gen-witness -D input.json -M model.compiled -O witness.json" \
              "mock -W witness.json -M model.compiled"; do
    if ! msg=$(cd "$w" && timeout 300 "$zk" $step 2>&1 >/dev/null); then
      result="FAIL ${step%% *}: $(echo "$msg" | grep -m1 . | cut -c1-200)"
      break
    fi
  done
  [ "$result" = ok ] && pass=$((pass + 1))
  printf '%-28s %s\n' "$name" "$result"
done
echo "passed $pass of $total"
