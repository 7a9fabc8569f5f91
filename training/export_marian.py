"""Exports a MarianMTModel trained by train_marian.py in opus-mt's layout, weights in F16:
config.json, generation_config.json, model.safetensors, source.spm, target.spm, vocab.json,
tokenizer_config.json (MarianTokenizer.save_pretrained), and golden.json (greedy and beam-4 outputs of
`generate` on the exported weights, run in F32).

Before writing golden.json it checks that `MarianTokenizer.from_pretrained(export)` gives the ids training
used (train_marian.encode) on the golden sources, the first 500 dev and the first 200 test pairs, both sides.

    python training/export_marian.py --direction en-ja              # re-export from the run's checkpoint.pt
    python training/export_marian.py --direction ja-en --from best  # from best.pt (the best dev-BLEU epoch)
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import warnings
from pathlib import Path

import sentencepiece as spm
import torch
from safetensors.torch import load_file, save_file
from transformers import GenerationConfig, MarianMTModel, MarianTokenizer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import common  # noqa: E402
from marian_setup import EOS, encode, load_tokenizers, model_config  # noqa: E402
from translation_setup import GOLDEN, read_pairs  # noqa: E402

MAX_LENGTH = 64  # generation_config max_length: the decoder start token + 63 generated tokens
# MarianTokenizer runs sacremoses' punctuation normaliser only when it is installed; the pinned venv has
# none, and neither does Kotoba's MarianTokenizer, so the warning says nothing we act on.
warnings.filterwarnings("ignore", message="Recommended: pip install sacremoses.")


def generation_config(pad: int) -> GenerationConfig:
    """The keys Helsinki-NLP opus-mt checkpoints ship, with a max_length fit for short sentences."""
    return GenerationConfig(
        bad_words_ids=[[pad]], bos_token_id=EOS, decoder_start_token_id=pad, eos_token_id=EOS,
        forced_eos_token_id=EOS, max_length=MAX_LENGTH, num_beams=4, pad_token_id=pad, renormalize_logits=True)


def save_f16(model: MarianMTModel, out: Path) -> None:
    """save_pretrained (config, generation config, and the tensors it keeps: one of each tied set, no
    sinusoidal table), then the same tensors re-written in F16."""
    model.save_pretrained(out)
    path = out / "model.safetensors"
    save_file(common.f16_state_dict(load_file(str(path))), str(path), metadata={"format": "pt"})


def save_tokenizer(src_spm: Path, tgt_spm: Path, vocab: dict[str, int], direction: str, max_positions: int,
                   out: Path) -> MarianTokenizer:
    shutil.copyfile(src_spm, out / "source.spm")
    shutil.copyfile(tgt_spm, out / "target.spm")
    common.write_json(out / "vocab.json", vocab)
    src_lang, tgt_lang = direction.split("-")
    MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"), str(out / "vocab.json"),
                    source_lang=src_lang, target_lang=tgt_lang,
                    model_max_length=max_positions).save_pretrained(str(out))
    config = json.loads((out / "tokenizer_config.json").read_text(encoding="utf-8"))
    if config.get("separate_vocabs"):
        raise SystemExit(f"{out}/tokenizer_config.json has separate_vocabs, which Kotoba refuses")
    return MarianTokenizer.from_pretrained(str(out))


def check_tokenizer(tokenizer: MarianTokenizer, src_spm: Path, tgt_spm: Path, vocab: dict[str, int],
                    direction: str) -> int:
    """The exported MarianTokenizer must give train_marian.encode's ids; returns the number of texts compared."""
    source = spm.SentencePieceProcessor(model_file=str(src_spm))
    target = spm.SentencePieceProcessor(model_file=str(tgt_spm))
    src_i = 0 if direction.startswith("en") else 1
    pairs = read_pairs("dev")[:500] + read_pairs("test")[:200]
    sources = GOLDEN[direction[:2]] + [p[src_i] for p in pairs]
    targets = [p[1 - src_i] for p in pairs]
    count = 0
    for side, sp, texts, theirs in (("source", source, sources, tokenizer(sources)["input_ids"]),
                                    ("target", target, targets, tokenizer(text_target=targets)["input_ids"])):
        ours = encode(sp, vocab, texts, max_len=10**6)
        bad = [(t, a, b) for t, a, b in zip(texts, ours, theirs) if a != b]
        if bad:
            t, a, b = bad[0]
            raise SystemExit(f"{side}: MarianTokenizer disagrees with training on {len(bad)} of {len(texts)} "
                             f"texts, first {t!r}: trained {a}, MarianTokenizer {b}")
        count += len(texts)
    return count


def golden(out: Path, tokenizer: MarianTokenizer, direction: str) -> dict:
    """Greedy and beam-4 `generate` on the three sources as one padded batch, F32 on the F16 weights.
    Ids are those after the decoder start token, through </s>, as Kotoba's `tokens` reports them."""
    model = MarianMTModel.from_pretrained(str(out), dtype=torch.float32).eval()
    texts = GOLDEN[direction[:2]]
    batch = tokenizer(texts, return_tensors="pt", padding=True)
    with torch.no_grad():
        greedy = model.generate(**batch, num_beams=1, output_scores=True, return_dict_in_generate=True)
        steps = model.compute_transition_scores(greedy.sequences, greedy.scores, normalize_logits=False)
        beam = model.generate(**batch, num_beams=4, output_scores=True, return_dict_in_generate=True)

    def generated(row: torch.Tensor) -> list[int]:
        ids = row[1:].tolist()
        return ids[: ids.index(EOS) + 1] if EOS in ids else ids

    rows = []
    for i, text in enumerate(texts):
        g, b = generated(greedy.sequences[i]), generated(beam.sequences[i])
        rows.append({
            "source": text, "source_ids": batch["input_ids"][i][batch["attention_mask"][i] == 1].tolist(),
            "greedy_ids": g, "greedy_score": round(float(steps[i, : len(g)].sum()), 6),
            "greedy_text": tokenizer.decode(g, skip_special_tokens=True),
            "beam4_ids": b, "beam4_score": round(float(beam.sequences_scores[i]), 6),
            "beam4_text": tokenizer.decode(b, skip_special_tokens=True)})
    return {"dtype": "float32 computation from the F16 weights in model.safetensors",
            "decoding": {"greedy": {"max_new_tokens": MAX_LENGTH - 1},
                         "beam": {"num_beams": 4, "length_penalty": 1.0, "early_stopping": False,
                                  "max_new_tokens": MAX_LENGTH - 1}},
            "scores": "greedy: sum of the renormalised log-probabilities through </s>; beam: sequences_scores",
            "batch": "the three sources decoded as one padded batch", "translations": rows}


def export(model: MarianMTModel, src_spm: Path, tgt_spm: Path, vocab: dict[str, int], direction: str, out: Path,
           log=None) -> None:
    say = log.info if log else print
    out.mkdir(parents=True, exist_ok=True)
    model.generation_config = generation_config(len(vocab) - 1)
    save_f16(model, out)
    tokenizer = save_tokenizer(src_spm, tgt_spm, vocab, direction, model.config.max_position_embeddings, out)
    checked = check_tokenizer(tokenizer, src_spm, tgt_spm, vocab, direction)
    say(f"MarianTokenizer.from_pretrained gives the training ids on all {checked} texts checked")
    common.write_json(out / "golden.json", golden(out, tokenizer, direction))
    say(f"exported to {out}: model.safetensors {common.file_mb(out / 'model.safetensors'):.1f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--direction", choices=("en-ja", "ja-en"), default="en-ja")
    ap.add_argument("--from", dest="source", choices=("latest", "best"), default="latest",
                    help="checkpoint.pt (where training stopped) or best.pt (the epoch with the best dev BLEU)")
    args = ap.parse_args()
    name = f"translate-{args.direction}-marian"
    run = common.RUNS / name
    state = common.load_checkpoint(run / ("best.pt" if args.source == "best" else "checkpoint.pt"))
    # best.pt keeps the model and the run's arguments only; the arguments are the same in both.
    saved = argparse.Namespace(**state["args"])
    src_lang, tgt_lang = args.direction.split("-")
    src_spm, tgt_spm, _, _, vocab = load_tokenizers(saved, src_lang, tgt_lang, None)
    model = MarianMTModel(model_config(len(vocab), saved))
    model.load_state_dict(state["model"])
    print(f"{args.source} checkpoint at step {state['step']}" + (f", dev BLEU {state['dev_bleu']:.2f}" if "dev_bleu" in state else ""))
    export(model, src_spm, tgt_spm, vocab, args.direction, common.RUNS / "export" / name)


if __name__ == "__main__":
    main()
