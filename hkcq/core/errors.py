"""One family of domain errors. Services raise them; views and the API map them in one place.

``NotFound`` is also Django's ``Http404``: a selector that refuses a row (unknown, or one the
user may not see: ``<entity>_get_for_user``) raises it and a page answers 404 by itself, as the
API does (``config/api.py``). One refusal for a hidden row, everywhere: 404."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, details: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        super().__init__(str(self.message))

    def text(self) -> str:
        """One line for a page message: the details' messages, or the message when there are none."""
        parts = [
            str(error)
            for errors in self.details.values()
            for error in (errors if isinstance(errors, (list, tuple)) else [errors])
        ]
        return " ".join(parts) or str(self.message)


class NotPermitted(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError, Http404):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class InvalidInput(DomainError):
    code = "validation_error"
    status = 422
    default_message = _("Some of the information is not valid.")


class UnknownReference(InvalidInput):
    """A body names a row that does not exist (an area, unit, measure … by its id): 422 with its
    own code, so a client (and the schemathesis run, core/tests/test_schemathesis.py) can tell it
    from data the document itself refuses."""

    code = "unknown_reference"


class InvalidCombination(InvalidInput):
    """Each value is valid, but not together (a period that ends before it starts, a deadline
    after another): a relation between fields, which the OpenAPI document can describe in words
    but not state. 422 with its own code, so a client (and the schemathesis run,
    core/tests/test_schemathesis.py) can tell it from a value the document itself refuses."""

    code = "invalid_combination"


class Conflict(InvalidInput):
    """Well-formed, but refused by the present state of things (no open cycle to close, a step
    the case is not at): 409."""

    code = "conflict"
    status = 409
    default_message = _("This cannot be done now.")
