#!/usr/bin/env python3
"""A model with an op zkonnx does not support, for the web app's error path: softmax_head
(../shared/bench/make_models.py) with its head written as Hardmax.
Usage: make_unsupported.py SRC_DIR DST_DIR"""
import os
import shutil
import sys

import onnx

src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
m = onnx.load(os.path.join(src, "network.onnx"))
for n in m.graph.node:
    if n.op_type == "Softmax":
        n.op_type = "Hardmax"
onnx.save(m, os.path.join(dst, "network.onnx"))
shutil.copy(os.path.join(src, "input.json"), dst)
