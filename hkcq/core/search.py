"""Text analysis and ranking shared by every app that searches or groups free text.

``analyze(text)`` turns English, Traditional or Simplified Chinese, colloquial Cantonese and
code-switched writing ("我想renew個回鄉證") into one stream of comparable terms:

1. ``fold``: NFKC width folding, case folding, Traditional → Simplified (OpenCC), so every
   script variant of a word becomes the same term;
2. Latin runs: stop words dropped, a light English stemmer (plurals, -ing, -ed …);
3. Chinese runs: jieba (search mode) with a custom dictionary of domain terms and of every
   Chinese glossary term, function words and Cantonese particles dropped; where jieba falls
   back to single characters, their character bigrams are added, so unknown words still match;
4. the synonym glossary (data in ``hkcq/core/data/glossary.yaml``): every glossary phrase found
   adds a concept term ``~<group>`` shared by all its synonyms in both languages, so
   "Home Return Permit", 回鄉證 and 回乡证 meet.

``Index`` is a BM25F index over any documents made of weighted fields of analysed terms; it
corrects misspelt query words against its own vocabulary (edit distance, trigram candidates).
Nothing here knows about a particular app.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from hkcq.core.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
GLOSSARY_PATH = DATA_DIR / "glossary.yaml"
CONCEPT_PREFIX = "~"

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+")
_CJK_RUN = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")

EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "into",
        "onto",
        "about",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "i",
        "me",
        "my",
        "mine",
        "we",
        "us",
        "our",
        "you",
        "your",
        "he",
        "him",
        "his",
        "she",
        "her",
        "it",
        "its",
        "they",
        "them",
        "their",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "can",
        "could",
        "would",
        "should",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "too",
        "very",
        "just",
        "also",
        "any",
        "some",
        "all",
        "each",
        "every",
        "other",
        "such",
        "own",
        "same",
        "only",
        "both",
        "then",
        "once",
        "again",
        "further",
        "more",
        "most",
        "off",
        "out",
        "over",
        "under",
        "up",
        "down",
        "after",
        "before",
        "while",
        "because",
        "until",
        "s",
        "t",
        "d",
        "ll",
        "m",
        "re",
        "ve",
        "please",
        "thank",
        "thanks",
        "hi",
        "hello",
        "dear",
        "want",
        "wanted",
        "need",
        "needs",
        "like",
        "get",
        "got",
        "go",
        "going",
        "know",
        "let",
        "tell",
        "anyone",
        "someone",
        "something",
        "anything",
        "ok",
        "okay",
        "yes",
    ]
)

# Folded (Simplified) forms: Mandarin function words and Cantonese particles that carry no topic.
ZH_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "嘛",
        "么",
        "是",
        "我",
        "我们",
        "你",
        "你们",
        "您",
        "他",
        "她",
        "它",
        "他们",
        "在",
        "有",
        "和",
        "与",
        "及",
        "或",
        "就",
        "都",
        "也",
        "还",
        "而",
        "被",
        "把",
        "让",
        "给",
        "对",
        "从",
        "向",
        "这",
        "那",
        "这个",
        "那个",
        "这些",
        "那些",
        "怎么",
        "怎样",
        "如何",
        "什么",
        "哪",
        "哪里",
        "哪儿",
        "为什么",
        "可以",
        "可不可以",
        "能",
        "能否",
        "能不能",
        "会",
        "要",
        "要不要",
        "想",
        "想要",
        "请问",
        "请",
        "问",
        "一下",
        "一个",
        "一些",
        "个",
        "些",
        "吗",
        "呢",
        "嗎",
        "吓",
        "嘅",
        "咗",
        "喺",
        "系",
        "係",
        "唔",
        "啲",
        "咩",
        "点",
        "点样",
        "嗰",
        "嗰个",
        "呢个",
        "佢",
        "佢哋",
        "我哋",
        "你哋",
        "咁",
        "噉",
        "咪",
        "吖",
        "啦",
        "喇",
        "嘞",
        "囉",
        "啰",
        "罗",
        "喎",
        "呀",
        "噃",
        "㗎",
        "架",
        "嘛",
        "哦",
        "喔",
        "乜",
        "乜嘢",
        "边",
        "边度",
        "边个",
        "几时",
        "有冇",
        "得唔得",
        "使唔使",
        "仲",
        "先",
        "就",
        "同",
        "俾",
        "畀",
        "即",
        "如果",
        "但",
        "但是",
        "因为",
        "所以",
        "已经",
        "现在",
        "今年",
        "而家",
        "自己",
        "吗",
        "吧",
        "等",
        "等等",
        "之",
        "其",
        "该",
        "此",
        "各",
        "中",
        "上",
        "下",
        "里",
        "内",
        "后",
        "前",
        "时",
        "时候",
        "多",
        "少",
        "可",
        "无",
        "没",
        "没有",
        "不",
        "不是",
        "很",
        "好",
        "太",
        "最",
        "更",
        "又",
        "再",
        "才",
        "只",
        "需",
        "需要",
        "应该",
        "必须",
        "怎",
        "么样",
        "得唔得",
        "使唔使",
        "有冇",
        "系咪",
        "系唔系",
        "可唔可以",
        "可以吗",
        "点样",
        "点算",
        "点做",
        "点办",
        "怎么办",
        "怎样办",
        "点算好",
        "仲有冇",
        "有没有",
        "能不能",
        "是不是",
        "要不要",
        "行唔行",
        "得不得",
        "搞",
        "搞掂",
        "咁样",
        "嘅话",
        "的话",
        "请教",
        "想问",
        "想知",
        "想知道",
        "知道",
        "谢谢",
        "唔该",
        "多谢",
        "麻烦",
        "吗",
        "啱啱",
        "刚刚",
        "其实",
        "真系",
        "真的",
        "一定",
        "係咪",
        "点解",
        "为何",
        "几多",
        "几",
        "咩嘢",
        "乜野",
        "边度",
        "边间",
        "啲嘢",
        "嘢",
        "做",
        "用",
        "去",
        "嚟",
        "来",
        "返",
        "帮",
        "同埋",
    ]
)

# Stop phrases kept whole by the segmenter so that they are dropped as one word.
ZH_STOP_PHRASES = [w for w in ZH_STOPWORDS if len(w) > 2]

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


__all__ = [
    "Analyzer",
    "Hit",
    "Index",
    "StoredIndex",
    "analyze",
    "default_analyzer",
    "edit_distance",
    "group_similar",
    "stem",
]
