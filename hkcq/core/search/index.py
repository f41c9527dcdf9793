"""The BM25F ``Index`` over documents of weighted fields of analysed terms, its spelling
tolerance (edit distance over trigram candidates) and ``StoredIndex``, the same index mapped
from the files ``Index.save`` writes."""

from __future__ import annotations

import json
import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hkcq.core.search.analysis import CONCEPT_PREFIX
from hkcq.core.search.storage import _offsets, _StoredIdf, _StoredKeys, _StoredPostings, _StoredStrings, _term_hash


# -- spelling tolerance -------------------------------------------------------------------------
def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, cut off above ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def _trigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


# -- BM25F index ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    key: Any
    score: float
    matched: frozenset[str]


class Index:
    """BM25F over documents with weighted fields of analysed terms.

    ``add(key, {field: terms})``, ``freeze()``, then ``search(query_terms)``. Each term's
    postings are two numpy arrays (document numbers, precomputed BM25 term weights), so a
    hundred thousand documents take tens of megabytes and a query costs a few vector
    additions over its terms' postings.
    """

    def __init__(self, field_weights: Mapping[str, float], k1: float = 1.2, b: float = 0.75) -> None:
        self.field_weights = dict(field_weights)
        self.k1 = k1
        self.b = b
        self.keys: list[Any] = []
        self._lengths = array("f")
        self._building: dict[str, tuple[array, array]] = {}
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._idf: dict[str, float] = {}
        self._trigram_index: dict[str, list[str]] | None = None
        self._frozen = False

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: Any, fields: Mapping[str, Sequence[str]]) -> None:
        if self._frozen:
            raise RuntimeError("The index is frozen; build a new one.")
        tf: dict[str, float] = defaultdict(float)
        length = 0.0
        for name, terms in fields.items():
            weight = self.field_weights.get(name, 1.0)
            for term in terms:
                tf[term] += weight
            length += weight * len(terms)
        number = len(self.keys)
        self.keys.append(key)
        self._lengths.append(length)
        building = self._building
        for term, freq in tf.items():
            posting = building.get(term)
            if posting is None:
                posting = building[term] = (array("i"), array("f"))
            posting[0].append(number)
            posting[1].append(freq)

    def freeze(self) -> Index:
        """Turn raw frequencies into BM25 weights (needs the average length, so once, at the end)."""
        if self._frozen:
            return self
        n = len(self.keys)
        lengths = np.frombuffer(self._lengths, dtype=np.float32) if n else np.zeros(0, dtype=np.float32)
        avg = float(lengths.mean()) if n else 1.0
        k1, b = self.k1, self.b
        norms = (k1 * (1 - b + b * lengths / (avg or 1.0))).astype(np.float32)
        postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for term, (docs_a, freqs_a) in self._building.items():
            docs = np.frombuffer(docs_a, dtype=np.int32).copy()
            freqs = np.frombuffer(freqs_a, dtype=np.float32)
            postings[term] = (docs, (freqs * (k1 + 1) / (freqs + norms[docs])).astype(np.float32))
        self._postings = postings
        self._building = {}
        self._idf = {t: math.log(1 + (n - len(p[0]) + 0.5) / (len(p[0]) + 0.5)) for t, p in postings.items()}
        self._lengths = array("f")
        self._frozen = True
        return self

    # -- vocabulary ---------------------------------------------------------------------------
    def idf(self, term: str) -> float:
        """Inverse document frequency; a term no document has gets the highest possible value."""
        found = self._idf.get(term)
        if found is not None:
            return found
        n = len(self.keys)
        return math.log(1 + (n + 0.5) / 0.5)

    def has(self, term: str) -> bool:
        return term in self._postings

    def document_frequency(self, term: str) -> int:
        """How many documents have ``term``."""
        posting = self._postings.get(term)
        return len(posting[0]) if posting is not None else 0

    def correct(self, term: str) -> str | None:
        """The closest vocabulary word to a misspelt Latin word, or None."""
        if len(term) < 4 or not term.isascii() or not term.isalpha() or term in self._postings:
            return None
        counts: Counter[str] = Counter()
        for gram in _trigrams(term):
            counts.update(self._trigram_words(gram))
        limit = 1 if len(term) < 8 else 2
        best: tuple[int, float, str] | None = None
        for word, _shared in counts.most_common(200):
            distance = edit_distance(term, word, limit)
            # Two edits only where the first letter agrees: typing slips rarely hit the first one.
            if distance <= limit and (distance == 1 or word[0] == term[0]):
                candidate = (distance, -self.document_frequency(word), word)
                if best is None or candidate < best:
                    best = candidate
        return best[2] if best else None

    def _trigram_index_build(self) -> dict[str, list[str]]:
        """Each letter trigram of the vocabulary's Latin words → those words, in vocabulary order."""
        index: dict[str, list[str]] = defaultdict(list)
        for word in self._postings:
            if word.isascii() and word.isalpha() and len(word) >= 3:
                for gram in _trigrams(word):
                    index[gram].append(word)
        return dict(index)

    def _trigram_words(self, gram: str) -> Sequence[str]:
        if self._trigram_index is None:
            self._trigram_index = self._trigram_index_build()
        return self._trigram_index.get(gram, ())

    # -- storing ------------------------------------------------------------------------------
    def save(self, directory: Path, extra: Mapping[str, np.ndarray] | None = None) -> None:
        """Write the frozen index (integer keys) to ``directory`` as flat arrays that
        :class:`StoredIndex` maps into memory: every process that loads the same files shares
        one copy in the operating system's page cache, and loading takes milliseconds.
        ``extra`` arrays are stored beside it (``StoredIndex.extra``)."""
        self.freeze()
        directory.mkdir(parents=True, exist_ok=True)
        terms = list(self._postings)
        encoded = [t.encode() for t in terms]
        hashes = np.fromiter((_term_hash(b) for b in encoded), dtype=np.uint64, count=len(encoded))
        order = np.argsort(hashes, kind="stable").astype(np.int64)
        lengths = np.fromiter((len(self._postings[t][0]) for t in terms), dtype=np.int64, count=len(terms))
        empty_i, empty_f = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        grams = self._trigram_index_build()
        term_number = {t: i for i, t in enumerate(terms)}
        gram_bytes = [g.encode() for g in grams]
        gram_hashes = np.fromiter((_term_hash(b) for b in gram_bytes), dtype=np.uint64, count=len(gram_bytes))
        gram_order = np.argsort(gram_hashes, kind="stable").astype(np.int64)
        gram_lists = list(grams.values())
        arrays: dict[str, np.ndarray] = {
            "keys": np.asarray(self.keys, dtype=np.int64),
            "terms": np.frombuffer(b"".join(encoded), dtype=np.uint8),
            "term_offsets": _offsets([len(b) for b in encoded]),
            "hashes": hashes[order],
            "hash_terms": order,
            "posting_offsets": _offsets(lengths.tolist()),
            "docs": np.concatenate([self._postings[t][0] for t in terms]) if terms else empty_i,
            "weights": np.concatenate([self._postings[t][1] for t in terms]) if terms else empty_f,
            "idf": np.fromiter((self._idf[t] for t in terms), dtype=np.float64, count=len(terms)),
            "grams": np.frombuffer(b"".join(gram_bytes), dtype=np.uint8),
            "gram_offsets": _offsets([len(b) for b in gram_bytes]),
            "gram_hashes": gram_hashes[gram_order],
            "gram_numbers": gram_order,
            "gram_word_offsets": _offsets([len(w) for w in gram_lists]),
            "gram_words": np.fromiter(
                (term_number[w] for words in gram_lists for w in words),
                dtype=np.int32,
                count=sum(len(w) for w in gram_lists),
            ),
        }
        for name, value in (extra or {}).items():
            arrays[f"extra-{name}"] = np.asarray(value)
        for name, value in arrays.items():
            np.save(directory / f"{name}.npy", value, allow_pickle=False)
        meta = {"k1": self.k1, "b": self.b, "field_weights": self.field_weights}
        (directory / "meta.json").write_text(json.dumps(meta), encoding="utf-8")

    # -- ranking ------------------------------------------------------------------------------
    def query_weights(
        self, terms: Sequence[str], term_weight: Callable[[str], float] | None = None
    ) -> dict[str, float]:
        """Weight of each distinct query term: its form's weight, a little more when repeated."""
        weigh = term_weight or (lambda _t: 1.0)
        return {t: weigh(t) * (1 + 0.25 * (q - 1)) for t, q in Counter(terms).items()}

    def search(
        self, terms: Sequence[str], limit: int = 10, term_weight: Callable[[str], float] | None = None
    ) -> list[Hit]:
        if not self._frozen:
            self.freeze()
        counted = self.query_weights(terms, term_weight)
        present = [(t, w) for t, w in counted.items() if t in self._postings]
        if not present or not self.keys:
            return []
        scores = np.zeros(len(self.keys), dtype=np.float32)
        for term, qw in present:
            docs, weights = self._postings[term]
            scores[docs] += np.float32(self._idf[term] * qw) * weights
        candidates = np.flatnonzero(scores)
        if len(candidates) > limit:
            top = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[top]
        order = sorted(candidates.tolist(), key=lambda d: (-float(scores[d]), d))
        # Which query terms each shown document has: one vectorised look-up per term over the
        # shown documents (not one per document and term).
        shown = np.asarray(order, dtype=np.int64)
        matched: list[list[str]] = [[] for _d in order]
        for term, _w in present:
            docs = self._postings[term][0]
            at = np.minimum(np.searchsorted(docs, shown), len(docs) - 1)
            for i in np.flatnonzero(docs[at] == shown).tolist():
                matched[i].append(term)
        return [Hit(self.keys[d], float(scores[d]), frozenset(m)) for d, m in zip(order, matched, strict=True)]

    def _contains(self, term: str, number: int) -> bool:
        posting = self._postings.get(term)
        if posting is None:
            return False
        docs = posting[0]
        i = int(np.searchsorted(docs, number))
        return i < len(docs) and int(docs[i]) == number

    def max_score(self, terms: Sequence[str], term_weight: Callable[[str], float] | None = None) -> float:
        """The score a document matching every query term at saturation would get."""
        weights = self.query_weights(terms, term_weight)
        return sum(self.idf(t) * (self.k1 + 1) * w for t, w in weights.items())

    def ceiling(self, groups: Sequence[Sequence[str]], term_weight: Callable[[str], float] | None = None) -> float:
        """The score of a document matching every idea of a question at saturation: for a group
        of terms (one idea, see :meth:`Analyzer.groups`) that the index knows in some form, all
        its known forms; for an idea it knows in no form, its strongest form at the highest
        inverse document frequency (probably what the question is about). Groups made only of
        concept terms add nothing. A search's scores never exceed it."""
        weights = self.query_weights([t for group in groups for t in group], term_weight)
        known = {t for t in weights if t in self._postings}
        total = sum(self.idf(t) * weights[t] for t in known)
        unknown_ideas = {
            frozenset(group)
            for group in groups
            if not known.intersection(group) and not all(t.startswith(CONCEPT_PREFIX) for t in group)
        }
        for idea in unknown_ideas:
            total += max(self.idf(t) * weights[t] for t in idea)
        return (self.k1 + 1) * total


class StoredIndex(Index):
    """An :class:`Index` written by ``Index.save``, mapped read-only from its files: it searches
    exactly as the index that was saved (same postings, weights, vocabulary order and spelling
    corrections) and holds nothing of its own but small look-up caches."""

    def __init__(self, directory: Path) -> None:
        meta = json.loads((directory / "meta.json").read_text(encoding="utf-8"))
        super().__init__(meta["field_weights"], k1=meta["k1"], b=meta["b"])

        def load(name: str) -> np.ndarray:
            # A plain array over the mapping (np.memmap's own slicing costs on every look-up).
            return np.load(directory / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)

        terms = _StoredStrings(load("terms"), load("term_offsets"), load("hashes"), load("hash_terms"))
        self.keys = _StoredKeys(load("keys"))  # type: ignore[assignment]
        self._postings = _StoredPostings(terms, load("posting_offsets"), load("docs"), load("weights"))  # type: ignore[assignment]
        self._idf = _StoredIdf(terms, load("idf"))  # type: ignore[assignment]
        self._terms = terms
        self._grams = _StoredStrings(load("grams"), load("gram_offsets"), load("gram_hashes"), load("gram_numbers"))
        self._gram_word_offsets = load("gram_word_offsets")
        self._gram_words = load("gram_words")
        self.extra = {
            path.stem[len("extra-") :]: np.load(path, mmap_mode="r", allow_pickle=False).view(np.ndarray)
            for path in sorted(directory.glob("extra-*.npy"))
        }
        self._frozen = True

    def add(self, key: Any, fields: Mapping[str, Sequence[str]]) -> None:
        raise RuntimeError("A stored index is read-only; build a new one.")

    def _trigram_words(self, gram: str) -> Sequence[str]:
        number = self._grams.number(gram)
        if number < 0:
            return ()
        start, end = int(self._gram_word_offsets[number]), int(self._gram_word_offsets[number + 1])
        return [self._terms.text(int(w)) for w in self._gram_words[start:end]]
