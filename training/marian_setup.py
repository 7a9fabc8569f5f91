"""What train_marian.py and export_marian.py share: the SentencePiece tokenizers (trained once per language and
cached), the joint vocab.json, source/target encoding and the MarianConfig, so the two import from here and
never from each other (train → export → here, one way).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import sentencepiece as spm
from transformers import MarianConfig

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from translation_setup import read_pairs  # noqa: E402

EOS, UNK = 0, 1  # Marian's vocab.json convention; <pad> is the last id


def spm_rule(lang: str, side: str) -> str:
    """Case folding only for an English source: the output side must keep the case it is scored on."""
    return "nmt_nfkc_cf" if (lang, side) == ("en", "source") else "nmt_nfkc"


def train_spm(lines: list[str], vocab: int, rule: str, coverage: float) -> bytes:
    """One trainer thread whatever --threads says: SentencePiece's unigram result depends on the thread count."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=model, vocab_size=vocab, model_type="unigram",
        normalization_rule_name=rule, character_coverage=coverage, num_threads=1,
        hard_vocab_limit=False, minloglevel=2)
    return model.getvalue()


def spm_paths(args, src_lang: str, tgt_lang: str, log) -> tuple[Path, Path]:
    """source.spm and target.spm, trained once per (language, size, rule) and cached in /work/runs."""
    folder = common.run_dir("marian-tokenizers")
    pairs = read_pairs("train")
    out = []
    for lang, side in ((src_lang, "source"), (tgt_lang, "target")):
        rule = spm_rule(lang, side)
        path = folder / f"{lang}-{args.vocab}-{rule}.spm"
        if not path.exists():
            log.info(f"training the {lang} SentencePiece unigram ({args.vocab} pieces, {rule})")
            column = [p[0 if lang == "en" else 1] for p in pairs]
            # Japanese has thousands of kanji; 0.9995 (SentencePiece's default) leaves the rarest as <unk>.
            path.write_bytes(train_spm(column, args.vocab, rule, 1.0 if lang == "en" else 0.9995))
        out.append(path)
    return out[0], out[1]


def joint_vocab(source: spm.SentencePieceProcessor, target: spm.SentencePieceProcessor) -> dict[str, int]:
    """Marian's vocab.json: </s>, <unk>, then every piece of both models once (SentencePiece's own <unk>,
    <s>, </s> at ids 0-2 skipped), <pad> last."""
    vocab = {"</s>": EOS, "<unk>": UNK}
    for sp in (source, target):
        for i in range(3, sp.get_piece_size()):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)
    return vocab


def encode(sp: spm.SentencePieceProcessor, vocab: dict[str, int], texts: list[str], max_len: int) -> list[list[int]]:
    """MarianTokenizer's ids: pieces mapped through vocab.json (a piece it lacks is <unk>), </s> appended;
    longer rows cut to max_len keeping the </s>."""
    rows = []
    for pieces in sp.encode(texts, out_type=str):
        ids = [vocab.get(p, UNK) for p in pieces[:max_len - 1]]
        rows.append(ids + [EOS])
    return rows


def model_config(vocab_size: int, args) -> MarianConfig:
    pad = vocab_size - 1
    return MarianConfig(
        vocab_size=vocab_size, decoder_vocab_size=vocab_size, d_model=args.dim,
        encoder_layers=args.layers, decoder_layers=args.layers,
        encoder_attention_heads=args.heads, decoder_attention_heads=args.heads,
        encoder_ffn_dim=args.ffn, decoder_ffn_dim=args.ffn, max_position_embeddings=args.max_positions,
        activation_function="swish", scale_embedding=True, share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True, dropout=args.dropout, attention_dropout=0.0, activation_dropout=0.0,
        pad_token_id=pad, eos_token_id=EOS, bos_token_id=None, decoder_start_token_id=pad,
        forced_eos_token_id=EOS)


def load_tokenizers(args, src_lang: str, tgt_lang: str, log):
    src_path, tgt_path = spm_paths(args, src_lang, tgt_lang, log)
    source = spm.SentencePieceProcessor(model_file=str(src_path))
    target = spm.SentencePieceProcessor(model_file=str(tgt_path))
    return src_path, tgt_path, source, target, joint_vocab(source, target)
