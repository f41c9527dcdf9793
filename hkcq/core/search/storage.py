"""The stored index's layout (``Index.save``, ``StoredIndex``): strings found by a 64-bit hash
in memory-mapped arrays, and the postings, inverse document frequencies and keys read through them."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence

import numpy as np


def _term_hash(encoded: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(encoded, digest_size=8).digest(), "little")


def _offsets(lengths: Sequence[int]) -> np.ndarray:
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(np.asarray(lengths, dtype=np.int64), out=out[1:])
    return out


class _StoredStrings:
    """A table of strings in mapped arrays, found by a 64-bit hash (sorted, binary search) and
    checked against the stored bytes. Recent look-ups are remembered (a query repeats them)."""

    CACHE = 50_000

    def __init__(self, blob: np.ndarray, offsets: np.ndarray, hashes: np.ndarray, numbers: np.ndarray) -> None:
        self.blob, self.offsets, self.hashes, self.numbers = blob, offsets, hashes, numbers
        self._found: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def text(self, number: int) -> str:
        return self.blob[self.offsets[number] : self.offsets[number + 1]].tobytes().decode()

    def number(self, text: str) -> int:
        """The string's number, or -1."""
        found = self._found.get(text)
        if found is not None:
            return found
        encoded = text.encode()
        wanted = np.uint64(_term_hash(encoded))
        i = int(np.searchsorted(self.hashes, wanted))
        found = -1
        while i < len(self.hashes) and self.hashes[i] == wanted:
            candidate = int(self.numbers[i])
            if self.blob[self.offsets[candidate] : self.offsets[candidate + 1]].tobytes() == encoded:
                found = candidate
                break
            i += 1
        if len(self._found) >= self.CACHE:
            self._found.clear()
        self._found[text] = found
        return found


class _StoredPostings(Mapping[str, tuple[np.ndarray, np.ndarray]]):
    def __init__(self, terms: _StoredStrings, offsets: np.ndarray, docs: np.ndarray, weights: np.ndarray) -> None:
        self.terms, self.offsets, self.docs, self.weights = terms, offsets, docs, weights

    def __getitem__(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        number = self.terms.number(term)
        if number < 0:
            raise KeyError(term)
        start, end = int(self.offsets[number]), int(self.offsets[number + 1])
        return self.docs[start:end], self.weights[start:end]

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self.terms.number(term) >= 0

    def __iter__(self) -> Iterator[str]:
        return (self.terms.text(i) for i in range(len(self.terms)))

    def __len__(self) -> int:
        return len(self.terms)


class _StoredIdf(Mapping[str, float]):
    def __init__(self, terms: _StoredStrings, idf: np.ndarray) -> None:
        self.terms, self.idf = terms, idf

    def __getitem__(self, term: str) -> float:
        number = self.terms.number(term)
        if number < 0:
            raise KeyError(term)
        return float(self.idf[number])

    def __iter__(self) -> Iterator[str]:
        return (self.terms.text(i) for i in range(len(self.terms)))

    def __len__(self) -> int:
        return len(self.terms)


class _StoredKeys(Sequence[int]):
    def __init__(self, keys: np.ndarray) -> None:
        self.array = keys

    def __getitem__(self, i: int) -> int:  # type: ignore[override]  # ints only, no slices
        return int(self.array[i])

    def __len__(self) -> int:
        return len(self.array)
