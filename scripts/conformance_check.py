#!/usr/bin/env python3
"""Compare a model's zkonnx outputs (witness.json, dequantized) with onnxruntime's on the same
input. Usage: conformance_check.py DIR (network.onnx, input.json, witness.json in DIR).
Prints the largest error relative to max(1, |y|) and exits 1 when it is above 5 %."""
import json
import sys

import numpy as np
import onnxruntime as ort

d = sys.argv[1]
tol = float(sys.argv[2]) if len(sys.argv) > 2 else 0.05
sess = ort.InferenceSession(f"{d}/network.onnx", providers=["CPUExecutionProvider"])
data = json.load(open(f"{d}/input.json"))["input_data"]
feeds = {}
for i, inp in enumerate(sess.get_inputs()):
    shape = [s if isinstance(s, int) and s > 0 else 1 for s in inp.shape]
    n = int(np.prod(shape))
    dtype = {"tensor(float)": np.float32, "tensor(double)": np.float64,
             "tensor(int64)": np.int64, "tensor(int32)": np.int32,
             "tensor(bool)": np.bool_}.get(inp.type, np.float32)
    feeds[inp.name] = np.array([float(v) for v in data[i][:n]]).astype(dtype).reshape(shape)
ref = sess.run(None, feeds)
got = json.load(open(f"{d}/witness.json"))["pretty_elements"]["rescaled_outputs"]
worst = 0.0
for r, g in zip(ref, got):
    r = np.asarray(r, dtype=np.float64).ravel()
    g = np.asarray([float(v) for v in g], dtype=np.float64)
    if r.size != g.size:
        print(f"output sizes differ: onnxruntime {r.size}, zkonnx {g.size}")
        sys.exit(1)
    err = np.abs(r - g) / np.maximum(1.0, np.abs(r))
    worst = max(worst, float(err.max()) if err.size else 0.0)
print(f"{worst:.4g}")
sys.exit(0 if worst <= tol else 1)
