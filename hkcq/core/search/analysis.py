"""Text analysis: ``analyze(text)`` and the ``Analyzer`` behind it (folding, segmentation,
stemming, the synonym glossary and its concept terms); see ``hkcq.core.search``."""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from hkcq.core.search.stopwords import EN_STOPWORDS, ZH_STOP_PHRASES, ZH_STOPWORDS
from hkcq.core.text import fold

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
GLOSSARY_PATH = DATA_DIR / "glossary.yaml"
CONCEPT_PREFIX = "~"

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+")
_CJK_RUN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")

# Derivational endings removed after the inflectional ones, longest first, once.
_SUFFIXES = (
    "isation", "ization", "ational", "fulness", "iveness", "ations", "ation", "ments", "ment", "ness", "ised",
    "ized", "ise", "ize", "als", "al",
)  # fmt: skip


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light English stemmer: enough to meet plurals, -ing/-ed and common derivations
    (hospitalised / hospital, renewal / renewing). The same on both sides is what matters."""
    w = word.replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if len(w) <= 3 or not w.isalpha():
        return w
    if w.endswith(("ised", "ized")) and len(w) > 8:
        w = w[:-4]
    elif w.endswith(("ising", "izing")) and len(w) > 9:
        w = w[:-5]
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses") or w.endswith(("ches", "shes", "xes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if w.endswith("ing") and len(w) > 5:
        w = w[:-3]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
    elif w.endswith("ed") and len(w) > 4:
        w = w[:-2] if not w.endswith("ied") else w[:-3] + "y"
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            w = w[: -len(suffix)]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


@dataclass(frozen=True)
class Glossary:
    """Synonym groups. ``phrases`` maps a phrase (a tuple of base terms) to its group ids."""

    groups: dict[str, list[str]]
    zh_words: frozenset[str]
    phrases: dict[tuple[str, ...], tuple[str, ...]] = field(default_factory=dict)
    max_len: int = 1
    # Groups that say what kind of question it is or where (how much, how long, apply, places),
    # not what it is about (``facet: true`` in the data).
    facets: frozenset[str] = frozenset()


def _read_glossary(path: Path) -> tuple[dict[str, list[str]], list[str], set[str]]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    entries = data.get("groups") or []
    groups = {str(g["id"]): [str(t) for t in g.get("terms") or []] for g in entries}
    facets = {str(g["id"]) for g in entries if g.get("facet")}
    return groups, [str(w) for w in data.get("words") or []], facets


class Analyzer:
    """Folding, segmentation, stemming and glossary expansion. Thread-safe after construction."""

    def __init__(self, glossary_path: Path | None = GLOSSARY_PATH, extra_words: Iterable[str] = ()) -> None:
        groups, words, facets = _read_glossary(glossary_path) if glossary_path else ({}, [], set())
        zh_words = {fold(w) for w in [*words, *extra_words] if _CJK_RUN.match(fold(w).replace(" ", ""))}
        self._stop_phrases = set(ZH_STOP_PHRASES)
        for terms in groups.values():
            for term in terms:
                folded = fold(term)
                if _CJK_RUN.match(folded):
                    zh_words.add(folded)
        self._jieba = self._make_jieba(zh_words | self._stop_phrases)
        phrases: dict[tuple[str, ...], set[str]] = defaultdict(set)
        for gid, terms in groups.items():
            for term in terms:
                key = tuple(self.base_terms(term))
                if key:
                    phrases[key].add(gid)
        self.glossary = Glossary(
            groups=groups,
            zh_words=frozenset(zh_words),
            phrases={k: tuple(sorted(v)) for k, v in phrases.items()},
            max_len=max((len(k) for k in phrases), default=1),
            facets=frozenset(facets),
        )

    @staticmethod
    def _make_jieba(words: Iterable[str]) -> Any:
        import jieba  # local import: jieba loads its dictionary on import; only Chinese text needs it

        jieba.setLogLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        for word in sorted(words):
            # A high frequency makes jieba keep the domain term whole.
            tokenizer.add_word(word, freq=200_000)
        return tokenizer

    # -- steps -------------------------------------------------------------------------------
    def _cjk_units(self, run: str) -> list[list[str]]:
        """The terms of a run of Chinese characters, one list per word: a word with its sub-words
        and bigrams together; each bigram and single character of unsegmented text alone."""
        out: list[list[str]] = []
        singles: list[str] = []

        def flush() -> None:
            kept = [c if c not in ZH_STOPWORDS else "" for c in singles]
            out.extend([a + b] for a, b in zip(kept, kept[1:], strict=False) if a and b)
            out.extend([c] for c in kept if c)
            singles.clear()

        words = self._jieba.lcut(run, HMM=False)
        for word in words:
            if len(word) == 1:
                singles.append(word)
                continue
            flush()
            if word in ZH_STOPWORDS:
                continue
            unit = [word]
            if len(word) > 2:
                # Sub-words of a long word (search mode), and its bigrams as a fallback for words
                # another text segments differently.
                subs = {w for w in self._jieba.lcut_for_search(word, HMM=False) if len(w) > 1 and w != word}
                subs |= {word[i : i + 2] for i in range(len(word) - 1)}
                unit.extend(sorted(s for s in subs if s not in ZH_STOPWORDS))
            out.append(unit)
        flush()
        return out

    def base_units(self, text: str) -> list[list[str]]:
        """Terms before glossary expansion, in text order, one list per word (see _cjk_units)."""
        units: list[list[str]] = []
        for match in _TOKEN.finditer(fold(text)):
            token = match.group(0)
            if token[0].isascii():
                if token in EN_STOPWORDS:
                    continue
                units.append([stem(token)])
            else:
                units.extend(self._cjk_units(token))
        return units

    def base_terms(self, text: str) -> list[str]:
        """Terms before glossary expansion, in text order."""
        return [term for unit in self.base_units(text) for term in unit]

    def expand(self, terms: Sequence[str]) -> list[str]:
        """``terms`` plus a concept term for every glossary phrase found in them."""
        phrases = self.glossary.phrases
        concepts: list[str] = []
        n = len(terms)
        for i in range(n):
            for length in range(1, min(self.glossary.max_len, n - i) + 1):
                groups = phrases.get(tuple(terms[i : i + length]))
                if groups:
                    concepts.extend(CONCEPT_PREFIX + g for g in groups)
        return [*terms, *concepts]

    def groups(self, units: Sequence[Sequence[str]]) -> list[list[str]]:
        """The terms of ``units`` (from :meth:`base_units`) grouped by idea: the words that form
        a glossary phrase are merged into one group with the phrase's concept terms, so a
        question's "回鄉證" is one idea (回乡证, its sub-words, ~home_return_permit), not four.
        Every term of ``expand(flattened units)`` is in exactly one group."""
        flat: list[str] = []
        owner: list[int] = []
        for number, unit in enumerate(units):
            flat.extend(unit)
            owner.extend([number] * len(unit))
        parent = list(range(len(units)))

        def root(number: int) -> int:
            while parent[number] != number:
                number = parent[number]
            return number

        concepts: dict[int, list[str]] = defaultdict(list)
        phrases = self.glossary.phrases
        n = len(flat)
        for i in range(n):
            for length in range(1, min(self.glossary.max_len, n - i) + 1):
                found = phrases.get(tuple(flat[i : i + length]))
                if not found:
                    continue
                members = sorted({root(owner[j]) for j in range(i, i + length)})
                for member in members[1:]:
                    parent[member] = members[0]
                concepts[members[0]].extend(CONCEPT_PREFIX + g for g in found)
        grouped: dict[int, list[str]] = defaultdict(list)
        for number, unit in enumerate(units):
            grouped[root(number)].extend(unit)
        for number, terms in concepts.items():
            grouped[root(number)].extend(terms)
        return list(grouped.values())

    def is_facet(self, group: Sequence[str]) -> bool:
        """Whether a group of terms (from :meth:`groups`) only says what kind of question it is or
        where: it has concepts and all of them are facets."""
        concepts = [t[len(CONCEPT_PREFIX) :] for t in group if t.startswith(CONCEPT_PREFIX)]
        return bool(concepts) and all(c in self.glossary.facets for c in concepts)

    def analyze(self, text: str) -> list[str]:
        return self.expand(self.base_terms(text))

    def concepts(self, text: str) -> list[str]:
        """Terms with every glossary phrase replaced by its concept (longest phrase first): the
        language-neutral view of a text, for comparing texts with each other."""
        terms = self.base_terms(text)
        phrases = self.glossary.phrases
        out: list[str] = []
        i = 0
        while i < len(terms):
            for length in range(min(self.glossary.max_len, len(terms) - i), 0, -1):
                groups = phrases.get(tuple(terms[i : i + length]))
                if groups:
                    out.extend(CONCEPT_PREFIX + g for g in groups)
                    i += length
                    break
            else:
                out.append(terms[i])
                i += 1
        return out

    def in_glossary(self, term: str) -> bool:
        return (term,) in self.glossary.phrases

    def term_weight(self, term: str) -> float:
        """How much a term says about a text's topic, by its form: a single Chinese character or
        a character bigram that is no dictionary word is weak evidence; words and concepts are
        full evidence. Used to weight query terms."""
        if term.startswith(CONCEPT_PREFIX) or term.isascii():
            return 1.0
        if len(term) == 1:
            return 0.25
        if len(term) == 2 and term not in self.glossary.zh_words and not self._jieba.FREQ.get(term):
            return 0.5
        return 1.0


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    return Analyzer()


def analyze(text: str) -> list[str]:
    """Terms of ``text`` with the default analyzer and glossary."""
    return default_analyzer().analyze(text)
