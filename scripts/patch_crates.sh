#!/usr/bin/env bash
# Unpack the pinned registry crates the WebAssembly builds patch, apply zkonnx's own diffs
# (patches/<crate>-<version>.diff) and write the Cargo config that points [patch.crates-io] at them.
# Native builds never read it: only scripts/wasm.sh and the wasm32 arithmetic tests pass it.
# Usage: bash scripts/patch_crates.sh [crate-version ...]  -> prints the config's path
#   no argument: the provers' halo2curves-axiom (target/patched/config.toml)
#   otherwise those crates (target/patched/config-<first crate>.toml), e.g. the light verifier's
#   halo2derive-0.2.0
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/target/patched"
if [ $# -eq 0 ]; then
  crates=(halo2curves-axiom-0.7.3)
  name=config
else
  crates=("$@")
  name="config-$1"
fi
cargo fetch --quiet                     # the .crate files into the registry cache (checksums verified)
cache=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/ | head -1)
mkdir -p "$out"
cfg="$out/$name.toml.tmp"
echo "# written by scripts/patch_crates.sh: the registry crates with patches/*.diff applied" > "$cfg"
echo "[patch.crates-io]" >> "$cfg"
for c in "${crates[@]}"; do
  diff="patches/$c.diff"
  stamp="$out/$c.stamp"
  want=$(sha256sum "$diff" "$cache/$c.crate" | sha256sum | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    rm -rf "${out:?}/$c"
    tar -xzf "$cache/$c.crate" -C "$out"
    patch --quiet -p1 -d "$out/$c" < "$diff"
    # a path dependency's warnings are shown (a registry one's are capped): keep them quiet
    printf '\n[lints.rust]\nwarnings = "allow"\n' >> "$out/$c/Cargo.toml"
    echo "$want" > "$stamp"
  fi
  echo "${c%-*} = { path = \"$out/$c\" }" >> "$cfg"
done
mv "$cfg" "$out/$name.toml"
echo "$out/$name.toml"
