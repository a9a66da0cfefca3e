"""Peer for bench/windows.ts: the same 1,000-bp windows read with pyfaidx and one-hot encoded
with numpy, in batches, one core.

Usage: pyfaidx_windows.py SPEC.json
SPEC: {"fasta": path, "chroms": [names], "chrom": [index per window], "start": [...],
       "length": L, "batch": B, "warmup": W, "check": C}
Prints one JSON line: {"windows_per_s": ..., "checksum": ...}. The checksum (over the first C
windows, outside the timed loop) is sum over windows, positions and channels c of
(c + 1) * x[c, i], so Strand can confirm it encoded the same windows the same way.
"""
import json
import sys
import time

import numpy as np
from pyfaidx import Fasta

spec = json.load(open(sys.argv[1]))
L = spec['length']
B = spec['batch']
fa = Fasta(spec['fasta'], as_raw=True, sequence_always_upper=False)
windows = [(spec['chroms'][c], s, s + L) for c, s in zip(spec['chrom'], spec['start'])]

# Lookup table: A, C, G, T channels (either case), N and IUPAC codes 0.25 in every channel.
LUT = np.zeros((256, 4), np.float32)
for c, base in enumerate('ACGT'):
    LUT[ord(base), c] = LUT[ord(base.lower()), c] = 1
for base in 'NRYSWKMBDHVnryswkmbdhv':
    LUT[ord(base)] = 0.25


def one_hot(seqs):
    """[N, 4, L] float32, C-contiguous, as a model takes it."""
    codes = np.frombuffer(''.join(seqs).encode('ascii'), np.uint8)
    return np.ascontiguousarray(LUT[codes].reshape(len(seqs), L, 4).transpose(0, 2, 1))


def run(ws):
    for b in range(0, len(ws), B):
        one_hot([fa[c][s:e] for c, s, e in ws[b:b + B]])


run(windows[:spec['warmup']])
t0 = time.perf_counter()
run(windows)
seconds = time.perf_counter() - t0

x = one_hot([fa[c][s:e] for c, s, e in windows[:spec['check']]]).astype(np.float64)
checksum = float((x * np.arange(1, 5).reshape(1, 4, 1)).sum())
print(json.dumps({'windows_per_s': len(windows) / seconds, 'checksum': checksum}))
