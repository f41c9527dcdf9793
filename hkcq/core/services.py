"""The one update helper of services: set fields, validate, save with history.

A service that creates or edits a record checks permissions, then::

    m2m = fields_apply(instance, data)          # plain, translated and many-to-many values
    record_save(instance, user=user, m2m=m2m)   # full_clean → InvalidInput, history user, save

``fields_apply`` returns the many-to-many values to set after saving (and records which fields
changed in ``instance._changed_fields``); ``record_save`` runs the model's validation (fields,
uniqueness, constraints) and raises ``InvalidInput`` with the errors per field, stamps the
django-simple-history user and change reason, saves and sets the links.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from hkcq.core.errors import InvalidInput
from hkcq.core.translated import TranslatedField, TText


def fields_apply(
    instance: models.Model, data: dict[str, Any], *, allowed: Iterable[str] | None = None
) -> dict[str, Any]:
    """Set ``data`` on ``instance``. Translated values (``TText`` or ``{lang: text}``) are
    applied as a person's edit of the current text (``TText.edited``). A field outside
    ``allowed`` (when given) is refused with ``InvalidInput``. Returns the many-to-many values,
    to be set after saving (``record_save(m2m=…)``); the names of the fields whose value changed
    are kept in ``instance._changed_fields``."""
    permitted = set(allowed) if allowed is not None else None
    m2m: dict[str, Any] = {}
    changed: list[str] = []
    for name, value in data.items():
        if permitted is not None and name not in permitted:
            raise InvalidInput(details={name: [_("This field cannot be changed here.")]})
        field = instance._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
            continue
        if value is None and not getattr(field, "null", True):  # e.g. {"agenda": null}: refused, not a 500 on saving
            raise InvalidInput(details={name: [_("This field cannot be null.")]})
        before = field.value_from_object(instance)  # type: ignore[union-attr]
        if isinstance(field, TranslatedField):
            current = TText.from_json(before)
            new = value.texts if isinstance(value, TText) else {k.replace("_", "-"): v for k, v in value.items()}
            setattr(instance, field.attname, current.edited(new))
        else:
            setattr(instance, field.name, value)
        if field.value_from_object(instance) != before:  # type: ignore[union-attr]
            changed.append(name)
    instance._changed_fields = changed  # type: ignore[attr-defined]
    return m2m


def history_mark(instance: models.Model, *, user: AbstractBaseUser | AnonymousUser | None, reason: str = "") -> None:
    """Who makes the next save or delete of ``instance`` (an anonymous visitor counts as nobody),
    and why, for its django-simple-history record."""
    instance._history_user = user if user is not None and user.is_authenticated else None  # type: ignore[attr-defined]
    if reason:
        instance._change_reason = reason  # type: ignore[attr-defined]


def record_save(
    instance: models.Model,
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    m2m: dict[str, Any] | None = None,
    reason: str = "",
) -> None:
    """Validate and save ``instance`` as ``user``'s change (with ``reason`` in its history),
    then set the many-to-many links. A validation error is ``InvalidInput`` per field."""
    try:
        instance.full_clean(validate_unique=True, validate_constraints=True)
    except ValidationError as exc:
        raise InvalidInput(details=exc.message_dict) from exc
    history_mark(instance, user=user, reason=reason)
    instance.save()
    for name, value in (m2m or {}).items():
        getattr(instance, name).set(value)
