"""Test helpers: read a page's form as a browser would submit it, and fingerprint the registry
so a test can tell that a refused attempt changed nothing."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from django.apps import apps


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag == "form" and attrs.get("method", "get").lower() == "post":
            self._in_form = True
            self.forms.append([])
            return
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.forms[-1].append((name, attrs.get("value", "on")))
            elif kind not in {"submit", "button", "file"}:
                self.forms[-1].append((name, attrs.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.forms[-1].append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.forms[-1].append((self._textarea, "".join(self._text).lstrip("\n")))
            self._textarea = None


def form_data(html: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The last POST form of the page (the page's own, after the header's sign-out form) as
    the data a browser would send, with ``overrides`` applied."""
    parser = _FormParser()
    parser.feed(html)
    assert parser.forms, "no POST form on the page"
    data: dict[str, Any] = {}
    for name, value in parser.forms[-1]:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    data.pop("csrfmiddlewaretoken", None)
    data.update(overrides or {})
    return data


def registry_fingerprint() -> dict[str, int]:
    """Row counts of every registry table and its history: any write changes one of them."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_app_config("registry").get_models()}
