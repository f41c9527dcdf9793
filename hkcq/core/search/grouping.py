"""Grouping texts that say the same thing (``group_similar``), by their analysed terms."""

from __future__ import annotations

import math
from collections import Counter

from hkcq.core.search.analysis import Analyzer, default_analyzer


def group_similar(texts: list[str], *, threshold: float = 0.4, analyzer: Analyzer | None = None) -> list[list[int]]:
    """Greedy grouping of texts by the weighted overlap of their analysed terms (concept terms
    from the glossary let an English and a Chinese question meet). Returns groups of indexes,
    largest first."""
    analyzer = analyzer or default_analyzer()
    term_sets: list[set[str]] = []
    for text in texts:
        concepts = analyzer.concepts(text)
        term_sets.append({t for t in concepts if analyzer.term_weight(t) >= 1.0} or set(concepts))
    df: Counter[str] = Counter()
    for term_set in term_sets:
        df.update(term_set)
    n = len(texts)

    def weight(term: str) -> float:
        return math.log(1 + n / df[term])

    groups: list[tuple[set[str], list[int]]] = []
    for i, terms in enumerate(term_sets):
        best, best_sim = None, 0.0
        for group in groups:
            centre = group[0]
            # Dice coefficient on idf-weighted terms.
            common = sum(weight(t) for t in terms & centre)
            total = sum(weight(t) for t in terms) + sum(weight(t) for t in centre)
            sim = 2 * common / total if total else 0.0
            if sim > best_sim:
                best, best_sim = group, sim
        if best is not None and best_sim >= threshold:
            best[1].append(i)
        else:
            groups.append((set(terms), [i]))
    return sorted((g[1] for g in groups), key=lambda idx: (-len(idx), idx[0]))
