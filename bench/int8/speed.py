"""int8 speed on the BERT-base shape: Kotoba fp32 and int8 against PyTorch (fp32, and dynamic int8), ONNX Runtime
(fp32, and dynamic int8) and CTranslate2 (float32 and int8), same shape and threads, interleaved, one run.

BERT-base: 12 layers, hidden 768, 12 heads, intermediate 3072, random weights (Kotoba builds its own in memory,
bench/bert/swift BertBench; the others share one seeded PyTorch model, exported to ONNX opset 17 and converted
for CTranslate2), sequences of `--seq` tokens (128), batches 1 and 8. Each round runs every engine `--repeats`
times and keeps its best; the table gives the median of the rounds' bests with their spread.

    /opt/kotoba-venv/bin/python bench/int8/speed.py [--threads 2] [--batches 1 8] [--rounds 3] [--repeats 3]

Pinned: torch 2.13.0, transformers 5.24.0, onnxruntime 1.23.2, ctranslate2 4.8.5 (the /opt/kotoba-venv setup).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SWIFT = ROOT / "bench" / "bert" / "swift"


def best_of(repeats: int, run) -> float:
    run()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def kotoba(threads: int, batches: list[int], seq: int, repeats: int, quantization: str) -> dict[int, float]:
    command = [str(SWIFT / ".build" / "release" / "BertBench"), "--threads", str(threads), "--seq", str(seq),
               "--repeats", str(repeats), "--quantization", quantization]
    for batch in batches:
        command += ["--batch", str(batch)]
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
    report = json.loads(subprocess.run(command, check=True, capture_output=True, text=True, env=env).stdout)
    return {int(run["batch"]): run["seconds"] for run in report["runs"]}


class Others:
    """PyTorch, ONNX Runtime and CTranslate2 on one random BERT-base model."""

    def __init__(self, directory: Path, threads: int, seq: int):
        import torch
        from transformers import BertConfig, BertModel

        torch.set_num_threads(threads)
        torch.manual_seed(0)
        self.torch = torch
        self.model = BertModel(BertConfig(attn_implementation="eager")).eval()
        self.model_int8 = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)
        hf = directory / "hf"
        self.model.save_pretrained(hf)
        onnx = directory / "bert.onnx"
        ids = torch.randint(1000, 29000, (1, seq))

        class Encoder(torch.nn.Module):
            """(input_ids, attention_mask) → last_hidden_state, the signature the exporter traces."""

            def __init__(self, bert):
                super().__init__()
                self.bert = bert

            def forward(self, input_ids, attention_mask):
                return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

        torch.onnx.export(Encoder(self.model), (ids, torch.ones_like(ids)), str(onnx), input_names=["input_ids", "attention_mask"],
                          output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                          dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}})
        from onnxruntime.quantization import QuantType, quantize_dynamic

        onnx_int8 = directory / "bert-int8.onnx"
        quantize_dynamic(str(onnx), str(onnx_int8), weight_type=QuantType.QInt8)
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.ort = {name: ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
                    for name, path in (("fp32", onnx), ("int8", onnx_int8))}
        import ctranslate2

        # CTranslate2 4.8.5's converter asserts a field transformers 5 no longer writes; an extra config key
        # becomes a config attribute again.
        config = json.loads((hf / "config.json").read_text())
        (hf / "config.json").write_text(json.dumps(dict(config, position_embedding_type="absolute")))
        ct2 = directory / "ct2"
        ctranslate2.converters.TransformersConverter(str(hf)).convert(str(ct2), force=True)
        self.ct2 = {compute: ctranslate2.Encoder(str(ct2), device="cpu", compute_type=compute, intra_threads=threads)
                    for compute in ("float32", "int8")}

    def engines(self, batch: int, seq: int):
        torch = self.torch
        ids = torch.randint(1000, 29000, (batch, seq))
        mask = torch.ones_like(ids)
        feed = {"input_ids": ids.numpy(), "attention_mask": mask.numpy()}
        tokens = ids.tolist()

        def pytorch(model):
            def run():
                with torch.inference_mode():
                    model(input_ids=ids, attention_mask=mask)
            return run

        return {
            "pytorch fp32": pytorch(self.model),
            "pytorch int8": pytorch(self.model_int8),
            "ort fp32": lambda: self.ort["fp32"].run(None, feed),
            "ort int8": lambda: self.ort["int8"].run(None, feed),
            "ct2 fp32": lambda: self.ct2["float32"].forward_batch(tokens),
            "ct2 int8": lambda: self.ct2["int8"].forward_batch(tokens),
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batches", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--package-path", str(SWIFT)], check=True,
                   stdout=subprocess.DEVNULL)
    times: dict[tuple[str, int], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="kotoba-int8-bench-") as scratch:
        others = Others(Path(scratch), args.threads, args.seq)
        print(f"BERT-base, seq {args.seq}, {args.threads} threads, {args.rounds} rounds of best-of-{args.repeats}; "
              f"load average at start {os.getloadavg()[0]:.1f}", flush=True)
        for _ in range(args.rounds):
            for quantization in ("none", "int8"):
                for batch, seconds in kotoba(args.threads, args.batches, args.seq, args.repeats, quantization).items():
                    times.setdefault((f"kotoba {'fp32' if quantization == 'none' else 'int8'}", batch), []).append(seconds)
            for batch in args.batches:
                for name, run in others.engines(batch, args.seq).items():
                    times.setdefault((name, batch), []).append(best_of(args.repeats, run))
    names = ["kotoba fp32", "kotoba int8", "pytorch fp32", "pytorch int8", "ort fp32", "ort int8", "ct2 fp32", "ct2 int8"]
    print(f"\n| engine | " + " | ".join(f"batch {b}: ms (min–max) | vs PyTorch fp32" for b in args.batches) + " |")
    print("|---|" + "---|---|" * len(args.batches))
    for name in names:
        cells = []
        for batch in args.batches:
            values = times[(name, batch)]
            median = statistics.median(values)
            reference = statistics.median(times[("pytorch fp32", batch)])
            cells.append(f"{1000 * median:.0f} ({1000 * min(values):.0f}–{1000 * max(values):.0f}) | "
                         f"{reference / median:.2f}×")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\nload average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
