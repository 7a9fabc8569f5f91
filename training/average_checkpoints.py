"""Averages the weights of a fine-tuning run's saved checkpoints (Polyak averaging of the last few) and reports
SST-2 dev accuracy of the average next to each checkpoint's, optionally exporting the average like
train_sentiment.py exports its last step.

    python training/average_checkpoints.py --run sentiment-en-long checkpoint-4900.pt checkpoint-5600.pt checkpoint.pt
    python training/average_checkpoints.py --run sentiment-en-long ... --export sentiment-en-avg
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from bert_setup import load_tokenizer  # noqa: E402
from export_bert import save_f16, save_tokenizer  # noqa: E402
from train_sentiment import accuracy, classifier_from, golden, read_sst2  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", required=True, help="run folder under /work/runs")
    ap.add_argument("checkpoints", nargs="+", help="checkpoint files in the run folder")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--export", help="export the average to /work/runs/export/<name>")
    args = ap.parse_args()
    common.setup(0, args.threads)
    run = common.RUNS / args.run
    states = [common.load_checkpoint(run / name) for name in args.checkpoints]
    base = Path(states[0]["args"]["base"])
    tok = load_tokenizer(base / "tokenizer.json")
    dev = read_sst2("dev")
    model = classifier_from(base, 0)
    for name, state in zip(args.checkpoints, states):
        model.load_state_dict(state["model"])
        print(f"{name} (step {state['step']}): dev accuracy {accuracy(model, tok, dev):.4f}")
    average = {k: sum(s["model"][k].float() for s in states) / len(states) for k in states[0]["model"]}
    model.load_state_dict(average)
    steps = ", ".join(str(s["step"]) for s in states)
    print(f"average of steps {steps}: dev accuracy {accuracy(model, tok, dev):.4f}")
    if args.export:
        out = common.RUNS / "export" / args.export
        save_f16(model, out)
        save_tokenizer(tok, out)
        common.write_json(out / "golden.json", golden(out, tok))
        print(f"exported to {out}")


if __name__ == "__main__":
    main()
