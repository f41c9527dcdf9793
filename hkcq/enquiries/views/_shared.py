"""What a reader may see of a case (masked or not), shared by the resident's tracking page and the
staff case page."""

from __future__ import annotations

from dataclasses import dataclass

from hkcq.core.text import mask_personal_data
from hkcq.enquiries import knowledge, selectors
from hkcq.enquiries.models import Enquiry, Message


# -- what a reader may see ----------------------------------------------------------------------
@dataclass(frozen=True)
class ShownMessage:
    message: Message
    body: str
    cited: list[knowledge.Cited]


def _shown_messages(enquiry: Enquiry, *, include_notes: bool, unmasked: bool, language: str) -> list[ShownMessage]:
    out = []
    for m in selectors.enquiry_messages(enquiry, include_notes=include_notes):
        body = m.body if unmasked else mask_personal_data(m.body)
        out.append(ShownMessage(m, body, knowledge.cited(m.citations, language)))
    return out


def _shown_case(enquiry: Enquiry, unmasked: bool) -> dict[str, str]:
    if unmasked:
        return {
            "question": enquiry.question,
            "details": enquiry.details,
            "email": enquiry.email,
            "phone": enquiry.phone,
        }
    local, _at, domain = enquiry.email.partition("@")
    return {
        "question": mask_personal_data(enquiry.question),
        "details": mask_personal_data(enquiry.details),
        "email": f"{local[:1]}•••@{domain}",
        "phone": "▇▇▇" if enquiry.phone else "",
    }
