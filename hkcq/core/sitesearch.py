"""The site's one search: a small registry of search providers, one per kind of thing.

Core knows no domain app. Each app registers the kinds it can find in its ``AppConfig.ready()``
(``register(Provider(...))``); the search page asks every provider and shows their results
grouped by kind. A new app (partnering opportunities, events) adds a kind by registering a
provider, without changing core or the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from hkcq.core.text import fold


@dataclass(frozen=True)
class Result:
    """One thing found. ``title`` is a translated value (``TText`` or its JSON) when
    ``translated``, otherwise plain text as its author wrote it."""

    title: Any
    url: str
    code: str = ""
    snippet: str = ""
    translated: bool = True


@dataclass(frozen=True)
class Provider:
    """``search(query, language, user, limit)`` returns the results of one kind, best first.
    ``answers_questions``: its results answer questions (the knowledge base), so they come
    first when the query reads as a question. ``order``: position among the others."""

    kind: str
    label: Callable[[], Any]  # a (lazy) translated string
    search: Callable[[str, str, Any, int], list[Result]]
    order: int = 100
    answers_questions: bool = False


@dataclass
class Group:
    kind: str
    label: str
    results: list[Result] = field(default_factory=list)


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    """Add (or replace, by kind) a provider."""
    _PROVIDERS[provider.kind] = provider


def unregister(kind: str) -> None:
    _PROVIDERS.pop(kind, None)


def providers() -> list[Provider]:
    return sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.kind))


# Words that open a question, and marks that end one, in the three languages (folded, so
# 嗎/吗 and 點樣/点样 are one entry each).
_QUESTION_OPENERS = (
    "how", "what", "where", "when", "who", "which", "why", "can", "could", "do", "does", "is", "are",
    "should", "may", "will", "i need", "i want",
)  # fmt: skip
_QUESTION_WORDS = re.compile(
    r"(如何|怎么|怎样|点样|点解|点办|可否|可不可以|可以吗|能否|能不能|是否|有没有|有冇|几时|几多|哪里|边度|什么|咩|吗|呢|么)"
)


def is_question(query: str) -> bool:
    """Whether ``query`` reads as a question rather than a few keywords."""
    text = fold(query)
    if not text:
        return False
    if text.rstrip().endswith(("?", "？")):
        return True
    if _QUESTION_WORDS.search(text):
        return True
    words = text.split()
    return len(words) >= 3 and any(text.startswith(opener + " ") for opener in _QUESTION_OPENERS)


@dataclass
class SearchResults:
    query: str
    question: bool
    groups: list[Group]

    @property
    def count(self) -> int:
        return sum(len(g.results) for g in self.groups)


def search(
    query: str, *, language: str, user: AbstractBaseUser | AnonymousUser | None = None, limit: int = 10
) -> SearchResults:
    """Every provider's results for ``query``, grouped by kind; providers that answer questions
    first when ``query`` is a question."""
    query = (query or "").strip()
    question = is_question(query)
    groups: list[Group] = []
    if query:
        ordered = providers()
        if question:
            ordered = sorted(ordered, key=lambda p: not p.answers_questions)  # stable: keeps the order otherwise
        for provider in ordered:
            results = provider.search(query, language, user, limit)
            if results:
                groups.append(Group(provider.kind, str(provider.label()), list(results[:limit])))
    return SearchResults(query, question, groups)
