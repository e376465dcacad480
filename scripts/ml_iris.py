#!/usr/bin/env python3
"""Everyday scikit-learn models at their default sizes on iris (150 rows, 4 features), through
the CLI against onnxruntime: KNeighborsClassifier(5), IsolationForest() (100 trees of up to
150 samples), SVC(probability=True). Each: gen-settings, calibrate-settings on 40 rows (the
defaults), compile-circuit, then gen-witness on 30 other rows; prints logrows, the rows whose
label differs from onnxruntime's and the largest error of the other outputs (BENCHMARKS.md,
issue 27).

Usage: python3 scripts/ml_iris.py [WORK_DIR]   (needs target/release/zkonnx, or ZKONNX_BIN;
scikit-learn, skl2onnx, onnxruntime as scripts/test.sh pins them)
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.datasets import load_iris
from sklearn.ensemble import IsolationForest
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ZK = os.path.abspath(os.environ.get("ZKONNX_BIN") or os.path.join(ROOT, "target/release/zkonnx"))
WORK = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/ml_iris"))


def zk(d, *args):
    r = subprocess.run([ZK, *args], cwd=d, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{d}: zkonnx {' '.join(args)} failed:\n{r.stderr}")


def main():
    x, y = load_iris(return_X_y=True)
    x = x.astype(np.float32)
    order = np.random.RandomState(0).permutation(len(x))
    models = {
        "knn": KNeighborsClassifier(5).fit(x, y),
        "isolation_forest": IsolationForest(random_state=0).fit(x),
        "svc_rbf_proba": SVC(probability=True, random_state=0).fit(x, y),
    }
    print("| model | logrows | labels differing (of 30) | max error, other outputs | seconds |")
    print("|---|---|---|---|---|")
    for name, m in models.items():
        t0 = time.perf_counter()
        d = os.path.join(WORK, name)
        os.makedirs(d, exist_ok=True)
        opts = {id(m): {"zipmap": False}} if hasattr(m, "predict_proba") else None
        onnx.save(to_onnx(m, x[:1], options=opts, target_opset={"": 17, "ai.onnx.ml": 3}),
                  f"{d}/network.onnx")
        json.dump({"input_data": [x[order[:40]].ravel().tolist()]}, open(f"{d}/cal.json", "w"))
        zk(d, "gen-settings", "-M", "network.onnx", "-O", "settings.json")
        zk(d, "calibrate-settings", "-D", "cal.json", "-M", "network.onnx", "-O", "settings.json")
        zk(d, "compile-circuit", "-M", "network.onnx", "--compiled-circuit", "model.compiled",
           "-S", "settings.json")
        sess = ort.InferenceSession(f"{d}/network.onnx", providers=["CPUExecutionProvider"])
        differ, worst = 0, 0.0
        for i in order[40:70]:
            json.dump({"input_data": [x[i].tolist()]}, open(f"{d}/row.json", "w"))
            zk(d, "gen-witness", "-D", "row.json", "-M", "model.compiled", "-O", "w.json")
            got = json.load(open(f"{d}/w.json"))["pretty_elements"]["rescaled_outputs"]
            ref = sess.run(None, {sess.get_inputs()[0].name: x[i:i + 1]})
            for k, (r, g) in enumerate(zip(ref, got)):
                r = np.asarray(r, dtype=np.float64).ravel()
                g = np.asarray([float(v) for v in g])
                if k == 0:  # skl2onnx writes the label first
                    differ += int(not np.array_equal(r, g))
                else:
                    worst = max(worst, float(np.abs(r - g).max()))
        k = json.load(open(f"{d}/settings.json"))["run_args"]["logrows"]
        print(f"| {name} | {k} | {differ} | {worst:.1e} | {time.perf_counter() - t0:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
