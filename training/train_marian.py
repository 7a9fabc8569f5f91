"""translate-en-ja-marian / translate-ja-en-marian: a small Transformer in Marian's layout, on Tatoeba.

Model: `transformers.MarianMTModel` (Vaswani et al. 2017, post-norm, as opus-mt ships it): d_model 256,
3 encoder + 3 decoder layers, 4 heads, FFN 1024, swish, sinusoidal positions, embeddings scaled by
sqrt(d_model), one embedding table shared by encoder, decoder and the output layer. Tokenizers: SentencePiece
unigram (Kudo 2018), one per language trained on the train split, 8,000 pieces; English as the source is
case-folded (`nmt_nfkc_cf`: the cased GRU tokenizer split a sentence-initial "Dogs" into rare pieces),
otherwise `nmt_nfkc`. The joint vocab.json follows Marian: </s>=0, <unk>=1, source then target pieces
(shared where identical), <pad> last, which is also the decoder start token.

    nice -n 19 python training/train_marian.py --direction en-ja --epochs 4 --threads 2 --max-minutes 40
Outputs: /work/runs/translate-en-ja-marian/ (train.log, checkpoint.pt), export in
/work/runs/export/translate-en-ja-marian/ (see export_marian.py).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from pathlib import Path

import sentencepiece as spm
import torch
from transformers import MarianMTModel

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from export_marian import export, generation_config  # noqa: E402
from marian_setup import EOS, encode, load_tokenizers, model_config  # noqa: E402
from translation_setup import read_pairs  # noqa: E402


def epoch_batches(data, tokens: int, seed: int) -> list[list[int]]:
    """Seeded shuffle, pools of ~100 batches sorted by length, then batches of at most `tokens` padded
    positions on the longer side (train_translation.epoch_batches with a token budget instead of a row count)."""
    order = list(range(len(data)))
    random.Random(seed).shuffle(order)
    pool = max(1, tokens // 12) * 100
    out = []
    for i in range(0, len(order), pool):
        part = sorted(order[i:i + pool], key=lambda j: (len(data[j][1]), len(data[j][0])))
        batch, width = [], 0
        for j in part:
            w = max(width, len(data[j][0]), len(data[j][1]))
            if batch and w * (len(batch) + 1) > tokens:
                out.append(batch)
                batch, w = [], max(len(data[j][0]), len(data[j][1]))
            batch.append(j)
            width = w
        if batch:
            out.append(batch)
    random.Random(seed + 1).shuffle(out)
    return out


def make_batch(examples, pad: int):
    """input_ids [B, S] with attention_mask, decoder_input_ids [B, T] (<pad> as the start token, then the
    target shifted right, as shift_tokens_right does) and labels [B, T] (target, </s> last, <pad> after)."""
    def padded(rows):
        out = torch.full((len(rows), max(len(r) for r in rows)), pad, dtype=torch.long)
        for i, r in enumerate(rows):
            out[i, : len(r)] = torch.tensor(r)
        return out
    src, labels = padded([s for s, _ in examples]), padded([t for _, t in examples])
    decoder_in = torch.cat([torch.full((len(examples), 1), pad, dtype=torch.long), labels[:, :-1]], dim=1)
    return src, (src != pad).long(), decoder_in, labels


def init_embeddings(model: MarianMTModel, dim: int) -> None:
    """N(0, d^-1/2) for the shared table, as fairseq initialises a scaled-embedding Transformer, instead of
    transformers' N(0, 0.02): times sqrt(d) a token then has unit-size features, on par with the sinusoids
    (RMS 0.71), where from 0.02 they would be 0.32 at d 256 and the positions would dominate the input.
    The <pad> row starts at zero as transformers leaves it (it is the decoder start token too)."""
    table = model.model.shared
    with torch.no_grad():
        torch.nn.init.normal_(table.weight, std=dim ** -0.5)
        table.weight[table.padding_idx].zero_()


def lr_factor(schedule: str, warmup: int, total: int):
    if schedule == "linear":
        return common.linear_warmup_decay(warmup, total)

    def inverse_sqrt(step: int) -> float:  # Vaswani et al. 2017, §5.3
        return min((step + 1) / warmup, math.sqrt(warmup / (step + 1)))
    return inverse_sqrt


def loss_of(model, batch, pad: int, smoothing: float) -> tuple[torch.Tensor, int]:
    src, mask, decoder_in, labels = batch
    logits = model(input_ids=src, attention_mask=mask, decoder_input_ids=decoder_in).logits
    loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=pad,
                                             label_smoothing=smoothing)
    return loss, int((labels != pad).sum())


def dev_loss(model, data, pad: int, batch: int = 100) -> float:
    """Mean cross-entropy per target token, no label smoothing, dropout off."""
    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(data), batch):
            loss, n = loss_of(model, make_batch(data[i:i + batch], pad), pad, 0.0)
            total, count = total + loss.item() * n, count + n
    model.train()
    return total / count


def dev_bleu(model, sources: list[list[int]], references: list[str], target: spm.SentencePieceProcessor,
             vocab: dict[str, int], pad: int, direction: str, batch: int = 50) -> float:
    """Corpus BLEU of greedy translations of `sources` (ids) against `references`, scored as eval_translation.py
    scores the test split (`ja-mecab` for Japanese output, `13a` for English): the number checkpoints are
    selected on, never the test split. Greedy under the export's generation config; dropout off."""
    import sacrebleu
    pieces = {i: piece for piece, i in vocab.items()}
    config = generation_config(pad)
    config.num_beams = 1
    model.eval()
    hypotheses = []
    with torch.no_grad():
        for i in range(0, len(sources), batch):
            rows = sources[i:i + batch]
            width = max(len(r) for r in rows)
            ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows])
            out = model.generate(input_ids=ids, attention_mask=(ids != pad).long(), generation_config=config)
            for row in out.tolist():
                kept = [pieces[t] for t in row if t not in (EOS, pad) and t in pieces]
                hypotheses.append(target.decode_pieces(kept))
    model.train()
    tokenize = "ja-mecab" if direction.endswith("ja") else "13a"
    return sacrebleu.BLEU(tokenize=tokenize).corpus_score(hypotheses, [references]).score


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--direction", choices=("en-ja", "ja-en"), default="en-ja")
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--batch-tokens", type=int, default=2500, help="padded positions per batch (longer side)")
    ap.add_argument("--dim", type=int, default=256)
    ap.add_argument("--layers", type=int, default=3, help="encoder layers, and as many decoder layers")
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=1024)
    ap.add_argument("--max-positions", type=int, default=128)
    ap.add_argument("--vocab", type=int, default=8000, help="SentencePiece pieces per language")
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--lr", type=float, default=7e-4)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--warmup", type=int, default=300)
    ap.add_argument("--schedule", choices=("linear", "inverse-sqrt"), default="linear")
    ap.add_argument("--label-smoothing", type=float, default=0.1)
    ap.add_argument("--max-len", type=int, default=64, help="tokens per training side, </s> included")
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=100)
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--max-minutes", type=float, default=None)
    ap.add_argument("--resume", action="store_true")
    args = ap.parse_args()

    name = f"translate-{args.direction}-marian"
    run, log = common.start_run(args, name)
    src_lang, tgt_lang = args.direction.split("-")
    src_path, tgt_path, source, target, vocab = load_tokenizers(args, src_lang, tgt_lang, log)
    pad = len(vocab) - 1
    src_i = 0 if src_lang == "en" else 1

    def encoded(pairs):
        return list(zip(encode(source, vocab, [p[src_i] for p in pairs], args.max_len),
                        encode(target, vocab, [p[1 - src_i] for p in pairs], args.max_len)))
    dev_pairs = read_pairs("dev")[:500]
    train, dev = encoded(read_pairs("train")), encoded(dev_pairs)
    dev_references = [p[1 - src_i] for p in dev_pairs]
    torch.manual_seed(args.seed)
    model = MarianMTModel(model_config(len(vocab), args))
    init_embeddings(model, args.dim)
    plans = [epoch_batches(train, args.batch_tokens, args.seed + e) for e in range(args.epochs)]
    starts = [0]
    for plan in plans:
        starts.append(starts[-1] + len(plan))
    total = starts[-1]
    log.info(f"train {len(train)} pairs, {sum(len(t) for _, t in train):,} target tokens, vocab {len(vocab):,}; "
             f"parameters {common.count_parameters(model):,}; {len(plans[0])} batches in epoch 1, {total} steps")

    trained = [p for p in model.parameters() if p.requires_grad]  # the sinusoidal table is frozen
    groups = [{"params": [p for p in trained if p.dim() >= 2], "weight_decay": args.weight_decay},
              {"params": [p for p in trained if p.dim() < 2], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=args.lr, betas=(0.9, 0.98), eps=1e-9)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor(args.schedule, args.warmup, total))
    step, elapsed = 0, 0.0
    ckpt = run / "checkpoint.pt"
    if args.resume and ckpt.exists():
        step, elapsed = common.restore(common.load_checkpoint(ckpt), model, opt, schedule)
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
        epoch = max(e for e in range(args.epochs) if starts[e] <= step)
        for idx in plans[epoch][step - starts[epoch]:]:
            loss, n = loss_of(model, make_batch([train[j] for j in idx], pad), pad, args.label_smoothing)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trained, 1.0)
            opt.step()
            schedule.step()
            step += 1
            progress.update(step, loss.item(), n, lr=schedule.get_last_lr()[0])
            if step % args.ckpt_every == 0:
                checkpoint()
            if budget.exhausted():
                log.info(f"time budget reached at step {step}")
                stop = True
                break
        if step == starts[epoch + 1]:
            # A finished epoch: dev loss and greedy dev BLEU go to the log and to curve.json, and the model is
            # kept as best.pt while dev BLEU improves (what an export should be made from; see the README).
            loss = dev_loss(model, dev, pad)
            bleu = dev_bleu(model, [s for s, _ in dev], dev_references, target, vocab, pad, args.direction)
            log.info(f"epoch {epoch + 1} (step {step}): dev loss {loss:.4f}, dev BLEU {bleu:.2f} (greedy) "
                     f"on {len(dev)} pairs")
            curve_path = run / "curve.json"
            curve = json.loads(curve_path.read_text()) if curve_path.exists() else []
            curve = [c for c in curve if c["epoch"] != epoch + 1] + [
                {"epoch": epoch + 1, "step": step, "dev_loss": loss, "dev_bleu": bleu,
                 "minutes": round(progress.elapsed() / 60, 1)}]
            common.write_json(curve_path, curve)
            if bleu >= max(c["dev_bleu"] for c in curve):
                common.save_checkpoint(run / "best.pt", model=model.state_dict(), step=step, epoch=epoch + 1,
                                       dev_bleu=bleu, args=vars(args))
                log.info(f"best dev BLEU so far: model kept in {run / 'best.pt'}")
        elif stop:
            log.info(f"stopped in epoch {epoch + 1} (step {step}): dev loss {dev_loss(model, dev, pad):.4f} "
                     f"on {len(dev)} pairs")
    checkpoint()
    log.info(f"training done: {step}/{total} steps, {progress.elapsed() / 60:.1f} min")
    export(model, src_path, tgt_path, vocab, args.direction, common.RUNS / "export" / name, log)


if __name__ == "__main__":
    main()
