"""Turn an export's golden.json (PyTorch outputs written by the export scripts) into kotoba-golden.json.

kotoba-golden.json is the start-up self-check the server runs on a model directory: a request body for the
model's endpoint and the results PyTorch says it must produce (see Sources/KotobaService/Serving/GoldenCheck.swift).
Every number here comes from golden.json, i.e. from PyTorch; nothing is computed by Kotoba.

    python training/make_kotoba_golden.py Models/bert-en Models/sentiment-en Models/translate-en-ja Models/translate-ja-en
"""
import json
import math
import sys
from pathlib import Path


def classification(golden: dict, config: dict) -> dict:
    id2label = {int(k): v for k, v in config["id2label"].items()}
    results = []
    for item in golden["classify"]:
        logits = item["logits"]
        top = max(logits)
        exps = [math.exp(x - top) for x in logits]
        total = sum(exps)
        predictions = sorted(
            ({"label": id2label[i], "score": e / total} for i, e in enumerate(exps)),
            key=lambda p: -p["score"])
        assert predictions[0]["label"] == item["label"], item
        results.append({"input_tokens": len(item["input_ids"]), "predictions": predictions, "truncated": False})
    return {"request": {"text": [item["text"] for item in golden["classify"]]}, "results": results}


def translation(golden: dict) -> dict:
    beam = golden["decoding"]["beam"]
    results = [{
        "input_tokens": len(item["source_ids"]),
        "translations": [{"score": item["beam4_score"], "translation_text": item["beam4_text"]}],
        "truncated": False,
    } for item in golden["translations"]]
    request = {"text": [item["source"] for item in golden["translations"]],
               "beam_size": beam["num_beams"], "max_new_tokens": beam["max_new_tokens"], "return_scores": True}
    return {"request": request, "results": results}


def pretraining(golden: dict, directory: Path) -> dict:
    """BERT with MLM and NSP heads serves two tasks, so the file gets one check per task. fill-mask: what
    transformers' FillMaskPipeline answers (top 5) for golden.json's masked texts, run in PyTorch on the
    exported weights; next-sentence: the softmax of golden.json's NSP logits, best label first."""
    from transformers import BertForMaskedLM, BertTokenizerFast, pipeline

    import torch

    # Float32 like the server, not the F16 the weights are stored in (transformers 5 keeps the stored dtype).
    model = BertForMaskedLM.from_pretrained(directory, dtype=torch.float32).eval()
    tokenizer = BertTokenizerFast.from_pretrained(directory)
    fill = pipeline("fill-mask", model=model, tokenizer=tokenizer, device="cpu")
    texts = [item["text"] for item in golden["fill_mask"]]
    fill_results = []
    for item in golden["fill_mask"]:
        predictions = fill(item["text"], top_k=5)
        assert [p["token"] for p in predictions] == item["top5_ids"], (predictions, item["top5_ids"])
        fill_results.append({"input_tokens": len(item["input_ids"]), "truncated": False, "predictions": [[
            {"score": p["score"], "sequence": p["sequence"], "token": p["token"], "token_str": p["token_str"]}
            for p in predictions]]})
    nsp_results = []
    for item in golden["next_sentence"]:
        a, b = item["logits"]
        is_next = 1 / (1 + math.exp(b - a))
        labels = sorted([{"label": "is_next", "score": is_next}, {"label": "not_next", "score": 1 - is_next}],
                        key=lambda p: -p["score"])
        nsp_results.append({"input_tokens": len(item["input_ids"]), "truncated": False, "predictions": labels})
    return {"tasks": {
        "fill-mask": {"request": {"text": texts, "top_k": 5}, "results": fill_results},
        "next-sentence": {"request": {"text": [i["text_a"] for i in golden["next_sentence"]],
                                      "text_pair": [i["text_b"] for i in golden["next_sentence"]]},
                          "results": nsp_results},
    }}


def main(directories: list[str]) -> None:
    for directory in map(Path, directories):
        golden = json.loads((directory / "golden.json").read_text())
        config = json.loads((directory / "config.json").read_text())
        if "classify" in golden:
            out = classification(golden, config)
        elif "translations" in golden:
            out = translation(golden)
        elif "fill_mask" in golden and "next_sentence" in golden:
            out = pretraining(golden, directory)
        else:
            raise SystemExit(f"{directory}: no classify, translations or fill_mask + next_sentence section in golden.json")
        out["tolerance"] = 1e-4
        (directory / "kotoba-golden.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {directory / 'kotoba-golden.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
