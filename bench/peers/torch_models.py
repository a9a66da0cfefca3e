"""PyTorch peer for the Strand benchmarks: Basset and DanQ built exactly as bench/models.ts.

Usage: python3 torch_models.py MODEL THREADS WARMUP STEPS
Prints one JSON object: {"train_ms": median ms per training step, "infer_ms": median ms per
inference batch}. Batch 64; Adam; binary cross-entropy with logits on random 0/1 targets.
"""
import json
import statistics
import sys
import time

import torch
from torch import nn


def basset():
    return nn.Sequential(
        nn.Conv1d(4, 300, 19), nn.BatchNorm1d(300), nn.ReLU(), nn.MaxPool1d(3),
        nn.Conv1d(300, 200, 11), nn.BatchNorm1d(200), nn.ReLU(), nn.MaxPool1d(4),
        nn.Conv1d(200, 200, 7), nn.BatchNorm1d(200), nn.ReLU(), nn.MaxPool1d(4),
        nn.Flatten(),
        nn.Linear(2000, 1000), nn.BatchNorm1d(1000), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(1000, 1000), nn.BatchNorm1d(1000), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(1000, 164),
    ), 600, 164


class DanQ(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 320, 26)
        self.pool = nn.MaxPool1d(13, 13)
        self.drop1 = nn.Dropout(0.2)
        self.lstm = nn.LSTM(320, 320, batch_first=True, bidirectional=True)
        self.drop2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(75 * 640, 925)
        self.fc2 = nn.Linear(925, 919)

    def forward(self, x):
        x = self.drop1(self.pool(torch.relu(self.conv(x))))
        x, _ = self.lstm(x.transpose(1, 2))
        x = self.drop2(x).flatten(1)
        return self.fc2(torch.relu(self.fc1(x)))


def danq():
    return DanQ(), 1000, 919


def main():
    name, threads, warmup, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model, length, outputs = {"basset": basset, "danq": danq}[name]()
    x = torch.nn.functional.one_hot(torch.randint(0, 4, (64, length)), 4).transpose(1, 2).float()
    y = (torch.rand(64, outputs) < 0.1).float()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()

    def train_step():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    def infer():
        with torch.inference_mode():
            return torch.sigmoid(model(x)).sum().item()

    def timed(fn, n):
        times = []
        for _ in range(n):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    model.train()
    timed(train_step, warmup)
    train_ms = timed(train_step, steps)
    model.eval()
    timed(infer, warmup)
    infer_ms = timed(infer, steps)
    print(json.dumps({"train_ms": train_ms, "infer_ms": infer_ms}))


if __name__ == "__main__":
    main()
