"""PyTorch peer of bench/interpret.ts, on the Basset model of bench/peers/torch_models.py built
for 1,000 bp: (a) ISM of one sequence, all 3,000 substitutions scored in batches of 256 in
inference mode; (b) DeepLIFT (rescale rule, zero references) of 64 sequences, written by hand
as Strand does it: one forward of [x; reference] with each nonlinearity replaced by
f(z_ref) + (z - z_ref) * m, m = (f(z) - f(z_ref)) / (z - z_ref) detached, then gradient x input;
(c) DeepLIFT of the counts head of a bpnet-lite-sized BPNet (64 filters, 21 bp stem, 9 dilated
residual blocks, 75 bp profile head, 2,114 bp in, 1,000 bp profile out) for 32 (sequence,
reference) pairs, the way captum and tangermeme run DeepLIFT on any model (`hook_deeplift`, also
the reference of test/interpret/deeplift-bpnet.pytorch.test.ts).
Usage: python3 torch_interpret.py THREADS WARMUP RUNS
  -> {"ism_ms": ..., "deeplift_ms": ..., "deeplift_bpnet_ms": ...}
"""
import json
import statistics
import sys
import time

import torch
from torch import nn


def basset(length=1000, tasks=164):
    layers, channels, width = [], 4, length
    for filters, kernel, pool in [(300, 19, 3), (200, 11, 4), (200, 7, 4)]:
        layers += [nn.Conv1d(channels, filters, kernel), nn.BatchNorm1d(filters), nn.ReLU(), nn.MaxPool1d(pool)]
        channels, width = filters, (width - kernel + 1) // pool
    layers += [nn.Flatten()]
    features = channels * width
    for size in (1000, 1000):
        layers += [nn.Linear(features, size), nn.BatchNorm1d(size), nn.ReLU(), nn.Dropout(0.3)]
        features = size
    layers += [nn.Linear(features, tasks)]
    return nn.Sequential(*layers)


def ism(net, x, target=0, batch=256):
    length = x.shape[2]
    with torch.inference_mode():
        ref = net(x)[:, target]
        variants = x.repeat(4 * length, 1, 1)
        for p in range(length):
            for b in range(4):
                variants[p * 4 + b, :, p] = 0
                variants[p * 4 + b, b, p] = 1
        out = torch.cat([net(variants[i:i + batch])[:, target] for i in range(0, variants.shape[0], batch)])
        return (out - ref).reshape(length, 4)


def rescale(f, z, n):
    zx, zr = z[:n], z[n:]
    fx, fr = f(zx), f(zr)
    dz = zx - zr
    with torch.no_grad():
        zg = zx.detach().requires_grad_()
        with torch.enable_grad():
            grad = torch.autograd.grad(f(zg).sum(), zg)[0]
        m = torch.where(dz.abs() > 1e-6, (fx - fr) / torch.where(dz.abs() > 1e-6, dz, torch.ones_like(dz)), grad)
    return torch.cat([fr.detach() + dz * m, fr])


def deeplift(net, x, target=0):
    n = x.shape[0]
    xg = x.clone().requires_grad_()
    h = torch.cat([xg, torch.zeros_like(x)])
    for layer in net:
        if isinstance(layer, nn.ReLU):
            h = rescale(torch.relu, h, n)
        elif isinstance(layer, nn.MaxPool1d):
            h = torch.cat([layer(h[:n]), layer(h[n:]).detach()])
        else:
            h = layer(h)
    h[:n, target].sum().backward()
    return xg.grad * x


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


def hook_deeplift(model, x, ref, select):
    """DeepLIFT (rescale rule) of select(model output, n) -> [n], for x and ref [n, 4, L]: one forward
    of [x; ref]; a forward hook keeps each nn.ReLU's input and output, a backward hook replaces its
    gradient by (y - y_ref) / (z - z_ref) (the derivative where |z - z_ref| < 1e-6)."""
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
    select(model(both), n).sum().backward()
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
    net = basset().eval()
    one = torch.nn.functional.one_hot(torch.randint(0, 4, (1, 1000)), 4).transpose(1, 2).float()
    batch = torch.nn.functional.one_hot(torch.randint(0, 4, (64, 1000)), 4).transpose(1, 2).float()
    bpnet = BPNet().eval()
    for p in bpnet.parameters():
        p.requires_grad_(False)
    pairs = lambda: torch.nn.functional.one_hot(torch.randint(0, 4, (PAIRS, LENGTH)), 4).transpose(1, 2).float()
    x, ref = pairs(), pairs()
    counts = lambda out, n: out[1][:n, 0]
    print(json.dumps({
        "ism_ms": timed(lambda: ism(net, one), warmup, runs),
        "deeplift_ms": timed(lambda: deeplift(net, batch), warmup, runs),
        "deeplift_bpnet_ms": timed(lambda: hook_deeplift(bpnet, x, ref, counts), warmup, runs),
    }))


if __name__ == "__main__":
    main()
