#!/usr/bin/env bash
# Seed corpora for the fuzz targets, from one real run of the CLI on examples/mlp:
#   fuzz/seeds/     proof.json verifier.bundle settings.json model.compiled  (what the targets
#                   that need a real proof read at start-up; override with ZKONNX_FUZZ_BUNDLE /
#                   ZKONNX_FUZZ_PROOF)
#   fuzz/corpus/T/  the starting corpus of target T (added to, never overwritten)
# Both are gitignored. Usage: bash fuzz/make_seeds.sh [--force]   (--force: a new e2e run)
# Builds the CLI with `cargo build --release` into $CARGO_TARGET_DIR (default: the repo's target/),
# unless ZKONNX_CLI names a built zkonnx binary (scripts/test.sh passes the one `cargo test
# --release` made: a plain `cargo build` would rebuild everything without the dev-dependencies'
# features).
set -euo pipefail
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
seeds=$fuzz/seeds
files="proof.json verifier.bundle settings.json model.compiled"

have=1
for f in $files; do [ -s "$seeds/$f" ] || have=0; done
if [ "${1:-}" = --force ] || [ $have = 0 ]; then
  if [ -n "${ZKONNX_CLI:-}" ]; then
    cli=$ZKONNX_CLI
    [ -x "$cli" ] || { echo "make_seeds: ZKONNX_CLI=$cli is not an executable" >&2; exit 1; }
  else
    target_dir=${CARGO_TARGET_DIR:-$repo/target}
    (cd "$repo" && CARGO_TARGET_DIR=$target_dir cargo build --release --bin zkonnx)
    cli=$target_dir/release/zkonnx
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  echo "make_seeds: zkonnx e2e examples/mlp --work-dir $work" >&2
  (cd "$repo" && "$cli" e2e examples/mlp --work-dir "$work") >"$work/e2e.log" 2>&1 || {
    cat "$work/e2e.log" >&2
    echo "make_seeds: e2e failed" >&2
    exit 1
  }
  mkdir -p "$seeds"
  for f in $files; do cp "$work/$f" "$seeds/$f"; done
fi

corpus() { # corpus TARGET NAME < bytes
  mkdir -p "$fuzz/corpus/$1"
  if [ -e "$fuzz/corpus/$1/$2" ]; then cat >/dev/null; else cat >"$fuzz/corpus/$1/$2"; fi
}
corpus bundle real.bundle <"$seeds/verifier.bundle"
corpus bundle_verify real.bundle <"$seeds/verifier.bundle"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["hex_proof"]; sys.stdout.buffer.write(bytes.fromhex(h[2:] if h.startswith("0x") else h))' \
  "$seeds/proof.json" | corpus proof_bytes real.proof
corpus proof_json proof.json <"$seeds/proof.json"
corpus settings settings.json <"$seeds/settings.json"
corpus settings model.compiled <"$seeds/model.compiled"
echo "make_seeds: seeds in $seeds, corpora in $fuzz/corpus" >&2
