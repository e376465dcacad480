#!/usr/bin/env python3
"""An XGBoost classifier on the breast-cancer data, exported with onnxmltools and proven with
zkonnx.

    pip install -r examples/classical_ml/requirements.txt
    cargo build --release
    python3 examples/classical_ml/xgboost_model.py
"""
import os

import numpy as np
import xgboost
from onnxmltools import convert_xgboost
from onnxmltools.convert.common.data_types import FloatTensorType
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from zkonnx_cli import prove

x, y = load_breast_cancer(return_X_y=True)
x = x.astype(np.float32)
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.3, random_state=0)
booster = xgboost.XGBClassifier(n_estimators=30, max_depth=3, random_state=0).fit(x_train, y_train)
print(f"xgboost: 30 trees, test accuracy {booster.score(x_test, y_test):.3f}")

model = convert_xgboost(booster, initial_types=[("input", FloatTensorType([None, x.shape[1]]))],
                        target_opset=15)
work = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out", "xgboost")
row = x_test[:1]
verified, k = prove(work, model, x_train[:32], row)
print(verified.strip())
print(f"xgboost says: class {booster.predict(row)[0]}, probabilities "
      f"{np.round(booster.predict_proba(row)[0], 4).tolist()}   (circuit of 2^{k} rows)")
