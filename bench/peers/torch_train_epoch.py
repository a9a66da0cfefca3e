"""PyTorch peer of bench/train-epoch.ts: a plain PyTorch script doing what `strand train` does
for one epoch: read the TSV, one-hot encode (numpy lookup table), shuffle into batches of 64,
train one epoch of the same Basset-style model (Adam, BCE with logits), then predict the
validation and test splits. Usage: python3 torch_train_epoch.py TSV THREADS
Prints {"seconds": wall time from reading the file to the last prediction}.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def model(length, tasks):
    layers, channels, width = [], 4, length
    for filters, kernel, pool in [(128, 15, 2), (128, 7, 2), (128, 5, 2)]:
        layers += [nn.Conv1d(channels, filters, kernel), nn.BatchNorm1d(filters), nn.ReLU(), nn.MaxPool1d(pool)]
        channels, width = filters, (width - kernel + 1) // pool
    layers += [nn.Flatten(), nn.Linear(channels * width, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Dropout(0.3), nn.Linear(256, tasks)]
    return nn.Sequential(*layers)


def read_table(path):
    """The TSV (id, sequence, labels...) as one-hot inputs [N, 4, L] (N: 0.25 each) and float targets [N, T]."""
    with open(path) as f:
        f.readline()
        rows = [line.rstrip('\n').split('\t') for line in f if line.strip()]
    seqs = [r[1] for r in rows]
    labels = np.array([[float(x) for x in r[2:]] for r in rows], dtype=np.float32)
    table = np.full(256, 4, dtype=np.int64)
    for i, b in enumerate('ACGT'):
        table[ord(b)] = i
        table[ord(b.lower())] = i
    codes = table[np.frombuffer(''.join(seqs).encode('ascii'), dtype=np.uint8)].reshape(len(seqs), -1)
    eye = np.vstack([np.eye(4, dtype=np.float32), np.full((1, 4), 0.25, dtype=np.float32)])
    return torch.from_numpy(np.ascontiguousarray(eye[codes].transpose(0, 2, 1))), torch.from_numpy(labels)


def main():
    path, threads = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    start = time.perf_counter()
    x, y = read_table(path)
    n = x.shape[0]
    order = np.random.RandomState(1).permutation(n)
    n_val, n_test = int(round(n * 0.1)), int(round(n * 0.1))
    train_idx = order[: n - n_val - n_test]
    val_idx, test_idx = order[n - n_val - n_test: n - n_test], order[n - n_test:]
    net = model(x.shape[2], y.shape[1])
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    perm = torch.from_numpy(np.random.RandomState(2).permutation(train_idx))
    for b in range(0, len(perm), 64):
        idx = perm[b:b + 64]
        opt.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        loss.item()
    net.eval()
    with torch.inference_mode():
        for split in (val_idx, test_idx):
            for b in range(0, len(split), 256):
                torch.sigmoid(net(x[torch.from_numpy(split[b:b + 256])])).numpy()
    print(json.dumps({"seconds": time.perf_counter() - start}))


if __name__ == "__main__":
    main()
