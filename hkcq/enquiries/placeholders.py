"""Canned replies' placeholders (``[…]`` / ``【…】`` spans): a reply, request for information or
outcome note that still holds one is refused."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from hkcq.core.errors import InvalidInput
from hkcq.core.translated import TText
from hkcq.enquiries.models import (
    CannedReply,
)

# What an officer fills in, in a canned reply: a span in square brackets, [...] or 【…】.
PLACEHOLDER = re.compile(r"\[[^\[\]\n]+\]|【[^【】\n]+】")


def canned_placeholders() -> set[str]:
    """The bracketed spans that the canned replies' texts (in any language) contain."""

    found: set[str] = set()
    for body in CannedReply.objects.values_list("body", flat=True):
        for text in TText.from_json(body).texts.values():
            found.update(PLACEHOLDER.findall(text))
    return found


def placeholders_unfilled(text: str) -> list[str]:
    """The canned replies' placeholders still in ``text``, in the order they occur. Only
    these count: a bracket the officer typed themselves is not a placeholder."""
    spans = PLACEHOLDER.findall(text or "")
    if not spans:
        return []
    known = canned_placeholders()
    return list(dict.fromkeys(span for span in spans if span in known))


def placeholders_refuse(text: str, field: str = "body") -> None:
    unfilled = placeholders_unfilled(text)
    if unfilled:
        raise InvalidInput(
            details={
                field: [
                    _(
                        "Fill in or remove what is in brackets before sending: %(placeholders)s. "
                        "The resident would see it as it is."
                    )
                    % {"placeholders": " ".join(unfilled)}
                ]
            }
        )
