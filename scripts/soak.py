"""Soak traffic for a running Kotoba, with a sample of its health every 10 s (scripts/soak.sh starts the server).

    python3 scripts/soak.py --port 8080 --pid PID --duration 3600 --out .build/soak

Mixed traffic over every endpoint of the default configuration, each request with the status it must get:
valid requests on keep-alive connections and on a new connection each, invalid ones (malformed JSON 400, unknown
model 404, too many inputs 422, an oversized body 413), and clients that disconnect mid-request (half a head, or
a head promising more body than is sent). Every 10 s it writes a CSV row: elapsed seconds, the server's RSS, open
file descriptors and threads (from /proc), requests answered in the window, p50 and p99 latency of the valid
ones, and answers whose status was not the expected one. At the end it draws the PNG and prints the verdict:
RSS after the warm-up (the first 10%, at least 60 s) within 5% of its first post-warm-up sample, and no unexpected
status at all; exit status 1 otherwise. Standard library only, plus matplotlib for the plot when present.
"""

import argparse
import csv
import http.client
import json
import os
import random
import socket
import threading
import time

VALID = [
    ("/classify", {"text": "I really enjoyed this film."}),
    ("/classify", {"text": ["Terrible acting and a dull plot.", "A delight from start to finish."]}),
    ("/fill-mask", {"text": "The capital of France is [MASK]."}),
    ("/next-sentence", {"text": "I went to the shop.", "text_pair": "I bought some milk."}),
    ("/translate", {"text": "Dogs are cute."}),
    ("/translate", {"model": "translate-ja-en", "text": "私は本を読むのが好きです。"}),
    ("/similar", {"positive": ["king", "woman"], "negative": ["man"], "top_k": 3}),
    ("/word-vectors", {"words": ["king", "queen"]}),
    ("/tokenize", {"model": "bert-en", "text": "Tokenize this, please."}),
    ("/models/sentiment-en", {"inputs": "What a great day."}),
]
GETS = ["/readyz", "/livez", "/v1/models", "/metrics"]
INVALID = [
    ("/classify", b'{"text": ', 400),
    ("/classify", json.dumps({"model": "no-such-model", "text": "hi"}).encode(), 404),
    ("/classify", json.dumps({"text": ["x"] * 65}).encode(), 422),
    ("/classify", json.dumps({"text": "a" * (1024 * 1024 + 10)}).encode(), 413),
]


class Stats:
    """Counts and latencies of one 10 s window, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self):
        self.answered = 0
        self.unexpected = 0
        self.latencies = []
        self.examples = []

    def record(self, expected, status, seconds, what):
        with self.lock:
            self.answered += 1
            if status != expected:
                self.unexpected += 1
                if len(self.examples) < 5:
                    self.examples.append(f"{what}: wanted {expected}, got {status}")
            elif expected == 200:
                self.latencies.append(seconds)

    def take(self):
        with self.lock:
            window = (self.answered, self.unexpected, sorted(self.latencies), list(self.examples))
            self.reset()
            return window


def request(connection, method, path, body, expected, stats):
    start = time.perf_counter()
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        status = f"{type(error).__name__}"
    stats.record(expected, status, time.perf_counter() - start, f"{method} {path}")


def valid_client(port, keep_alive, stats, stop, seed):
    rng = random.Random(seed)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while not stop.is_set():
        if rng.random() < 0.2:
            request(connection, "GET", rng.choice(GETS), None, 200, stats)
        else:
            path, body = rng.choice(VALID)
            request(connection, "POST", path, json.dumps(body).encode(), 200, stats)
        if not keep_alive:
            connection.close()
        time.sleep(0.01)  # steady traffic rather than saturation: an hour of it must leave the machine usable


def invalid_client(port, stats, stop, seed):
    rng = random.Random(seed)
    while not stop.is_set():
        path, body, expected = rng.choice(INVALID)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        request(connection, "POST", path, body, expected, stats)
        connection.close()
        time.sleep(0.05)


def leaving_client(port, stop, seed):
    """Sends part of a request and hangs up: the server must drop the connection and keep nothing."""
    rng = random.Random(seed)
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                if rng.random() < 0.5:
                    sock.sendall(b"POST /classify HTTP/1.1\r\nHost: soak\r\nContent-Ty")
                else:
                    sock.sendall(b"POST /classify HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 100\r\n\r\n{\"text\": ")
                time.sleep(rng.uniform(0, 0.2))
        except OSError:
            pass
        time.sleep(0.1)


def proc(pid):
    """RSS in KiB, open descriptors and threads of `pid`."""
    rss = threads = 0
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    return rss, len(os.listdir(f"/proc/{pid}/fd")), threads


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib not installed: no plot")
        return
    minutes = [row["elapsed_s"] / 60 for row in rows]
    figure, axes = plt.subplots(4, 1, figsize=(9, 9), sharex=True)
    axes[0].plot(minutes, [row["rss_kib"] / 1024 for row in rows])
    axes[0].set_ylabel("RSS (MiB)")
    axes[1].plot(minutes, [row["p50_ms"] for row in rows], label="p50")
    axes[1].plot(minutes, [row["p99_ms"] for row in rows], label="p99")
    axes[1].set_ylabel("latency (ms)")
    axes[1].legend()
    axes[2].plot(minutes, [row["answered"] / 10 for row in rows], label="answers/s")
    axes[2].plot(minutes, [row["unexpected"] for row in rows], label="unexpected statuses")
    axes[2].legend()
    axes[3].plot(minutes, [row["open_fds"] for row in rows], label="open fds")
    axes[3].plot(minutes, [row["threads"] for row in rows], label="threads")
    axes[3].legend()
    axes[3].set_xlabel("minutes")
    figure.suptitle("kotoba serve, default models, soak traffic (scripts/soak.sh)")
    figure.tight_layout()
    figure.savefig(path, dpi=90)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--duration", type=float, default=3600)
    parser.add_argument("--out", default=".build/soak")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    stats, stop = Stats(), threading.Event()
    clients = [threading.Thread(target=valid_client, args=(args.port, True, stats, stop, 1)),
               threading.Thread(target=valid_client, args=(args.port, True, stats, stop, 2)),
               threading.Thread(target=valid_client, args=(args.port, False, stats, stop, 3)),
               threading.Thread(target=invalid_client, args=(args.port, stats, stop, 4)),
               threading.Thread(target=leaving_client, args=(args.port, stop, 5))]
    for client in clients:
        client.daemon = True
        client.start()

    rows, started, examples = [], time.time(), []
    with open(os.path.join(args.out, "soak.csv"), "w", newline="") as handle:
        writer = csv.DictWriter(handle, ["elapsed_s", "rss_kib", "open_fds", "threads", "answered", "p50_ms", "p99_ms",
                                         "unexpected"])
        writer.writeheader()
        while time.time() - started < args.duration:
            time.sleep(10)
            answered, unexpected, latencies, window_examples = stats.take()
            examples += window_examples
            rss, fds, threads = proc(args.pid)
            pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else 0.0
            row = {"elapsed_s": round(time.time() - started), "rss_kib": rss, "open_fds": fds, "threads": threads,
                   "answered": answered, "p50_ms": round(pick(0.5), 2), "p99_ms": round(pick(0.99), 2),
                   "unexpected": unexpected}
            rows.append(row)
            writer.writerow(row)
            handle.flush()
    stop.set()
    plot(rows, os.path.join(args.out, "soak.png"))

    warm = [row for row in rows if row["elapsed_s"] >= max(60, args.duration * 0.1)]
    base = warm[0]["rss_kib"] if warm else 0
    drift = max(abs(row["rss_kib"] - base) / base for row in warm) if warm and base else 0.0
    unexpected = sum(row["unexpected"] for row in rows)
    answered = sum(row["answered"] for row in rows)
    p99 = sorted(row["p99_ms"] for row in rows)
    print(f"soak: {len(rows)} samples over {rows[-1]['elapsed_s'] if rows else 0} s, {answered} answers, "
          f"{unexpected} unexpected statuses; RSS after warm-up {base / 1024:.0f} MiB, largest drift {drift:.1%}; "
          f"window p99 median {p99[len(p99) // 2] if p99 else 0:.1f} ms, worst {p99[-1] if p99 else 0:.1f} ms; "
          f"fds {min(r['open_fds'] for r in rows)}-{max(r['open_fds'] for r in rows)}, "
          f"threads {min(r['threads'] for r in rows)}-{max(r['threads'] for r in rows)}")
    for example in examples[:10]:
        print("  unexpected:", example)
    ok = drift <= 0.05 and unexpected == 0
    print("soak:", "PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
