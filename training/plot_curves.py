"""Draws the curve PNG a model card shows: a translation run's curve.json (dev loss and greedy dev BLEU per epoch,
written by train_marian.py), or a run's held-out metrics per step from a JSON list of {"step", metric: value}
(train_sentiment.py's --eval-every lines, eval_bert.py on saved checkpoints).

    python training/plot_curves.py /work/runs/translate-ja-en-marian/curve.json --out Models/translate-ja-en/dev_curve.png
    python training/plot_curves.py points.json --steps "SST-2 dev accuracy" --out Models/sentiment-en/curve.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on the training machines
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402


def plot(curve: list[dict], title: str, out: Path) -> None:
    epochs = [c["epoch"] for c in curve]
    figure, bleu_axis = plt.subplots(figsize=(6, 3.5), dpi=120)
    bleu_axis.plot(epochs, [c["dev_bleu"] for c in curve], marker="o", color="tab:blue", label="dev BLEU (greedy)")
    bleu_axis.set_xlabel("epoch")
    bleu_axis.xaxis.set_major_locator(MaxNLocator(integer=True))
    bleu_axis.set_ylabel("dev BLEU", color="tab:blue")
    loss_axis = bleu_axis.twinx()
    loss_axis.plot(epochs, [c["dev_loss"] for c in curve], marker="s", color="tab:red", label="dev loss")
    loss_axis.set_ylabel("dev loss (nats / token)", color="tab:red")
    best = max(curve, key=lambda c: c["dev_bleu"])
    bleu_axis.annotate(f"best {best['dev_bleu']:.2f}", (best["epoch"], best["dev_bleu"]),
                       textcoords="offset points", xytext=(-6, -14), ha="right")
    bleu_axis.set_title(title)
    bleu_axis.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)


def plot_steps(points: list[dict], title: str, out: Path) -> None:
    """One line per metric of `points` (every key but "step"), against the training step."""
    figure, axis = plt.subplots(figsize=(6, 3.5), dpi=120)
    for metric in [k for k in points[0] if k != "step"]:
        axis.plot([p["step"] for p in points], [p[metric] for p in points], marker="o", label=metric)
    axis.set_xlabel("training step")
    axis.set_title(title)
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(out)
    plt.close(figure)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("curve", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--title", default=None, help="default: the run folder's name")
    ap.add_argument("--steps", metavar="TITLE", help="the file is a list of {step, metric: value}; plot it per step")
    args = ap.parse_args()
    curve = json.loads(args.curve.read_text(encoding="utf-8"))
    if args.steps:
        plot_steps(curve, args.steps, args.out)
        print(f"wrote {args.out} ({len(curve)} points)")
        return
    if not curve:
        raise SystemExit(f"{args.curve} has no finished epoch yet")
    plot(curve, args.title or args.curve.parent.name, args.out)
    print(f"wrote {args.out} ({len(curve)} epochs)")


if __name__ == "__main__":
    main()
