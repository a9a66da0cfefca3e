"""PyTorch peer of bench/accuracy.ts: the DeepBind recipe in a plain PyTorch script.

Network: Conv1d(4, 16, 24, padding 12), ReLU, global max pool, Linear(16, 32), ReLU,
Dropout(0.5), Linear(32, 1); BCE with logits, Adam lr 1e-3, batch 128, 10 epochs; the epoch
with the best validation AUROC is kept and scored on the test file (what `strand train` does).

Usage: python3 torch_deepbind_accuracy.py JOBS.json
JOBS.json: [{"table": TSV (seq, Bound, split), "test": DeepBind _B.seq.gz, "seed": n, "threads": t}]
Prints one JSON line per job: {"table", "seed", "auroc", "best_epoch", "seconds"}.
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
from sklearn.metrics import roc_auc_score
from torch import nn

LOOKUP = np.full(256, 4, dtype=np.int64)
for i, c in enumerate('ACGT'):
    LOOKUP[ord(c)] = i
    LOOKUP[ord(c.lower())] = i


def one_hot(sequences):
    idx = LOOKUP[np.frombuffer(''.join(sequences).encode(), dtype=np.uint8)].reshape(len(sequences), -1)
    x = np.eye(5, dtype=np.float32)[idx][:, :, :4]
    x[idx == 4] = 0.25  # N: an unknown base, as Strand encodes it
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 2, 1)))


def read_rows(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rt') as f:
        header = f.readline().rstrip('\n').split('\t')
        rows = [line.rstrip('\n').split('\t') for line in f if line.strip()]
    return header, rows


def network():
    return nn.Sequential(
        nn.Conv1d(4, 16, 24, padding=12), nn.ReLU(), nn.AdaptiveMaxPool1d(1), nn.Flatten(),
        nn.Linear(16, 32), nn.ReLU(), nn.Dropout(0.5), nn.Linear(32, 1),
    )


def scores(model, x):
    model.eval()
    with torch.no_grad():
        return torch.cat([model(x[i:i + 1024]) for i in range(0, len(x), 1024)]).squeeze(1).numpy()


def run(job):
    torch.set_num_threads(job['threads'])
    torch.manual_seed(job['seed'])
    start = time.perf_counter()
    header, rows = read_rows(job['table'])
    seq, bound, split = header.index('seq'), header.index('Bound'), header.index('split')
    parts = {name: [r for r in rows if r[split] == name] for name in ('train', 'validation')}
    x = {k: one_hot([r[seq] for r in v]) for k, v in parts.items()}
    y = {k: torch.tensor([float(r[bound]) for r in v]) for k, v in parts.items()}
    theader, trows = read_rows(job['test'])
    xt = one_hot([r[theader.index('seq')] for r in trows])
    yt = np.array([int(r[theader.index('Bound')]) for r in trows])

    model = network()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.BCEWithLogitsLoss()
    best, best_state, best_epoch = -1.0, None, 0
    n = len(y['train'])
    for epoch in range(10):
        model.train()
        order = torch.randperm(n)
        for b in range(0, n, 128):
            i = order[b:b + 128]
            optimizer.zero_grad()
            loss = loss_fn(model(x['train'][i]).squeeze(1), y['train'][i])
            loss.backward()
            optimizer.step()
        val = roc_auc_score(y['validation'].numpy(), scores(model, x['validation']))
        if val > best:
            best, best_epoch = val, epoch + 1
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    auroc = roc_auc_score(yt, scores(model, xt))
    return {'table': job['table'], 'seed': job['seed'], 'auroc': auroc, 'best_epoch': best_epoch, 'seconds': time.perf_counter() - start}


def main():
    with open(sys.argv[1]) as f:
        jobs = json.load(f)
    for job in jobs:
        print(json.dumps(run(job)), flush=True)


if __name__ == '__main__':
    main()
