"""Adds an "int8" section to kotoba-golden.json: what Kotoba answers the file's requests with the model loaded
with `"quantization": "int8"`, so the start-up self-check of an int8 model is as tight as the float one.

The float sections come from PyTorch (make_kotoba_golden.py); int8 is Kotoba's own arithmetic, which PyTorch
does not reproduce, so this section is a regression pin, not parity. The int8 sums are exact integers, but the
float steps around them (LayerNorm, softmax, attention) differ between CPUs in the last bits, and where such a
difference moves an activation across a rounding boundary its code changes by one: measured, bert-en's top
fill-mask score moved by 0.0027 between the AVX2 and baseline builds. Hence a tolerance of 0.01, and fill-mask
checks only each mask's best candidate (top_k 1): further down, candidates 1e-4 apart would swap places.

    swift build -c release --product kotoba
    python training/add_int8_golden.py Models/bert-en Models/sentiment-en Models/translate-en-ja Models/translate-ja-en
"""
import json
import os
import sys
import tempfile
from pathlib import Path

from kotoba_server import KotobaServer

ENDPOINTS = {"fill-mask": "/fill-mask", "text-classification": "/classify", "next-sentence": "/next-sentence",
             "translation": "/translate"}
TOLERANCE = 1e-2


def int8_section(directory: Path, golden: dict, kotoba: Path) -> dict:
    # (task, its float check): one per section of a multi-task file, else the file itself.
    checks = list(golden["tasks"].items()) if "tasks" in golden else [(guess_task(golden), golden)]
    with tempfile.TemporaryDirectory() as scratch:
        # The model's files without its golden file, which an int8 load would otherwise check loosely.
        copy = Path(scratch) / directory.name
        copy.mkdir()
        for item in directory.iterdir():
            if item.name != "kotoba-golden.json":
                (copy / item.name).symlink_to(item.resolve())
        models = [{"name": task, "task": task, "path": str(copy), "quantization": "int8"} for task, _ in checks]
        sections = {}
        with KotobaServer(kotoba, models) as server:
            for task, check in checks:
                request = dict(check["request"])
                if task == "fill-mask":
                    request["top_k"] = 1
                answer = server.post(ENDPOINTS[task], dict(request, model=task))
                sections[task] = {"request": request, "results": answer["results"]}
    if "tasks" not in golden:
        return dict(sections[checks[0][0]], tolerance=TOLERANCE)
    return {"tasks": sections, "tolerance": TOLERANCE}


def guess_task(golden: dict) -> str:
    first = golden["results"][0]
    if "translations" in first:
        return "translation"
    return "text-classification"


def main(directories: list[str]) -> None:
    kotoba = Path(os.environ.get("KOTOBA_BIN", ".build/release/kotoba"))
    for directory in map(Path, directories):
        path = directory / "kotoba-golden.json"
        golden = json.loads(path.read_text())
        golden.pop("int8", None)
        golden["int8"] = int8_section(directory, golden, kotoba)
        path.write_text(json.dumps(golden, ensure_ascii=False, indent=1) + "\n")
        print(f"wrote the int8 section of {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
