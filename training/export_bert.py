"""Exports a BertForPreTraining (or BertForSequenceClassification) as a Hugging Face folder in F16 and writes
golden.json: reference outputs of the exported weights (read back and run in F32, as the Swift loader does).

    python training/export_bert.py                 # re-export /work/runs/bert-en/checkpoint.pt
    python training/export_bert.py --run bert-en-scratch
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import BertForPreTraining

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402
from bert_setup import tokenizer_and_model  # noqa: E402

GOLDEN_MASKED = [
    "The capital of France is [MASK].",
    "I drank a cup of [MASK] this morning.",
    "She opened the [MASK] and walked into the room.",
]
# Everyday sentences with the word a reader expects; golden.json records its rank in the top 5 (or null), so the
# Swift test can assert the ones this model gets, and the card can say how many it gets.
EVERYDAY = [
    ("The sun rises in the [MASK].", "east"),
    ("I drank a glass of [MASK] with my dinner.", "wine"),
    ("She sat down and read a [MASK].", "book"),
    ("He drove his [MASK] to work every morning.", "car"),
    ("Paris is the capital of [MASK].", "france"),
    ("The children played in the [MASK] after school.", "park"),
    ("It was raining, so I took my [MASK].", "umbrella"),
    ("The dog wagged its [MASK].", "tail"),
    ("There are seven days in a [MASK].", "week"),
    ("She wrote a [MASK] to her mother.", "letter"),
]
GOLDEN_PAIRS = [
    ("He went to the store to buy some milk.", "The store was closed, so he came home without it."),
    ("He went to the store to buy some milk.", "Penguins are flightless birds of the southern hemisphere."),
]


def save_tokenizer(tok: Tokenizer, out: Path, model_max_length: int = 512) -> None:
    """tokenizer.json without fixed padding/truncation, plus vocab.txt and the two small config files that
    BertTokenizer and the Swift loader read."""
    tok = Tokenizer.from_str(tok.to_str())
    tok.no_padding()
    tok.no_truncation()
    tok.save(str(out / "tokenizer.json"))
    vocab = sorted(tok.get_vocab().items(), key=lambda kv: kv[1])
    if [i for _, i in vocab] != list(range(len(vocab))):
        raise SystemExit("WordPiece ids are not contiguous; vocab.txt would be wrong")
    (out / "vocab.txt").write_text("".join(t + "\n" for t, _ in vocab), encoding="utf-8")
    specials = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                "mask_token": "[MASK]"}
    common.write_json(out / "special_tokens_map.json", specials)
    common.write_json(out / "tokenizer_config.json", {
        "tokenizer_class": "BertTokenizer", "do_lower_case": True, "tokenize_chinese_chars": True,
        "strip_accents": None, "model_max_length": model_max_length, **specials})


def save_f16(model: torch.nn.Module, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    half = copy.deepcopy(model).to(torch.float16)
    half.save_pretrained(out)


def golden_pretraining(out: Path, tok: Tokenizer) -> dict:
    model = BertForPreTraining.from_pretrained(out, dtype=torch.float32).eval()
    mask_id = tok.token_to_id("[MASK]")
    result: dict = {"dtype": "float32 computation from the F16 weights in model.safetensors",
                    "fill_mask": [], "next_sentence": []}
    with torch.no_grad():
        for text in GOLDEN_MASKED:
            enc = tok.encode(text)
            ids = torch.tensor([enc.ids])
            logits = model(input_ids=ids, token_type_ids=torch.tensor([enc.type_ids])).prediction_logits[0]
            pos = enc.ids.index(mask_id)
            top = torch.topk(logits[pos], 5)
            result["fill_mask"].append({
                "text": text, "input_ids": enc.ids, "mask_position": pos,
                "top5_ids": top.indices.tolist(), "top5_tokens": [tok.id_to_token(i) for i in top.indices.tolist()],
                "top5_logits": [round(v, 6) for v in top.values.tolist()]})
        result["everyday"] = []
        for text, word in EVERYDAY:
            enc = tok.encode(text)
            logits = model(input_ids=torch.tensor([enc.ids]), token_type_ids=torch.tensor([enc.type_ids]))
            top = torch.topk(logits.prediction_logits[0, enc.ids.index(mask_id)], 5).indices.tolist()
            tokens = [tok.id_to_token(i) for i in top]
            result["everyday"].append({"text": text, "expected": word, "top5_tokens": tokens,
                                       "rank": tokens.index(word) + 1 if word in tokens else None})
        for a, b in GOLDEN_PAIRS:
            enc = tok.encode(a, b)
            out_ = model(input_ids=torch.tensor([enc.ids]), token_type_ids=torch.tensor([enc.type_ids]))
            logits = out_.seq_relationship_logits[0]
            result["next_sentence"].append({
                "text_a": a, "text_b": b, "input_ids": enc.ids, "token_type_ids": enc.type_ids,
                "logits": [round(v, 6) for v in logits.tolist()],
                "note": "index 0 = B follows A (IsNext), index 1 = random"})
    return result


def export(model: BertForPreTraining, tok: Tokenizer, out: Path, log=None) -> None:
    save_f16(model, out)
    save_tokenizer(tok, out)
    common.write_json(out / "golden.json", golden_pretraining(out, tok))
    msg = f"exported to {out}: model.safetensors {common.file_mb(out / 'model.safetensors'):.1f} MB"
    (log.info if log else print)(msg)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="bert-en")
    args = ap.parse_args()
    state = common.load_checkpoint(common.RUNS / args.run / "checkpoint.pt")
    run_args = argparse.Namespace(**{"from_scratch": False, **state["args"]})
    run_args.tokenizer = Path(run_args.tokenizer) if run_args.from_scratch else None
    run_args.init_from = Path(run_args.init_from) if getattr(run_args, "init_from", None) else None
    tok, model = tokenizer_and_model(run_args)
    model.load_state_dict(state["model"])
    model.tie_weights()
    print(f"checkpoint at step {state['step']}")
    export(model, tok, common.RUNS / "export" / args.run)


if __name__ == "__main__":
    main()
