"""PyTorch peer of bench/interpret.ts' bpnet line: DeepLIFT (rescale rule) of the counts head of a
bpnet-lite-sized BPNet (64 filters, 21 bp stem, 9 dilated residual blocks, 75 bp profile head,
2,114 bp in, 1,000 bp profile out) for 32 (sequence, reference) pairs, the way captum and
tangermeme run DeepLIFT on any model: one forward of [x; reference] with a forward hook keeping
each ReLU's input and output and a backward hook replacing its gradient by the rescale multiplier.
Usage: python3 torch_deeplift_bpnet.py THREADS WARMUP RUNS -> {"deeplift_bpnet_ms": ...}
"""
import json
import statistics
import sys
import time

import torch
from torch import nn

LENGTH, CROP, PAIRS = 2114, 557, 32


class Block(nn.Module):
    def __init__(self, filters, dilation):
        super().__init__()
        self.conv = nn.Conv1d(filters, filters, 3, padding='same', dilation=dilation)
        self.act = nn.ReLU()

    def forward(self, x):
        return x + self.act(self.conv(x))


class BPNet(nn.Module):
    def __init__(self, filters=64, layers=9):
        super().__init__()
        self.stem = nn.Conv1d(4, filters, 21, padding='same')
        self.act = nn.ReLU()
        self.blocks = nn.ModuleList([Block(filters, 2 ** (i + 1)) for i in range(layers)])
        self.profile = nn.Conv1d(filters, 1, 75, padding='same')
        self.counts = nn.Linear(filters, 1)

    def forward(self, x):
        h = self.act(self.stem(x))
        for block in self.blocks:
            h = block(h)
        return self.profile(h)[:, :, CROP:h.shape[2] - CROP], self.counts(h.mean(2))


def deeplift(model, x, ref):
    memo = {}

    def keep(mod, inp, out):
        memo[mod] = (inp[0].detach(), out.detach())

    def rescale(mod, grad_in, grad_out):
        z, y = memo[mod]
        n = z.shape[0] // 2
        dz, dy = z[:n] - z[n:], y[:n] - y[n:]
        small = dz.abs() < 1e-6
        m = torch.where(small, (z[:n] > 0).to(z.dtype), dy / torch.where(small, torch.ones_like(dz), dz))
        return (grad_out[0] * torch.cat([m, m]),)

    hooks = []
    for mod in model.modules():
        if isinstance(mod, nn.ReLU):
            hooks += [mod.register_forward_hook(keep), mod.register_full_backward_hook(rescale)]
    n = x.shape[0]
    both = torch.cat([x, ref]).requires_grad_()
    _, counts = model(both)
    counts[:n, 0].sum().backward()
    for h in hooks:
        h.remove()
    return both.grad[:n] * (x - ref)


def timed(fn, warmup, runs):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main():
    threads, warmup, runs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = BPNet().eval()
    for p in model.parameters():
        p.requires_grad_(False)
    one_hot = lambda: torch.nn.functional.one_hot(torch.randint(0, 4, (PAIRS, LENGTH)), 4).transpose(1, 2).float()
    x, ref = one_hot(), one_hot()
    print(json.dumps({"deeplift_bpnet_ms": timed(lambda: deeplift(model, x, ref), warmup, runs)}))


if __name__ == "__main__":
    main()
