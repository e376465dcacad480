#!/usr/bin/env python3
"""What binding the model costs: params `private` vs `fixed` vs `hashed` vs `committed`, in one sitting.

    pip install onnx numpy
    cargo build --release
    python3 scripts/bench_visibility.py [--models mlp_medium,cnn_mnist] [--repeats 3] [--bin PATH]

For each model (built by ../shared/bench/make_models.py) and each params visibility (inputs and
outputs public), runs the CLI step by step: gen-settings, calibrate-settings, compile-circuit,
setup, gen-witness, then `prove` `--repeats` times, interleaving the visibilities (so a load
change hits them alike). Prints the model's rows, the commitment chip's rows and rows per
parameter (from settings.json: `commit_rows` / `total_const_size`), logrows, and the median
prove time with its ratio to `private`. Raw lines go to target/bench/visibility.jsonl. `--bin`
runs another build of the CLI (e.g. an older commit's, copied aside), in its own work dirs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
BIN = os.path.join(ROOT, "target", "release", "zkonnx")
VIS = ["private", "fixed", "hashed", "committed"]


def run(args, cwd):
    t = time.time()
    p = subprocess.run([BIN] + args, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"zkonnx {' '.join(args)} failed:\n{p.stdout}{p.stderr}")
    return time.time() - t


def main():
    global BIN
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="mlp_medium,cnn_mnist")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--bin", help="the zkonnx binary (default: target/release/zkonnx)")
    a = ap.parse_args()
    if a.bin:
        BIN = os.path.abspath(a.bin)
    tag = "" if not a.bin else "-" + os.path.basename(a.bin)
    models = a.models.split(",")
    out = os.path.join(ROOT, "target", "bench", "models")
    subprocess.run([sys.executable, os.path.join(SHARED, "make_models.py"), out, "--only", ",".join(models),
                    "--no-check"], check=True, stdout=subprocess.DEVNULL)
    rows = []
    for m in models:
        src = os.path.join(out, m)
        work = {}
        for v in VIS:
            w = os.path.join(ROOT, "target", "bench", "visibility" + tag, m, v)
            os.makedirs(w, exist_ok=True)
            for f in ["network.onnx", "input.json"]:
                subprocess.run(["cp", os.path.join(src, f), w], check=True)
            run(["gen-settings", "-M", "network.onnx", "-O", "settings.json", "--param-visibility", v], w)
            run(["calibrate-settings", "-D", "input.json", "-M", "network.onnx", "-O", "settings.json"], w)
            run(["compile-circuit", "-M", "network.onnx", "--compiled-circuit", "model.compiled",
                 "-S", "settings.json"], w)
            s = json.load(open(os.path.join(w, "settings.json")))
            k = s["run_args"]["logrows"]
            srs = os.path.join(ROOT, "target", "bench", f"dev-k{k}.srs")
            if not os.path.exists(srs):
                run(["gen-srs", "--srs-path", srs, "--logrows", str(k)], w)
            setup = run(["setup", "-M", "model.compiled", "--srs-path", srs], w)
            run(["gen-witness", "-D", "input.json", "-M", "model.compiled", "-O", "witness.json"], w)
            c = json.load(open(os.path.join(w, "model.compiled")))
            work[v] = dict(dir=w, srs=srs, k=k, setup=setup, prove=[],
                           params=s["total_const_size"], commit_rows=c["settings"].get("commit_rows", 0),
                           rows=c["settings"]["num_rows"])
        for _ in range(a.repeats):
            for v in VIS:
                w = work[v]
                w["prove"].append(run(["prove", "-W", "witness.json", "-M", "model.compiled", "--pk-path", "pk.key",
                                       "--proof-path", "proof.json", "--srs-path", w["srs"]], w["dir"]))
        base = statistics.median(work["private"]["prove"])
        for v in VIS:
            w = work[v]
            med = statistics.median(w["prove"])
            r = dict(model=m, params_visibility=v, logrows=w["k"], rows=w["rows"], params=w["params"],
                     commit_rows=w["commit_rows"],
                     commit_rows_per_param=round(w["commit_rows"] / max(1, w["params"]), 3),
                     setup_s=round(w["setup"], 2), prove_s=round(med, 2), prove_vs_private=round(med / base, 2))
            rows.append(r)
    os.makedirs(os.path.join(ROOT, "target", "bench"), exist_ok=True)
    with open(os.path.join(ROOT, "target", "bench", "visibility.jsonl"), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    print("| model | params | logrows | rows | params count | commitment rows | rows / param | setup s | prove s (median) | prove ÷ private |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['params_visibility']} | {r['logrows']} | {r['rows']} | {r['params']} | "
              f"{r['commit_rows']} | {r['commit_rows_per_param']} | {r['setup_s']} | {r['prove_s']} | "
              f"{r['prove_vs_private']} |")


if __name__ == "__main__":
    main()
