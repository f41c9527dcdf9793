"""Phone numbers a resident types: digits with +, spaces, hyphens and brackets, 6–20 digits."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# A phone number: digits, with an optional leading +, spaces, hyphens and brackets; 6 to 20 digits.
PHONE = re.compile(r"\+?[0-9 ()\-]+")


def phone_is_valid(phone: str) -> bool:
    """Whether ``phone`` (already stripped) is a phone number; an empty one is (it is optional)."""
    if not phone:
        return True
    digits = sum(c.isdigit() for c in phone)
    return PHONE.fullmatch(phone) is not None and 6 <= digits <= 20


def phone_error() -> str:
    return _(
        "Enter a phone number of 6 to 20 digits, for example +852 2123 4567 (spaces, hyphens and brackets are fine)."
    )
