"""Marian translation speed: Kotoba vs transformers `generate` vs CTranslate2, side by side, in one run.

A Marian-sized model (6+6 layers, d_model 512, 8 heads, ffn 2048, vocab 32000, opus-mt's generation config) is
built with random weights at run time in a temporary directory (never committed), converted for CTranslate2 with
its transformers converter, and all three engines translate the same source id lists (random lengths 5..30, EOS
last), greedy and beam 4, batch 1 and batch 16, on the same number of threads.

    /opt/kotoba-venv/bin/python bench/marian/bench.py [--sentences 100] [--beam-sentences 100] [--threads 2]
        [--repeats 3] [--compute int8]

`--compute int8` runs Kotoba with its linear layers quantized at load ("quantization": "int8") and CTranslate2
with compute_type int8; transformers stays float32, the reference for the output comparison.

Repeatable: each configuration runs the three engines `--repeats` times in turn (kotoba, transformers,
ctranslate2, kotoba, ...), so a burst of load on the shared machine hits all of them alike, and the table gives
the median of the repeats with their spread (min–max sentences/s). It first prints the setup each engine runs
with (threads, OpenBLAS / torch / CTranslate2 configuration, CPU, load average).

Pinned: transformers 5.24.0, torch 2.13.0 (training/requirements-fixtures.txt), ctranslate2 4.8.5.
Prints sentences/s, the median latency of one batch and CPU seconds per sentence (all threads; steadier than
wall time when other jobs share the cores); with random weights EOS is rare, so nearly every
sentence runs to max_length and all engines do the same number of decoder steps (generated tokens are printed).
"""

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent
VOCAB, PAD, EOS, UNK = 32000, 31999, 0, 1


def build_model(directory: pathlib.Path, max_length: int) -> None:
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    torch.manual_seed(0)
    config = MarianConfig(
        vocab_size=VOCAB, decoder_vocab_size=VOCAB, d_model=512, encoder_layers=6, decoder_layers=6,
        encoder_attention_heads=8, decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
        max_position_embeddings=512, activation_function="swish", scale_embedding=True,
        share_encoder_decoder_embeddings=True, pad_token_id=PAD, eos_token_id=EOS, decoder_start_token_id=PAD,
        forced_eos_token_id=EOS, bos_token_id=None,
    )
    model = MarianMTModel(config).eval()
    model.generation_config = GenerationConfig(
        bad_words_ids=[[PAD]], bos_token_id=0, decoder_start_token_id=PAD, eos_token_id=EOS, forced_eos_token_id=EOS,
        max_length=max_length, num_beams=4, pad_token_id=PAD, renormalize_logits=True,
    )
    model.save_pretrained(directory, safe_serialization=True)


class _Vocabulary:
    """Stands in for MarianTokenizer: the CTranslate2 converter only reads the vocabulary and special tokens."""

    eos_token, unk_token = "</s>", "<unk>"

    def get_vocab(self):
        names = {EOS: "</s>", UNK: "<unk>", PAD: "<pad>"}
        return {names.get(i, f"t{i}"): i for i in range(VOCAB)}


def convert_for_ctranslate2(hf: pathlib.Path, out: pathlib.Path) -> None:
    import ctranslate2

    class Converter(ctranslate2.converters.TransformersConverter):
        def load_tokenizer(self, tokenizer_class, model_name_or_path, **kwargs):
            return _Vocabulary()

    Converter(str(hf)).convert(str(out), force=True)


def token_name(i: int) -> str:
    return {EOS: "</s>", UNK: "<unk>"}.get(i, f"t{i}")


def batches(items, size):
    return [items[i : i + size] for i in range(0, len(items), size)]


def run_transformers(hf, sources, beams, batch, max_length, threads):
    import torch
    from transformers import MarianMTModel

    torch.set_num_threads(threads)
    model = MarianMTModel.from_pretrained(hf).eval()

    def generate(chunk):
        width = max(map(len, chunk))
        ids = torch.full((len(chunk), width), PAD, dtype=torch.long)
        mask = torch.zeros((len(chunk), width), dtype=torch.long)
        for row, s in enumerate(chunk):
            ids[row, : len(s)] = torch.tensor(s)
            mask[row, : len(s)] = 1
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=mask, num_beams=beams, max_length=max_length)
        return [[t for t in row[1:] if t != PAD] for row in out.tolist()]

    return timed(generate, batches(sources, batch))


def run_ctranslate2(ct2, sources, beams, batch, max_length, threads, compute="float32"):
    import ctranslate2

    translator = ctranslate2.Translator(str(ct2), device="cpu", compute_type=compute, inter_threads=1,
                                        intra_threads=threads)
    lookup = {token_name(i): i for i in range(VOCAB)}

    def generate(chunk):
        results = translator.translate_batch(
            [[token_name(t) for t in s] for s in chunk], beam_size=beams, max_batch_size=batch,
            max_decoding_length=max_length - 1, return_end_token=True)
        return [[lookup[t] for t in r.hypotheses[0]] for r in results]

    return timed(generate, batches(sources, batch))


def timed(generate, chunks):
    generate(chunks[0][:1])  # warm-up on one sentence, as the Swift driver does
    import resource

    def cpu():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    latencies, outputs = [], []
    start, cpu_start = time.perf_counter(), cpu()
    for chunk in chunks:
        t0 = time.perf_counter()
        outputs += generate(chunk)
        latencies.append(time.perf_counter() - t0)
    return {"latencies": latencies, "totalSeconds": time.perf_counter() - start, "cpuSeconds": cpu() - cpu_start,
            "outputs": outputs}


def print_setup(threads: int, compute: str) -> None:
    """What each engine runs with, so two runs can be compared: versions, thread settings, math libraries."""
    import ctranslate2
    import torch
    import transformers

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    flags = next((line for line in open("/proc/cpuinfo") if line.startswith("flags")), "")
    isa = [f for f in ("avx2", "fma", "f16c", "avx512f", "avx512_vnni") if f" {f}" in flags]
    print(f"machine: {cpu}, {os.cpu_count()} cores, {' '.join(isa)}; load average {os.getloadavg()[0]:.1f}")
    print(f"threads: {threads} for every engine (kotoba OPENBLAS_NUM_THREADS and BLAS.threadCount; torch "
          f"set_num_threads; ctranslate2 intra_threads, inter_threads 1)")
    print(f"compute: {compute} for kotoba and ctranslate2 (transformers float32)")
    print(f"ctranslate2 {ctranslate2.__version__}, compute_type {compute}, supported on CPU: "
          f"{sorted(ctranslate2.get_supported_compute_types('cpu'))}; "
          f"CT2_USE_EXPERIMENTAL_PACKED_GEMM={os.environ.get('CT2_USE_EXPERIMENTAL_PACKED_GEMM', 'unset')}")
    print(f"torch {torch.__version__} (MKL {torch.backends.mkl.is_available()}, oneDNN "
          f"{torch.backends.mkldnn.is_available()}), transformers {transformers.__version__}")
    blas = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    print("openblas: " + ", ".join(sorted({line.split("=>")[-1].strip() for line in blas.splitlines()
                                           if "libopenblas" in line})) +
          f"; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset (detected)')}\n", flush=True)


def run_kotoba(binary, hf, sources_file, beams, batch, max_length, threads, scratch, quantization="none"):
    out = scratch / f"kotoba-{beams}-{batch}.json"
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads))
    subprocess.run([str(binary), str(hf), str(sources_file), str(beams), str(batch), str(max_length), str(threads),
                    str(out), quantization], check=True, env=env)
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=100)
    parser.add_argument("--beam-sentences", type=int, default=100, help="fewer beam sentences if time is short")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-length", type=int, default=32, help="generate max_length (start token included)")
    parser.add_argument("--no-build", action="store_true", help="reuse bench/marian/.build/release/MarianBench")
    parser.add_argument("--workdir", help="keep the generated models here (reused when present) instead of a temp dir")
    parser.add_argument("--only", choices=["greedy-1", "greedy-16", "beam-1", "beam-16"], action="append",
                        help="run only these configurations")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each engine per configuration, interleaved")
    parser.add_argument("--compute", choices=["float32", "int8"], default="float32",
                        help="int8: Kotoba quantized at load and CTranslate2 compute_type int8")
    args = parser.parse_args()
    print_setup(args.threads, args.compute)

    import random

    rng = random.Random(0)
    sources = [[rng.randrange(2, PAD) for _ in range(rng.randint(4, 29))] + [EOS] for _ in range(args.sentences)]
    if not args.no_build:
        # SwiftPM keeps a path dependency's list of source files until this manifest changes: without the touch, a
        # file added to the main package since the last build fails to link.
        (ROOT / "Package.swift").touch()
        subprocess.run(["swift", "build", "-c", "release", "--package-path", str(ROOT)], check=True)
    binary = ROOT / ".build/release/MarianBench"

    with tempfile.TemporaryDirectory(prefix="kotoba-marian-bench-") as tmp:
        scratch = pathlib.Path(args.workdir or tmp)
        scratch.mkdir(parents=True, exist_ok=True)
        hf, ct2 = scratch / "hf", scratch / "ct2"
        if not (hf / "model.safetensors").exists():
            build_model(hf, args.max_length)
        if not (ct2 / "model.bin").exists():
            convert_for_ctranslate2(hf, ct2)
        rows = []
        for beams in (1, 4):
            count = args.sentences if beams == 1 else args.beam_sentences
            subset = sources[:count]
            sources_file = scratch / f"sources-{count}.json"
            sources_file.write_text(json.dumps(subset))
            for batch in (1, 16):
                name = f"{'greedy' if beams == 1 else 'beam'}-{batch}"
                if args.only and name not in args.only:
                    continue
                runs = {"kotoba": [], "transformers": [], "ctranslate2": []}
                for _ in range(max(1, args.repeats)):
                    runs["kotoba"].append(run_kotoba(binary, hf, sources_file, beams, batch, args.max_length,
                                                     args.threads, scratch,
                                                     "int8" if args.compute == "int8" else "none"))
                    runs["transformers"].append(run_transformers(hf, subset, beams, batch, args.max_length,
                                                                 args.threads))
                    runs["ctranslate2"].append(run_ctranslate2(ct2, subset, beams, batch, args.max_length,
                                                               args.threads, args.compute))
                reference = runs["transformers"][0]["outputs"]
                for engine, repeats in runs.items():
                    r = repeats[0]
                    # CTranslate2 has no forced_eos_token_id, so its last token differs from transformers' forced EOS
                    # whenever a sentence runs to max_length; the prefix column compares all but the last token.
                    same = sum(a == b for a, b in zip(r["outputs"], reference))
                    prefix = sum(a[:-1] == b[:-1] for a, b in zip(r["outputs"], reference))
                    rates = [count / x["totalSeconds"] for x in repeats]
                    rows.append((
                        "greedy" if beams == 1 else f"beam {beams}", batch, engine, count,
                        statistics.median(rates), min(rates), max(rates),
                        statistics.median(1000 * statistics.median(x["latencies"]) for x in repeats),
                        statistics.median(x["cpuSeconds"] / count for x in repeats),
                        sum(map(len, r["outputs"])), same, prefix))
                    print(*rows[-1], file=sys.stderr, flush=True)

    print(f"\ncompute {args.compute}, threads {args.threads}, max_length {args.max_length}, sentences {args.sentences} "
          f"(beam: {args.beam_sentences}), {args.repeats} interleaved repeats, medians; "
          f"load average at the end {os.getloadavg()[0]:.1f}\n")
    print("| search | batch | engine | sentences | sentences/s (min–max) | p50 batch latency (ms) | CPU s / sentence "
          "| tokens | same as transformers | same but the last token | kotoba / engine |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    kotoba_rate = {}
    for search, batch, engine, count, rate, low, high, p50, cpu, tokens, same, prefix in rows:
        if engine == "kotoba":
            kotoba_rate[(search, batch)] = rate
        ratio = kotoba_rate.get((search, batch), rate) / rate
        print(f"| {search} | {batch} | {engine} | {count} | {rate:.2f} ({low:.2f}–{high:.2f}) | {p50:.1f} | {cpu:.3f} "
              f"| {tokens} | {same}/{count} | {prefix}/{count} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
