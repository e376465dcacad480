#!/usr/bin/env bash
# Op coverage on ezkl's example corpus (../shared/conformance/ezkl-examples, read in place):
# gen-settings -> calibrate-settings -> compile-circuit -> gen-witness -> mock per model, then
# the dequantized outputs against onnxruntime's (scripts/conformance_check.py: within 5 % of
# max(1, |y|)). Prints one line per model and the pass rate; writes OUT_DIR/table.md (model,
# result, largest relative error, logrows, seconds), which BENCHMARKS.md summarises.
# Usage: bash scripts/conformance.sh [OUT_DIR]   (needs target/release/zkonnx, or ZK=path)
set -uo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/conformance/ezkl-examples
out=${1:-target/conformance}
zk=${ZK:-$PWD/target/release/zkonnx}
mkdir -p "$out"
pass=0; total=0
table="$out/table.md"
printf '| model | result | max rel. error vs onnxruntime | logrows | seconds |\n|---|---|---|---|---|\n' > "$table"
for d in "$corpus"/*/; do
  name=$(basename "$d")
  [ -f "$d/network.onnx" ] && [ -f "$d/input.json" ] || continue
  total=$((total + 1))
  w="$out/$name"; mkdir -p "$w"
  cp "$d/network.onnx" "$d/input.json" "$w/"
  result=ok; err=-; t0=$(date +%s%N)
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
  if [ "$result" = ok ]; then
    if err=$(python3 scripts/conformance_check.py "$w" 2>&1 | tail -1); then :; else
      result="FAIL onnxruntime: max relative error $err"
    fi
  fi
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  k=$(python3 -c "import json,sys; print(json.load(open('$w/settings.json'))['run_args']['logrows'])" 2>/dev/null || echo -)
  [ "$result" = ok ] && pass=$((pass + 1))
  printf '%-28s %s\n' "$name" "$result"
  printf '| %s | %s | %s | %s | %d.%d |\n' "$name" "$(echo "$result" | cut -c1-90 | tr '|' '/')" "$err" "$k" $((ms / 1000)) $((ms % 1000 / 100)) >> "$table"
done
echo "passed $pass of $total"
echo "" >> "$table"; echo "passed $pass of $total" >> "$table"
