#!/usr/bin/env python3
"""zkonnx next to ezkl 23.0.5 on the shared benchmark models, in one sitting.

    pip install onnx numpy onnxruntime ezkl==23.0.5
    cargo build --release
    python3 scripts/bench.py [--models mlp_small,mlp_medium,cnn_mnist,sigmoid_mlp,examples/mlp] [--threads 2]

Builds the models with ../shared/bench/make_models.py, runs zkonnx's CLI step by step (each
step a process: wall seconds and peak RSS from wait4), then ../shared/bench/ezkl_baseline.py
on the same folders with the same thread count, and prints a markdown table plus the raw JSON
lines (target/bench/results.jsonl). Errors are max |dequantized output - onnxruntime output|.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "bench")
BIN = os.path.join(ROOT, "target", "release", "zkonnx")


def run(args, cwd, env):
    t = time.time()
    p = subprocess.Popen([BIN] + args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    _, status, ru = os.wait4(p.pid, 0)
    out = p.stdout.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"zkonnx {' '.join(args)} failed:\n{out}")
    return time.time() - t, ru.ru_maxrss / 1024.0, out


def reference(d):
    sess = ort.InferenceSession(os.path.join(d, "network.onnx"))
    data = json.load(open(os.path.join(d, "input.json")))["input_data"]
    feeds = {}
    for meta, flat in zip(sess.get_inputs(), data):
        feeds[meta.name] = np.asarray(flat, np.float32).reshape([x if isinstance(x, int) else 1 for x in meta.shape])
    return [o.reshape(-1).astype(float) for o in sess.run(None, feeds)]


def zkonnx(name, d, work, target, threads, params):
    w = os.path.join(work, f"zkonnx-{name}-{params}")
    os.makedirs(w, exist_ok=True)
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    for f in ["network.onnx", "input.json"]:
        subprocess.run(["cp", os.path.join(d, f), w], check=True)
    secs, peak = {}, 0.0
    steps = [
        # ezkl's baseline visibilities (--params private: like for like), or params bound by
        # zkonnx's default (--params bound: committed; ezkl with hashed params, the same claim)
        ("gen_settings", ["gen-settings", "-M", "network.onnx", "-O", "settings.json", "--input-visibility", "private",
                          "--output-visibility", "public", *(["--param-visibility", "private"] if params == "private" else [])]),
        ("calibrate_settings", ["calibrate-settings", "-D", "input.json", "-M", "network.onnx", "-O", "settings.json", "--target", target]),
        ("compile_circuit", ["compile-circuit", "-M", "network.onnx", "--compiled-circuit", "model.compiled", "-S", "settings.json"]),
    ]
    for key, args in steps:
        secs[key], m, _ = run(args, w, env)
        peak = max(peak, m)
    settings = json.load(open(os.path.join(w, "settings.json")))
    k = settings["run_args"]["logrows"]
    secs["gen_srs"], _, _ = run(["gen-srs", "--srs-path", "kzg.srs", "--logrows", str(k)], w, env)
    steps = [
        ("setup", ["setup", "-M", "model.compiled", "--srs-path", "kzg.srs", "--vk-path", "vk.key", "--pk-path", "pk.key"]),
        ("gen_witness", ["gen-witness", "-D", "input.json", "-M", "model.compiled", "-O", "witness.json"]),
        ("prove", ["prove", "-W", "witness.json", "-M", "model.compiled", "--pk-path", "pk.key", "--proof-path", "proof.json", "--srs-path", "kzg.srs"]),
        ("verify", ["verify", "-S", "settings.json", "--proof-path", "proof.json", "--vk-path", "vk.key", "--srs-path", "kzg.srs"]),
    ]
    for key, args in steps:
        secs[key], m, _ = run(args, w, env)
        peak = max(peak, m)
    wit = json.load(open(os.path.join(w, "witness.json")))
    got = [np.array([float(v) for v in o]) for o in wit["pretty_elements"]["rescaled_outputs"]]
    err = max(float(np.max(np.abs(g - r))) for g, r in zip(got, reference(d)))
    proof = json.load(open(os.path.join(w, "proof.json")))
    size = lambda f: os.path.getsize(os.path.join(w, f))
    return {
        "tool": "zkonnx", "model": name, "logrows": k, "num_rows": settings["num_rows"],
        "scale": settings["run_args"]["input_scale"], "seconds": secs, "max_abs_error": err,
        "proof_bytes": (len(proof["hex_proof"]) - 2) // 2, "vk_bytes": size("vk.key"), "pk_bytes": size("pk.key"),
        "peak_rss_mb": peak,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="mlp_small,mlp_medium,cnn_mnist,sigmoid_mlp")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--target", default="resources")
    ap.add_argument("--work", default=os.path.join(ROOT, "target", "bench"))
    ap.add_argument("--params", choices=["private", "bound"], default="private",
                    help="private: both tools with private params (ezkl's baseline); bound: zkonnx "
                         "at its default (committed params) and ezkl with hashed params")
    a = ap.parse_args()
    models = a.models.split(",")
    mdir = os.path.join(a.work, "models")
    # a name that is a folder of this repository (e.g. examples/mlp) is benchmarked as it is;
    # the others are built by make_models.py
    folders = {m: os.path.join(ROOT, m) for m in models if os.path.isfile(os.path.join(ROOT, m, "network.onnx"))}
    built = [m for m in models if m not in folders]
    if built:
        subprocess.run([sys.executable, os.path.join(SHARED, "make_models.py"), mdir, "--only", ",".join(built), "--no-check"], check=True, stdout=subprocess.DEVNULL)
    dirs = {}
    for m in models:
        if m in folders:
            d = os.path.join(mdir, m.replace("/", "_"))
            os.makedirs(d, exist_ok=True)
            for f in ["network.onnx", "input.json"]:
                subprocess.run(["cp", os.path.join(folders[m], f), d], check=True)
            dirs[m] = d
        else:
            dirs[m] = os.path.join(mdir, m)
    rows = []
    for m in models:
        rows.append(zkonnx(m.replace("/", "_"), dirs[m], a.work, a.target, a.threads, a.params))
        print(json.dumps(rows[-1]), flush=True)
    opts = ["--threads", str(a.threads), "--target", a.target, "--work-dir", os.path.join(a.work, f"ezkl-{a.params}"),
            "--srs-cache", os.path.join(a.work, "srs")]
    if a.params == "private":
        ez = subprocess.run(
            [sys.executable, os.path.join(SHARED, "ezkl_baseline.py"), *[dirs[m] for m in models], *opts],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    else:
        # one process per model (its peak RSS), ezkl's gen_settings given hashed params
        ez = "".join(subprocess.run(
            [sys.executable, os.path.join(ROOT, "scripts", "ezkl_with.py"), "--param-visibility", "hashed", dirs[m], *opts],
            check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout for m in models)
    for line in ez.splitlines():
        if line.strip().startswith("{"):
            r = json.loads(line)
            r["tool"] = "ezkl"
            rows.append(r)
            print(json.dumps(r), flush=True)
    out = "results.jsonl" if a.params == "private" else f"results-{a.params}.jsonl"
    with open(os.path.join(a.work, out), "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
