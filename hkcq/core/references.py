"""Check digits for references people read out and type.

Two named schemes, because references already issued must keep validating under the scheme they
were issued with:

- ``Scheme.ISO_7064_MOD_11_10`` (enquiries, ``HKCQ-YYYY-NNNNNN-C``): catches every single-digit
  error and about 98 % of swaps of two adjacent digits.
- ``Scheme.LUHN`` (suggestions, ``SG-NNNNNN-C``): catches every single-digit error and most
  adjacent swaps (not 09 ↔ 90).

The apps own the format of their references (prefix, grouping, what typing slips they forgive);
this module only does the arithmetic over a string of decimal digits.
"""

from __future__ import annotations

from enum import StrEnum


class Scheme(StrEnum):
    ISO_7064_MOD_11_10 = "iso7064-mod-11-10"
    LUHN = "luhn"


def _iso7064_mod_11_10(digits: str) -> int:
    product = 10
    for char in digits:
        total = (product + int(char)) % 10 or 10
        product = (total * 2) % 11
    return (11 - product) % 10


def _luhn(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2 == 0:  # the check digit will sit to the right, so the rightmost payload digit doubles
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


_ALGORITHMS = {Scheme.ISO_7064_MOD_11_10: _iso7064_mod_11_10, Scheme.LUHN: _luhn}


def check_digit(digits: str, scheme: Scheme) -> int:
    """The check digit of a string of decimal digits under ``scheme``."""
    return _ALGORITHMS[scheme](digits)


def check_digit_matches(digits: str, digit: str | int, scheme: Scheme) -> bool:
    """Whether ``digit`` is the check digit of ``digits`` under ``scheme``."""
    return check_digit(digits, scheme) == int(digit)
