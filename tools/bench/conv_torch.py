#!/usr/bin/python3
"""PyTorch reference timing for tools/bench/conv.bench.ts: the seed-002 WaveNet
feature extractor (wave blocks (8,3,12), (16,3,8), (32,3,4), (64,3,1); gated
dilated convs, 1x1 convs, residual sums), global average pooling, Dense(6,
softmax), KL-divergence loss, Adam. Same shapes as the tfjs benchmark.

    /usr/bin/python3 tools/bench/conv_torch.py --batches 8,32 --threads 2
Prints one JSON object per line: {"batch", "stepMedianS", "stepsS", "params"}.
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

BLOCKS = [(8, 3, 12), (16, 3, 8), (32, 3, 4), (64, 3, 1)]


class WaveBlock(nn.Module):
    def __init__(self, cin, filters, kernel, n):
        super().__init__()
        self.inp = nn.Conv1d(cin, filters, 1)
        self.tanh = nn.ModuleList()
        self.sig = nn.ModuleList()
        self.out = nn.ModuleList()
        for i in range(n):
            d = 2 ** i
            # padding='same' with dilation d and odd kernel: d*(k-1)/2 each side
            self.tanh.append(nn.Conv1d(filters, filters, kernel, dilation=d, padding=d * (kernel - 1) // 2))
            self.sig.append(nn.Conv1d(filters, filters, kernel, dilation=d, padding=d * (kernel - 1) // 2))
            self.out.append(nn.Conv1d(filters, filters, 1))

    def forward(self, x):
        x = self.inp(x)
        res = x
        for t, s, o in zip(self.tanh, self.sig, self.out):
            x = torch.tanh(t(x)) * torch.sigmoid(s(x))
            x = o(x)
            res = res + x
        return res


class Extractor(nn.Module):
    def __init__(self):
        super().__init__()
        blocks, cin = [], 1
        for f, k, n in BLOCKS:
            blocks.append(WaveBlock(cin, f, k, n))
            cin = f
        self.blocks = nn.Sequential(*blocks)
        self.head = nn.Linear(cin, 6)

    def forward(self, x):  # x [B, 1, T]
        h = self.blocks(x).mean(dim=2)
        return F.log_softmax(self.head(h), dim=1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", default="8,32")
    ap.add_argument("--length", type=int, default=2000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Extractor()
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for b in [int(s) for s in a.batches.split(",")]:
        x = torch.randn(b, 1, a.length)
        y = torch.softmax(torch.randn(b, 6), dim=1)

        def step():
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = F.kl_div(model(x), y, reduction="batchmean")
            loss.backward()
            opt.step()
            return time.perf_counter() - t0

        step()  # warm-up
        steps = [step() for _ in range(a.repeats)]
        print(json.dumps({"batch": b, "stepMedianS": statistics.median(steps), "stepsS": steps, "params": params, "threads": a.threads, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
