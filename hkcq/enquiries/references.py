"""Reference numbers: ``HKCQ-<year>-<six-digit sequence>-<check digit>``.

The check digit is ISO 7064 MOD 11,10 (``hkcq.core.references``) over the ten digits of year and
sequence: it catches every single-digit typing error and about 98 % of swaps of two adjacent
digits, so a mistyped reference is refused before anything is looked up.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.db import connection
from django.db.models import F
from django.utils import timezone

from hkcq.core.references import Scheme, check_digit, check_digit_matches
from hkcq.enquiries.models import ReferenceCounter

PREFIX = "HKCQ"
SCHEME = Scheme.ISO_7064_MOD_11_10  # every reference ever issued carries this scheme's digit
_PATTERN = re.compile(r"^\s*HKCQ[\s-]*(\d{4})[\s-]*(\d{6})[\s-]*(\d)\s*$", re.IGNORECASE | re.ASCII)


def reference_make(year: int, sequence: int) -> str:
    body = f"{year:04d}{sequence:06d}"
    return f"{PREFIX}-{year:04d}-{sequence:06d}-{check_digit(body, SCHEME)}"


def reference_normalise(value: str) -> str | None:
    """The canonical form of a typed reference, or None when it is malformed or its check
    digit does not match. Spaces, missing dashes and lower case are accepted, and so are
    full-width characters (２０２６, ＨＫＣＱ－…), which Chinese keyboards type."""
    match = _PATTERN.match(unicodedata.normalize("NFKC", value or ""))
    if not match:
        return None
    year, sequence, digit = match.groups()
    if not check_digit_matches(year + sequence, digit, SCHEME):
        return None
    return f"{PREFIX}-{year}-{sequence}-{digit}"


def reference_next(now: dt.datetime) -> str:
    """The next reference of ``now``'s year.

    On PostgreSQL a sequence per year (``enquiries_reference_<year>``, starting after the year's
    ``ReferenceCounter``) gives the number: ``nextval`` takes no lock that lasts, so concurrent
    submissions do not queue behind one another's commit. One statement, one round trip: the
    function ``enquiries_reference_next(year)`` (migration ``enquiries 0011``) makes the year's
    sequence on its first case. A submission that is rolled back leaves its number unused (a
    gap; numbers are unique and increasing, not contiguous). The counter is brought up to the
    number given by the case's ``route`` task (:func:`counter_catch_up`, off the request), so a
    server still running the release before this one, which takes numbers from the counter, does
    not fall far behind. Elsewhere (SQLite, which writes one transaction at a time) the year's
    counter row is taken inside the transaction that creates the case."""
    year = timezone.localtime(now).year
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT enquiries_reference_next(%s)", [year])
            return reference_make(year, int(cursor.fetchone()[0]))
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    ReferenceCounter.objects.filter(pk=year).update(last=F("last") + 1)
    return reference_make(year, counter.last + 1)


def reference_year_number(reference: str) -> tuple[int, int]:
    """``(year, sequence)`` of a reference this module made."""
    _prefix, year, number, _digit = reference.split("-")
    return int(year), int(number)


def counter_catch_up(year: int, number: int) -> None:
    """Raise the year's counter to ``number`` (never lower it; made if missing), in one
    statement: it is only a floor for servers of the previous release. PostgreSQL only (SQLite
    numbers from the counter itself); run by the case's ``route`` task, not by the request."""
    table = connection.ops.quote_name(ReferenceCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, %s) "  # noqa: S608 (a constant)
            f"ON CONFLICT (year) DO UPDATE SET last = GREATEST({table}.last, EXCLUDED.last)",
            [year, number],
        )
