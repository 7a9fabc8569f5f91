"""translate-en-ja / translate-ja-en: bidirectional-GRU encoder, Bahdanau-scored attention decoder, on Tatoeba.

Model: Kotoba's reference seq2seq (training/reference/seq2seq.py; format in SEQ2SEQ_FORMAT.md): embedding 128,
one GRU layer of 128 per direction in the encoder, a bridge to the decoder's GRU (128), additive attention
(Bahdanau et al. 2015, A.1.2) over the encoder states, Luong input feeding, output projection tied to the target
embedding. Tokenizers: Unigram (Kudo 2018) trained with HF tokenizers on the train split, one per language,
NFKC + Metaspace, 8,000 pieces, ids <pad>=0 <s>=1 </s>=2 <unk>=3; each appends </s> to what it encodes.

    nice -n 19 python training/train_translation.py --direction en-ja --epochs 4
Outputs: /work/runs/translate-en-ja/ (train.log, checkpoint.pt), export in /work/runs/export/translate-en-ja/
(config.json, model.safetensors in F16, source_tokenizer.json, target_tokenizer.json, golden.json).

`--cell` swaps the recurrent cell for another of the format's cell types (`lstm`, `lstm_peephole`, …; GRU by
default); a run with another cell is named translate-en-ja-<cell> so it never overwrites the GRU run.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
from pathlib import Path

import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, os.environ.get("KOTOBA_REFERENCE", str(HERE / "reference")))
import common  # noqa: E402
from export_translation import export  # noqa: E402
from seq2seq import CELL_TYPES, Seq2Seq  # noqa: E402  (training/reference)
from translation_setup import (BOS, DEFAULT_CELL, EOS, PAD, model_config, pad, read_pairs,  # noqa: E402
                               run_name, tokenizers_for)


def encode_pairs(pairs, src_tok, tgt_tok, src_i: int, max_len: int):
    srcs = [e.ids[:max_len - 1] + [EOS] if len(e.ids) > max_len else e.ids
            for e in src_tok.encode_batch([p[src_i] for p in pairs])]
    tgts = [e.ids[:max_len - 1] + [EOS] if len(e.ids) > max_len else e.ids
            for e in tgt_tok.encode_batch([p[1 - src_i] for p in pairs])]
    return list(zip(srcs, tgts))


def make_batch(examples):
    """src [B, S], lengths [B], decoder input [B, T] (<s> + target[:-1]), labels [B, T] (target, </s> last)."""
    src = pad([s for s, _ in examples])
    lengths = torch.tensor([len(s) for s, _ in examples])
    labels = pad([t for _, t in examples])
    tgt_in = torch.cat([torch.full((len(examples), 1), BOS, dtype=torch.long), labels[:, :-1]], dim=1)
    tgt_in = tgt_in.masked_fill(tgt_in == EOS, PAD)  # the </s> of a shorter row is never an input
    return src, lengths, tgt_in, labels


def epoch_batches(data, size: int, seed: int) -> list[list[int]]:
    """Seeded shuffle, then pools of 50 batches sorted by target length, so padding stays small."""
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)
    pool = size * 50
    out = []
    for i in range(0, len(order), pool):
        part = sorted(order[i:i + pool], key=lambda j: (len(data[j][1]), len(data[j][0])))
        out += [part[k:k + size] for k in range(0, len(part), size)]
    random.Random(seed + 1).shuffle(out)
    return out


def dev_loss(model, data, batch: int = 100) -> float:
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(data), batch):
            src, lengths, tgt_in, labels = make_batch(data[i:i + batch])
            logits = model(src, lengths, tgt_in)
            total += torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=PAD,
                                                       reduction="sum").item()
            count += (labels != PAD).sum().item()
    model.train()
    return total / count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--direction", choices=("en-ja", "ja-en"), required=True)
    ap.add_argument("--cell", choices=CELL_TYPES, default=DEFAULT_CELL,
                    help="recurrent cell_type of encoder and decoder (SEQ2SEQ_FORMAT.md)")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=8000)
    ap.add_argument("--dropout", type=float, default=0.2)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--max-len", type=int, default=48)
    ap.add_argument("--seed", type=int, default=20240604)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--lowercase-source", action="store_true",
                    help="lower-case English sources (en-ja only): Japanese has no case to carry over")
    args = ap.parse_args()

    name = run_name(args.direction, args.cell)
    run, log = common.start_run(args, name)
    src_lang, tgt_lang = args.direction.split("-")
    if args.lowercase_source and src_lang != "en":
        raise SystemExit("--lowercase-source applies to English sources (en-ja)")
    toks = tokenizers_for(args.vocab, log, lowercase_en=args.lowercase_source)
    src_tok, tgt_tok = toks[src_lang], toks[tgt_lang]
    src_i = 0 if src_lang == "en" else 1
    train = encode_pairs(read_pairs("train"), src_tok, tgt_tok, src_i, args.max_len)
    dev = encode_pairs(read_pairs("dev")[:500], src_tok, tgt_tok, src_i, args.max_len)
    config = model_config(src_tok.get_vocab_size(), tgt_tok.get_vocab_size(), args)
    torch.manual_seed(args.seed)
    model = Seq2Seq(config)
    for n, p in model.named_parameters():  # uniform(-0.1, 0.1) as in Luong et al. 2015 §4.1
        torch.nn.init.uniform_(p, -0.1, 0.1)
    log.info(f"train {len(train)} pairs; parameters {common.count_parameters(model):,}")
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    per_epoch = math.ceil(len(train) / args.batch)
    total = per_epoch * args.epochs
    # Constant rate, then linear decay over the last half: small recurrent models on CPU get few epochs.
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, 2.0 * (total - s) / total))
    step, elapsed = 0, 0.0
    ckpt = run / "checkpoint.pt"
    if args.resume and ckpt.exists():
        state = common.load_checkpoint(ckpt)
        step, elapsed = common.restore(state, model, opt, schedule)
        log.info(f"resumed at step {step}")
    progress = common.Progress(log, total, step, args.log_every, elapsed, unit="tgt-tok")
    budget = common.Budget(args.max_minutes)
    model.train()

    def checkpoint() -> None:
        common.save_checkpoint(ckpt, model=model.state_dict(), optimizer=opt.state_dict(),
                               schedule=schedule.state_dict(), rng=common.rng_state(), step=step,
                               elapsed=progress.elapsed(), args=vars(args))

    stop = False
    while step < total and not stop:
        epoch = step // per_epoch
        plan = epoch_batches(train, args.batch, args.seed + epoch)
        for idx in plan[step % per_epoch:]:
            src, lengths, tgt_in, labels = make_batch([train[j] for j in idx])
            logits = model(src, lengths, tgt_in)
            loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=PAD,
                                                     label_smoothing=args.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            schedule.step()
            step += 1
            progress.update(step, loss.item(), int((labels != PAD).sum()), lr=schedule.get_last_lr()[0])
            if step % args.ckpt_every == 0:
                checkpoint()
            if budget.exhausted():
                log.info(f"time budget reached at step {step}")
                stop = True
                break
        if step % per_epoch == 0 or stop:
            log.info(f"epoch {epoch + 1} (step {step}): dev loss {dev_loss(model, dev):.4f} on {len(dev)} pairs")
    checkpoint()
    log.info(f"training done: {step}/{total} steps, {progress.elapsed() / 60:.1f} min")
    export(model, src_tok, tgt_tok, src_lang, common.RUNS / "export" / name, log)


if __name__ == "__main__":
    main()
