"""The Open311 documentation page: every registered service, read from the registry."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hkcq.core.translated import TText
from hkcq.open311 import registry
from hkcq.open311.views import base_url


@dataclass(frozen=True)
class Row:
    """One field of a POST, as the page lists it."""

    name: str
    description: TText
    required: bool
    values: tuple[str, ...] = ()  # the keys of a fixed list
    values_in_definition: bool = False  # a list read from the database: see services/{code}.json


def post_rows(service: registry.Open311Service) -> list[Row]:
    rows = [Row(f.name, f.description, f.required) for f in service.guide.fields]
    for a in service.attributes:
        fixed = not callable(a.values)
        keys = tuple(k for k, _name in a.choices()) if fixed else ()
        rows.append(Row(f"attribute[{a.code}]", a.description, a.required, keys, not fixed))
    return rows


def documentation(request: HttpRequest) -> HttpResponse:
    context = {
        "services": [(s, post_rows(s)) for s in registry.services()],
        "base": base_url(request),
    }
    return render(request, "open311/docs.html", context)
