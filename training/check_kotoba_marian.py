"""Checks that Kotoba translates an exported Marian model exactly as transformers' `generate` does, on the first
N sources of the Tatoeba test split, greedy and beam 4 (the golden self-check covers only three sentences).

    swift build -c release --product kotoba
    python training/check_kotoba_marian.py --model Models/translate-ja-en --n 300
Prints how many outputs are identical per search and every one that is not; exits 1 if any differs.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import torch
from transformers import MarianMTModel, MarianTokenizer

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from eval_marian import translate  # noqa: E402
from translation_setup import read_pairs  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--kotoba", type=Path, default=Path(".build/release/kotoba"))
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    common.setup(0, args.threads)
    model = MarianMTModel.from_pretrained(str(args.model), dtype=torch.float32).eval()
    tokenizer = MarianTokenizer.from_pretrained(str(args.model))
    side = 1 if tokenizer.source_lang == "ja" else 0
    sources = [pair[side] for pair in read_pairs("test")[: args.n]]
    differ = 0
    for beam in (1, 4):
        expected = translate(model, tokenizer, sources, beam, 16)
        answer = subprocess.run([str(args.kotoba), "translate", "--model", str(args.model), "--beam", str(beam),
                                 *sources], capture_output=True, text=True, check=True).stdout
        got = [r["translations"][0]["translation_text"] for r in json.loads(answer)["results"]]
        same = sum(a == b for a, b in zip(expected, got))
        print(f"beam {beam}: Kotoba equals transformers generate on {same}/{len(sources)}")
        for source, a, b in zip(sources, expected, got):
            if a != b:
                print(f"  {source!r}: transformers {a!r}, Kotoba {b!r}")
        differ += len(sources) - same
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
