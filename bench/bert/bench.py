"""BERT-base forward pass: Kotoba vs PyTorch eager, same weights shape, same thread counts, one invocation.

    /opt/kotoba-venv/bin/python bench/bert/bench.py [--threads 1 2] [--batches 1 8] [--layers 12] [--repeats 3]

Builds the Swift benchmark (bench/bert/swift, release), then for each thread count runs it and PyTorch on
random BERT-base weights (hidden 768, 12 heads, intermediate 3072, seq 128) at each batch size, and prints
best-of-N seconds, tokens/s and GFLOP/s side by side with the cblas_sgemm peak the Swift run measured in the
same process. Encoder FLOPs per pass: layers · batch · seq · (8H² + 4HI + 4SH). The machine may be shared;
numbers are best-of-N to damp that, and the load average is printed with them.
"""

import argparse
import json
import os
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SWIFT = os.path.join(HERE, "swift")


def flops(layers, batch, seq, h=768, i=3072):
    return layers * batch * seq * (8 * h * h + 4 * h * i + 4 * seq * h)


def torch_run(threads, batches, seq, layers, repeats):
    import torch
    from transformers import BertConfig, BertModel

    torch.set_num_threads(threads)
    torch.manual_seed(0)
    config = BertConfig(num_hidden_layers=layers, attn_implementation="eager")
    model = BertModel(config).eval()
    runs = []
    for batch in batches:
        ids = torch.randint(1000, 29000, (batch, seq))
        mask = torch.ones_like(ids)
        with torch.inference_mode():
            model(input_ids=ids, attention_mask=mask)
            best = float("inf")
            for _ in range(repeats):
                start = time.perf_counter()
                model(input_ids=ids, attention_mask=mask)
                best = min(best, time.perf_counter() - start)
        runs.append({"batch": batch, "seconds": best, "tokens_per_second": batch * seq / best,
                     "gflops": flops(layers, batch, seq) / best / 1e9})
    return runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--package-path", SWIFT], check=True,
                   stdout=subprocess.DEVNULL)
    binary = os.path.join(SWIFT, ".build", "release", "BertBench")
    print(f"BERT-base shape, {args.layers} layers, seq {args.seq}, best of {args.repeats}; "
          f"load average at start {os.getloadavg()[0]:.1f}")
    print(f"{'threads':>7} {'batch':>5} | {'Kotoba s':>9} {'tok/s':>8} {'GFLOP/s':>8} {'%peak':>6} | "
          f"{'PyTorch s':>9} {'tok/s':>8} {'GFLOP/s':>8} | {'sgemm peak':>10} {'K/PT':>5}")
    for threads in args.threads:
        command = [binary, "--threads", str(threads), "--seq", str(args.seq), "--layers", str(args.layers),
                   "--repeats", str(args.repeats)]
        for batch in args.batches:
            command += ["--batch", str(batch)]
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
        kotoba = json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout)
        torch_runs = torch_run(threads, args.batches, args.seq, args.layers, args.repeats)
        peak = kotoba["sgemm_peak_gflops"]
        for k, t in zip(kotoba["runs"], torch_runs):
            print(f"{threads:>7} {int(k['batch']):>5} | {k['seconds']:>9.3f} {k['tokens_per_second']:>8.0f} "
                  f"{k['gflops']:>8.1f} {100 * k['gflops'] / peak:>5.0f}% | {t['seconds']:>9.3f} "
                  f"{t['tokens_per_second']:>8.0f} {t['gflops']:>8.1f} | {peak:>10.1f} "
                  f"{t['seconds'] / k['seconds']:>5.2f}")
    print(f"load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
