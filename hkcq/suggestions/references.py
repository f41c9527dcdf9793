"""References people can read out and type: ``SG-`` + a number + one Luhn check digit.

The check digit (``hkcq.core.references``) catches a mistyped or swapped digit before any lookup,
so a person who mistypes gets "check the reference" rather than someone else's suggestion (and the
secret tracking link, not the reference, is what shows a submitter their own unpublished text).
"""

from __future__ import annotations

import re
import secrets
import unicodedata

from hkcq.core.references import Scheme, check_digit, check_digit_matches

PREFIX = "SG"
SCHEME = Scheme.LUHN  # every reference ever issued carries this scheme's digit
_SHAPE = re.compile(r"^SG-?(\d{6,})-?(\d)$", re.ASCII)


def reference_for(pk: int) -> str:
    number = f"{pk:06d}"
    return f"{PREFIX}-{number}-{check_digit(number, SCHEME)}"


def reference_normalise(value: str) -> str | None:
    """The canonical form of a typed reference, or None when its shape or check digit is wrong."""
    # Full-width characters (ＳＧ－００００４２, typed on Chinese keyboards) count as their ASCII forms.
    cleaned = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value or "")).upper()
    match = _SHAPE.match(cleaned)
    if not match:
        return None
    number, check = match.groups()
    if not check_digit_matches(number, check, SCHEME):
        return None
    return f"{PREFIX}-{number}-{check}"


def tracking_token() -> str:
    return secrets.token_urlsafe(24)
