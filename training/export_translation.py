"""Exports a reference Seq2Seq in Kotoba's seq2seq format (training/reference/SEQ2SEQ_FORMAT.md) with F16
weights, its two tokenizers and golden.json (greedy and beam-4 ids of the exported weights, run in F32).

    python training/export_translation.py --direction en-ja      # re-export from the run's checkpoint.pt
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from translation_setup import GOLDEN, model_config, pad, run_name, tokenizers_for  # noqa: E402
from search import beam_search, greedy_search  # noqa: E402  (training/reference, put on sys.path by translation_setup)
from seq2seq import Seq2Seq  # noqa: E402  (training/reference)

SOURCE_TOKENIZER, TARGET_TOKENIZER = "source_tokenizer.json", "target_tokenizer.json"


def save_f16(model: Seq2Seq, out: Path) -> None:
    """config.json via the reference's save_pretrained, then the same tensors re-written in F16."""
    model.save_pretrained(out)
    tensors = common.f16_state_dict(model.state_dict())
    if model.config.tie_embeddings:
        tensors.pop("decoder.output.weight")
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})


def golden(out: Path, src_tok: Tokenizer, tgt_tok: Tokenizer, src_lang: str) -> dict:
    model = Seq2Seq.from_pretrained(out).float().eval()
    texts = GOLDEN[src_lang]
    ids = [src_tok.encode(t).ids for t in texts]
    src, lengths = pad(ids), torch.tensor([len(i) for i in ids])
    greedy = greedy_search(model, src, lengths, max_new_tokens=model.config.max_length)
    beam = beam_search(model, src, lengths, num_beams=4, max_new_tokens=model.config.max_length,
                       length_penalty=1.0, early_stopping=False)
    rows = []
    for i, text in enumerate(texts):
        rows.append({
            "source": text, "source_ids": ids[i],
            "greedy_ids": greedy.sequences[i][0], "greedy_score": round(greedy.scores[i][0], 6),
            "greedy_text": tgt_tok.decode(greedy.sequences[i][0], skip_special_tokens=True),
            "beam4_ids": beam.sequences[i][0], "beam4_score": round(beam.scores[i][0], 6),
            "beam4_text": tgt_tok.decode(beam.sequences[i][0], skip_special_tokens=True)})
    return {"dtype": "float32 computation from the F16 weights in model.safetensors",
            "decoding": {"greedy": {"max_new_tokens": model.config.max_length},
                         "beam": {"num_beams": 4, "length_penalty": 1.0, "early_stopping": False,
                                  "max_new_tokens": model.config.max_length}},
            "batch": "the three sources decoded as one padded batch", "translations": rows}


def export(model: Seq2Seq, src_tok: Tokenizer, tgt_tok: Tokenizer, src_lang: str, out: Path, log=None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    save_f16(model, out)
    src_tok.save(str(out / SOURCE_TOKENIZER))
    tgt_tok.save(str(out / TARGET_TOKENIZER))
    common.write_json(out / "golden.json", golden(out, src_tok, tgt_tok, src_lang))
    msg = f"exported to {out}: model.safetensors {common.file_mb(out / 'model.safetensors'):.1f} MB"
    (log.info if log else print)(msg)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--direction", choices=("en-ja", "ja-en"), required=True)
    ap.add_argument("--cell", default="gru", help="the --cell the run was trained with (it names the run)")
    args = ap.parse_args()
    name = run_name(args.direction, args.cell)
    state = common.load_checkpoint(common.RUNS / name / "checkpoint.pt")
    saved = argparse.Namespace(**state["args"])
    src_lang, tgt_lang = args.direction.split("-")
    toks = tokenizers_for(saved.vocab, None, lowercase_en=getattr(saved, "lowercase_source", False))
    src_tok, tgt_tok = toks[src_lang], toks[tgt_lang]
    model = Seq2Seq(model_config(src_tok.get_vocab_size(), tgt_tok.get_vocab_size(), saved))
    model.load_state_dict(state["model"])
    print(f"checkpoint at step {state['step']}")
    export(model, src_tok, tgt_tok, src_lang, common.RUNS / "export" / name)


if __name__ == "__main__":
    main()
