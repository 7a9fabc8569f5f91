"""MLM + NSP examples from the English corpus, following BERT's create_pretraining_data.py.

Devlin et al. 2019, "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding", §3.1 and
appendix A.1: segment A is a span of consecutive sentences; 50 % of the time B is the text that follows A in the
same document ("IsNext", label 0), otherwise sentences from another document ("NotNext", label 1). 15 % of the
WordPiece tokens are selected; of those 80 % become [MASK], 10 % a random token, 10 % stay.
Reference: google-research/bert create_pretraining_data.py at commit eedf5716ce1268e56f0a50264a88cafad334ac61
(create_instances_from_document, create_masked_lm_predictions, truncate_seq_pair).
"""

from __future__ import annotations

import gzip
import random
import re
from pathlib import Path

import torch

# Sentence boundary: end punctuation (optionally closed by a quote or bracket) followed by white space and an
# upper-case letter or an opening quote. Heuristic, like the paper's own "sentences"; good enough for NSP spans.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?][\"')\]])|(?<=[.!?]))\s+(?=[\"'(\[]?[A-Z0-9])")


def read_documents(paths: list[Path]) -> list[list[str]]:
    """Documents as lists of paragraphs; a shard's `= Title =` line opens each document and is dropped."""
    docs: list[list[str]] = []
    for path in paths:
        current: list[str] = []
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("= ") and line.endswith(" ="):
                    if current:
                        docs.append(current)
                    current = []
                elif line:
                    current.append(line)
        if current:
            docs.append(current)
    return docs


def split_sentences(paragraph: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(paragraph) if s and s.strip()]


class PairSampler:
    """Draws (A, B, is_random_next) WordPiece id lists from documents, tokenising only what it draws."""

    def __init__(self, docs: list[list[str]], tokenizer, max_len: int, rng: random.Random,
                 short_seq_prob: float = 0.1):
        self.docs, self.tok, self.rng = docs, tokenizer, rng
        self.max_tokens = max_len - 3  # [CLS] A [SEP] B [SEP]
        self.short_seq_prob = short_seq_prob

    def _sentences(self, doc: int, para: int, budget: int) -> list[list[int]]:
        """Tokenised sentences from paragraph `para` of `doc` onwards, until about `budget` tokens."""
        out: list[list[int]] = []
        total = 0
        for p in self.docs[doc][para:]:
            sents = split_sentences(p)
            for enc in self.tok.encode_batch(sents, add_special_tokens=False):
                if enc.ids:
                    out.append(enc.ids)
                    total += len(enc.ids)
                if total >= budget:
                    return out
        return out

    def sample(self) -> tuple[list[int], list[int], int]:
        target = self.max_tokens
        if self.rng.random() < self.short_seq_prob:
            target = self.rng.randint(2, self.max_tokens)
        while True:
            doc = self.rng.randrange(len(self.docs))
            chunk = self._sentences(doc, self.rng.randrange(len(self.docs[doc])), target)
            if len(chunk) >= 2 or (chunk and len(chunk[0]) >= 4):
                break
        if len(chunk) >= 2:
            a_end = self.rng.randint(1, len(chunk) - 1)
            a = [t for s in chunk[:a_end] for t in s]
            rest = [t for s in chunk[a_end:] for t in s]
        else:  # one long sentence: split it, as the reference does for a single-segment chunk
            ids = chunk[0]
            cut = self.rng.randint(1, len(ids) - 1)
            a, rest = ids[:cut], ids[cut:]
        if self.rng.random() < 0.5:
            is_random = 1
            other = doc
            while other == doc:
                other = self.rng.randrange(len(self.docs))
            budget = max(target - len(a), 1)
            sents = self._sentences(other, self.rng.randrange(len(self.docs[other])), budget)
            b = [t for s in sents for t in s] or rest
            if not sents:
                is_random = 0
        else:
            is_random, b = 0, rest
        a, b = list(a), list(b)
        self._truncate(a, b)
        return a, b, is_random

    def _truncate(self, a: list[int], b: list[int]) -> None:
        while len(a) + len(b) > self.max_tokens:
            longer = a if len(a) > len(b) else b
            if self.rng.random() < 0.5:
                del longer[0]
            else:
                longer.pop()


def build_batch(pairs, cls_id: int, sep_id: int, pad_id: int, mask_id: int, vocab_size: int,
                rng: random.Random, mask_prob: float = 0.15, always_mask: bool = False) -> dict:
    """Pads to the longest pair and masks per BERT. `always_mask` (evaluation) replaces every selected token
    with [MASK] instead of the 80/10/10 mix, so top-k accuracy measures prediction of hidden tokens only."""
    width = max(len(a) + len(b) + (3 if b else 2) for a, b, _ in pairs)
    n = len(pairs)
    input_ids = torch.full((n, width), pad_id, dtype=torch.long)
    token_type = torch.zeros((n, width), dtype=torch.long)
    attention = torch.zeros((n, width), dtype=torch.long)
    labels = torch.full((n, width), -100, dtype=torch.long)
    nsp = torch.tensor([r for _, _, r in pairs], dtype=torch.long)
    for i, (a, b, _) in enumerate(pairs):
        # An empty B is a single segment ([CLS] A [SEP]), as for WikiText windows in evaluation.
        ids = [cls_id] + a + [sep_id] + (b + [sep_id] if b else [])
        types = [0] * (len(a) + 2) + [1] * (len(b) + 1 if b else 0)
        candidates = [j for j, t in enumerate(ids) if t not in (cls_id, sep_id)]
        rng.shuffle(candidates)
        k = max(1, int(round(len(ids) * mask_prob)))
        for j in sorted(candidates[:k]):
            labels[i, j] = ids[j]
            r = 0.0 if always_mask else rng.random()
            if r < 0.8:
                ids[j] = mask_id
            elif r < 0.9:
                ids[j] = rng.randrange(vocab_size)
        input_ids[i, : len(ids)] = torch.tensor(ids)
        token_type[i, : len(ids)] = torch.tensor(types)
        attention[i, : len(ids)] = 1
    return {"input_ids": input_ids, "token_type_ids": token_type, "attention_mask": attention,
            "labels": labels, "next_sentence_label": nsp}


def pretraining_logits(model, batch: dict) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """MLM scores only at labelled positions (the full [batch, seq, 30522] product would double the cost of a
    step on CPU), plus NSP scores. Uses the model's own heads, so this equals BertForPreTraining's forward
    restricted to those positions."""
    out = model.bert(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"],
                     attention_mask=batch["attention_mask"])
    sequence, pooled = out[0], out[1]  # [batch, seq, hidden], [batch, hidden]
    selected = batch["labels"] != -100
    mlm = model.cls.predictions(sequence[selected])  # [masked, vocab]
    nsp = model.cls.seq_relationship(pooled)  # [batch, 2]; index 0 = "B follows A"
    return mlm, batch["labels"][selected], nsp
