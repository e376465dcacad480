#!/usr/bin/env python3
"""Writes the PyTorch-exported models under tests/models/ that tests/py/exporters.py proves.

Each model is built here with fixed seeds, exported by torch.onnx.export (the TorchScript
exporter, dynamo=False, opset 17, batch 1, constant folding on) and written as
tests/models/<name>/network.onnx with tests/models/<name>/input.json ({"input_data": [[...]]}).

- torch_cnn: Conv(1->4, 3x3, pad 1) -> Relu -> MaxPool(2) -> Conv(4->8, 3x3, pad 1) -> Relu ->
  MaxPool(2) -> Flatten -> Linear(72->4) -> Softmax, on 1x1x12x12; trained for 20 Adam steps on a
  made-up task (which quadrant holds a bright blob) so that its probabilities are not flat.
- torch_transformer_block: a pre-LayerNorm transformer block on 1x4x8 (sequence 4, width 8):
  x + out(softmax(q k^T / sqrt(8)) v) with q, k, v and out nn.Linear(8, 8), written out by hand,
  then h + Linear(16->8)(GELU(Linear(8->16)(LayerNorm(h)))) with nn.GELU()'s default (erf).
- torch_transformer_block_tanh: the same block with nn.GELU(approximate="tanh").
- torch_transformer_block_mha: the same block with torch.nn.MultiheadAttention (2 heads) for
  the attention.

Made with torch 2.5.1 (the PyPI wheel, run on CPU; no onnxscript: the TorchScript exporter
needs none), onnx 1.23.2, numpy 2.4.6, Python 3.11.7. The files are checked in so that CI need
not install torch; run this again only to change the models. The wheel will not import without
the CUDA libraries it links, but it needs neither triton nor the whole CUDA set:

    pip install --no-deps torch==2.5.1 nvidia-cuda-runtime-cu12==12.4.127 \
        nvidia-cuda-cupti-cu12==12.4.127 nvidia-cudnn-cu12==9.1.0.70 nvidia-cublas-cu12==12.4.5.8 \
        nvidia-cufft-cu12==11.2.1.3 nvidia-curand-cu12==10.3.5.147 \
        nvidia-cusparse-cu12==12.3.1.170 nvidia-nccl-cu12==2.21.5 nvidia-nvjitlink-cu12==12.4.127 \
        sympy==1.13.1 mpmath==1.3.0 networkx==3.4.2 jinja2==3.1.4 MarkupSafe==3.0.2 \
        filelock==3.16.1 fsspec==2024.10.0 typing_extensions==4.15.0

    python3 tests/py/make_torch_models.py [OUT_DIR]   (default tests/models)
"""
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests/models"))
OPSET = 17


class SmallCnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, padding=1)
        self.conv2 = nn.Conv2d(4, 8, 3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 3 * 3, 4)

    def forward(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return torch.softmax(self.fc(torch.flatten(x, 1)), dim=1)

    def logits(self, x):
        x = self.pool(torch.relu(self.conv1(x)))
        x = self.pool(torch.relu(self.conv2(x)))
        return self.fc(torch.flatten(x, 1))


def blobs(gen, n):
    """n 12x12 images of noise with a bright 3x3 blob; the label is the blob's quadrant."""
    x = 0.1 * torch.randn(n, 1, 12, 12, generator=gen)
    y = torch.randint(0, 4, (n,), generator=gen)
    for i in range(n):
        r = int(torch.randint(0, 4, (1,), generator=gen)) + 6 * (int(y[i]) // 2)
        c = int(torch.randint(0, 4, (1,), generator=gen)) + 6 * (int(y[i]) % 2)
        x[i, 0, r:r + 3, c:c + 3] += 1.0
    return x, y


class SelfAttention(nn.Module):
    """Single-head self-attention as one writes it by hand."""

    def __init__(self, d):
        super().__init__()
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.scale = 1.0 / math.sqrt(d)

    def forward(self, x):
        q, k, v = self.q(x), self.k(x), self.v(x)
        att = torch.softmax(q @ k.transpose(-2, -1) * self.scale, dim=-1)
        return self.out(att @ v)


class Mha(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.mha = nn.MultiheadAttention(d, heads, batch_first=True)

    def forward(self, x):
        return self.mha(x, x, x, need_weights=False)[0]


class Block(nn.Module):
    def __init__(self, d=8, hidden=16, attention="hand", gelu="none"):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = SelfAttention(d) if attention == "hand" else Mha(d, 2)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, hidden), nn.GELU(approximate=gelu),
                                 nn.Linear(hidden, d))

    def forward(self, x):
        h = x + self.attn(self.ln1(x))
        return h + self.mlp(self.ln2(h))


def export(name, model, x):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    model.eval()
    # (outside torch.no_grad(), as the exporter's docs show it: under no_grad an eval-mode
    # nn.MultiheadAttention takes its fused fast path, which the exporter cannot write)
    torch.onnx.export(model, (x,), os.path.join(d, "network.onnx"), opset_version=OPSET,
                      input_names=["input"], output_names=["output"], dynamo=False)
    flat = [float(v) for v in x.detach().numpy().astype(np.float32).ravel()]
    with open(os.path.join(d, "input.json"), "w") as f:
        json.dump({"input_data": [flat]}, f)
    sizes = {f: os.path.getsize(os.path.join(d, f)) for f in ["network.onnx", "input.json"]}
    print(f"{name}: {sum(p.numel() for p in model.parameters())} params, {sizes}")


def cnn():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    model = SmallCnn()
    x, y = blobs(gen, 256)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(20):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model.logits(x), y)
        loss.backward()
        opt.step()
    xt, yt = blobs(gen, 64)
    with torch.no_grad():
        acc = (model.logits(xt).argmax(1) == yt).float().mean().item()
    print(f"torch_cnn: train loss {loss.item():.3f}, held-out accuracy {acc:.2f}")
    export("torch_cnn", model, xt[:1])


def block(name, seed, **kw):
    torch.manual_seed(seed)
    model = Block(**kw)
    # LayerNorm's affine parameters start at 1 and 0; give them the spread a trained block has
    with torch.no_grad():
        for ln in (model.ln1, model.ln2):
            ln.weight.copy_(1.0 + 0.2 * torch.randn(ln.weight.shape))
            ln.bias.copy_(0.1 * torch.randn(ln.bias.shape))
    x = torch.randn(1, 4, 8)
    export(name, model, x)


def main():
    torch.set_num_threads(1)
    cnn()
    block("torch_transformer_block", 2)
    block("torch_transformer_block_tanh", 2, gelu="tanh")
    block("torch_transformer_block_mha", 2, attention="mha")


if __name__ == "__main__":
    main()
