"""Evaluates a BertForPreTraining: MLM top-1/top-5 on masked tokens of the English corpus test split and of the
WikiText-2 test file, and NSP accuracy on held-out pairs of the corpus test split and of WikiText-2 test.

Masking for evaluation: 15 % of the non-special WordPiece tokens of each sequence are selected (seeded) and all
of them are replaced by [MASK] (no 80/10/10 mix), so the score is prediction of hidden tokens. Corpus sequences
are drawn like training pairs (bert_data.PairSampler, 128 tokens); WikiText sequences are 126-token windows of
each article, one segment. NSP pairs: 50 % true continuations, 50 % from another test document (corpus) or
article (WikiText).

    python training/eval_bert.py --model /work/runs/export/bert-en
    python training/eval_bert.py --start          # MiniLM encoder + fresh (seeded) heads, the starting point
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch
from transformers import BertForPreTraining

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from bert_data import PairSampler, build_batch, pretraining_logits, read_documents  # noqa: E402
from bert_setup import ensure_minilm, load_tokenizer, special_ids, starting_model  # noqa: E402


def wikitext_articles() -> list[list[str]]:
    """Articles of wiki.test.raw as lists of paragraphs (title lines ` = X = ` open one), WikiText's ` @-@ ` style
    joins undone, headings dropped."""
    articles: list[list[str]] = []
    for line in (common.DATA / "wikitext" / "wiki.test.raw").read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s.startswith("= ") and s.endswith(" =") and not s.startswith("= ="):
            articles.append([])
        elif s and not s.startswith("= =") and articles:
            articles[-1].append(s.replace(" @-@ ", "-").replace(" @,@ ", ",").replace(" @.@ ", "."))
    return [a for a in articles if a]


def wikitext_windows(tok, articles: list[list[str]], width: int) -> list[list[int]]:
    """Each article's WordPiece ids cut into windows of `width` tokens."""
    windows = []
    for article in articles:
        ids = [t for enc in tok.encode_batch(article, add_special_tokens=False) for t in enc.ids]
        windows += [ids[i:i + width] for i in range(0, len(ids) - width // 4, width)]
    return windows


def mlm_accuracy(model, pairs, ids, vocab: int, seed: int, target: int, batch: int = 16) -> dict:
    rng = random.Random(seed)
    top1 = top5 = n = 0
    for i in range(0, len(pairs), batch):
        b = build_batch(pairs[i:i + batch], ids["cls"], ids["sep"], ids["pad"], ids["mask"], vocab, rng,
                        always_mask=True)
        mlm, targets, _ = pretraining_logits(model, b)
        top = mlm.topk(5, dim=-1).indices
        top1 += (top[:, 0] == targets).sum().item()
        top5 += (top == targets[:, None]).any(-1).sum().item()
        n += len(targets)
        if n >= target:
            break
    return {"masked_tokens": n, "top1": top1 / n, "top5": top5 / n}


def nsp_accuracy(model, pairs, ids, vocab: int, batch: int = 32) -> dict:
    rng = random.Random(0)
    correct = 0
    for i in range(0, len(pairs), batch):
        b = build_batch(pairs[i:i + batch], ids["cls"], ids["sep"], ids["pad"], ids["mask"], vocab, rng,
                        mask_prob=0.0)
        b["labels"].fill_(-100)
        _, _, nsp = pretraining_logits(model, b)
        correct += (nsp.argmax(-1) == b["next_sentence_label"]).sum().item()
    return {"pairs": len(pairs), "accuracy": correct / len(pairs),
            "is_next_fraction": sum(1 for p in pairs if p[2] == 0) / len(pairs)}


def evaluate(model, tok, seed: int, masked: int, nsp_pairs: int) -> dict:
    ids, vocab = special_ids(tok), tok.get_vocab_size()
    docs = read_documents([common.DATA / "english-corpus" / "test.txt.gz"])
    rng = random.Random(seed)
    sampler = PairSampler(docs, tok, 128, rng, short_seq_prob=0.0)
    per_seq = int(0.15 * 125)
    corpus_pairs = [sampler.sample() for _ in range(masked // per_seq + 1)]
    nsp = [sampler.sample() for _ in range(nsp_pairs)]
    articles = wikitext_articles()
    wiki = wikitext_windows(tok, articles, 126)
    random.Random(seed + 1).shuffle(wiki)
    wiki_pairs = [(w, [], 0) for w in wiki[: masked // per_seq + 1]]
    # NSP on WikiText too: text from another source than the training corpus, drawn like the corpus pairs.
    wiki_sampler = PairSampler(articles, tok, 128, random.Random(seed + 3), short_seq_prob=0.0)
    wiki_nsp = [wiki_sampler.sample() for _ in range(nsp_pairs)]
    model.eval()
    with torch.no_grad():
        return {
            "corpus_test_mlm": mlm_accuracy(model, corpus_pairs, ids, vocab, seed, masked),
            "wikitext_test_mlm": mlm_accuracy(model, wiki_pairs, ids, vocab, seed + 2, masked),
            "corpus_test_nsp": nsp_accuracy(model, nsp, ids, vocab),
            "wikitext_test_nsp": nsp_accuracy(model, wiki_nsp, ids, vocab),
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, help="exported folder")
    ap.add_argument("--start", action="store_true", help="evaluate MiniLM + fresh heads instead")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--masked", type=int, default=3000)
    ap.add_argument("--nsp-pairs", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, help="write the metrics here (JSON)")
    args = ap.parse_args()
    common.setup(args.seed, args.threads)
    if args.start:
        model, name = starting_model(20240601), "all-MiniLM-L6-v2 + fresh MLM/NSP heads (seed 20240601)"
        tok = load_tokenizer(ensure_minilm() / "tokenizer.json")
    elif args.model:
        model, name = BertForPreTraining.from_pretrained(args.model, dtype=torch.float32), str(args.model)
        tok = load_tokenizer(args.model / "tokenizer.json")
    else:
        raise SystemExit("give --model DIR or --start")
    t0 = time.time()
    metrics = {"model": name, "vocabulary": tok.get_vocab_size(),
               **evaluate(model, tok, args.seed, args.masked, args.nsp_pairs),
               "seconds": round(time.time() - t0, 1)}
    print(json.dumps(metrics, indent=2))
    if args.out:
        common.write_json(args.out, metrics)


if __name__ == "__main__":
    main()
