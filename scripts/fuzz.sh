#!/usr/bin/env bash
# Fuzz every parser the verifier exposes (the cargo-fuzz crate in fuzz/), each target for
# SECONDS_PER_TARGET seconds; exits non-zero if any target crashes (a panic, a timeout, too
# much memory). Reproducers land in fuzz/artifacts/<target>/.
#   bundle         verifier::Bundle::from_bytes, re-encoding, fingerprint, layout checks
#   bundle_verify  a doctored bundle against the real proof and public values
#   proof_bytes    verifier::verify with the real bundle: any proof bytes, real/altered values
#   proof_json     formats::Proof::from_json + pipeline::verify_bundle_report (feature prover)
#   settings       settings::Settings::from_json + publics::layout, model::Compiled::from_bytes
# Usage: bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default: 60 s, every target)
#   CI:  bash scripts/fuzz.sh 20
# Installs cargo-fuzz (pinned) if missing; makes the seeds (fuzz/make_seeds.sh: one
# `zkonnx e2e examples/mlp`) if missing. Environment:
#   CARGO_TARGET_DIR   the fuzz build dir (default: target-fuzz/ in the repo)
#   ZKONNX_CLI_TARGET_DIR  where make_seeds.sh builds the CLI (default: the repo's target/)
#   ZKONNX_CLI         a built zkonnx binary for the seeds (then make_seeds.sh builds nothing)
#   FUZZ_SANITIZER     none (default: stable Rust; the code is safe Rust, so ASan finds little
#                      and costs build time and speed) or address (needs a nightly toolchain,
#                      `+nightly` or FUZZ_TOOLCHAIN)
#   FUZZ_ARGS          extra libFuzzer flags, e.g. "-jobs=2 -workers=2" or "-runs=1000000"
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
secs=${1:-60}
[ $# -gt 0 ] && shift
all="bundle bundle_verify proof_bytes proof_json settings"
targets=${*:-$all}
CARGO_FUZZ_VERSION=0.13.2
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target-fuzz}
sanitizer=${FUZZ_SANITIZER:-none}
toolchain=${FUZZ_TOOLCHAIN:-}
if [ "$sanitizer" != none ] && [ -z "$toolchain" ]; then toolchain=+nightly; fi
start=$(date +%s)

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
if [ -n "$toolchain" ] && ! cargo $toolchain --version >/dev/null 2>&1; then
  echo "fuzz.sh: FUZZ_SANITIZER=$sanitizer needs the toolchain '${toolchain#+}' (rustup toolchain install ${toolchain#+})" >&2
  exit 2
fi
# the CLI for the seeds builds in the repo's target/ (where `cargo build --release` / the test
# script already put it), not in the fuzz build dir: different flags, nothing to share
CARGO_TARGET_DIR=${ZKONNX_CLI_TARGET_DIR:-$repo/target} bash fuzz/make_seeds.sh

features() { case $1 in proof_json | settings) echo "--features prover" ;; esac; }
extra() { case $1 in proof_json | settings) echo "-dict=$repo/fuzz/dict/json.dict" ;; esac; }

# build first (the prover targets pull in halo2 and tract), so that the timed runs only fuzz
cd fuzz
for t in $targets; do
  # shellcheck disable=SC2046
  cargo $toolchain fuzz build -s "$sanitizer" $(features "$t") "$t"
done
built=$(date +%s)

logs=$CARGO_TARGET_DIR/fuzz-logs
mkdir -p "$logs"
failed=""
summary=""
for t in $targets; do
  log=$logs/$t.log
  echo "fuzz.sh: $t for ${secs}s (log: $log)" >&2
  rc=0
  # shellcheck disable=SC2046,SC2086
  cargo $toolchain fuzz run -s "$sanitizer" $(features "$t") "$t" -- \
    -max_total_time="$secs" -print_final_stats=1 -timeout=60 -rss_limit_mb=4096 \
    $(extra "$t") ${FUZZ_ARGS:-} >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s+=$1} END {print s+0}')
  done_line=$(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1 || true)
  line=$(printf '%-14s %12s executions  %s' "$t" "$execs" "${done_line:-(no DONE line)}")
  if [ $rc != 0 ]; then
    failed="$failed $t"
    line="$line  FAILED (exit $rc)"
    echo "---- $t: from $log (long lines cut)" >&2
    # the panic and its backtrace, the reproducer's name, how to reproduce (not the input's dump)
    grep -E -A 40 "panicked at|ERROR: libFuzzer|==ERROR|SUMMARY" "$log" | cut -c 1-240 | head -n 80 >&2 || true
    grep -E "^(artifact_prefix|Test unit written|	cargo fuzz run)" "$log" >&2 || tail -n 20 "$log" | cut -c 1-240 >&2
  fi
  echo "$line"
  summary="$summary$line"$'\n'
done
end=$(date +%s)
echo
echo "fuzz.sh summary (${secs}s per target; setup and build $((built - start))s, total $((end - start))s):"
printf '%s' "$summary"
if [ -n "$failed" ]; then
  echo "fuzz.sh: FAILED:$failed (reproducers in fuzz/artifacts/)" >&2
  exit 1
fi
