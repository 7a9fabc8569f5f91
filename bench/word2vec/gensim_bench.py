"""gensim's most_similar on the same vectors and queries: queries/s with 1 and 16 client threads, in-process
(no HTTP), the reference for bench/word2vec/run.sh. Also checks that Kotoba's answer to the first queries
equals gensim's (words exactly, scores within 1e-5) when KOTOBA_URL is set.
Usage: gensim_bench.py VECTORS_BIN QUERIES_FILE SECONDS"""
import json
import sys
import threading
import time
import urllib.request

from gensim.models import KeyedVectors

vectors = KeyedVectors.load_word2vec_format(sys.argv[1], binary=True)
queries = [line.strip() for line in open(sys.argv[2]) if line.strip()]
seconds = float(sys.argv[3])
vectors.fill_norms()
vectors.most_similar(queries[0], topn=10)  # warm-up: the normed matrix


def run(clients: int) -> float:
    done = [0] * clients
    stop = time.time() + seconds

    def client(slot: int):
        i = slot
        while time.time() < stop:
            vectors.most_similar(queries[i % len(queries)], topn=10)
            done[slot] += 1
            i += clients

    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


for clients in (1, 16):
    print(f"gensim most_similar, {clients:2d} client thread(s): {run(clients):9.1f} queries/s")

if len(sys.argv) > 4:
    worst, mismatched = 0.0, 0
    for word in queries[:50]:
        request = urllib.request.Request(sys.argv[4] + "/similar", data=json.dumps({"positive": [word], "top_k": 10}).encode(),
                                         headers={"Content-Type": "application/json"})
        ours = json.loads(urllib.request.urlopen(request).read())["results"]
        theirs = vectors.most_similar(word, topn=10)
        mismatched += [r["word"] for r in ours] != [w for w, _ in theirs]
        worst = max(worst, max(abs(r["score"] - s) for r, (_, s) in zip(ours, theirs)))
    print(f"parity on 50 queries: {50 - mismatched}/50 identical word lists, largest score difference {worst:.2e}")
