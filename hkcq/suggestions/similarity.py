"""Text likeness for suggestions: similar published suggestions, the likely co-operation area,
and themes for the digest.

The ONE place this app handles text. It uses the consulting service's analyzer
(``hkcq.core.search.analyze``: script folding with OpenCC, jieba segmentation, stop words, the
synonym glossary), so 回鄉證, 回乡证 and "Home Return Permit" are compared the same way everywhere.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from hkcq.core.search import analyze

T = TypeVar("T")
G = TypeVar("G")

__all__ = ["analyze", "best_group", "best_match", "group", "rank"]


def _vector(terms: Iterable[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(terms)
    vec = {t: (1 + math.log(c)) * idf.get(t, 1.0) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(t, 0.0) for t, v in a.items())


def _idf(documents: Sequence[list[str]]) -> dict[str, float]:
    n = len(documents)
    df: Counter[str] = Counter()
    for doc in documents:
        df.update(set(doc))
    return {t: math.log((n + 1) / (c + 0.5)) + 1 for t, c in df.items()}


def rank(
    query: str, items: Sequence[T], text_of: Callable[[T], str], *, threshold: float = 0.12
) -> list[tuple[T, float]]:
    """``items`` most like ``query`` first, with their cosine similarity (TF-IDF over ``items``)."""
    q_terms = analyze(query)
    if not q_terms or not items:
        return []
    docs = [analyze(text_of(item)) for item in items]
    idf = _idf([*docs, q_terms])
    q_vec = _vector(q_terms, idf)
    scored = [(item, _cosine(q_vec, _vector(doc, idf))) for item, doc in zip(items, docs, strict=True) if doc]
    return sorted((pair for pair in scored if pair[1] >= threshold), key=lambda pair: -pair[1])


def best_match(query: str, items: Sequence[T], text_of: Callable[[T], str], *, threshold: float = 0.03) -> T | None:
    """The item most like ``query``, if it stands out: clearly ahead of the runner-up."""
    ranked = rank(query, items, text_of, threshold=threshold)
    if not ranked or (len(ranked) > 1 and ranked[0][1] < ranked[1][1] * 1.25):
        return None
    return ranked[0][0]


def best_group(
    query: str,
    items: Sequence[T],
    text_of: Callable[[T], str],
    group_of: Callable[[T], G],
    *,
    depth: int = 2,
    threshold: float = 0.05,
    margin: float = 1.25,
) -> G | None:
    """The group (e.g. a co-operation area) whose closest ``depth`` items (its measures,
    questions…) are most like ``query`` (the sum of their similarities), if it stands out: at
    least ``threshold`` and ``margin`` times any other group's. A group is judged by its closest
    items, not by all its text at once, so a group with many items is not diluted and one with few
    is not drowned."""
    found: dict[G, list[float]] = {}
    for item, score in rank(query, items, text_of, threshold=0.0):
        found.setdefault(group_of(item), []).append(score)  # best first
    ranked = sorted(((key, sum(scores[:depth])) for key, scores in found.items()), key=lambda pair: -pair[1])
    if not ranked or ranked[0][1] < threshold or (len(ranked) > 1 and ranked[0][1] < ranked[1][1] * margin):
        return None
    return ranked[0][0]


def group(items: Sequence[T], text_of: Callable[[T], str], *, threshold: float = 0.3) -> list[list[T]]:
    """Items grouped by likeness: each item joins the first group whose first member it resembles
    at least ``threshold``, in the order given (so give the most supported first)."""
    docs = [analyze(text_of(item)) for item in items]
    idf = _idf(docs) if docs else {}
    vectors = [_vector(doc, idf) for doc in docs]
    groups: list[tuple[dict[str, float], list[T]]] = []
    for item, vec in zip(items, vectors, strict=True):
        for head, members in groups:
            if vec and _cosine(head, vec) >= threshold:
                members.append(item)
                break
        else:
            groups.append((vec, [item]))
    return [members for _head, members in groups]
