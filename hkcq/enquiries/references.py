"""Reference numbers: ``HKCQ-<year>-<six-digit sequence>-<check digit>``.

The check digit is ISO 7064 MOD 11,10 over the ten digits of year and sequence: it catches
every single-digit typing error and every swap of two adjacent digits, so a mistyped
reference is refused before anything is looked up.
"""

from __future__ import annotations

import re

PREFIX = "HKCQ"
_PATTERN = re.compile(r"^\s*HKCQ[\s-]*(\d{4})[\s-]*(\d{6})[\s-]*(\d)\s*$", re.IGNORECASE)


def check_digit(digits: str) -> int:
    """ISO 7064 MOD 11,10 check digit of a string of decimal digits."""
    product = 10
    for char in digits:
        total = (product + int(char)) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10


def reference_make(year: int, sequence: int) -> str:
    body = f"{year:04d}{sequence:06d}"
    return f"{PREFIX}-{year:04d}-{sequence:06d}-{check_digit(body)}"


def reference_normalise(value: str) -> str | None:
    """The canonical form of a typed reference, or None when it is malformed or its check
    digit does not match. Spaces, missing dashes and lower case are accepted."""
    match = _PATTERN.match(value or "")
    if not match:
        return None
    year, sequence, digit = match.groups()
    if check_digit(year + sequence) != int(digit):
        return None
    return f"{PREFIX}-{year}-{sequence}-{digit}"
