"""PyTorch peer of bench/lm-step.ts: Strand's transformer-lm and conv-lm built the same way
(src/models/transformer-lm.ts, src/models/conv-lm.ts), one masked-LM training step timed.

Usage: python3 torch_lm.py MODEL THREADS WARMUP STEPS WINDOW BATCH
Prints {"train_ms": median ms per step}. Tokens: random A/C/G/T ids (5..8), 15% of positions
replaced by [MASK] (4) and scored with cross-entropy; AdamW lr 1e-3.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

VOCAB = 9


def rotary(T, hd):
    half = hd // 2
    inv = 10000 ** (-2 * torch.arange(half, dtype=torch.float64) / hd)
    angle = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]
    cos = torch.cat([angle.cos(), angle.cos()], 1).float()
    sin = torch.cat([angle.sin(), angle.sin()], 1).float()
    return cos, sin


def rotate(x, cos, sin):
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return x * cos + torch.cat([-b, a], -1) * sin


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, cos, sin):
        N, T, D = x.shape
        H = self.heads
        q, k, v = self.qkv(x).reshape(N, T, 3, H, D // H).permute(2, 0, 3, 1, 4).unbind(0)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        w = torch.softmax(q @ k.transpose(-2, -1) / (D // H) ** 0.5, -1)
        return self.out((w @ v).transpose(1, 2).reshape(N, T, D))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1, self.attention, self.norm2 = nn.LayerNorm(dim), Attention(dim, heads), nn.LayerNorm(dim)
        self.ff1, self.ff2 = nn.Linear(dim, 4 * dim), nn.Linear(4 * dim, dim)

    def forward(self, x, cos, sin):
        h = x + self.attention(self.norm1(x), cos, sin)
        return h + self.ff2(F.gelu(self.ff1(self.norm2(h))))


class TransformerLm(nn.Module):
    def __init__(self, dim=128, heads=4, layers=4):
        super().__init__()
        self.heads = heads
        self.embedding = nn.Embedding(VOCAB, dim)
        self.blocks = nn.ModuleList([Block(dim, heads) for _ in range(layers)])
        self.norm, self.head = nn.LayerNorm(dim), nn.Linear(dim, VOCAB)

    def forward(self, ids):
        cos, sin = rotary(ids.shape[1], self.embedding.embedding_dim // self.heads)
        x = self.embedding(ids)
        for b in self.blocks:
            x = b(x, cos, sin)
        return self.head(self.norm(x))


class ConvBlock(nn.Module):
    def __init__(self, dim, kernel, dilation):
        super().__init__()
        self.pad = dilation * (kernel - 1) // 2
        self.conv = nn.Conv1d(dim, dim, kernel, dilation=dilation)
        self.convNorm, self.ffNorm = nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.ff1, self.ff2 = nn.Linear(dim, 2 * dim), nn.Linear(2 * dim, dim)

    def forward(self, x):
        c = F.gelu(self.conv(F.pad(x.transpose(1, 2), (self.pad, self.pad))))
        c = c.reshape(-1).reshape(c.shape)  # as Strand: GELU's backward needs a contiguous gradient in torch 1.13
        h = self.convNorm(x + c.transpose(1, 2))
        return self.ffNorm(h + self.ff2(F.gelu(self.ff1(h))))


class ConvLm(nn.Module):
    def __init__(self, dim=128, kernel=9, dilations=(1, 2, 4, 8, 16, 32) * 2):
        super().__init__()
        self.embedding = nn.Embedding(VOCAB, dim)
        self.blocks = nn.ModuleList([ConvBlock(dim, kernel, d) for d in dilations])
        self.head = nn.Linear(dim, VOCAB)

    def forward(self, ids):
        x = self.embedding(ids)
        for b in self.blocks:
            x = b(x)
        return self.head(x)


def main():
    name, threads, warmup, steps, window, batch = sys.argv[1], *map(int, sys.argv[2:7])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = TransformerLm() if name == 'transformer-lm' else ConvLm()
    ids = torch.randint(5, 9, (batch, window))
    chosen = torch.rand(batch, window) < 0.15
    inputs = ids.masked_fill(chosen, 4)
    targets = ids.masked_fill(~chosen, -100)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    times = []
    for i in range(warmup + steps):
        t = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(model(inputs).reshape(-1, VOCAB), targets.reshape(-1), ignore_index=-100)
        loss.backward()
        opt.step()
        loss.item()
        if i >= warmup:
            times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({'train_ms': statistics.median(times)}))


if __name__ == '__main__':
    main()
