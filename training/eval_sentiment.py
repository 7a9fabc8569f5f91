"""SST-2 dev accuracy of an exported BertForSequenceClassification (label 1 = POSITIVE, as in GLUE).

    python training/eval_sentiment.py --model /work/runs/export/sentiment-en --out metrics.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch
from transformers import BertForSequenceClassification

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from bert_setup import load_tokenizer  # noqa: E402
from train_sentiment import accuracy, read_sst2  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=common.RUNS / "export" / "sentiment-en")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    common.setup(0, args.threads)
    model = BertForSequenceClassification.from_pretrained(args.model, dtype=torch.float32)
    if model.config.id2label.get(1) != "POSITIVE":
        raise SystemExit(f"{args.model}/config.json: id2label[1] is {model.config.id2label.get(1)}, not POSITIVE")
    tok = load_tokenizer(args.model / "tokenizer.json")
    dev = read_sst2("dev")
    t0 = time.time()
    metrics = {"model": str(args.model), "sst2_dev_sentences": len(dev),
               "sst2_dev_accuracy": accuracy(model, tok, dev), "seconds": round(time.time() - t0, 1)}
    print(json.dumps(metrics, indent=2))
    if args.out:
        common.write_json(args.out, metrics)


if __name__ == "__main__":
    main()
