"""Shared set-up for the training and evaluation scripts: seeding, threads, run folders, progress lines,
resumable checkpoints, a wall-clock budget, and F16 export helpers.

Every script in training/ writes outside the repository: checkpoints and logs under /work/runs/<model>/,
finished models under /work/runs/export/<model-name>/ (see README.md).
"""

from __future__ import annotations

import json
import logging
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch

RUNS = Path(os.environ.get("KOTOBA_RUNS", "/work/runs"))
DATA = Path(os.environ.get("KOTOBA_DATA", "/work/shared/data"))
MINILM_DIR = RUNS / "minilm"


def setup(seed: int, threads: int = 2) -> None:
    """Seeds every generator we use and pins the thread count (the machine is shared)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)


def run_dir(name: str) -> Path:
    path = RUNS / name
    path.mkdir(parents=True, exist_ok=True)
    return path


def logger(path: Path, name: str = "train") -> logging.Logger:
    """Logs to stdout and appends to `path` (train.log), so a resumed run keeps one log."""
    log = logging.getLogger(name)
    log.setLevel(logging.INFO)
    log.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    fmt.converter = time.gmtime
    for handler in (logging.StreamHandler(sys.stdout), logging.FileHandler(path, mode="a")):
        handler.setFormatter(fmt)
        log.addHandler(handler)
    return log


class Progress:
    """Periodic progress lines: step, mean loss since the last line, items/s, elapsed and ETA.

    `items` is whatever the script counts as throughput (tokens for the BERT, sentences for classifiers).
    Elapsed time includes earlier runs of a resumed training (`elapsed_before`)."""

    def __init__(self, log: logging.Logger, total_steps: int, start_step: int, every: int,
                 elapsed_before: float = 0.0, unit: str = "tok"):
        self.log, self.total, self.every, self.unit = log, total_steps, every, unit
        self.start_step = start_step
        self.t0 = time.time()
        self.elapsed_before = elapsed_before
        self.window: list[float] = []
        self.items = 0
        self.window_t = time.time()

    def elapsed(self) -> float:
        return self.elapsed_before + (time.time() - self.t0)

    def update(self, step: int, loss: float, items: int, **extra: float) -> None:
        self.window.append(loss)
        self.items += items
        if step % self.every != 0 and step != self.total:
            return
        now = time.time()
        rate = self.items / max(now - self.window_t, 1e-9)
        done = step - self.start_step
        per_step = (now - self.t0) / max(done, 1)
        eta = per_step * (self.total - step)
        parts = " ".join(f"{k}={v:.4g}" for k, v in extra.items())
        self.log.info(f"step {step}/{self.total} loss={sum(self.window) / len(self.window):.4f} {parts} "
                      f"{rate:.0f} {self.unit}/s elapsed={self.elapsed() / 60:.1f}m eta={eta / 60:.1f}m")
        self.window, self.items, self.window_t = [], 0, now


def rng_state() -> dict:
    return {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}


def set_rng_state(state: dict) -> None:
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    torch.set_rng_state(state["torch"])


def save_checkpoint(path: Path, **state) -> None:
    """Writes atomically (temp file + rename) so a run killed mid-save leaves the previous checkpoint intact."""
    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path: Path) -> dict:
    return torch.load(path, map_location="cpu", weights_only=False)


class Budget:
    """Wall-clock limit: training stops cleanly (checkpoint + export) when it runs out, so a run started
    too close to a hard deadline still leaves a usable model."""

    def __init__(self, minutes: float | None):
        self.deadline = None if minutes is None else time.time() + minutes * 60

    def exhausted(self) -> bool:
        return self.deadline is not None and time.time() >= self.deadline


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def f16_state_dict(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """Floating tensors to F16 (the Swift loader converts back to F32); integer buffers unchanged."""
    return {k: (v.detach().to(torch.float16) if v.is_floating_point() else v.detach()).contiguous()
            for k, v in state.items()}


def count_parameters(model: torch.nn.Module) -> int:
    """Distinct parameters: a weight tied to another is counted once."""
    seen, total = set(), 0
    for p in model.parameters():
        if p.data_ptr() not in seen:
            seen.add(p.data_ptr())
            total += p.numel()
    return total


def file_mb(path: Path) -> float:
    return path.stat().st_size / 1e6


def linear_warmup_decay(warmup: int, total: int):
    """BERT's schedule: linear warm-up to the peak rate, then linear decay to zero at `total`."""
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))
    return factor


def start_run(args, name: str):
    """Seeds, sets threads, makes the run folder and its train.log, and logs the arguments; returns (run, log)."""
    setup(args.seed, args.threads)
    run = run_dir(name)
    log = logger(run / "train.log")
    log.info(f"args {vars(args)}")
    return run, log


def restore(state: dict, model, optimizer, schedule=None) -> tuple[int, float]:
    """Loads a checkpoint written by the training loops into model, optimizer and schedule, restores the RNGs,
    and returns (step, elapsed seconds) to continue from."""
    model.load_state_dict(state["model"])
    optimizer.load_state_dict(state["optimizer"])
    if schedule is not None:
        schedule.load_state_dict(state["schedule"])
    set_rng_state(state["rng"])
    return state["step"], state["elapsed"]
