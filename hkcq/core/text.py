"""Chinese script conversion and text folding, shared by every app.

OpenCC converters are built once per process: building one reads its dictionaries.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache, lru_cache

import opencc


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Hong Kong Traditional → Simplified (OpenCC ``hk2s``)."""
    return _converter("hk2s").convert(text) if text else text


def to_traditional(text: str) -> str:
    """Simplified → Hong Kong Traditional (OpenCC ``s2hk``)."""
    return _converter("s2hk").convert(text) if text else text


_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold text for matching: width, case and script differences removed.

    Traditional and Simplified forms of a word fold to the same string, so a search
    typed in either script finds text written in the other.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _converter("t2s").convert(text)
    return _SPACE.sub(" ", text).strip()


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _jieba():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def segment(text: str) -> list[str]:
    """Words of ``text``: whitespace-separated runs, with runs of Chinese split by jieba."""
    words: list[str] = []
    for run in text.split():
        if has_cjk(run) and len(run) > 2:
            words.extend(w for w in _jieba().lcut(run) if w.strip())
        else:
            words.append(run)
    return words
