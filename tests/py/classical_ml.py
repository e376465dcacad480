#!/usr/bin/env python3
"""Classical ML as its exporters write it, through ezkl's command lines, against onnxruntime.

scikit-learn (DecisionTreeClassifier, RandomForestRegressor, GradientBoostingClassifier binary
and 3-class, LogisticRegression) exported by skl2onnx, XGBoost (XGBRegressor, XGBClassifier
binary and 3-class) and LightGBM (LGBMClassifier binary and 3-class, LGBMRegressor) exported by
onnxmltools, all as ONNX-ML (TreeEnsemble*, LinearClassifier, Normalizer), trained here on
seeded synthetic data. Each model: gen-settings, calibrate-settings on 32 training rows,
compile-circuit, gen-srs, setup, gen-witness, prove and verify on one held-out row; then
gen-witness on 12 more held-out rows. Every label must equal onnxruntime's, and every
probability and regression value be within 1e-2 of it (absolute; regression targets are
scaled to about unit size, as such models are usually trained).

Usage: python3 tests/py/classical_ml.py [WORK_DIR]   (needs target/release/zkonnx, or
ZKONNX_BIN=path; the pinned exporters are installed by scripts/test.sh:
scikit-learn==1.9.1 skl2onnx==1.20.0 onnxmltools==1.16.0 xgboost-cpu==3.2.0 lightgbm==4.7.0
onnxruntime==1.32.0)
"""
import json
import os
import shutil
import subprocess
import sys
import time
import warnings

import numpy as np
import onnx
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ZK = os.path.abspath(os.environ.get("ZKONNX_BIN") or os.path.join(ROOT, "target/release/zkonnx"))
WORK = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/classical_ml"))
TOL = 1e-2
HELD_OUT = 12


def zk(d, *args):
    r = subprocess.run([ZK, *args], cwd=d, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{os.path.basename(d)}: zkonnx {' '.join(args)} failed:\n{r.stderr}")
    return r.stdout


def data(task, n_features=6, seed=0):
    from sklearn.datasets import make_classification, make_regression

    if task == "regression":
        x, y = make_regression(400, n_features, n_informative=4, noise=0.1, random_state=seed)
        y = y / np.abs(y).max()
    else:
        classes = 2 if task == "binary" else 3
        x, y = make_classification(400, n_features, n_informative=4, n_classes=classes,
                                   random_state=seed)
    return x.astype(np.float32), y


def models():
    """(name, task, fitted model, exporter)"""
    from sklearn.ensemble import GradientBoostingClassifier, RandomForestRegressor
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier
    import lightgbm
    import xgboost

    return [
        ("sklearn_decision_tree", "multiclass",
         lambda: DecisionTreeClassifier(max_depth=5, random_state=0), "skl2onnx"),
        ("sklearn_random_forest_regressor", "regression",
         lambda: RandomForestRegressor(n_estimators=20, max_depth=5, random_state=0), "skl2onnx"),
        ("sklearn_gradient_boosting_binary", "binary",
         lambda: GradientBoostingClassifier(n_estimators=20, max_depth=3, random_state=0),
         "skl2onnx"),
        ("sklearn_gradient_boosting_3class", "multiclass",
         lambda: GradientBoostingClassifier(n_estimators=10, max_depth=3, random_state=0),
         "skl2onnx"),
        ("sklearn_logistic_regression", "multiclass",
         lambda: LogisticRegression(max_iter=500), "skl2onnx"),
        ("xgboost_regressor", "regression",
         lambda: xgboost.XGBRegressor(n_estimators=20, max_depth=4, random_state=0), "onnxmltools"),
        ("xgboost_classifier_binary", "binary",
         lambda: xgboost.XGBClassifier(n_estimators=20, max_depth=3, random_state=0),
         "onnxmltools"),
        ("xgboost_classifier_3class", "multiclass",
         lambda: xgboost.XGBClassifier(n_estimators=10, max_depth=3, random_state=0),
         "onnxmltools"),
        ("lightgbm_classifier_binary", "binary",
         lambda: lightgbm.LGBMClassifier(n_estimators=20, num_leaves=15, verbose=-1,
                                         random_state=0), "onnxmltools"),
        ("lightgbm_classifier_3class", "multiclass",
         lambda: lightgbm.LGBMClassifier(n_estimators=10, num_leaves=15, verbose=-1,
                                         random_state=0), "onnxmltools"),
        ("lightgbm_regressor", "regression",
         lambda: lightgbm.LGBMRegressor(n_estimators=20, num_leaves=15, verbose=-1,
                                        random_state=0), "onnxmltools"),
    ]


def export(model, exporter, x):
    if exporter == "skl2onnx":
        from skl2onnx import to_onnx

        opts = {id(model): {"zipmap": False}} if hasattr(model, "predict_proba") else None
        return to_onnx(model, x[:1], options=opts, target_opset={"": 17, "ai.onnx.ml": 3})
    from onnxmltools import convert_lightgbm, convert_xgboost
    from onnxmltools.convert.common.data_types import FloatTensorType

    types = [("input", FloatTensorType([None, x.shape[1]]))]
    if type(model).__module__.startswith("xgboost"):
        return convert_xgboost(model, initial_types=types, target_opset=15)
    kw = {"zipmap": False} if hasattr(model, "predict_proba") else {}
    return convert_lightgbm(model, initial_types=types, target_opset=15, **kw)


def check(d, sess, row, labels):
    """gen-witness on `row`; labels exact, the rest within TOL of onnxruntime."""
    json.dump({"input_data": [row.tolist()]}, open(f"{d}/row.json", "w"))
    zk(d, "gen-witness", "-D", "row.json", "-M", "model.compiled", "-O", "row_witness.json")
    got = json.load(open(f"{d}/row_witness.json"))["pretty_elements"]["rescaled_outputs"]
    ref = sess.run(None, {sess.get_inputs()[0].name: row.reshape(1, -1)})
    assert len(got) == len(ref), f"{d}: {len(got)} outputs, onnxruntime {len(ref)}"
    worst = 0.0
    for k, (r, g) in enumerate(zip(ref, got)):
        r = np.asarray(r, dtype=np.float64).ravel()
        g = np.asarray([float(v) for v in g])
        assert r.size == g.size, f"{d}: output {k}: {g.size} values, onnxruntime {r.size}"
        if k in labels:
            assert np.array_equal(r, g), f"{os.path.basename(d)}: label {g} != onnxruntime's {r}"
        else:
            worst = max(worst, float(np.abs(r - g).max()))
    assert worst <= TOL, f"{os.path.basename(d)}: max error {worst} > {TOL}"
    return worst


def main():
    warnings.filterwarnings("ignore")
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    for name, task, make, exporter in models():
        d = os.path.join(WORK, name)
        os.makedirs(d)
        x, y = data(task)
        train, test = slice(0, 300), slice(300, 400)
        model = make().fit(x[train], y[train])
        onnx.save(export(model, exporter, x), f"{d}/network.onnx")
        sess = ort.InferenceSession(f"{d}/network.onnx", providers=["CPUExecutionProvider"])
        labels = (0,) if hasattr(model, "predict_proba") else ()
        json.dump({"input_data": [x[:32].ravel().tolist()]}, open(f"{d}/calibration.json", "w"))
        json.dump({"input_data": [x[300].tolist()]}, open(f"{d}/input.json", "w"))
        zk(d, "gen-settings", "-M", "network.onnx", "-O", "settings.json")
        zk(d, "calibrate-settings", "-D", "calibration.json", "-M", "network.onnx", "-O",
           "settings.json", "--max-logrows", "20")
        zk(d, "compile-circuit", "-M", "network.onnx", "--compiled-circuit", "model.compiled",
           "-S", "settings.json")
        k = json.load(open(f"{d}/settings.json"))["run_args"]["logrows"]
        zk(d, "gen-srs", "--srs-path", "kzg.srs", "--logrows", str(k))
        zk(d, "setup", "-M", "model.compiled", "--srs-path", "kzg.srs", "--vk-path", "vk.key",
           "--pk-path", "pk.key")
        zk(d, "gen-witness", "-D", "input.json", "-M", "model.compiled", "-O", "witness.json")
        t = time.perf_counter()
        zk(d, "prove", "-W", "witness.json", "-M", "model.compiled", "--pk-path", "pk.key",
           "--proof-path", "proof.json", "--srs-path", "kzg.srs")
        prove_s = time.perf_counter() - t
        out = zk(d, "verify", "-S", "settings.json", "--proof-path", "proof.json", "--vk-path",
                 "vk.key", "--srs-path", "kzg.srs")
        assert "verified: true" in out, out
        worst = max(check(d, sess, x[300 + i], labels) for i in range(HELD_OUT + 1))
        print(f"{name} ({exporter}): proved and verified, k = {k}, prove {prove_s:.1f} s; "
              f"{HELD_OUT + 1} held-out rows: labels exact, max error {worst:.2e}")
    print("classical ML models: ok")


if __name__ == "__main__":
    main()
