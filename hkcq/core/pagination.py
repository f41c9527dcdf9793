from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ninja.pagination
from django.conf import settings
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, ValidationError
from django.core.paginator import Page, Paginator
from django.db import connections
from django.db.models import F, Model, Q, QuerySet
from django.db.models import Field as ModelField
from django.db.models.expressions import OrderBy
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema

from hkcq.core.errors import InvalidInput

API_PAGE_SIZE = 100  # django-ninja's default page
API_MAX_LIMIT = 1000
API_MAX_OFFSET = 2**31 - 1


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> Page:
    """A page of ``items``; a missing, bad or too-large page number shows the nearest page."""
    paginator = Paginator(items, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


class LimitOffsetPagination(ninja.pagination.LimitOffsetPagination):
    """The API's ``limit``/``offset`` pagination with both bounded, so a number too large for the
    database (``limit=9223372036854775808``) is refused as invalid input (422) instead of failing
    in SQL. Every paginated endpoint uses this one."""

    class Input(Schema):
        limit: int = Field(API_PAGE_SIZE, ge=1, le=API_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=API_MAX_OFFSET)


# -- counts that do not scan -------------------------------------------------------------------
ESTIMATE_ABOVE = 10_000


@dataclass(frozen=True)
class Count:
    """How many rows a list has: ``exact``, or the planner's estimate (shown as "about N"), or
    with ``at_least`` a lower bound (the estimate was low and the count stopped at its limit:
    "more than N")."""

    value: int
    exact: bool
    at_least: bool = False


def count_estimate(queryset: QuerySet[Any]) -> Count:
    """The number of rows, exact while it is small and the planner's estimate above
    ``ESTIMATE_ABOVE`` on PostgreSQL (``EXPLAIN``: planning only, no scan; a whole table's estimate
    comes from ``pg_class.reltuples``). A queue of a million cases does not count itself on every
    page; a long list's total is a guide there, not a figure, and says so."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return Count(queryset.count(), exact=True)
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a .none() queryset (e.g. the queue of someone who may see no case) has no SQL
        return Count(0, exact=True)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimate = int(plan[0]["Plan"]["Plan Rows"])
    if estimate > ESTIMATE_ABOVE:
        return Count(estimate, exact=False)
    # The planner may underestimate (a filter with OR): count no further than the threshold.
    return bounded_count(queryset, ESTIMATE_ABOVE)


def bounded_count(queryset: QuerySet[Any], limit: int) -> Count:
    """The number of rows if at most ``limit``, else "at least ``limit``": one ``COUNT`` over a
    subquery with ``LIMIT limit + 1``, so it reads no more than that many matching rows."""
    counted = queryset.order_by()[: limit + 1].count()
    if counted > limit:
        return Count(limit, exact=False, at_least=True)
    return Count(counted, exact=True)


# -- keyset (cursor) pagination --------------------------------------------------------------------
@dataclass(frozen=True)
class SortKey:
    """One column of a keyset's order. ``nullable``: NULLs come after every value (allowed on the
    first key only; the rows with and without a value are then read as two runs, so each uses the
    index's range)."""

    field: str
    descending: bool = False
    nullable: bool = False


@dataclass(frozen=True)
class KeysetPage:
    """One page of rows, and the cursors of the pages either side (None at either end)."""

    rows: list[Any]
    next: str | None
    previous: str | None


class Keyset:
    """A stable order whose last key is unique (``id``), and the cursors that continue it.

    A page after a cursor is ``WHERE (k1, k2, id) > (v1, v2, v)`` in the order's directions,
    written as ``k1 >= v1 AND (k1 > v1 OR (k1 = v1 AND …))`` so that the database reads the
    matching index from the cursor on, however deep: page 1,000 costs what page 1 does. Rows with
    equal timestamps are neither skipped nor repeated (the ``id`` decides). A cursor is the last
    row's key values, JSON in URL-safe base64: opaque to callers, harmless when altered (it only
    names a position)."""

    def __init__(self, *keys: SortKey, keys_first: bool = False):
        """``keys_first``: read the page's primary keys alone, then its rows (with their joins)
        by key: for filters the planner estimates badly, where it would otherwise join every
        matching row before sorting and taking the page."""
        if any(k.nullable for k in keys[1:]):
            raise ValueError("only the first key of a keyset may be nullable")
        self.keys = keys
        self.keys_first = keys_first

    def _read(self, qs: QuerySet[Any], order: list[OrderBy], n: int) -> list[Any]:
        if not self.keys_first:
            return list(qs.order_by(*order)[:n])
        ids = list(qs.order_by(*order).values_list("pk", flat=True)[:n])
        if not ids:
            return []
        by_id = {row.pk: row for row in qs.filter(pk__in=ids).order_by()}
        return [by_id[i] for i in ids if i in by_id]

    # ordering
    def order_by(self, *, reverse: bool = False) -> list[OrderBy]:
        out = []
        for k in self.keys:
            descending = k.descending != reverse
            expr = F(k.field).desc() if descending else F(k.field).asc()
            if k.nullable:
                expr = F(k.field).desc(nulls_first=reverse) if descending else F(k.field).asc(nulls_last=not reverse)
            out.append(expr)
        return out

    # cursors
    def values_of(self, row: Any) -> list[Any]:
        return [getattr(row, k.field) for k in self.keys]

    def cursor(self, row: Any) -> str:
        values = [v.isoformat() if isinstance(v, dt.datetime) else v for v in self.values_of(row)]
        return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")

    def decode(self, model: type[Model], cursor: str | None) -> list[Any] | None:
        """The position a cursor names, or None when it is empty or malformed."""
        if not cursor:
            return None
        try:
            raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            if not isinstance(raw, list) or len(raw) != len(self.keys):
                return None
            values = []
            for key, value in zip(self.keys, raw, strict=True):
                if value is None and not key.nullable:
                    return None
                if value is not None and not isinstance(value, str | int) or isinstance(value, bool):
                    return None
                field = model._meta.get_field(key.field)
                if not isinstance(field, ModelField):
                    return None
                parsed = None if value is None else field.to_python(value)
                if isinstance(parsed, dt.datetime) and parsed.tzinfo is None:
                    return None
                values.append(parsed)
            return values
        except (ValueError, TypeError, ValidationError, binascii.Error, UnicodeDecodeError, FieldDoesNotExist):
            return None

    # fetching
    def _after(self, values: list[Any], *, reverse: bool) -> Q:
        """Rows strictly after ``values`` within one run (see :meth:`_fetch`)."""
        first, start = self.keys[0], values[0]
        if start is None:  # the run of rows without a first value: ordered by the other keys
            bound, equal, pairs = (
                Q(**{f"{first.field}__isnull": True}),
                Q(),
                list(zip(self.keys[1:], values[1:], strict=True)),
            )
        else:
            # Redundant with the clauses below, but what lets the index's range start at the cursor.
            bound = Q(**{f"{first.field}__{'lte' if first.descending != reverse else 'gte'}": start})
            equal, pairs = Q(), list(zip(self.keys, values, strict=True))
        condition = Q()
        for key, value in pairs:
            descending = key.descending != reverse
            condition |= equal & Q(**{f"{key.field}__{'lt' if descending else 'gt'}": value})
            equal &= Q(**{key.field: value})
        return bound & condition

    def _fetch(self, qs: QuerySet[Any], position: list[Any] | None, *, reverse: bool, n: int) -> list[Any]:
        order = self.order_by(reverse=reverse)
        first = self.keys[0]
        if not first.nullable:
            condition = self._after(position, reverse=reverse) if position else Q()
            return self._read(qs.filter(condition), order, n)
        # Two runs, each read from its index's range: rows with a value, then those without
        # (the other way round backwards).
        runs = [
            (False, qs.filter(**{f"{first.field}__isnull": False})),
            (True, qs.filter(**{f"{first.field}__isnull": True})),
        ]
        if reverse:
            runs.reverse()
        rows: list[Any] = []
        started = position is None
        for is_null, run in runs:
            condition = Q()
            if position is not None and not started:
                if (position[0] is None) != is_null:  # the cursor lies in the other run, further on
                    continue
                started = True
                condition = self._after(position, reverse=reverse)
            rows += self._read(run.filter(condition), order, n - len(rows))
            if len(rows) >= n:
                break
        return rows

    def page(
        self,
        qs: QuerySet[Any],
        *,
        limit: int,
        after: list[Any] | None = None,
        before: list[Any] | None = None,
        offset: int = 0,
        last: bool = False,
    ) -> KeysetPage:
        """``limit`` rows after the position ``after`` (or before ``before``; or the ``last``
        ones; or, with no position, from ``offset``: the first pages, or a page number typed in).
        One query (two when the first key is nullable and a page spans both runs; two for a deep
        offset), ``limit + 1`` rows read: the extra one tells whether there is a next page."""
        backward = before is not None or last
        if offset and after is None and not backward:
            # Deep offsets read only the index's keys for the rows skipped, then the page's rows.
            ids = list(qs.order_by(*self.order_by()).values_list("pk", flat=True)[offset : offset + limit + 1])
            by_id = {row.pk: row for row in qs.filter(pk__in=ids).order_by()}
            rows = [by_id[i] for i in ids if i in by_id]
        else:
            rows = self._fetch(qs, before if backward else after, reverse=backward, n=limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        if backward:
            rows.reverse()
            has_next, has_previous = not last, more
        else:
            has_next, has_previous = more, after is not None or offset > 0
        return KeysetPage(
            rows=rows,
            next=self.cursor(rows[-1]) if has_next and rows else None,
            previous=self.cursor(rows[0]) if has_previous and rows else None,
        )


# -- the API's keyset pages ------------------------------------------------------------------------
class Keyed:
    """A queryset, its keyset order and the mapping of a row to API output, for
    :class:`KeysetPagination` (as ``core.api.Mapped`` is for ``LimitOffsetPagination``): the page
    is taken in SQL and only its rows are mapped. ``count`` replaces the exact ``COUNT(*)``."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        fn: Callable[[Any], Any],
        keyset: Keyset,
        *,
        count: Callable[[QuerySet[Any]], Count] = count_estimate,
    ):
        self.queryset = queryset
        self.fn = fn
        self.keyset = keyset
        self.count = count


class KeysetPageIn(ninja.pagination.PaginationBase.Input):
    limit: int = Field(API_PAGE_SIZE, ge=1, le=API_MAX_LIMIT)
    offset: int = Field(
        0, ge=0, le=API_MAX_OFFSET, description="Rows to skip (the first pages; give `cursor` to go deep)."
    )
    cursor: str | None = Field(
        None,
        max_length=400,
        description="The `next` of the page before: the page after its last row (not with `offset`).",
    )


class KeysetPageOut(ninja.pagination.PaginationBase.Output):
    items: list[Any]
    count: int = Field(
        description="How many rows match: exact if `count_exact`; else the database's estimate, or "
        "10,000 when there are at least that many but the estimate said fewer."
    )
    count_exact: bool = Field(description="Whether `count` is exact (false: the database's estimate).")
    next: str | None = Field(description="The cursor of the next page, or null on the last page.")


class KeysetPagination(ninja.pagination.PaginationBase):
    """``limit``/``offset`` like every list, plus ``cursor``: the ``next`` value of the page
    before, which continues the list from there at the cost of its first page however deep it is
    (an ``offset`` is read through). ``count`` is exact when ``count_exact`` is true, else the
    database's estimate (a long list is not counted on every request)."""

    # Module-level classes (each schema's name is its own, core/tests/test_api_security.py).
    Input = KeysetPageIn  # type: ignore[assignment]  # ninja reads the attribute; a subclass of its Input
    Output = KeysetPageOut  # type: ignore[assignment]  # likewise, a subclass of its Output

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any) -> Any:
        if not isinstance(queryset, Keyed):
            raise TypeError("KeysetPagination pages a Keyed list")
        keyset, qs = queryset.keyset, queryset.queryset
        after = None
        if pagination.cursor:
            if pagination.offset:
                raise InvalidInput(details={"cursor": [_("Give either a cursor or an offset, not both.")]})
            after = keyset.decode(qs.model, pagination.cursor)
            if after is None:
                raise InvalidInput(details={"cursor": [_("This cursor is not valid. Use the next value of a page.")]})
        page = keyset.page(qs, limit=pagination.limit, after=after, offset=pagination.offset)
        total = queryset.count(qs)
        return {
            "items": [queryset.fn(row) for row in page.rows],
            "count": total.value,
            "count_exact": total.exact,
            "next": page.next,
        }
