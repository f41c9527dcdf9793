"""References people can read out and type: ``SG-`` + a number + one Luhn check digit.

The check digit catches a mistyped or swapped digit before any lookup, so a person who
mistypes gets "check the reference" rather than someone else's suggestion (and the secret
tracking link, not the reference, is what shows a submitter their own unpublished text).
"""

from __future__ import annotations

import re
import secrets

PREFIX = "SG"
_SHAPE = re.compile(r"^SG-?(\d{6,})-?(\d)$")


def luhn_digit(number: str) -> int:
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def reference_for(pk: int) -> str:
    number = f"{pk:06d}"
    return f"{PREFIX}-{number}-{luhn_digit(number)}"


def reference_normalise(value: str) -> str | None:
    """The canonical form of a typed reference, or None when its shape or check digit is wrong."""
    cleaned = re.sub(r"\s+", "", value or "").upper()
    match = _SHAPE.match(cleaned)
    if not match:
        return None
    number, check = match.groups()
    if luhn_digit(number) != int(check):
        return None
    return f"{PREFIX}-{number}-{check}"


def tracking_token() -> str:
    return secrets.token_urlsafe(24)
