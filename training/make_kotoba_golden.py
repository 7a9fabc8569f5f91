"""Turn an export's golden.json (PyTorch outputs written by the export scripts) into kotoba-golden.json.

kotoba-golden.json is the start-up self-check the server runs on a model directory: a request body for the
model's endpoint and the results PyTorch says it must produce (see Sources/KotobaService/Serving/GoldenCheck.swift).
Every number here comes from golden.json, i.e. from PyTorch; nothing is computed by Kotoba.

    python training/make_kotoba_golden.py Models/sentiment-en Models/translate-en-ja Models/translate-ja-en
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


def main(directories: list[str]) -> None:
    for directory in map(Path, directories):
        golden = json.loads((directory / "golden.json").read_text())
        config = json.loads((directory / "config.json").read_text())
        if "classify" in golden:
            out = classification(golden, config)
        elif "translations" in golden:
            out = translation(golden)
        else:
            raise SystemExit(f"{directory}: no classify or translations section in golden.json")
        out["tolerance"] = 1e-4
        (directory / "kotoba-golden.json").write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote {directory / 'kotoba-golden.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
