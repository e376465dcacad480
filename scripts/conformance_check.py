#!/usr/bin/env python3
"""Compare a model's zkonnx outputs (witness.json, dequantized) with onnxruntime's on the same
input. Usage: conformance_check.py DIR (network.onnx, input.json, witness.json in DIR).
Prints the largest error relative to max(1, |y|) and exits 1 when it is above 5 %.

onnxruntime has no int8 MatMul kernel and refuses graphs that use one (the corpus's
Hummingbird/sk2torch trees multiply 0/1 path matrices in int8). Such a graph is checked on a
copy whose int8 tensors (Cast targets and initializers) are int32 instead: the same values,
since every product and sum of those 0/1 matrices is a small whole number.

A graph onnxruntime refuses to load for a type error (self_attention and nanoGPT apply `Equal`
to floats, which ONNX's type rules forbid and onnxruntime enforces) is checked against onnx's
own reference evaluator (`onnx.reference`, a third implementation: neither onnxruntime nor
tract, zkonnx's importer); the printed error then says so."""
import json
import sys

import numpy as np
import onnxruntime as ort

d = sys.argv[1]
tol = float(sys.argv[2]) if len(sys.argv) > 2 else 0.05


def widen_int8(path):
    """The model with every int8 Cast target and initializer made int32 (see above)."""
    import onnx
    from onnx import numpy_helper

    m = onnx.load(path)
    for n in m.graph.node:
        if n.op_type == "Cast":
            for a in n.attribute:
                if a.name == "to" and a.i == onnx.TensorProto.INT8:
                    a.i = onnx.TensorProto.INT32
    for i, t in enumerate(m.graph.initializer):
        if t.data_type == onnx.TensorProto.INT8:
            a = numpy_helper.to_array(t).astype(np.int32)
            m.graph.initializer[i].CopyFrom(numpy_helper.from_array(a, t.name))
    return m.SerializeToString()


class Reference:
    """onnx.reference's evaluator behind onnxruntime's session interface (inputs, run)."""

    class Input:
        def __init__(self, vi):
            t = vi.type.tensor_type
            self.name = vi.name
            self.shape = [x.dim_value if x.dim_value > 0 else None for x in t.shape.dim]
            self.type = {1: "tensor(float)", 11: "tensor(double)", 7: "tensor(int64)",
                         6: "tensor(int32)", 9: "tensor(bool)"}.get(t.elem_type, "tensor(float)")

    def __init__(self, path):
        import onnx
        from onnx.reference import ReferenceEvaluator

        m = onnx.load(path)
        self.ev = ReferenceEvaluator(m)
        init = {i.name for i in m.graph.initializer}
        self.inputs = [Reference.Input(vi) for vi in m.graph.input if vi.name not in init]

    def get_inputs(self):
        return self.inputs

    def run(self, _names, feeds):
        return self.ev.run(None, feeds)


reference = "onnxruntime"
try:
    sess = ort.InferenceSession(f"{d}/network.onnx", providers=["CPUExecutionProvider"])
except Exception as e:  # noqa: BLE001 (onnxruntime raises its own exception types)
    if "tensor(int8)" in str(e) and "MatMul" in str(e):
        sess = ort.InferenceSession(widen_int8(f"{d}/network.onnx"),
                                    providers=["CPUExecutionProvider"])
    elif "Type Error" in str(e):
        sess = Reference(f"{d}/network.onnx")
        reference = "onnx.reference (onnxruntime refuses the file: " + \
            str(e).split("Type Error: ")[-1].split(" of operator")[0] + ")"
    else:
        raise
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
print(f"{worst:.4g}" if reference == "onnxruntime" else f"{worst:.4g} vs {reference}")
sys.exit(0 if worst <= tol else 1)
