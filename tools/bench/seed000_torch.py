#!/usr/bin/python3
"""PyTorch equivalent of seed 000's CnnGRUTransformerWave (Ion Switching) for
tools/bench/seed000.bench.ts and the parameter-count check in
solutions/ion-switching/src/model.test.ts.

Same architecture as solutions/ion-switching/src/model.ts: input [B, T, F];
fold into [8B, T/8, F]; cbr(64, k1); channels-first max/avg pooling (pairs of
the LAST axis, as Keras data_format='channels_first' on [B, T, C]) concatenated;
BiGRU(128) + BN + Dropout(.2); BiGRU(64) + BN + Dropout(.2); the Keras
Transformer MultiHeadAttention(4, 128, 64, 64, .1) (no-bias q/k/v projections,
scores / sqrt(d_model), attention dropout .1, output Dense(128) with bias,
dropout, residual + q, LayerNorm gamma*(x-mean)/(std+1e-6)+beta); pooling
again; Dropout(.2); Dense(11) softmax (out1) unfolded to [B, T, 11];
concatenated with the input; cbr(64, k7); BN; wave blocks 16/3/12, 32/3/8,
64/3/4, 128/3/1 with BN between; cbr(32, k7); BN; Dropout(.2); Dense(11) relu;
softmax(out1 + out). nn.GRU has two bias vectors, as Keras' reset_after=True.

    /usr/bin/python3 tools/bench/seed000_torch.py --count-only
    /usr/bin/python3 tools/bench/seed000_torch.py --batches 16 --threads 2

Prints one JSON object per line: {"params", "paramsWithBnStats"} with
--count-only; else {"batch", "stepMedianS", "stepsS", "params", ...} per batch.
"params" is sum(p.numel() for p in parameters()) (trainable, = Keras
"Trainable params"); "paramsWithBnStats" adds the BatchNorm running mean/var
(= Keras "Total params", = tfjs countParams()).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED_WAVE = [(16, 12), (32, 8), (64, 4), (128, 1)]


def bn(c):
    # Keras BatchNormalization defaults: momentum 0.99, epsilon 1e-3.
    return nn.BatchNorm1d(c, eps=1e-3, momentum=0.01)


class CBR(nn.Module):
    """Conv1D('same') -> BN -> ReLU on [N, C, T]."""

    def __init__(self, cin, cout, k):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, k, padding=(k - 1) // 2)
        self.bn = bn(cout)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class WaveBlock(nn.Module):
    def __init__(self, cin, filters, kernel, n):
        super().__init__()
        self.inp = nn.Conv1d(cin, filters, 1)
        self.tanh = nn.ModuleList()
        self.sig = nn.ModuleList()
        self.out = nn.ModuleList()
        for i in range(n):
            d = 2 ** i
            pad = d * (kernel - 1) // 2  # 'same' for odd kernels
            self.tanh.append(nn.Conv1d(filters, filters, kernel, dilation=d, padding=pad))
            self.sig.append(nn.Conv1d(filters, filters, kernel, dilation=d, padding=pad))
            self.out.append(nn.Conv1d(filters, filters, 1))

    def forward(self, x):
        x = self.inp(x)
        res = x
        for t, s, o in zip(self.tanh, self.sig, self.out):
            x = o(torch.tanh(t(x)) * torch.sigmoid(s(x)))
            res = res + x
        return res


class KerasMHA(nn.Module):
    def __init__(self, n_head, d_model, d_k, d_v, dropout, d_in):
        super().__init__()
        self.n_head, self.d_model, self.d_k, self.d_v = n_head, d_model, d_k, d_v
        self.qs = nn.Linear(d_in, n_head * d_k, bias=False)
        self.ks = nn.Linear(d_in, n_head * d_k, bias=False)
        self.vs = nn.Linear(d_in, n_head * d_v, bias=False)
        self.w_o = nn.Linear(n_head * d_v, d_model)
        self.attn_drop = nn.Dropout(0.1)
        self.drop = nn.Dropout(dropout)
        self.gamma = nn.Parameter(torch.ones(d_model))
        self.beta = nn.Parameter(torch.zeros(d_model))

    def forward(self, q, k, v):  # [N, T, C]
        n, t, _ = q.shape
        h = self.n_head
        qs = self.qs(q).view(n, t, h, self.d_k).transpose(1, 2)  # [N, h, T, dk]
        ks = self.ks(k).view(n, k.shape[1], h, self.d_k).transpose(1, 2)
        vs = self.vs(v).view(n, v.shape[1], h, self.d_v).transpose(1, 2)
        attn = torch.softmax(qs @ ks.transpose(-1, -2) / (self.d_model ** 0.5), dim=-1)
        attn = self.attn_drop(attn)
        head = (attn @ vs).transpose(1, 2).reshape(n, t, h * self.d_v)
        out = self.drop(self.w_o(head)) + q
        mean = out.mean(-1, keepdim=True)
        std = ((out - mean) ** 2).mean(-1, keepdim=True).sqrt()
        return self.gamma * (out - mean) / (std + 1e-6) + self.beta, attn


def cf_pool(x):
    """Keras Max/AveragePooling1D(data_format='channels_first') on [N, T, C], concatenated: pools the last axis in pairs."""
    n, t, c = x.shape
    w = x[..., : (c // 2) * 2].reshape(n, t, c // 2, 2)
    return torch.cat([w.max(-1).values, w.mean(-1)], dim=-1)


class CnnGRUTransformerWave(nn.Module):
    def __init__(self, n_features=19, n_classes=11, fold=8, cbr_in=64, gru1=128, gru2=64, n_head=4, d_model=128, d_k=64, d_v=64,
                 cbr_mid=64, wave=SEED_WAVE, cbr_out=32, dropout=0.2, attn_dropout=0.1):
        super().__init__()
        self.fold = fold
        self.cbr_in = CBR(n_features, cbr_in, 1)
        self.gru1 = nn.GRU(2 * (cbr_in // 2), gru1, batch_first=True, bidirectional=True)
        self.bn1 = bn(2 * gru1)
        self.gru2 = nn.GRU(2 * gru1, gru2, batch_first=True, bidirectional=True)
        self.bn2 = bn(2 * gru2)
        self.mha = KerasMHA(n_head, d_model, d_k, d_v, attn_dropout, 2 * gru2)
        self.drop = nn.Dropout(dropout)
        self.out1 = nn.Linear(2 * (d_model // 2), n_classes)
        self.cbr_mid = CBR(n_features + n_classes, cbr_mid, 7)
        self.wave_bns = nn.ModuleList()
        self.waves = nn.ModuleList()
        cin = cbr_mid
        for f, n in wave:
            self.wave_bns.append(bn(cin))
            self.waves.append(WaveBlock(cin, f, 3, n))
            cin = f
        self.cbr_out = CBR(cin, cbr_out, 7)
        self.bn_out = bn(cbr_out)
        self.out = nn.Linear(cbr_out, n_classes)

    def forward(self, inp):  # [B, T, F] -> probabilities [B, T, 11]
        b, t, f = inp.shape
        x = inp.reshape(b * self.fold, t // self.fold, f)
        x = self.cbr_in(x.transpose(1, 2)).transpose(1, 2)
        x = cf_pool(x)
        x = self.gru1(x)[0]
        x = self.drop(self.bn1(x.transpose(1, 2)).transpose(1, 2))
        x = self.gru2(x)[0]
        x = self.drop(self.bn2(x.transpose(1, 2)).transpose(1, 2))
        x, _ = self.mha(x, x, x)
        x = self.drop(cf_pool(x))
        out1 = torch.softmax(self.out1(x), dim=-1).reshape(b, t, -1)
        x = torch.cat([inp, out1], dim=-1).transpose(1, 2)  # [B, C, T]
        x = self.cbr_mid(x)
        for bnl, wb in zip(self.wave_bns, self.waves):
            x = wb(bnl(x))
        x = self.bn_out(self.cbr_out(x))
        x = self.drop(x.transpose(1, 2))
        out = F.relu(self.out(x))
        return torch.softmax(out1 + out, dim=-1)


def counts(model):
    params = sum(p.numel() for p in model.parameters())
    stats = sum(m.running_mean.numel() + m.running_var.numel() for m in model.modules() if isinstance(m, nn.BatchNorm1d))
    return params, params + stats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", default="16")
    ap.add_argument("--length", type=int, default=4000)
    ap.add_argument("--features", type=int, default=19)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--max-step-s", type=float, default=60.0, help="stop repeating once a step exceeds this")
    ap.add_argument("--count-only", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = CnnGRUTransformerWave(n_features=a.features)
    params, total = counts(model)
    if a.count_only:
        print(json.dumps({"params": params, "paramsWithBnStats": total}))
        return
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    model.train()
    for b in [int(s) for s in a.batches.split(",")]:
        x = torch.randn(b, a.length, a.features)
        y = F.one_hot(torch.randint(0, 11, (b, a.length)), 11).float()

        def step():
            t0 = time.perf_counter()
            opt.zero_grad()
            p = model(x).clamp(1e-7, 1 - 1e-7)
            loss = -(y * p.log()).sum(-1).mean()
            loss.backward()
            opt.step()
            return time.perf_counter() - t0

        warm = step()
        steps = []
        for _ in range(a.repeats):
            steps.append(step())
            if steps[-1] > a.max_step_s:
                break
        print(json.dumps({"batch": b, "stepMedianS": statistics.median(steps), "stepsS": steps, "warmS": warm, "params": params,
                          "paramsWithBnStats": total, "threads": a.threads, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
