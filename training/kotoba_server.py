"""`kotoba serve` on a free local port over a list of model entries, for scripts that talk to the real server
(bench/int8/accuracy.py, training/add_int8_golden.py).

    with KotobaServer(Path(".build/release/kotoba"), [{"name": "m", "task": "translation", "path": "..."}]) as server:
        server.post("/translate", {"model": "m", "text": "Dogs are cute."})
"""
from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path


class KotobaServer:
    """Starts the server on `models` (config `models` entries) and waits for /readyz; `close` kills it."""

    def __init__(self, binary: Path, models: list[dict], max_inputs: int = 64):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.scratch = tempfile.TemporaryDirectory()
        config = Path(self.scratch.name) / "config.json"
        config.write_text(json.dumps({"host": "127.0.0.1", "port": self.port, "models": models,
                                      "requests": {"max_inputs": max_inputs, "timeout_seconds": 600},
                                      "log": {"level": "warning"}}))
        self.process = subprocess.Popen([str(binary), "serve", "--config", str(config)], stderr=subprocess.DEVNULL)
        for _ in range(1200):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:  # refused while starting, 503 while loading
                time.sleep(0.1)
        self.close()
        raise SystemExit("the server did not become ready in two minutes")

    def post(self, path: str, body: dict) -> dict:
        """The JSON answer to `body` at `path`."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=json.dumps(body).encode(),
                                         headers={"content-type": "application/json"})
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read())

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        self.scratch.cleanup()

    def __enter__(self) -> KotobaServer:
        return self

    def __exit__(self, *_) -> None:
        self.close()
