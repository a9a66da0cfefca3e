"""Python peer of bench/score-variants.ts: the variant-scoring loop people write with pyfaidx
and PyTorch. Same model weights (read from Strand's model.safetensors), same windows (each
centred on its allele, flanks from the genome), same batch size, same TSV of diff columns.

Usage: python3 pyfaidx_score_variants.py MODEL_DIR FASTA VCF OUT BATCH THREADS
Prints {"seconds": time from opening the genome to the TSV written, "alleles": scored}.
"""
import json
import struct
import sys
import time

import numpy as np
import pyfaidx
import torch

from torch_models import basset  # the same Basset as the model-step benchmark (600 bp, 164 outputs)

LUT = np.full(256, 4, dtype=np.int64)
for i, b in enumerate(b"ACGT"):
    LUT[b] = i
    LUT[b + 32] = i


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = {"F32": np.float32, "I64": np.int64}[info["dtype"]]
        tensors[name] = torch.from_numpy(np.frombuffer(data[start:end], dtype=dtype).reshape(info["shape"]).copy())
    return tensors


def one_hot(windows, length):
    codes = LUT[np.frombuffer("".join(windows).encode("ascii"), dtype=np.uint8)].reshape(len(windows), length)
    x = np.zeros((len(windows), 5, length), dtype=np.float32)
    np.put_along_axis(x, codes[:, None, :], 1.0, axis=1)
    x = x[:, :4, :]
    x[:, :, :] += (codes == 4)[:, None, :] * 0.25
    return torch.from_numpy(np.ascontiguousarray(x))


def main():
    model_dir, fasta, vcf, out, batch, threads = sys.argv[1:7]
    batch, threads = int(batch), int(threads)
    torch.set_num_threads(threads)
    description = json.load(open(f"{model_dir}/model.json"))
    length, tasks = description["input"]["length"], description["task"]["outputs"]
    net, net_length, net_outputs = basset()
    assert (net_length, net_outputs) == (length, len(tasks)), "bench/score-variants.ts saves a 600 bp, 164-output Basset"
    state = {k[len("body."):]: v for k, v in read_safetensors(f"{model_dir}/model.safetensors").items()}
    net.load_state_dict(state)
    net.eval()

    start = time.perf_counter()
    genome = pyfaidx.Fasta(fasta, as_raw=True, sequence_always_upper=True)
    scored = 0
    with open(out, "w") as f:
        f.write("\t".join(["chrom", "pos", "id", "ref", "alt"] + [f"{t}:diff" for t in tasks]) + "\n")
        pending = []

        def flush():
            nonlocal scored
            if not pending:
                return
            x = one_hot([p[1] for p in pending] + [p[2] for p in pending], length)
            with torch.no_grad():
                y = torch.sigmoid(net(x)).double().numpy()
            n = len(pending)
            diff = y[n:] - y[:n]
            for (columns, _, _), row in zip(pending, diff):
                f.write("\t".join(columns) + "\t" + "\t".join("%.6g" % v for v in row) + "\n")
            scored += n
            pending.clear()

        for line in open(vcf):
            if line.startswith("#"):
                continue
            chrom, pos, vid, ref, alts = line.split("\t")[:5]
            s = int(pos) - 1
            size = len(genome[chrom])
            for alt in alts.split(","):
                if alt.startswith("<") or alt == "*" or len(ref) > length or len(alt) > length:
                    continue
                rs = s - (length - len(ref) + 1) // 2
                left = (length - len(alt) + 1) // 2
                right = length - len(alt) - left
                if min(rs, s - left) < 0 or max(rs + length, s + len(ref) + right) > size:
                    continue
                if genome[chrom][s:s + len(ref)] != ref.upper():
                    continue
                ref_window = genome[chrom][rs:rs + length]
                alt_window = genome[chrom][s - left:s] + alt.upper() + genome[chrom][s + len(ref):s + len(ref) + right]
                pending.append(([chrom, pos, vid, ref, alt], ref_window, alt_window))
                if len(pending) == batch:
                    flush()
        flush()
    print(json.dumps({"seconds": time.perf_counter() - start, "alleles": scored}))


main()
