#!/usr/bin/env python3
"""More ONNX-ML as its exporters write it, through ezkl's command lines, against onnxruntime.

skl2onnx's SVC (rbf, poly, linear, sigmoid kernels; 2 and 3 classes; probability=True and
False), SVR, OneClassSVM, IsolationForest, KNeighbors (classifier and regressor: skl2onnx's Scan), a pipeline of SimpleImputer, Binarizer and
OneHotEncoder before a classifier, and CatBoost's own ONNX export (CatBoostClassifier binary
and multiclass, whose probabilities end in ZipMap, and CatBoostRegressor), trained here on
small seeded synthetic data (36 training rows, 3 features: SVMs with few support vectors, so
the whole run stays within a few minutes). Each model: gen-settings, calibrate-settings on the
training rows (--max-logrows 17), compile-circuit, then gen-witness and mock on held-out rows;
the models of PROVED are also set up, proved and verified. Labels must equal onnxruntime's,
everything else be within 1e-2 of it. A ZipMap output (a list of {class: probability} maps in onnxruntime) is compared
as the tensor the proof holds: the probabilities, classes in the model's order.

Usage: python3 tests/py/ml_breadth.py [WORK_DIR] [NAME_FILTER]   (needs target/release/zkonnx,
or ZKONNX_BIN=path; scripts/test.sh installs the pinned packages: scikit-learn==1.9.1
skl2onnx==1.20.0 onnxruntime==1.32.0 catboost==1.2.10)
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
WORK = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/ml_breadth"))
FILTER = sys.argv[2] if len(sys.argv) > 2 else ""
TOL = 1e-2
HELD_OUT = 4
TRAIN = 36
FEATURES = 3
MAX_LOGROWS = "17"
# proved and verified (the others: gen-witness and mock only, which check the same constraints)
PROVED = ("svc_linear_2class", "catboost_classifier_binary", "knn_classifier_3class")


def zk(d, *args):
    r = subprocess.run([ZK, *args], cwd=d, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{os.path.basename(d)}: zkonnx {' '.join(args)} failed:\n{r.stderr}")
    return r.stdout


def data(task, seed=0):
    from sklearn.datasets import make_classification, make_regression

    if task == "regression":
        x, y = make_regression(TRAIN + HELD_OUT, FEATURES, n_informative=FEATURES, noise=0.1,
                               random_state=seed)
        y = y / np.abs(y).max()
    else:
        classes = {"binary": 2, "multiclass": 3, "labels_3_5_7": 3}.get(task, 2)
        x, y = make_classification(TRAIN + HELD_OUT, FEATURES, n_informative=FEATURES,
                                   n_redundant=0, n_classes=classes, n_clusters_per_class=1,
                                   random_state=seed)
        if task == "labels_3_5_7":  # classes other than 0..k: the label is looked up by index
            y = 2 * y + 3
    return x.astype(np.float32), y


def skl(model, x):
    from skl2onnx import to_onnx

    opts = {id(model): {"zipmap": False}} if hasattr(model, "predict_proba") else None
    return to_onnx(model, x[:1], options=opts, target_opset={"": 17, "ai.onnx.ml": 3})


def catboost(model, x):
    import tempfile

    with tempfile.TemporaryDirectory() as t:
        model.save_model(f"{t}/m.onnx", format="onnx")
        return onnx.load(f"{t}/m.onnx")


def tree_ensemble5(model, x):
    """A RandomForestRegressor as ai.onnx.ml opset 5's TreeEnsemble (skl2onnx writes the
    opset-3 TreeEnsembleRegressor; its attributes rewritten here, as the spec maps them)."""
    from onnx import helper, numpy_helper

    old = skl(model, x)
    (n,) = [n for n in old.graph.node if n.op_type == "TreeEnsembleRegressor"]
    a = {at.name: helper.get_attribute_value(at) for at in n.attribute}
    trees, ids, modes = a["nodes_treeids"], a["nodes_nodeids"], a["nodes_modes"]
    interior = [i for i in range(len(ids)) if modes[i] != b"LEAF"]
    leaves = [i for i in range(len(ids)) if modes[i] == b"LEAF"]
    where = {(trees[i], ids[i]): ("n", k) for k, i in enumerate(interior)}
    where.update({(trees[i], ids[i]): ("l", k) for k, i in enumerate(leaves)})
    weight = {(t, nid): w for t, nid, w in zip(a["target_treeids"], a["target_nodeids"],
                                               a["target_weights"])}
    code = {b"BRANCH_LEQ": 0, b"BRANCH_LT": 1, b"BRANCH_GTE": 2, b"BRANCH_GT": 3}
    child = lambda i, key: where[(trees[i], a[key][i])]
    roots = []
    for i in interior:
        if ids[i] == 0:
            roots.append(where[(trees[i], 0)][1])
    node = helper.make_node(
        "TreeEnsemble", ["X"], ["variable"], domain="ai.onnx.ml",
        n_targets=1, aggregate_function=1, post_transform=0, tree_roots=roots,
        nodes_featureids=[a["nodes_featureids"][i] for i in interior],
        nodes_splits=numpy_helper.from_array(
            np.array([a["nodes_values"][i] for i in interior], np.float32)),
        nodes_modes=numpy_helper.from_array(
            np.array([code[modes[i]] for i in interior], np.uint8)),
        nodes_truenodeids=[child(i, "nodes_truenodeids")[1] for i in interior],
        nodes_trueleafs=[int(child(i, "nodes_truenodeids")[0] == "l") for i in interior],
        nodes_falsenodeids=[child(i, "nodes_falsenodeids")[1] for i in interior],
        nodes_falseleafs=[int(child(i, "nodes_falsenodeids")[0] == "l") for i in interior],
        leaf_targetids=[0] * len(leaves),
        leaf_weights=numpy_helper.from_array(
            np.array([weight[(trees[i], ids[i])] for i in leaves], np.float32)))
    g = helper.make_graph([node], "tree_ensemble5", [old.graph.input[0]],
                          [helper.make_tensor_value_info("variable", onnx.TensorProto.FLOAT,
                                                         [None, 1])])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 21),
                                               helper.make_opsetid("ai.onnx.ml", 5)])


def pipeline_model(x):
    """SimpleImputer on a column, Binarizer on one, OneHotEncoder on a small integer column, then
    LogisticRegression (Imputer, Binarizer, OneHotEncoder, FeatureVectorizer in ONNX-ML)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import Binarizer, OneHotEncoder

    pre = ColumnTransformer([
        ("num", SimpleImputer(strategy="mean"), [0]),
        ("bin", Binarizer(threshold=0.25), [1]),
        ("cat", OneHotEncoder(categories=[[0.0, 1.0, 2.0]], handle_unknown="ignore"), [2]),
    ])
    return Pipeline([("pre", pre), ("clf", LogisticRegression(max_iter=500))])


def models():
    """(name, task, fitted-model maker, exporter)"""
    from sklearn.ensemble import IsolationForest, RandomForestRegressor
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.svm import SVC, SVR, OneClassSVM

    m = []
    for kernel, k, proba in [("rbf", 2, False), ("rbf", 3, True), ("rbf", 3, False),
                             ("rbf", 2, True), ("poly", 3, False), ("poly", 2, True),
                             ("linear", 2, False), ("linear", 3, True),
                             ("sigmoid", 2, False), ("sigmoid", 3, True)]:
        task = "binary" if k == 2 else "multiclass"
        name = f"svc_{kernel}_{k}class" + ("_proba" if proba else "")
        m.append((name, task, lambda kernel=kernel, proba=proba: SVC(
            kernel=kernel, degree=2, probability=proba, random_state=0), skl))
    m += [
        ("svr_rbf", "regression", lambda: SVR(kernel="rbf", C=1.0, epsilon=0.05), skl),
        ("one_class_svm", "outliers", lambda: OneClassSVM(nu=0.2), skl),
        ("isolation_forest", "outliers",
         lambda: IsolationForest(n_estimators=4, max_samples=16, random_state=0), skl),
        ("knn_classifier_2class", "binary", lambda: KNeighborsClassifier(n_neighbors=3), skl),
        ("knn_classifier_3class", "labels_3_5_7",
         lambda: KNeighborsClassifier(n_neighbors=5), skl),
        ("knn_regressor", "regression", lambda: KNeighborsRegressor(n_neighbors=4), skl),
        ("pipeline_imputer_binarizer_onehot", "pipeline", None, skl),
        ("tree_ensemble_opset5", "regression",
         lambda: RandomForestRegressor(n_estimators=4, max_depth=4, random_state=0),
         tree_ensemble5),
    ]
    try:
        import catboost as cb

        kw = dict(iterations=8, depth=3, verbose=0, random_seed=0, allow_writing_files=False)
        m += [
            ("catboost_classifier_binary", "binary", lambda: cb.CatBoostClassifier(**kw), catboost),
            ("catboost_classifier_3class", "multiclass",
             lambda: cb.CatBoostClassifier(loss_function="MultiClass", **kw), catboost),
            ("catboost_regressor", "regression", lambda: cb.CatBoostRegressor(**kw), catboost),
        ]
    except ImportError:
        print("catboost is not installed: its models are skipped")
    return m


def as_arrays(out, sess):
    """onnxruntime's outputs as float arrays; a ZipMap's list of maps as [N, C]."""
    res = []
    for o in out:
        if isinstance(o, list) and o and isinstance(o[0], dict):
            keys = list(o[0].keys())
            o = [[row[c] for c in keys] for row in o]
        res.append(np.asarray(o, dtype=np.float64).ravel())
    return res


def check(d, sess, row, labels):
    """gen-witness on `row`; labels exact, the rest within TOL of onnxruntime."""
    json.dump({"input_data": [row.tolist()]}, open(f"{d}/row.json", "w"))
    zk(d, "gen-witness", "-D", "row.json", "-M", "model.compiled", "-O", "row_witness.json")
    got = json.load(open(f"{d}/row_witness.json"))["pretty_elements"]["rescaled_outputs"]
    ref = as_arrays(sess.run(None, {sess.get_inputs()[0].name: row.reshape(1, -1)}), sess)
    assert len(got) == len(ref), f"{d}: {len(got)} outputs, onnxruntime {len(ref)}"
    worst = 0.0
    for k, (r, g) in enumerate(zip(ref, got)):
        g = np.asarray([float(v) for v in g])
        assert r.size == g.size, f"{d}: output {k}: {g.size} values, onnxruntime {r.size}"
        if k in labels:
            assert np.array_equal(r, g), f"{os.path.basename(d)}: label {g} != onnxruntime's {r}"
        else:
            worst = max(worst, float(np.abs(r - g).max()))
    assert worst <= TOL, f"{os.path.basename(d)}: max error {worst} > {TOL} on {row.tolist()}"
    return worst


def run(name, task, make, exporter):
    """One model through the CLI; returns (k, worst error, proved)."""
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    x, y = data("binary" if task in ("outliers", "pipeline") else task)
    if task == "pipeline":
        x[:, 2] = np.abs(np.round(x[:, 2])).clip(0, 2)
        x[3:TRAIN:7, 0] = np.nan
        model = pipeline_model(x).fit(x[:TRAIN], y[:TRAIN])
        x = np.nan_to_num(x, nan=0.0)  # the held-out and calibration rows: no missing values
    elif task == "outliers":
        model = make().fit(x[:TRAIN])
    else:
        model = make().fit(x[:TRAIN], y[:TRAIN])
    onnx.save(exporter(model, x), f"{d}/network.onnx")
    sess = ort.InferenceSession(f"{d}/network.onnx", providers=["CPUExecutionProvider"])
    labels = tuple(k for k, o in enumerate(sess.get_outputs())
                   if o.type in ("tensor(int64)", "tensor(int32)"))
    json.dump({"input_data": [x[:TRAIN].ravel().tolist()]}, open(f"{d}/calibration.json", "w"))
    json.dump({"input_data": [x[TRAIN].tolist()]}, open(f"{d}/input.json", "w"))
    zk(d, "gen-settings", "-M", "network.onnx", "-O", "settings.json")
    zk(d, "calibrate-settings", "-D", "calibration.json", "-M", "network.onnx", "-O",
       "settings.json", "--max-logrows", MAX_LOGROWS)
    zk(d, "compile-circuit", "-M", "network.onnx", "--compiled-circuit", "model.compiled",
       "-S", "settings.json")
    k = json.load(open(f"{d}/settings.json"))["run_args"]["logrows"]
    proved = name in PROVED
    if proved:
        zk(d, "gen-srs", "--srs-path", "kzg.srs", "--logrows", str(k))
        zk(d, "setup", "-M", "model.compiled", "--srs-path", "kzg.srs", "--vk-path", "vk.key",
           "--pk-path", "pk.key")
        zk(d, "gen-witness", "-D", "input.json", "-M", "model.compiled", "-O", "witness.json")
        zk(d, "prove", "-W", "witness.json", "-M", "model.compiled", "--pk-path", "pk.key",
           "--proof-path", "proof.json", "--srs-path", "kzg.srs")
        out = zk(d, "verify", "-S", "settings.json", "--proof-path", "proof.json", "--vk-path",
                 "vk.key", "--srs-path", "kzg.srs")
        assert "verified: true" in out, out
    worst = 0.0
    for i in range(HELD_OUT):
        worst = max(worst, check(d, sess, x[TRAIN + i], labels))
        out = zk(d, "mock", "-W", "row_witness.json", "-M", "model.compiled")
        assert "satisfies every constraint" in out, out
    return k, worst, proved


def main():
    warnings.filterwarnings("ignore")
    os.makedirs(WORK, exist_ok=True)
    failed = []
    start = time.perf_counter()
    for name, task, make, exporter in models():
        if FILTER and FILTER not in name:
            continue
        t = time.perf_counter()
        try:
            k, worst, proved = run(name, task, make, exporter)
        except (SystemExit, AssertionError) as e:
            print(f"{name}: FAILED ({time.perf_counter() - t:.1f} s): {e}", flush=True)
            failed.append(name)
            continue
        what = "proved and verified, " if proved else ""
        print(f"{name}: k = {k}, {what}{HELD_OUT} held-out rows mock-checked, labels exact, "
              f"max error {worst:.2e}, {time.perf_counter() - t:.1f} s", flush=True)
    print(f"total {time.perf_counter() - start:.1f} s")
    if failed:
        raise SystemExit(f"failed: {', '.join(failed)}")
    print("ML breadth models: ok")


if __name__ == "__main__":
    main()
