#!/usr/bin/env python3
"""A scikit-learn random forest on the iris flowers, exported with skl2onnx and proven with zkonnx.

    pip install -r examples/classical_ml/requirements.txt
    cargo build --release
    python3 examples/classical_ml/random_forest.py

The proof shows that the published model (known by its weights' commitment) predicts this
flower's class with these probabilities; the weights stay private.
"""
import os

import numpy as np
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split
from skl2onnx import to_onnx

from zkonnx_cli import prove

x, y = load_iris(return_X_y=True)
x = x.astype(np.float32)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0)
forest = RandomForestClassifier(n_estimators=50, max_depth=5, random_state=0).fit(x_train, y_train)
print(f"random forest: 50 trees, test accuracy {forest.score(x_test, y_test):.3f}")

# zipmap=False: the probabilities as a tensor (a ZipMap's list of maps is not provable)
model = to_onnx(forest, x_train[:1], options={id(forest): {"zipmap": False}},
                target_opset={"": 17, "ai.onnx.ml": 3})
work = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "random_forest")
row = x_test[:1]
verified, k = prove(work, model, x_train[:32], row)
print(verified.strip())
print(f"scikit-learn says: class {forest.predict(row)[0]}, probabilities "
      f"{np.round(forest.predict_proba(row)[0], 4).tolist()}   (circuit of 2^{k} rows)")
