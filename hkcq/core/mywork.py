"""The staff's "my work" page: a small registry of work sections, one per app.

Core knows no domain app. Each app registers a function in its ``AppConfig.ready()`` that gives
a signed-in user's share of its work (``register(WorkProvider(...))``): counts, each linking to
the list it counts, and optionally the first few rows (cases by due date). An app with nothing
for the user returns ``None`` and the page leaves it out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class WorkCount:
    label: str
    count: int
    url: str
    urgent: bool = False  # shown as needing attention when not zero (late, overdue)


@dataclass(frozen=True)
class WorkRow:
    text: str
    url: str
    code: str = ""
    due: Any = None  # a datetime or date shown as the row's deadline
    late: bool = False


@dataclass
class WorkSection:
    key: str
    title: str
    counts: list[WorkCount] = field(default_factory=list)
    rows: list[WorkRow] = field(default_factory=list)
    rows_title: str = ""


@dataclass(frozen=True)
class WorkProvider:
    key: str
    build: Callable[[Any], WorkSection | None]
    order: int = 100


_PROVIDERS: dict[str, WorkProvider] = {}


def register(provider: WorkProvider) -> None:
    _PROVIDERS[provider.key] = provider


def unregister(key: str) -> None:
    _PROVIDERS.pop(key, None)


def sections_for(user: AbstractBaseUser | AnonymousUser | None) -> list[WorkSection]:
    """The user's work, section by section, in the providers' order; empty for a user with none."""
    sections = []
    for provider in sorted(_PROVIDERS.values(), key=lambda p: (p.order, p.key)):
        section = provider.build(user)
        if section is not None and (section.counts or section.rows):
            sections.append(section)
    return sections
