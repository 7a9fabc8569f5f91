"""10,000 slow connections from one address against a normal client from another, on one Kotoba.

    python3 bench/connections/slow_clients.py [--attackers 10000] [--seconds 60] [--binary .build/release/kotoba]

Starts `kotoba serve` with its defaults (no models; `/livez` is the normal client's request) on a free port. The
attacker opens `--attackers` connections from 127.0.0.1, each sending a request line and then one header byte
every 2 s, never finishing its head; when the server closes one (header deadline, or the per-client cap's 429)
it reconnects after a second, so the pressure never lets up. The normal client, bound to 127.0.0.2, sends
`GET /livez` on a fresh connection each time, one after another, and records status and latency. Prints the
normal client's answers, p50/p90/p99/max latency, and what the attacker saw (connections held, 429s, closes).
"""

import argparse
import asyncio
import os
import resource
import socket
import statistics
import subprocess
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Attack:
    def __init__(self):
        self.open = 0
        self.peak_open = 0
        self.refused_429 = 0
        self.closed = 0
        self.connect_errors = 0


async def slow_client(port, attack, stop):
    while not stop.is_set():
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.1", 0))
        except OSError:
            attack.connect_errors += 1
            await asyncio.sleep(1)
            continue
        attack.open += 1
        attack.peak_open = max(attack.peak_open, attack.open)
        try:
            writer.write(b"GET /livez HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            await writer.drain()
            while not stop.is_set():
                try:
                    data = await asyncio.wait_for(reader.read(256), timeout=2)
                except asyncio.TimeoutError:
                    writer.write(b"a")
                    await writer.drain()
                    continue
                if data.startswith(b"HTTP/1.1 429"):
                    attack.refused_429 += 1
                break  # an answer (429, or 408 at the header deadline) or the server's close
        except (OSError, ConnectionError):
            pass
        finally:
            attack.open -= 1
            attack.closed += 1
            writer.close()
        await asyncio.sleep(1)


def normal_client(port, seconds, results):
    deadline = time.time() + seconds
    while time.time() < deadline:
        start = time.perf_counter()
        try:
            sock = socket.socket()
            sock.settimeout(10)
            sock.bind(("127.0.0.2", 0))
            sock.connect(("127.0.0.1", port))
            sock.sendall(b"GET /livez HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = b""
            while True:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                data += chunk
            sock.close()
            status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/1.1 ") else "garbled"
        except OSError as error:
            status = type(error).__name__
        results.append((status, time.perf_counter() - start))
        time.sleep(0.01)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--attackers", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "kotoba"))
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([args.binary, "serve", "--port", str(port), "--log-level", "warning"],
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        attack, stop = Attack(), asyncio.Event()
        tasks = []
        for index in range(args.attackers):
            tasks.append(asyncio.create_task(slow_client(port, attack, stop)))
            if index % 500 == 499:
                await asyncio.sleep(0.05)
        await asyncio.sleep(5)  # the attack at full strength before the normal client starts
        results = []
        await asyncio.to_thread(normal_client, port, args.seconds, results)
        stop.set()
        fds = len(os.listdir(f"/proc/{server.pid}/fd"))
        await asyncio.wait(tasks, timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = sorted(seconds * 1000 for status, seconds in results if status == 200)
    statuses = {}
    for status, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else float("nan")
    print(f"attackers {args.attackers} from 127.0.0.1: peak {attack.peak_open} connections open on the client side, "
          f"{attack.refused_429} answered 429, {attack.closed} closed by the server, {attack.connect_errors} connect errors; "
          f"server fds at the end {fds}")
    print(f"normal client from 127.0.0.2 over {args.seconds:.0f} s: {statuses}; latency ms p50 {pick(0.5):.2f} "
          f"p90 {pick(0.9):.2f} p99 {pick(0.99):.2f} max {latencies[-1] if latencies else float('nan'):.2f}; "
          f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
