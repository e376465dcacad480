#!/usr/bin/env python3
"""A scikit-learn RandomForestClassifier exported by skl2onnx (ai.onnx.ml TreeEnsembleClassifier,
zipmap off), for the browser test and the forest benchmark: network.onnx, input.json (one
held-out row), calibration.json (32 training rows) and expected.json (onnxruntime's label and
probabilities on input.json). Seeded: the same files on every run.

Usage: python3 tests/py/make_forest.py OUT_DIR [--trees N] [--depth D]   (scikit-learn==1.9.1,
skl2onnx==1.20.0, onnxruntime==1.32.0: installed by scripts/test.sh)
"""
import argparse
import json
import os
import warnings

import numpy as np
import onnx
import onnxruntime as ort


def main():
    warnings.filterwarnings("ignore")
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--trees", type=int, default=20)
    ap.add_argument("--depth", type=int, default=5)
    a = ap.parse_args()
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    from skl2onnx import to_onnx

    x, y = make_classification(2000, 8, n_informative=6, n_classes=3, random_state=7)
    x = x.astype(np.float32)
    clf = RandomForestClassifier(n_estimators=a.trees, max_depth=a.depth, random_state=0)
    clf.fit(x[:1500], y[:1500])
    m = to_onnx(clf, x[:1], options={id(clf): {"zipmap": False}},
                target_opset={"": 17, "ai.onnx.ml": 3})
    os.makedirs(a.out, exist_ok=True)
    onnx.save(m, os.path.join(a.out, "network.onnx"))
    row = x[1500]
    json.dump({"input_data": [row.tolist()]}, open(os.path.join(a.out, "input.json"), "w"))
    json.dump({"input_data": [x[:32].ravel().tolist()]},
              open(os.path.join(a.out, "calibration.json"), "w"))
    sess = ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    label, probs = sess.run(None, {sess.get_inputs()[0].name: row.reshape(1, -1)})
    nodes = sum(t.tree_.node_count for t in clf.estimators_)
    internal = sum(int((t.tree_.children_left >= 0).sum()) for t in clf.estimators_)
    json.dump({"label": label.ravel().tolist(), "probabilities": probs.ravel().tolist(),
               "trees": a.trees, "depth": a.depth, "nodes": nodes, "internal_nodes": internal},
              open(os.path.join(a.out, "expected.json"), "w"))
    print(f"{a.out}: {a.trees} trees of depth ≤ {a.depth}, {nodes} nodes ({internal} internal)")


if __name__ == "__main__":
    main()
