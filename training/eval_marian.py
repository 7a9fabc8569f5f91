"""BLEU and chrF (sacrebleu) of an exported Marian model (train_marian.py) on the Tatoeba test split, greedy
and beam 4, decoded with transformers' `generate` under the export's generation_config.json.

Scored exactly as eval_translation.py scores the GRU models (same split, `ja-mecab` for Japanese output, `13a`
for English, default chrF2) and written in the same JSON shape, so the two compare directly.

    python training/eval_marian.py --model /work/runs/export/translate-en-ja-marian --out metrics.json
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import torch
from transformers import MarianMTModel, MarianTokenizer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from eval_translation import run_cli  # noqa: E402

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


def load_marian(directory: Path):
    """(direction, translate_batch) of an exported Marian model; its tokenizer config says the direction."""
    model = MarianMTModel.from_pretrained(str(directory), dtype=torch.float32).eval()
    tokenizer = MarianTokenizer.from_pretrained(str(directory))
    return (f"{tokenizer.source_lang}-{tokenizer.target_lang}",
            lambda sources, beam, batch: translate(model, tokenizer, sources, beam, batch))


def main() -> None:
    run_cli(__doc__, load_marian)


if __name__ == "__main__":
    main()
