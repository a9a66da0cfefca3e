"""PyTorch peer of bench/design.ts: greedy single-base evolution of the Basset model of
bench/peers/torch_interpret.py built for 600 bp, written plainly: each round every one of the
3 x 600 substitutions of the current sequence goes through the full forward (batches of 256,
inference mode), and the best one for output 0 is kept. 10 rounds.
Usage: python3 torch_design.py THREADS ROUNDS RUNS -> {"design_ms": ...}
"""
import json
import statistics
import sys
import time

import torch

from torch_interpret import basset


def greedy(net, x, rounds, batch=256):
    length = x.shape[2]
    with torch.inference_mode():
        for _ in range(rounds):
            current = x[0].argmax(0)
            variants = []
            for p in range(length):
                for b in range(4):
                    if b == current[p]:
                        continue
                    v = x[0].clone()
                    v[:, p] = 0
                    v[b, p] = 1
                    variants.append(v)
            variants = torch.stack(variants)
            scores = torch.cat([net(variants[i:i + batch])[:, 0] for i in range(0, variants.shape[0], batch)])
            x = variants[scores.argmax()].unsqueeze(0).clone()
    return x


def main():
    threads, rounds, runs = (int(a) for a in sys.argv[1:4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = basset(600).eval()
    x = torch.nn.functional.one_hot(torch.randint(4, (1, 600)), 4).transpose(1, 2).float().contiguous()
    greedy(net, x, 1)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        greedy(net, x, rounds)
        times.append((time.perf_counter() - t0) * 1000)
    print(json.dumps({"design_ms": statistics.median(times)}))


if __name__ == "__main__":
    main()
