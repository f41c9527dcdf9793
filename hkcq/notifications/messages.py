"""A notification's text in the reader's language at the time of reading.

A notification stores the message's templates (its id) and parameters, not only the text: the
page, the API and the navigation render it again with the reader's active language. The
parameters are kept as JSON:

- text, numbers, booleans and ``None`` as they are;
- a model instance as a reference (``{"$model": "app.model", "pk": 1}``), read again when the
  message is shown (so a deleted record, for example an erased enquiry, shows the stored text);
- dates and times tagged with their ISO form;
- a lazy translation (``gettext_lazy("Hong Kong")``) as its message id, translated when shown;
- lists, dictionaries and dataclass rows element by element.

Anything else cannot be stored: the notification then keeps only the text as it was rendered
when it was sent (``Notification.language`` says in which language), as rows written before
notifications stored their parameters do. A template that shows a record's state (a progress
update's ``state``) must receive the state as a parameter of its own: the record may have moved
on by the time the message is read.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.template import TemplateDoesNotExist, loader
from django.urls import translate_url
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import get_language_from_path

from hkcq.core.translated import TText

_LAZY: dict[Callable[..., str], str] = {
    translation.gettext: "gettext",
    translation.pgettext: "pgettext",
    translation.ngettext: "ngettext",
    translation.npgettext: "npgettext",
}
_LAZY_BY_NAME: dict[str, Callable[..., str]] = {name: fn for fn, name in _LAZY.items()}


class Unstorable(ValueError):
    """A parameter that cannot be kept as JSON."""


def dump(value: Any) -> Any:
    """``value`` as JSON-compatible data, or :class:`Unstorable`."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a TextChoices member is stored as its value
    if isinstance(value, Promise):
        reduced: Any = value.__reduce__()
        func, args, kw = reduced[1][:3]
        name = _LAZY.get(func)
        if name is None or kw:
            raise Unstorable(repr(value))
        return {"$gettext": name, "args": [dump(a) for a in args]}
    if isinstance(value, models.Model):
        if value.pk is None:
            raise Unstorable(repr(value))
        return {"$model": value._meta.label_lower, "pk": dump(value.pk)}
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, TText):
        return {"$ttext": value.to_json()}
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {"$dict": {str(k): dump(v) for k, v in value.items()}}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"$row": {f.name: dump(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    raise Unstorable(repr(value))


class Gone(LookupError):
    """A record the message refers to no longer exists."""


def load(data: Any) -> Any:
    """The value :func:`dump` stored; raises :class:`Gone` for a deleted record."""
    if isinstance(data, list):
        return [load(v) for v in data]
    if not isinstance(data, dict):
        return data
    if "$model" in data:
        model = apps.get_model(data["$model"])
        found = model._default_manager.filter(pk=data["pk"]).first()
        if found is None:
            raise Gone(data["$model"])
        return found
    if "$gettext" in data:
        return _LAZY_BY_NAME[data["$gettext"]](*[load(a) for a in data["args"]])
    if "$datetime" in data:
        return dt.datetime.fromisoformat(data["$datetime"])
    if "$date" in data:
        return dt.date.fromisoformat(data["$date"])
    if "$decimal" in data:
        return Decimal(data["$decimal"])
    if "$ttext" in data:
        return TText.from_json(data["$ttext"])
    if "$dict" in data:
        return {k: load(v) for k, v in data["$dict"].items()}
    if "$row" in data:
        return SimpleNamespace(**{k: load(v) for k, v in data["$row"].items()})
    raise ValueError(f"unknown stored value {sorted(data)}")


def dump_context(context: dict[str, Any]) -> dict[str, Any] | None:
    """The parameters to store, or None when one of them cannot be stored."""
    try:
        return {str(k): dump(v) for k, v in context.items()}
    except Unstorable:
        return None


def supported_language(language: str | None) -> str:
    codes = dict(settings.LANGUAGES)
    return language if language in codes else settings.LANGUAGE_CODE


def localise_url(url: str, language: str) -> str:
    """``url`` (a page's address, relative or absolute) in ``language``: /en/areas/ ->
    /zh-hans/areas/. Anything else is left as it is."""
    if not url:
        return url
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :] if "://" in url else path
    written_in = get_language_from_path(path)
    if not written_in:
        return url
    with translation.override(written_in):
        return translate_url(url, language)


def _localise_urls(context: dict[str, Any], language: str) -> dict[str, Any]:
    """Links among the parameters (``tracking_url``) in ``language``."""
    out = dict(context)
    for key, value in context.items():
        if key.endswith("url") and isinstance(value, str) and value:
            out[key] = localise_url(value, language)
    return out


def render(template: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """(subject, body) of the message ``template`` in ``language``: ``<template>_subject.txt``
    and ``<template>_body.txt`` (or ``<template>.txt``)."""
    with translation.override(supported_language(language)):
        context = _localise_urls(context, translation.get_language() or language)
        subject = " ".join(loader.render_to_string(f"{template}_subject.txt", context).split())
        body_template = loader.select_template([f"{template}_body.txt", f"{template}.txt"])
        body = body_template.render(context).strip()
    return subject[:300], body


@dataclass(frozen=True)
class Shown:
    """A notification's text as one reader sees it. ``lang`` is the language of the text (the
    reader's, unless only the text stored when it was sent is left)."""

    title: str
    body: str
    url: str
    lang: str
    html_lang: str


_HTML_LANG = {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}


def shown(notification: Any, language: str | None = None) -> Shown:
    """``notification``'s title, body and link in ``language`` (default: the active language)."""
    language = supported_language(language or translation.get_language())
    url = notification.url
    url = localise_url(url, language)
    if notification.template:
        try:
            context = {k: load(v) for k, v in (notification.params or {}).items()}
            title, body = render(notification.template, context, language)
        except (Gone, LookupError, TemplateDoesNotExist, ValueError):
            pass
        else:
            return Shown(title, body, url, language, _HTML_LANG[language])
    stored = notification.language or language
    return Shown(notification.title, notification.body, url, stored, _HTML_LANG.get(stored, stored))
