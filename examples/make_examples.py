#!/usr/bin/env python3
"""Regenerate the bundled examples (seeded, byte-identical on every run).

    python3 examples/make_examples.py        # needs `pip install onnx numpy`

examples/mlp/      1x10 -> Gemm 16 -> Relu -> Gemm 16 -> Sigmoid -> Gemm 3   (a small classifier)
examples/lenet/    1x1x12x12 -> Conv 4@3x3 -> Relu -> AveragePool 2 -> Conv 6@3x3/2 pad 1
                   -> Relu -> Flatten -> Gemm 4                                (a tiny CNN)
Each folder holds network.onnx and input.json ({"input_data": [[...]]}, as ezkl reads it).
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def weights(rng, shape, fan_in):
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def save(name, nodes, inits, in_shape, out_shape, x):
    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, in_shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, out_shape)],
        [numpy_helper.from_array(v, k) for k, v in inits.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="zkonnx-examples")
    model.ir_version = 8
    onnx.checker.check_model(model)
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "network.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    with open(os.path.join(d, "input.json"), "w") as f:
        json.dump({"input_data": [[round(float(v), 6) for v in x.flatten()]]}, f)
        f.write("\n")


def mlp():
    rng = np.random.default_rng(7)
    inits = {
        "w1": weights(rng, (16, 10), 10), "b1": weights(rng, (16,), 16) * 0.1,
        "w2": weights(rng, (16, 16), 16), "b2": weights(rng, (16,), 16) * 0.1,
        "w3": weights(rng, (3, 16), 16), "b3": weights(rng, (3,), 3) * 0.1,
    }
    nodes = [
        helper.make_node("Gemm", ["input", "w1", "b1"], ["h1"], name="fc1", transB=1),
        helper.make_node("Relu", ["h1"], ["a1"], name="relu1"),
        helper.make_node("Gemm", ["a1", "w2", "b2"], ["h2"], name="fc2", transB=1),
        helper.make_node("Sigmoid", ["h2"], ["a2"], name="sigmoid2"),
        helper.make_node("Gemm", ["a2", "w3", "b3"], ["output"], name="fc3", transB=1),
    ]
    x = rng.uniform(-1, 1, (1, 10)).astype(np.float32)
    save("mlp", nodes, inits, [1, 10], [1, 3], x)


def lenet():
    rng = np.random.default_rng(11)
    inits = {
        "c1w": weights(rng, (4, 1, 3, 3), 9), "c1b": weights(rng, (4,), 4) * 0.1,
        "c2w": weights(rng, (6, 4, 3, 3), 36), "c2b": weights(rng, (6,), 6) * 0.1,
        "fw": weights(rng, (4, 54), 54), "fb": weights(rng, (4,), 4) * 0.1,
    }
    nodes = [
        helper.make_node("Conv", ["input", "c1w", "c1b"], ["c1"], name="conv1", kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("AveragePool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "c2w", "c2b"], ["c2"], name="conv2", kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("Flatten", ["r2"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "fw", "fb"], ["output"], name="fc", transB=1),
    ]
    x = rng.uniform(0, 1, (1, 1, 12, 12)).astype(np.float32)
    save("lenet", nodes, inits, [1, 1, 12, 12], [1, 4], x)


if __name__ == "__main__":
    mlp()
    lenet()
