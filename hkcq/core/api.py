"""API plumbing shared by every router: the one error shape (``ErrorOut``, ``ERRORS`` for an
operation's documented error answers) and the text schemas. Authentication (``STAFF_AUTH``) is
``hkcq.accounts.api_auth``: it needs the accounts' tokens, and core imports no app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from hkcq.core.pagination import count_estimate
from hkcq.core.translated import EN, HANS, HANT, TText

# A required text: at least one character that is not white space. The document says so
# (``minLength: 1`` and a ``pattern``); the service refuses "" and "  " with 422 in the one error
# shape, with its own translated message on the field (a schema check would answer in English
# with pydantic's words). The schemathesis run (core/tests/test_schemathesis.py) holds the two
# together: what the document refuses must be refused.
Required = Annotated[str, Field(json_schema_extra={"minLength": 1, "pattern": r"[^\s\x1c-\x1f]"})]

# An e-mail address as the services check it (``format: email`` in the document).
Email = Annotated[str, Field(json_schema_extra={"format": "email", "minLength": 3})]

# The platform's languages (settings.LANGUAGES).
Language = Literal["en", "zh-hant", "zh-hans"]


class ErrorDetail(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    error: ErrorDetail


# The error answers a write (or a signed-in read) documents: ``response={200: X, **ERRORS}``.
ERRORS: dict[int, type[Schema]] = {code: ErrorOut for code in (400, 401, 403, 404, 422, 429)}


class TextOut(Schema):
    """One user-visible text in three languages, with how each variant came to be
    (``human``, ``machine`` or ``converted``)."""

    en: str = ""
    zh_hant: str = ""
    zh_hans: str = ""
    origin: dict[str, str] = {}

    @staticmethod
    def of(value: Any) -> dict[str, Any]:
        t = TText.from_json(value)
        return {
            "en": t.get(EN),
            "zh_hant": t.get(HANT),
            "zh_hans": t.get(HANS),
            "origin": {k.replace("-", "_"): v for k, v in t.origins.items()},
        }


class TextIn(Schema):
    """Give at least one language; a missing Chinese script is derived with OpenCC."""

    en: str = ""
    zh_hant: str = ""
    zh_hans: str = ""

    def as_texts(self) -> dict[str, str]:
        return {EN: self.en, HANT: self.zh_hant, HANS: self.zh_hans}


class Mapped:
    """A queryset whose rows are turned into API output only once a page is taken.

    Return ``Mapped(queryset, fn)`` from a view under ninja's ``@paginate``: the paginator slices
    it (``LIMIT``/``OFFSET`` in SQL) and counts it, and ``fn`` runs on the page's rows alone. A list
    comprehension over the whole queryset would fetch and map every row to show twenty.
    ``count`` replaces the exact ``COUNT(*)`` where one is too dear (an estimate or a cached figure).
    """

    def __init__(self, queryset: QuerySet[Any], fn: Callable[[Any], Any], *, count: Callable[[], int] | None = None):
        self.queryset = queryset
        self.fn = fn
        self._count = count

    def all(self) -> Mapped:  # ninja counts with ``queryset.all().count()``
        return self

    def count(self) -> int:
        return self._count() if self._count is not None else self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Any]:
        if not isinstance(key, slice):
            raise TypeError("Mapped pages are taken by slice")
        return [self.fn(row) for row in self.queryset[key]]


def estimated_count(queryset: QuerySet[Any]) -> int:
    """The number of rows: exact while small, else the planner's estimate
    (``core.pagination.count_estimate``, which also says which it is)."""
    return count_estimate(queryset).value
