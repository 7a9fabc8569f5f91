"""The WordPiece vocabulary of option (a) (bert-en-scratch), trained on the English corpus train shards.

Same pipeline as BERT's uncased tokenizer (and all-MiniLM-L6-v2's tokenizer.json): BertNormalizer (clean text,
CJK spacing, lower case, accents stripped with lower-casing), BertPreTokenizer, WordPiece with `##`
continuations, `[CLS] A [SEP] B [SEP]` post-processing with segment ids 0/1. Specials take ids 0-4, so the
vocabulary is [PAD] [UNK] [CLS] [SEP] [MASK] then the learned pieces. Deterministic for the same data.

    python training/train_wordpiece.py --vocab 16000
Output: /work/runs/wordpiece-en/tokenizer.json (train_bert.py --from-scratch reads it).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from bert_data import read_documents  # noqa: E402

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train(paragraphs: list[str], vocab_size: int) -> Tokenizer:
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]", continuing_subword_prefix="##", max_input_chars_per_word=100))
    tok.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None,
                                                lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.decoder = decoders.WordPiece(prefix="##", cleanup=True)
    trainer = trainers.WordPieceTrainer(vocab_size=vocab_size, min_frequency=2, special_tokens=SPECIALS,
                                        continuing_subword_prefix="##", show_progress=False)
    tok.train_from_iterator(paragraphs, trainer=trainer, length=len(paragraphs))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return tok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--vocab", type=int, default=16000)
    ap.add_argument("--out", type=Path, default=common.RUNS / "wordpiece-en")
    args = ap.parse_args()
    shards = sorted((common.DATA / "english-corpus").glob("train-*.txt.gz"))
    t0 = time.time()
    paragraphs = [p for doc in read_documents(shards) for p in doc]
    tok = train(paragraphs, args.vocab)
    if [tok.token_to_id(s) for s in SPECIALS] != list(range(len(SPECIALS))):
        raise SystemExit("special tokens did not get ids 0-4")
    args.out.mkdir(parents=True, exist_ok=True)
    tok.save(str(args.out / "tokenizer.json"))
    sample = "The children played in the park after school."
    print(f"{len(paragraphs):,} paragraphs from {len(shards)} shards; vocabulary {tok.get_vocab_size():,}; "
          f"{time.time() - t0:.0f} s; {sample!r} -> {tok.encode(sample).tokens}")
    print(f"wrote {args.out / 'tokenizer.json'}")


if __name__ == "__main__":
    main()
