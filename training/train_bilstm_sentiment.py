"""Baseline for the sentiment card: a bidirectional LSTM classifier on SST-2, trained from scratch.

Words are SST-2's own (lower-cased, PTB-tokenised, split on spaces); the vocabulary is every train word seen at
least twice, the rest map to <unk>. Embedding 128 → 1-layer BiLSTM (128 per direction) → max-pool over time →
dropout 0.3 → linear to 2 classes, as in the BiLSTM-max baselines of Conneau et al. 2017 (InferSent, §3.2).
Not shipped: it exists to be compared with sentiment-en; the checkpoint and metrics stay in /work/runs/.

    nice -n 19 python training/train_bilstm_sentiment.py --epochs 3
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from train_sentiment import read_sst2  # noqa: E402

PAD, UNK = 0, 1


class BiLSTMClassifier(nn.Module):
    """Embedding → BiLSTM → max over time (padding excluded) → linear."""

    def __init__(self, vocab: int, dim: int = 128, hidden: int = 128, dropout: float = 0.3):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim, padding_idx=PAD)
        self.lstm = nn.LSTM(dim, hidden, batch_first=True, bidirectional=True)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(2 * hidden, 2)

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        x = self.drop(self.embed(ids))  # [batch, seq, dim]
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=ids.shape[1])  # [b, s, 2h]
        h = h.masked_fill((ids == PAD)[:, :, None], float("-inf")).max(dim=1).values
        return self.out(self.drop(h))


def tensorize(rows, vocab: dict[str, int]):
    seqs = [[vocab.get(w, UNK) for w in t.split()] or [UNK] for t, _ in rows]
    width = max(len(s) for s in seqs)
    ids = torch.zeros((len(seqs), width), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
    return ids, torch.tensor([len(s) for s in seqs]), torch.tensor([y for _, y in rows])


def accuracy(model, rows, vocab) -> float:
    model.eval()
    with torch.no_grad():
        ids, lengths, y = tensorize(rows, vocab)
        acc = (model(ids, lengths).argmax(-1) == y).float().mean().item()
    model.train()
    return acc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--seed", type=int, default=20240603)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--out", default="bilstm-sst2")
    args = ap.parse_args()
    run, log = common.start_run(args, args.out)
    train, dev = read_sst2("train"), read_sst2("dev")
    counts = Counter(w for t, _ in train for w in t.split())
    vocab = {w: i + 2 for i, w in enumerate(sorted(w for w, c in counts.items() if c >= 2))}
    model = BiLSTMClassifier(len(vocab) + 2)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    log.info(f"vocab {len(vocab) + 2}; parameters {common.count_parameters(model):,}")
    steps_per_epoch = (len(train) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    step, elapsed, best = 0, 0.0, 0.0
    ckpt = run / "checkpoint.pt"
    if args.resume and ckpt.exists():
        state = common.load_checkpoint(ckpt)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        common.set_rng_state(state["rng"])
        step, elapsed, best = state["step"], state["elapsed"], state["best"]
        log.info(f"resumed at step {step}")
    progress = common.Progress(log, total, step, 200, elapsed, unit="sent")
    loss_fn = nn.CrossEntropyLoss()
    history = []
    while step < total:
        epoch = step // steps_per_epoch
        order = list(range(len(train)))
        random.Random(args.seed + epoch).shuffle(order)
        for k in range(step % steps_per_epoch, steps_per_epoch):
            rows = [train[j] for j in order[k * args.batch:(k + 1) * args.batch]]
            ids, lengths, y = tensorize(rows, vocab)
            loss = loss_fn(model(ids, lengths), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            progress.update(step, loss.item(), len(rows))
        acc = accuracy(model, dev, vocab)
        history.append({"epoch": epoch + 1, "dev_accuracy": acc})
        log.info(f"epoch {epoch + 1}: SST-2 dev accuracy {acc:.4f}")
        if acc > best:
            best = acc
            torch.save({"model": model.state_dict(), "vocab": vocab, "epoch": epoch + 1}, run / "best.pt")
        common.save_checkpoint(ckpt, model=model.state_dict(), optimizer=opt.state_dict(), rng=common.rng_state(),
                               step=step, elapsed=progress.elapsed(), best=best)
    metrics = {"model": "BiLSTM-max baseline", "parameters": common.count_parameters(model),
               "epochs": args.epochs, "history": history, "best_sst2_dev_accuracy": best,
               "final_sst2_dev_accuracy": history[-1]["dev_accuracy"] if history else None,
               "minutes": round(progress.elapsed() / 60, 1)}
    common.write_json(run / "metrics.json", metrics)
    log.info(f"done: {metrics}")


if __name__ == "__main__":
    main()
