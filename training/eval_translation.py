"""BLEU and chrF (sacrebleu) of an exported translation model on the Tatoeba test split, greedy and beam 4,
decoded with the reference module's own search (training/reference/search.py).

Japanese output is scored with sacrebleu's `ja-mecab` tokenizer (mecab-python3 + ipadic), English with `13a`;
chrF is character n-grams (default chrF2), independent of word segmentation.

    python training/eval_translation.py --model /work/runs/export/translate-en-ja --out metrics.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import sacrebleu
import torch
from tokenizers import Tokenizer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from export_translation import SOURCE_TOKENIZER, TARGET_TOKENIZER  # noqa: E402
from search import beam_search, greedy_search  # noqa: E402
from seq2seq import Seq2Seq  # noqa: E402  (training/reference)
from translation_setup import pad, read_pairs  # noqa: E402


def translate(model, src_tok, tgt_tok, texts, beam: int, batch: int) -> list[str]:
    out = []
    for i in range(0, len(texts), batch):
        ids = [src_tok.encode(t).ids for t in texts[i:i + batch]]
        src, lengths = pad(ids), torch.tensor([len(x) for x in ids])
        if beam == 1:
            res = greedy_search(model, src, lengths, max_new_tokens=model.config.max_length)
        else:
            res = beam_search(model, src, lengths, num_beams=beam, max_new_tokens=model.config.max_length,
                              length_penalty=1.0, early_stopping=False)
        out += [tgt_tok.decode(r[0], skip_special_tokens=True) for r in res.sequences]
    return out


def load_gru(directory: Path):
    """(direction, translate_batch) of an exported GRU model; the folder name says the direction."""
    model = Seq2Seq.from_pretrained(directory).float().eval()
    src_tok = Tokenizer.from_file(str(directory / SOURCE_TOKENIZER))
    tgt_tok = Tokenizer.from_file(str(directory / TARGET_TOKENIZER))
    return (directory.name.removeprefix("translate-"),
            lambda sources, beam, batch: translate(model, src_tok, tgt_tok, sources, beam, batch))


def run_cli(description: str, load) -> None:
    """The command line both eval scripts share: `load(model folder) -> (direction, translate_batch)`, then the
    metrics printed and, with --out, written as JSON."""
    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=None, help="first N test pairs only (smoke tests)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    common.setup(0, args.threads)
    direction, translate_batch = load(args.model)
    metrics = evaluate(args.model, direction, args.limit, translate_batch)
    print(json.dumps(metrics, indent=2, ensure_ascii=False))
    if args.out:
        common.write_json(args.out, metrics)


def main() -> None:
    run_cli(__doc__, load_gru)


def evaluate(model_path: Path, direction: str, limit: int | None, translate_batch) -> dict:
    """BLEU and chrF on the Tatoeba test split of `translate_batch(sources, beam, batch) -> outputs`, greedy and
    beam 4, with five examples each; eval_marian.py scores its models through the same function."""
    src_i = 0 if direction.startswith("en") else 1
    pairs = read_pairs("test")[:limit]
    sources, refs = [p[src_i] for p in pairs], [p[1 - src_i] for p in pairs]
    bleu_tok = "ja-mecab" if direction.endswith("ja") else "13a"
    metrics = {"model": str(model_path), "test_pairs": len(pairs), "bleu_tokenize": bleu_tok}
    for name, beam, batch in (("greedy", 1, 100), ("beam4", 4, 50)):
        t0 = time.time()
        hyps = translate_batch(sources, beam, batch)
        bleu_metric, chrf_metric = sacrebleu.BLEU(tokenize=bleu_tok), sacrebleu.CHRF()
        bleu, chrf = bleu_metric.corpus_score(hyps, [refs]), chrf_metric.corpus_score(hyps, [refs])
        metrics[name] = {"bleu": round(bleu.score, 2), "chrf": round(chrf.score, 2),
                         "bleu_signature": str(bleu_metric.get_signature()),
                         "chrf_signature": str(chrf_metric.get_signature()), "seconds": round(time.time() - t0, 1),
                         "examples": [{"source": s, "reference": r, "output": h}
                                      for s, r, h in list(zip(sources, refs, hyps))[:5]]}
        print(f"{name}: BLEU {bleu.score:.2f} chrF {chrf.score:.2f} ({time.time() - t0:.0f} s)", flush=True)
    return metrics


if __name__ == "__main__":
    main()
