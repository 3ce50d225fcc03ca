#!/usr/bin/python3
"""PyTorch CPU reference for tools/bench/backends.bench.ts: one training step of
each model family at the shapes the bench passes in --spec (JSON), on Debian's
python3-torch (and python3-torchvision for EfficientNet-B0).

Families (the same architectures as the TypeScript builders):

- wavenet: solutions/hms-wavenet/src/model.ts. The wave-block extractor
  (seed000_torch.WaveBlock: Conv1d(f, 1) -> res; per dilation 2^i tanh conv *
  sigmoid conv -> Conv1d(f, 1) -> res +=) shared by the 8 channels folded into
  the batch, mean over time, the mean of each chain's 2 channels, concatenated,
  Linear(64) relu, Linear(6) softmax. Keras KLDivergence, Adam (eps 1e-7).
- ion: solutions/ion-switching/src/model.ts, seed000_torch.CnnGRUTransformerWave
  with the spec's widths. Categorical cross-entropy, Adam (no SWA: SWA averages
  weights every 10 steps, outside the step being timed here too).
- moa: solutions/moa/src/models/dense.ts (seed 001's two-head dense net: BN,
  Dropout, Dense elu x2 | concat with input2, BN, Dropout, Dense relu x4 |
  average, BN, Dense relu, BN, Dense relu, BN, Dense sigmoid). Binary
  cross-entropy with label smoothing, Adam.
- efficientnet: torchvision.models.efficientnet_b0(num_classes=6) on NCHW
  input (the TypeScript model is Keras' B0 on NHWC; same stages, SE, widths;
  torchvision pads stride-2 convs symmetrically). KLDivLoss(batchmean) on
  log_softmax, AdamW(weight decay from the spec), clip_grad_norm_ (as the
  solution's clipNorm).

    /usr/bin/python3 tools/bench/backends_torch.py --spec '{"family":"moa","batch":32,"input1":60,"input2":887,"outputs":206}'

Prints one JSON line: {"family", "batch", "stepMedianS", "stepsS", "warmS",
"loss", "params", "peakRssMiB" (this process's ru_maxrss), "torch",
"threads"}. One warm-up step, then up to --repeats steps (stopping once one
takes more than --max-step-s).
"""
import argparse
import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from seed000_torch import CnnGRUTransformerWave, WaveBlock  # noqa: E402

KERAS_EPS = 1e-7


def keras_kl(y, p):
    y = y.clamp(KERAS_EPS, 1)
    p = p.clamp(KERAS_EPS, 1)
    return (y * (y / p).log()).sum(-1).mean()


class HmsWavenet(nn.Module):
    def __init__(self, blocks, head_units, n_channels=8, n_classes=6):
        super().__init__()
        self.n_channels = n_channels
        layers = []
        cin = 1
        for f, k, n in blocks:
            layers.append(WaveBlock(cin, f, k, n))
            cin = f
        self.extractor = nn.Sequential(*layers)
        self.head = nn.Linear((n_channels // 2) * cin, head_units)
        self.out = nn.Linear(head_units, n_classes)

    def forward(self, x):  # [B, T, C]
        b, t, c = x.shape
        z = self.extractor(x.transpose(1, 2).reshape(b * c, 1, t))  # [B*C, F, T]
        z = z.mean(-1).reshape(b, c // 2, 2, -1).mean(2).reshape(b, -1)
        return torch.softmax(self.out(F.relu(self.head(z))), dim=-1)


def bn1d(c):
    # Keras BatchNormalization defaults.
    return nn.BatchNorm1d(c, eps=1e-3, momentum=0.01)


class MoaDense(nn.Module):
    def __init__(self, input1, input2, outputs, widths1, widths2, tail, dropout1, dropout2):
        super().__init__()
        h1 = [bn1d(input1), nn.Dropout(dropout1)]
        cin = input1
        for i, w in enumerate(widths1):
            if i > 0:
                h1.append(bn1d(cin))
            h1 += [nn.Linear(cin, w), nn.ELU()]
            cin = w
        self.head1 = nn.Sequential(*h1)
        h2 = [bn1d(cin + input2), nn.Dropout(dropout2)]
        c2 = cin + input2
        for i, w in enumerate(widths2):
            if i > 0:
                h2.append(bn1d(c2))
            h2 += [nn.Linear(c2, w), nn.ReLU()]
            c2 = w
        self.head2 = nn.Sequential(*h2)
        self.tail = nn.Sequential(
            bn1d(c2), nn.Linear(c2, tail), nn.ReLU(), bn1d(tail), nn.Linear(tail, outputs), nn.ReLU(), bn1d(outputs), nn.Linear(outputs, outputs)
        )

    def forward(self, x1, x2):
        x = self.head1(x1)
        y = self.head2(torch.cat([x, x2], dim=-1))
        return torch.sigmoid(self.tail((x + y) / 2))


def keras_bce(y, p, smoothing):
    y = y * (1 - smoothing) + 0.5 * smoothing
    p = p.clamp(KERAS_EPS, 1 - KERAS_EPS)
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


ION_KEYS = {"cbrIn": "cbr_in", "gru1": "gru1", "gru2": "gru2", "nHead": "n_head", "dModel": "d_model", "dK": "d_k", "dV": "d_v",
            "cbrMid": "cbr_mid", "wave": "wave", "cbrOut": "cbr_out"}


def build(spec):
    """(model, inputs tuple, loss(out) -> scalar, optimizer, clip_norm)."""
    fam = spec["family"]
    b = spec["batch"]
    g = torch.Generator().manual_seed(1)
    if fam == "wavenet":
        model = HmsWavenet(spec["blocks"], spec["headUnits"])
        x = torch.randn(b, spec["steps"], 8, generator=g)
        y = torch.softmax(torch.randn(b, 6, generator=g), -1)
        return model, (x,), lambda p: keras_kl(y, p), torch.optim.Adam(model.parameters(), lr=spec["lr"], eps=1e-7), None
    if fam == "ion":
        kw = {ION_KEYS[k]: (tuple(map(tuple, v)) if k == "wave" else v) for k, v in spec["widths"].items()}
        model = CnnGRUTransformerWave(n_features=spec["features"], fold=spec["fold"], dropout=spec["dropout"], **kw)
        x = torch.randn(b, spec["length"], spec["features"], generator=g)
        y = F.one_hot(torch.randint(0, 11, (b, spec["length"]), generator=g), 11).float()

        def cce(p):
            p = p.clamp(KERAS_EPS, 1 - KERAS_EPS)
            return -(y * p.log()).sum(-1).mean()

        return model, (x,), cce, torch.optim.Adam(model.parameters(), lr=spec["lr"], eps=1e-7), None
    if fam == "moa":
        model = MoaDense(spec["input1"], spec["input2"], spec["outputs"], spec["widths1"], spec["widths2"], spec["tailWidth"],
                         spec["dropout1"], spec["dropout2"])
        x1 = torch.randn(b, spec["input1"], generator=g)
        x2 = torch.randn(b, spec["input2"], generator=g)
        y = (torch.rand(b, spec["outputs"], generator=g) < 0.01).float()
        ls = spec["labelSmoothing"]
        return model, (x1, x2), lambda p: keras_bce(y, p, ls), torch.optim.Adam(model.parameters(), lr=spec["lr"], eps=1e-7), None
    if fam == "efficientnet":
        from torchvision.models import efficientnet_b0

        model = efficientnet_b0(num_classes=6, stochastic_depth_prob=spec["dropConnectRate"])
        model.classifier[0].p = spec["dropRate"]
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 1 - spec["bnMomentum"]
        x = torch.randn(b, spec["channels"], spec["height"], spec["width"], generator=g)
        y = torch.softmax(torch.randn(b, 6, generator=g), -1)

        def kl(logits):
            return F.kl_div(F.log_softmax(logits, -1), y, reduction="batchmean")

        opt = torch.optim.AdamW(model.parameters(), lr=spec["lr"], weight_decay=spec["weightDecay"])
        return model, (x,), kl, opt, spec["clipNorm"]
    raise SystemExit(f"unknown family {fam!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", required=True, help="JSON: family, batch and the family's shapes")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-step-s", type=float, default=60.0)
    a = ap.parse_args()
    spec = json.loads(a.spec)
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model, inputs, loss_fn, opt, clip = build(spec)
    model.train()

    def step():
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(*inputs))
        loss.backward()
        if clip is not None:
            nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        return time.perf_counter() - t0, float(loss)

    warm, loss = step()
    steps = []
    for _ in range(a.repeats):
        steps.append(step()[0])
        if steps[-1] > a.max_step_s:
            break
    print(json.dumps({
        "family": spec["family"], "batch": spec["batch"], "stepMedianS": statistics.median(steps), "stepsS": steps, "warmS": warm,
        "loss": loss, "params": sum(p.numel() for p in model.parameters()),
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__, "threads": a.threads,
    }), flush=True)


if __name__ == "__main__":
    main()
