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
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ENDPOINTS = {"fill-mask": "/fill-mask", "text-classification": "/classify", "next-sentence": "/next-sentence",
             "translation": "/translate"}
TOLERANCE = 1e-2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(port: int, path: str, body: dict) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.loads(response.read())


def int8_section(directory: Path, golden: dict, kotoba: Path) -> dict:
    checks = golden["tasks"] if "tasks" in golden else {None: golden}
    with tempfile.TemporaryDirectory() as scratch:
        # The model's files without its golden file, which an int8 load would otherwise check loosely.
        copy = Path(scratch) / directory.name
        copy.mkdir()
        for item in directory.iterdir():
            if item.name != "kotoba-golden.json":
                (copy / item.name).symlink_to(item.resolve())
        tasks = [task for task in checks] if None not in checks else [guess_task(golden)]
        models = [{"name": task, "task": task, "path": str(copy), "quantization": "int8"} for task in tasks]
        config = Path(scratch) / "config.json"
        port = free_port()
        config.write_text(json.dumps({"host": "127.0.0.1", "port": port, "models": models,
                                      "requests": {"max_inputs": 64}}))
        server = subprocess.Popen([str(kotoba), "serve", "--config", str(config)], stderr=subprocess.DEVNULL)
        try:
            for _ in range(600):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                time.sleep(0.1)
            else:
                raise SystemExit(f"{directory}: the server did not become ready")
            sections = {}
            for task in tasks:
                request = dict((checks[task] if None not in checks else golden)["request"])
                if task == "fill-mask":
                    request["top_k"] = 1
                answer = post(port, ENDPOINTS[task], dict(request, model=task))
                sections[task] = {"request": request, "results": answer["results"]}
        finally:
            server.kill()
            server.wait()
    if None in checks:
        return dict(sections[tasks[0]], tolerance=TOLERANCE)
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
