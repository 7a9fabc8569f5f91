"""sentiment-en: BertForSequenceClassification fine-tuned on GLUE SST-2 train (binary sentiment).

The encoder starts from --base: the bert-en export (default) or the all-MiniLM-L6-v2 folder. The classifier
(pooler output → dropout → linear, transformers modeling_bert.py BertForSequenceClassification, v5.24.0) is fresh.
Batches are length-bucketed (shuffle, then sort within pools of 50 batches) so padding stays small on CPU.

    nice -n 19 python training/train_sentiment.py --base /work/runs/export/bert-en --steps 500
Outputs: /work/runs/sentiment-en/ (train.log, checkpoint.pt), export in /work/runs/export/sentiment-en/.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import torch
from transformers import BertConfig, BertForSequenceClassification

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from export_bert import save_f16, save_tokenizer  # noqa: E402
from bert_setup import load_tokenizer  # noqa: E402

LABELS = {0: "NEGATIVE", 1: "POSITIVE"}
GOLDEN_SENTENCES = [
    "a gorgeous , witty , seductive movie .",
    "the plot is nothing but boilerplate clichés from start to finish .",
    "I loved this film, but the ending was a bit too long.",
]


def read_sst2(split: str) -> list[tuple[str, int]]:
    lines = (common.DATA / "sst2" / f"{split}.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [(s.strip(), int(label)) for s, label in (line.rsplit("\t", 1) for line in lines)]


def encode(tok, texts: list[str], max_len: int = 128) -> dict:
    encs = tok.encode_batch(texts)
    width = min(max_len, max(len(e.ids) for e in encs))
    ids = torch.zeros((len(encs), width), dtype=torch.long)
    mask = torch.zeros((len(encs), width), dtype=torch.long)
    for i, e in enumerate(encs):
        row = e.ids[:width - 1] + [e.ids[-1]] if len(e.ids) > width else e.ids  # keep the final [SEP]
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}


def batches(data, tok, size: int, rng: random.Random):
    """Endless length-bucketed batches: each pass shuffles, sorts pools of 50 batches by length, shuffles those."""
    lengths = [len(t.split()) for t, _ in data]
    while True:
        order = list(range(len(data)))
        rng.shuffle(order)
        pool = size * 50
        chunks = []
        for i in range(0, len(order), pool):
            part = sorted(order[i:i + pool], key=lambda j: lengths[j])
            chunks += [part[k:k + size] for k in range(0, len(part), size)]
        rng.shuffle(chunks)
        for c in chunks:
            yield [data[j] for j in c]


def classifier_from(base: Path, seed: int) -> BertForSequenceClassification:
    config = BertConfig.from_pretrained(base)
    config.architectures = ["BertForSequenceClassification"]
    config.num_labels = 2
    config.id2label = dict(LABELS)
    config.label2id = {v: k for k, v in LABELS.items()}
    config.problem_type = "single_label_classification"
    torch.manual_seed(seed)
    return BertForSequenceClassification.from_pretrained(base, config=config, dtype=torch.float32)


def accuracy(model, tok, data, batch: int = 64) -> float:
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(data), batch):
            part = data[i:i + batch]
            logits = model(**encode(tok, [t for t, _ in part])).logits
            correct += (logits.argmax(-1) == torch.tensor([y for _, y in part])).sum().item()
    model.train()
    return correct / len(data)


def golden(out: Path, tok) -> dict:
    model = BertForSequenceClassification.from_pretrained(out, dtype=torch.float32).eval()
    rows = []
    with torch.no_grad():
        for text in GOLDEN_SENTENCES:
            enc = tok.encode(text)
            logits = model(input_ids=torch.tensor([enc.ids]), token_type_ids=torch.tensor([enc.type_ids])).logits[0]
            rows.append({"text": text, "input_ids": enc.ids, "logits": [round(v, 6) for v in logits.tolist()],
                         "label": LABELS[int(logits.argmax())]})
    return {"dtype": "float32 computation from the F16 weights in model.safetensors", "classify": rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, default=common.RUNS / "export" / "bert-en")
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--warmup", type=int, default=30)
    ap.add_argument("--seed", type=int, default=20240602)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=50)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--out", default="sentiment-en")
    ap.add_argument("--eval-every", type=int, default=None,
                    help="log dev accuracy every this many steps, for the card's curve (the export is the last step)")
    args = ap.parse_args()

    run, log = common.start_run(args, args.out)
    tok = load_tokenizer(args.base / "tokenizer.json")
    train, dev = read_sst2("train"), read_sst2("dev")
    model = classifier_from(args.base, args.seed)
    log.info(f"base {args.base}; parameters {common.count_parameters(model):,}; train {len(train)} dev {len(dev)}")
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, common.linear_warmup_decay(args.warmup, args.steps))
    rng = random.Random(args.seed)
    step, elapsed = 0, 0.0
    ckpt = run / "checkpoint.pt"
    if args.resume and ckpt.exists():
        state = common.load_checkpoint(ckpt)
        step, elapsed = common.restore(state, model, opt, schedule)
        rng.setstate(state["sampler_rng"])
        log.info(f"resumed at step {step}")
    # The batch stream is replayed up to `step` on resume so the data order matches an uninterrupted run.
    stream = batches(train, tok, args.batch, random.Random(args.seed + 1))
    for _ in range(step):
        next(stream)
    progress = common.Progress(log, args.steps, step, args.log_every, elapsed, unit="sent")
    budget = common.Budget(args.max_minutes)
    model.train()

    def checkpoint() -> None:
        common.save_checkpoint(ckpt, model=model.state_dict(), optimizer=opt.state_dict(),
                               schedule=schedule.state_dict(), sampler_rng=rng.getstate(),
                               rng=common.rng_state(), step=step, elapsed=progress.elapsed(), args=vars(args))

    while step < args.steps:
        part = next(stream)
        out = model(**encode(tok, [t for t, _ in part]), labels=torch.tensor([y for _, y in part]))
        opt.zero_grad(set_to_none=True)
        out.loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        step += 1
        progress.update(step, out.loss.item(), len(part), lr=schedule.get_last_lr()[0])
        if step % args.ckpt_every == 0:
            checkpoint()
        if args.eval_every and step % args.eval_every == 0 and step < args.steps:
            log.info(f"step {step} dev accuracy {accuracy(model, tok, dev):.4f}")
        if budget.exhausted():
            log.info(f"time budget reached at step {step}")
            break
    checkpoint()
    log.info(f"training done: {step} steps ({step * args.batch} sentences), {progress.elapsed() / 60:.1f} min")
    log.info(f"dev accuracy {accuracy(model, tok, dev):.4f}")
    export = common.RUNS / "export" / args.out
    save_f16(model, export)
    save_tokenizer(tok, export)
    common.write_json(export / "golden.json", golden(export, tok))
    log.info(f"exported to {export}: model.safetensors {common.file_mb(export / 'model.safetensors'):.1f} MB")


if __name__ == "__main__":
    main()
