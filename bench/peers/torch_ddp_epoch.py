"""PyTorch peer of bench/ddp-train-epoch.ts: DistributedDataParallel on the gloo backend, one
rank of WORLD_SIZE (torchrun's variables: RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT), one
thread. Reads the TSV, one-hot encodes it, holds out the same fractions, and trains the
Basset-style model of torch_train_epoch.py for EPOCHS epochs with DistributedSampler (batch 64
per rank, Adam, BCE with logits). Usage: python3 torch_ddp_epoch.py TSV EPOCHS
Rank 0 prints {"seconds": wall time of the last epoch's training loop, "samples": training samples}.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_train_epoch import model, read_table  # noqa: E402


def main():
    path, epochs = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(1)
    dist.init_process_group('gloo')
    rank = dist.get_rank()
    torch.manual_seed(1)
    x, y = read_table(path)
    n = x.shape[0]
    held = 2 * int(round(n * 0.01))
    train_idx = np.random.RandomState(1).permutation(n)[: n - held]
    data = TensorDataset(x[train_idx], y[train_idx])
    sampler = DistributedSampler(data, seed=1)
    loader = DataLoader(data, batch_size=64, sampler=sampler)
    net = DistributedDataParallel(model(x.shape[2], y.shape[1]))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    net.train()
    seconds = 0.0
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        dist.barrier()
        start = time.perf_counter()
        for xb, yb in loader:
            opt.zero_grad()
            loss = nn.functional.binary_cross_entropy_with_logits(net(xb), yb)
            loss.backward()
            opt.step()
            loss.item()
        dist.barrier()
        seconds = time.perf_counter() - start
    if rank == 0:
        print(json.dumps({"seconds": seconds, "samples": len(train_idx)}))
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
