"""Batch-1 latency of a real BERT checkpoint over short inputs: Kotoba vs PyTorch vs ONNX Runtime, one invocation.

    /opt/kotoba-venv/bin/python bench/bert/latency.py [--model Models/sentiment-en] [--head classify|fill-mask]
        [--seq 8 16 32 64 128] [--threads 1 2] [--repeats 200] [--rounds 2]

The same model files for all three: Kotoba's BertLatency (bench/bert/swift, release) loads the folder itself;
PyTorch loads it with transformers (BertForSequenceClassification / BertForMaskedLM, eager attention,
torch.inference_mode); ONNX Runtime runs that PyTorch model exported with torch.onnx (opset 17, dynamic sequence
axis) under ORT_ENABLE_ALL graph optimisation. Input: [CLS] + (seq - 2) ordinary word pieces + [SEP], batch 1; for
fill-mask the logits of one position (Kotoba projects only that row; PyTorch and ORT compute every row, which is
what their pipelines do). Each engine runs `repeats` timed passes after 10 warm-ups, in alternating rounds; the
table shows the best round's median (p50) and 90th percentile in milliseconds. Thread counts are set per engine
(Kotoba BLAS threads, torch.set_num_threads, ORT intra_op_num_threads).
"""

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SWIFT = os.path.join(HERE, "swift")
ROOT = os.path.dirname(os.path.dirname(HERE))


def ids_for(seq):
    return [101] + [2000 + i * 7 for i in range(seq - 2)] + [102]


def kotoba(model, head, lengths, threads, repeats, quantization="none"):
    binary = os.path.join(SWIFT, ".build", "release", "BertLatency")
    out = subprocess.run([binary, "--model", model, "--head", head, "--threads", str(threads), "--repeats", str(repeats),
                          "--quantization", quantization, "--seq", *map(str, lengths)], check=True, capture_output=True,
                         text=True).stdout
    return {row["seq"]: (row["p50_ms"], row["p90_ms"]) for row in json.loads(out)["rows"]}


def timed(call, repeats):
    for _ in range(10):
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[len(times) * 9 // 10]


def torch_model(model, head):
    import torch
    from transformers import BertForMaskedLM, BertForSequenceClassification

    cls = BertForMaskedLM if head == "fill-mask" else BertForSequenceClassification
    return cls.from_pretrained(model, attn_implementation="eager", torch_dtype=torch.float32).eval()


def pytorch(net, lengths, threads, repeats):
    import torch

    torch.set_num_threads(threads)
    results = {}
    with torch.inference_mode():
        for seq in lengths:
            ids = torch.tensor([ids_for(seq)])
            mask = torch.ones_like(ids)
            results[seq] = timed(lambda: net(input_ids=ids, attention_mask=mask), repeats)
    return results


def export_onnx(net, path):
    import torch

    ids = torch.tensor([ids_for(16)])
    mask = torch.ones_like(ids)
    torch.onnx.export(net, (ids, mask), path, input_names=["input_ids", "attention_mask"], output_names=["logits"],
                      dynamic_axes={"input_ids": {1: "seq"}, "attention_mask": {1: "seq"}}, opset_version=17,
                      dynamo=False)


def onnxruntime(path, lengths, threads, repeats):
    import numpy as np
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    results = {}
    for seq in lengths:
        ids = np.array([ids_for(seq)], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        results[seq] = timed(lambda: session.run(None, feeds), repeats)
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default=os.path.join(ROOT, "Models", "sentiment-en"))
    parser.add_argument("--head", choices=["classify", "fill-mask"], default="classify")
    parser.add_argument("--seq", type=int, nargs="+", default=[8, 16, 32, 64, 128])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quantization", choices=["none", "int8"], default="none",
                        help="Kotoba's weights: int8 quantizes its linear layers at load (PyTorch and ORT stay float)")
    args = parser.parse_args()

    subprocess.run(["swift", "build", "-c", "release", "--product", "BertLatency"], cwd=SWIFT, check=True,
                   capture_output=True)
    net = torch_model(args.model, args.head)
    onnx_path = os.path.join(tempfile.mkdtemp(), "model.onnx")
    export_onnx(net, onnx_path)
    print(f"model {args.model} ({args.head}), Kotoba quantization {args.quantization}, batch 1, load average {os.getloadavg()[0]:.1f}")
    for threads in args.threads:
        best = {"kotoba": {}, "pytorch": {}, "ort": {}}
        for _ in range(args.rounds):
            runs = {"kotoba": kotoba(args.model, args.head, args.seq, threads, args.repeats, args.quantization),
                    "pytorch": pytorch(net, args.seq, threads, args.repeats),
                    "ort": onnxruntime(onnx_path, args.seq, threads, args.repeats)}
            for engine, rows in runs.items():
                for seq, (p50, p90) in rows.items():
                    if seq not in best[engine] or p50 < best[engine][seq][0]:
                        best[engine][seq] = (p50, p90)
        print(f"\nthreads {threads}        Kotoba p50/p90 ms | PyTorch p50/p90 ms | ORT p50/p90 ms | PT/K  ORT/K")
        for seq in args.seq:
            k, p, o = best["kotoba"][seq], best["pytorch"][seq], best["ort"][seq]
            print(f"  seq {seq:4d}  {k[0]:8.2f} {k[1]:8.2f} | {p[0]:8.2f} {p[1]:8.2f} | {o[0]:7.2f} {o[1]:7.2f} |"
                  f" {p[0] / k[0]:5.2f} {o[0] / k[0]:5.2f}")
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
