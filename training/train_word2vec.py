"""Trains the default word vectors, Models/word2vec-en: skip-gram and CBOW with negative sampling (Mikolov et
al. 2013) on ../shared/data/english-corpus, with gensim, under the same budget; evaluates both with gensim's
own evaluators on its shipped test data (the Google analogy set questions-words.txt, WordSim-353 and
SimLex-999); and exports the better one, its vocabulary cut to the most frequent words so the folder stays
near 20 MB, with a model card comparing both.

Run with the pinned word2vec venv (training/requirements-word2vec.txt); about 10 minutes per model on 2 cores:
    /opt/gensim-venv/bin/python training/train_word2vec.py
Outputs: /work/runs/word2vec-en/ (corpus.txt, skipgram.kv, cbow.kv, scores.json, train.log) and the finished
folder /work/runs/export/word2vec-en/ (vectors.bin, README.md). Copy that folder to Models/word2vec-en.
A finished model is not retrained when its .kv file exists, so a run cut short resumes at the next model.
"""

import argparse
import gzip
import json
import logging
import os
import re
import sys
import time
from pathlib import Path

import gensim
from gensim.models import KeyedVectors, Word2Vec
from gensim.test.utils import datapath

RUNS = Path(os.environ.get("KOTOBA_RUNS", "/work/runs"))
DATA = Path(os.environ.get("KOTOBA_DATA", "/work/shared/data"))
TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")


def write_corpus(path: Path, log: logging.Logger) -> int:
    """One paragraph per line, lower-cased words (apostrophes kept inside words); titles and blank lines out."""
    words = 0
    with path.open("w", encoding="utf-8") as out:
        for shard in sorted((DATA / "english-corpus").glob("train-*.txt.gz")):
            with gzip.open(shard, "rt", encoding="utf-8") as lines:
                for line in lines:
                    line = line.strip()
                    if not line or (line.startswith("= ") and line.endswith(" =")):
                        continue
                    tokens = TOKEN.findall(line.lower().replace("’", "'"))
                    if tokens:
                        out.write(" ".join(tokens) + "\n")
                        words += len(tokens)
    log.info(f"corpus: {words:,} words from the train shards into {path}")
    return words


def evaluate(vectors: KeyedVectors, restrict: int) -> dict:
    """gensim's evaluators, over the `restrict` most frequent words (what ships)."""
    analogy, sections = vectors.evaluate_word_analogies(datapath("questions-words.txt"), restrict_vocab=restrict)
    semantic = [s for s in sections if s["section"] != "Total accuracy" and not s["section"].startswith("gram")]
    syntactic = [s for s in sections if s["section"].startswith("gram")]
    def share(parts):
        right = sum(len(s["correct"]) for s in parts)
        return right / max(1, right + sum(len(s["incorrect"]) for s in parts))
    answered = sum(len(s["correct"]) + len(s["incorrect"]) for s in sections if s["section"] == "Total accuracy")
    scores = {"analogy_accuracy": analogy, "analogy_semantic": share(semantic), "analogy_syntactic": share(syntactic),
              "analogy_questions_answered": answered}
    for name, file in [("wordsim353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")]:
        pearson, spearman, oov = vectors.evaluate_word_pairs(datapath(file), restrict_vocab=restrict)
        scores[name] = {"pearson": float(pearson[0]), "spearman": float(spearman.correlation), "oov_percent": float(oov)}
    return scores


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dimensions", type=int, default=100)
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--negative", type=int, default=5)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--ship-words", type=int, default=48_000, help="most frequent words kept in the export (~20 MB)")
    ap.add_argument("--seed", type=int, default=20261207)
    args = ap.parse_args()

    run = RUNS / "word2vec-en"
    run.mkdir(parents=True, exist_ok=True)
    log = logging.getLogger("word2vec")
    log.setLevel(logging.INFO)
    fmt = logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    fmt.converter = time.gmtime
    for handler in (logging.StreamHandler(sys.stdout), logging.FileHandler(run / "train.log", mode="a")):
        handler.setFormatter(fmt)
        log.addHandler(handler)
    log.info(f"args {vars(args)}; gensim {gensim.__version__}")

    corpus = run / "corpus.txt"
    words = write_corpus(corpus, log) if not corpus.exists() else sum(len(l.split()) for l in corpus.open())
    results = {"args": vars(args), "gensim": gensim.__version__, "corpus_words": words, "models": {}}
    scores_path = run / "scores.json"
    if scores_path.exists():
        results["models"] = json.loads(scores_path.read_text())["models"]
    for name, sg in [("skipgram", 1), ("cbow", 0)]:
        saved = run / f"{name}.kv"
        if saved.exists() and name in results["models"]:
            log.info(f"{name}: already trained ({saved})")
            continue
        started = time.time()
        model = Word2Vec(corpus_file=str(corpus), vector_size=args.dimensions, window=args.window, sg=sg, hs=0,
                         negative=args.negative, min_count=args.min_count, epochs=args.epochs, workers=args.workers,
                         seed=args.seed)
        minutes = (time.time() - started) / 60
        model.wv.save(str(saved))
        scores = evaluate(model.wv, args.ship_words)
        results["models"][name] = {"train_minutes": round(minutes, 1), "vocabulary": len(model.wv), **scores}
        log.info(f"{name}: {minutes:.1f} min, vocabulary {len(model.wv):,}, scores {json.dumps(scores)}")
        scores_path.write_text(json.dumps(results, indent=1) + "\n")

    def rank(entry):  # analogies first (the README's king - man + woman), then similarity correlations
        return entry["analogy_accuracy"] + entry["wordsim353"]["spearman"] + entry["simlex999"]["spearman"]
    best = max(results["models"], key=lambda n: rank(results["models"][n]))
    results["shipped"] = best
    scores_path.write_text(json.dumps(results, indent=1) + "\n")
    full = KeyedVectors.load(str(run / f"{best}.kv"))
    kept = full.index_to_key[:args.ship_words]
    cut = KeyedVectors(vector_size=full.vector_size)
    cut.add_vectors(kept, full.vectors[:len(kept)])
    export = RUNS / "export" / "word2vec-en"
    export.mkdir(parents=True, exist_ok=True)
    cut.save_word2vec_format(str(export / "vectors.bin"), binary=True)
    check = KeyedVectors.load_word2vec_format(str(export / "vectors.bin"), binary=True)
    example = check.most_similar(positive=["king", "woman"], negative=["man"], topn=5)
    results["example_king_man_woman"] = [[w, round(float(s), 4)] for w, s in example]
    # The server's start-up self-check (GoldenCheck): gensim's answer to the README's analogy, from the
    # exported file itself.
    golden = {"request": {"positive": ["king", "woman"], "negative": ["man"], "top_k": 5},
              "results": [{"word": w, "score": float(s)} for w, s in example]}
    (export / "kotoba-golden.json").write_text(json.dumps(golden, indent=1) + "\n")
    scores_path.write_text(json.dumps(results, indent=1) + "\n")
    (export / "scores.json").write_text(json.dumps(results, indent=1) + "\n")
    log.info(f"shipped {best}: {len(kept):,} words, {os.path.getsize(export / 'vectors.bin') / 1e6:.1f} MB; "
             f"king - man + woman: {example}")


if __name__ == "__main__":
    main()
