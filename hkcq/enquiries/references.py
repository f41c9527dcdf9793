"""Reference numbers: ``HKCQ-<year>-<six-digit sequence>-<check digit>``.

The check digit is ISO 7064 MOD 11,10 (``hkcq.core.references``) over the ten digits of year and
sequence: it catches every single-digit typing error and about 98 % of swaps of two adjacent
digits, so a mistyped reference is refused before anything is looked up.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import partial

from django.db import IntegrityError, ProgrammingError, connection, transaction
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

    On PostgreSQL a sequence per year (``enquiries_reference_<year>``, made on the year's first
    case, starting after the year's ``ReferenceCounter``) gives the number: ``nextval`` takes no
    lock that lasts, so concurrent submissions do not queue behind one another's commit. A
    submission that is rolled back leaves its number unused (a gap; numbers are unique and
    increasing, not contiguous). After the commit the counter is brought up to the number given
    (:func:`counter_catch_up`), so a server still running the release before this one, which
    takes numbers from the counter, does not fall behind. Elsewhere (SQLite, which writes one
    transaction at a time) the year's counter row is taken inside the transaction that creates
    the case."""
    year = timezone.localtime(now).year
    if connection.vendor == "postgresql":
        number = _sequence_next(year)
        transaction.on_commit(partial(counter_catch_up, year, number), robust=True)
        return reference_make(year, number)
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    ReferenceCounter.objects.filter(pk=year).update(last=F("last") + 1)
    return reference_make(year, counter.last + 1)


def counter_catch_up(year: int, number: int) -> None:
    """Raise the year's counter to ``number`` (never lower it), in a transaction of its own that
    holds the row for one statement: it is only a floor for servers of the previous release, so
    it is not waited on to the disk (the case's own commit is)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        ReferenceCounter.objects.filter(pk=year, last__lt=number).update(last=number)


def _sequence_next(year: int) -> int:
    # Looked up on every call (a catalogue look-up, no lock): a sequence made by a transaction that
    # was then rolled back is gone, so what one call found is not remembered for the next.
    name = f"enquiries_reference_{int(year)}"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is None:
            start = ReferenceCounter.objects.get_or_create(year=year)[0].last + 1
            try:
                with transaction.atomic():  # two first cases at once: one makes it
                    cursor.execute(f'CREATE SEQUENCE IF NOT EXISTS "{name}" START WITH {int(start)}')
            except (IntegrityError, ProgrammingError):
                pass
        cursor.execute("SELECT nextval(%s)", [name])
        return int(cursor.fetchone()[0])
