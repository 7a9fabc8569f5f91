"""Accuracy of int8 against fp32 on the shipped models, both served by one Kotoba process through the HTTP API
(each model configured twice: as stored, and with "quantization": "int8"), so the numbers are what a client gets.

- sentiment-en: SST-2 dev accuracy (872 sentences) through /classify.
- bert-en: masked-word top-1/top-5 through /fill-mask on the English corpus test split: sentences of 8-40 words,
  one whole word that is a single WordPiece replaced by [MASK] per sentence (seeded), N sentences (default 2000).
- translate-ja-en / translate-en-ja: BLEU and chrF (sacrebleu; ja-mecab for Japanese output) on the Tatoeba test
  split through /translate with the server's default decoding (the models' generation_config.json: beam 4).

    swift build -c release --product kotoba
    /opt/kotoba-venv/bin/python bench/int8/accuracy.py [--masked 2000] [--pairs 2000] [--out int8-accuracy.json]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import sys
import time
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "training"))
from kotoba_server import KotobaServer  # noqa: E402

DATA = Path(os.environ.get("KOTOBA_DATA", ROOT.parent / "shared" / "data"))
BATCH = 64  # the default config's requests.max_inputs


class Server(KotobaServer):
    """`kotoba serve` with each model twice: `name` and `name-int8`."""

    def __init__(self, binary: Path, models: list[tuple[str, str, str]]):
        entries = []
        for name, task, path in models:
            entries.append({"name": name, "task": task, "path": str(ROOT / path)})
            entries.append({"name": name + "-int8", "task": task, "path": str(ROOT / path), "quantization": "int8"})
        super().__init__(binary, entries, max_inputs=BATCH)

    def results(self, path: str, model: str, texts: list[str], **options) -> list[dict]:
        out = []
        for i in range(0, len(texts), BATCH):
            out += self.post(path, dict(options, model=model, text=texts[i:i + BATCH]))["results"]
        return out


def sst2(server: Server) -> dict:
    lines = (DATA / "sst2" / "dev.tsv").read_text(encoding="utf-8").splitlines()[1:]
    pairs = [(s.strip(), int(label)) for s, label in (line.rsplit("\t", 1) for line in lines)]
    scores = {}
    for model in ("sentiment-en", "sentiment-en-int8"):
        results = server.results("/classify", model, [text for text, _ in pairs])
        right = sum((r["predictions"][0]["label"] == "POSITIVE") == (label == 1) for r, (_, label) in zip(results, pairs))
        scores[model] = round(right / len(pairs), 4)
    return {"sentences": len(pairs), "accuracy": scores}


def masked_words(count: int, seed: int) -> list[tuple[str, str]]:
    vocab = json.loads((ROOT / "Models" / "bert-en" / "tokenizer.json").read_text())["model"]["vocab"]
    rng = random.Random(seed)
    sentences = []
    with gzip.open(DATA / "english-corpus" / "test.txt.gz", "rt", encoding="utf-8") as corpus:
        for line in corpus:
            if line.startswith("=") or not line.strip():
                continue
            for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
                words = sentence.split()
                if 8 <= len(words) <= 40:
                    sentences.append(words)
    rng.shuffle(sentences)
    examples = []
    for words in sentences:
        candidates = [i for i, w in enumerate(words) if w.isalpha() and w.islower() and w in vocab]
        if not candidates:
            continue
        i = rng.choice(candidates)
        examples.append((" ".join(words[:i] + ["[MASK]"] + words[i + 1:]), words[i]))
        if len(examples) == count:
            break
    return examples


def mlm(server: Server, count: int) -> dict:
    examples = masked_words(count, seed=20261207)
    scores = {}
    for model in ("bert-en", "bert-en-int8"):
        results = server.results("/fill-mask", model, [text for text, _ in examples], top_k=5)
        top1 = top5 = 0
        for result, (_, word) in zip(results, examples):
            guesses = [p["token_str"] for p in result["predictions"][0]]  # one list per mask
            top1 += guesses[0] == word
            top5 += word in guesses
        scores[model] = {"top1": round(top1 / len(examples), 4), "top5": round(top5 / len(examples), 4)}
    return {"masked_words": len(examples), "scores": scores}


def bleu(server: Server, direction: str, limit: int) -> dict:
    pairs = [line.split("\t") for line in (DATA / "tatoeba-en-ja" / "test.tsv").read_text(encoding="utf-8").splitlines()]
    pairs = pairs[:limit]
    source = 0 if direction == "en-ja" else 1
    sources, refs = [p[source] for p in pairs], [p[1 - source] for p in pairs]
    tokenize = "ja-mecab" if direction == "en-ja" else "13a"
    scores = {}
    for model in (f"translate-{direction}", f"translate-{direction}-int8"):
        started = time.time()
        hyps = [r["translations"][0]["translation_text"] for r in server.results("/translate", model, sources)]
        scores[model] = {"bleu": round(sacrebleu.BLEU(tokenize=tokenize).corpus_score(hyps, [refs]).score, 2),
                         "chrf": round(sacrebleu.CHRF().corpus_score(hyps, [refs]).score, 2),
                         "seconds": round(time.time() - started, 1)}
        print(f"  {model}: {scores[model]}", flush=True)
    return {"pairs": len(pairs), "bleu_tokenize": tokenize, "scores": scores}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kotoba", type=Path, default=ROOT / ".build" / "release" / "kotoba")
    ap.add_argument("--masked", type=int, default=2000)
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--only", choices=["sst2", "mlm", "bleu"], action="append")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    parts = args.only or ["sst2", "mlm", "bleu"]
    server = Server(args.kotoba, [("sentiment-en", "text-classification", "Models/sentiment-en"),
                                  ("bert-en", "fill-mask", "Models/bert-en"),
                                  ("translate-ja-en", "translation", "Models/translate-ja-en"),
                                  ("translate-en-ja", "translation", "Models/translate-en-ja")])
    report = {}
    try:
        if "sst2" in parts:
            report["sst2_dev"] = sst2(server)
            print("SST-2 dev:", report["sst2_dev"], flush=True)
        if "mlm" in parts:
            report["mlm"] = mlm(server, args.masked)
            print("MLM:", report["mlm"], flush=True)
        if "bleu" in parts:
            for direction in ("ja-en", "en-ja"):
                print(f"translate {direction}:", flush=True)
                report[f"translate_{direction}"] = bleu(server, direction, args.pairs)
    finally:
        server.close()
    print(json.dumps(report, indent=1, ensure_ascii=False))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
