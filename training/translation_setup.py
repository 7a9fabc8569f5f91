"""What train_translation.py, export_translation.py and the evaluation scripts share: the Tatoeba pairs, the
per-language Unigram tokenizers, the golden sentences and the seq2seq configuration, so the scripts import
from here and never from each other (train → export → here, one way).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, os.environ.get("KOTOBA_REFERENCE", str(HERE / "reference")))
import common  # noqa: E402
from seq2seq import Seq2SeqConfig  # noqa: E402  (training/reference)

DEFAULT_CELL = "gru"


SPECIALS = ["<pad>", "<s>", "</s>", "<unk>"]


PAD, BOS, EOS, UNK = range(4)


GOLDEN = {"en": ["Dogs are cute.", "I like to read books.", "Where is the station?"],
          "ja": ["犬はかわいい。", "私は本を読むのが好きです。", "駅はどこですか。"]}


def read_pairs(split: str) -> list[tuple[str, str]]:
    path = common.DATA / "tatoeba-en-ja" / f"{split}.tsv"
    return [tuple(line.split("\t")) for line in path.read_text(encoding="utf-8").splitlines()]


def train_tokenizer(lines: list[str], vocab: int, lowercase: bool = False) -> Tokenizer:
    """Unigram over NFKC text (lower-cased too with `lowercase`), Metaspace pre-tokenisation (▁ marks word
    starts; Japanese text, having no spaces, is one "word" per run of non-space), EOS appended by the
    post-processor."""
    tok = Tokenizer(models.Unigram())
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()]) if lowercase \
        else normalizers.NFKC()
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    trainer = trainers.UnigramTrainer(vocab_size=vocab, special_tokens=SPECIALS, unk_token="<unk>",
                                      max_piece_length=16, shrinking_factor=0.75, n_sub_iterations=2)
    tok.train_from_iterator(lines, trainer=trainer, length=len(lines))
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", EOS)])
    for i, s in enumerate(SPECIALS):
        if tok.token_to_id(s) != i:
            raise SystemExit(f"special token {s} has id {tok.token_to_id(s)}, expected {i}")
    return tok


def tokenizers_for(vocab: int, log, lowercase_en: bool = False) -> dict[str, Tokenizer]:
    """One tokenizer per language, shared by both directions; trained once and cached in /work/runs.
    `lowercase_en` gives the English one a Lowercase normalizer (for English sources: a cased vocabulary
    splits a sentence-initial "Dogs" into rare pieces that the model has seldom seen)."""
    folder = common.run_dir("translation-tokenizers")
    pairs = read_pairs("train")
    out = {}
    for i, lang in enumerate(("en", "ja")):
        lower = lowercase_en and lang == "en"
        path = folder / f"{lang}{'-lower' if lower else ''}-{vocab}.json"
        if not path.exists():
            log.info(f"training the {lang} Unigram tokenizer ({vocab} pieces{', lower-cased' if lower else ''})")
            train_tokenizer([p[i] for p in pairs], vocab, lower).save(str(path))
        out[lang] = Tokenizer.from_file(str(path))
    return out


def pad(rows: list[list[int]]) -> torch.Tensor:
    out = torch.full((len(rows), max(len(r) for r in rows)), PAD, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r)
    return out


def run_name(direction: str, cell: str) -> str:
    """translate-en-ja for the shipped GRU models, translate-en-ja-<cell> for any other cell."""
    return f"translate-{direction}" + ("" if cell == DEFAULT_CELL else f"-{cell}")


def model_config(src_vocab: int, tgt_vocab: int, args) -> Seq2SeqConfig:
    # Checkpoints saved before --cell existed are GRU.
    return Seq2SeqConfig(
        src_vocab_size=src_vocab, tgt_vocab_size=tgt_vocab, embedding_size=args.dim, hidden_size=args.dim,
        cell_type=getattr(args, "cell", DEFAULT_CELL), encoder_layers=1, decoder_layers=1, bidirectional_encoder=True,
        attention_type="bahdanau", attention_size=args.dim, input_feeding=True, tie_embeddings=True,
        residual=False, dropout=args.dropout, pad_token_id=PAD, bos_token_id=BOS, eos_token_id=EOS,
        unk_token_id=UNK, decoder_start_token_id=BOS, max_length=64)
