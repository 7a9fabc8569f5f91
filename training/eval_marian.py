"""BLEU and chrF (sacrebleu) of an exported Marian model (train_marian.py) on the Tatoeba test split, greedy
and beam 4, decoded with transformers' `generate` under the export's generation_config.json.

Scored exactly as eval_translation.py scores the GRU models (same split, `ja-mecab` for Japanese output, `13a`
for English, default chrF2) and written in the same JSON shape, so the two compare directly.

    python training/eval_marian.py --model /work/runs/export/translate-en-ja-marian --out metrics.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

import sacrebleu
import torch
from transformers import MarianMTModel, MarianTokenizer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from train_translation import read_pairs  # noqa: E402

# No sacremoses in the pinned venv (nor in Kotoba): MarianTokenizer skips its punctuation normaliser.
warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses.")


def translate(model, tokenizer, texts: list[str], beam: int, batch: int) -> list[str]:
    """Batches of similar source length (less padding), results put back in input order."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out: list[str] = [""] * len(texts)
    for i in range(0, len(order), batch):
        idx = order[i:i + batch]
        inputs = tokenizer([texts[j] for j in idx], return_tensors="pt", padding=True)
        with torch.no_grad():
            ids = model.generate(**inputs, num_beams=beam)
        for j, text in zip(idx, tokenizer.batch_decode(ids, skip_special_tokens=True)):
            out[j] = text
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--limit", type=int, default=None, help="first N test pairs only (smoke tests)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    common.setup(0, args.threads)
    model = MarianMTModel.from_pretrained(str(args.model), dtype=torch.float32).eval()
    tokenizer = MarianTokenizer.from_pretrained(str(args.model))
    direction = f"{tokenizer.source_lang}-{tokenizer.target_lang}"
    src_i = 0 if direction.startswith("en") else 1
    pairs = read_pairs("test")[: args.limit]
    sources, refs = [p[src_i] for p in pairs], [p[1 - src_i] for p in pairs]
    bleu_tok = "ja-mecab" if direction.endswith("ja") else "13a"
    metrics = {"model": str(args.model), "test_pairs": len(pairs), "bleu_tokenize": bleu_tok}
    for name, beam, batch in (("greedy", 1, 100), ("beam4", 4, 50)):
        t0 = time.time()
        hyps = translate(model, tokenizer, sources, beam, batch)
        bleu_metric, chrf_metric = sacrebleu.BLEU(tokenize=bleu_tok), sacrebleu.CHRF()
        bleu, chrf = bleu_metric.corpus_score(hyps, [refs]), chrf_metric.corpus_score(hyps, [refs])
        metrics[name] = {"bleu": round(bleu.score, 2), "chrf": round(chrf.score, 2),
                         "bleu_signature": str(bleu_metric.get_signature()),
                         "chrf_signature": str(chrf_metric.get_signature()), "seconds": round(time.time() - t0, 1),
                         "examples": [{"source": s, "reference": r, "output": h}
                                      for s, r, h in list(zip(sources, refs, hyps))[:5]]}
        print(f"{name}: BLEU {bleu.score:.2f} chrF {chrf.score:.2f} ({time.time() - t0:.0f} s)", flush=True)
    print(json.dumps(metrics, indent=2, ensure_ascii=False))
    if args.out:
        common.write_json(args.out, metrics)


if __name__ == "__main__":
    main()
