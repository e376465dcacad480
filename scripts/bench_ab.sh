#!/usr/bin/env bash
# Two builds of the CLI proving the same model, interleaved (so a load change hits both alike):
# one work folder set up by the first binary (gen-settings at PARAMS visibility, calibrate,
# compile, a development SRS, setup, gen-witness), then `prove` RUNS times with each binary in
# turn, each proof checked by `verify`. Prints one line per prove: model, params, k, binary, seconds.
# Usage: bash scripts/bench_ab.sh MODEL_DIR PARAMS RUNS BIN_A BIN_B
#   e.g. cp target/release/zkonnx /tmp/zkonnx-a; (change, cargo build --release);
#        bash scripts/bench_ab.sh target/bench/models/cnn_mnist committed 3 /tmp/zkonnx-a target/release/zkonnx
set -euo pipefail
[ $# -eq 5 ] || { sed -n 2,8p "$0"; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
src=$(cd "$1" && pwd); vis=$2; runs=$3
A=$(realpath "$4"); B=$(realpath "$5")
m=$(basename "$src")
w="$root/target/bench/ab/$m/$vis"
mkdir -p "$w"; cd "$w"
cp "$src/network.onnx" "$src/input.json" .
"$A" gen-settings -M network.onnx -O settings.json --param-visibility "$vis" >/dev/null
"$A" calibrate-settings -D input.json -M network.onnx -O settings.json >/dev/null 2>&1
"$A" compile-circuit -M network.onnx --compiled-circuit model.compiled -S settings.json >/dev/null
k=$(python3 -c 'import json; print(json.load(open("settings.json"))["run_args"]["logrows"])')
srs="$root/target/bench/dev-k$k.srs"
[ -f "$srs" ] || "$A" gen-srs --srs-path "$srs" --logrows "$k" >/dev/null 2>&1
"$A" setup -M model.compiled --srs-path "$srs" >/dev/null 2>&1
"$A" gen-witness -D input.json -M model.compiled -O witness.json >/dev/null
for _ in $(seq "$runs"); do
  for b in "$A" "$B"; do
    s=$(date +%s%N)
    "$b" prove -W witness.json -M model.compiled --pk-path pk.key --proof-path proof.json --srs-path "$srs" >/dev/null 2>&1
    e=$(date +%s%N)
    "$b" verify --proof-path proof.json --settings-path settings.json --vk-path vk.key --srs-path "$srs" >/dev/null 2>&1 \
      || { echo "verify failed: $b" >&2; exit 1; }
    echo "$m $vis k$k $b $(( (e - s) / 1000000 )) ms"
  done
done
