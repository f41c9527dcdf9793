"""Reference numbers: ``HKCQ-<year>-<six-digit sequence>-<check digit>``.

The check digit is ISO 7064 MOD 11,10 (``hkcq.core.references``) over the ten digits of year and
sequence: it catches every single-digit typing error and about 98 % of swaps of two adjacent
digits, so a mistyped reference is refused before anything is looked up.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

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
    """The next reference of ``now``'s year (call inside the transaction that creates the case:
    the year's counter row is locked until it commits)."""
    year = timezone.localtime(now).year
    ReferenceCounter.objects.get_or_create(year=year)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    ReferenceCounter.objects.filter(pk=year).update(last=F("last") + 1)
    return reference_make(year, counter.last + 1)
