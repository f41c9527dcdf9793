"""No page issues more than 20 queries: every page of the site (found by walking the URL
configuration, so a new page is counted without being named here) is opened by a visitor and by
the secretariat, and its queries are counted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

MAX_QUERIES = 20

# Routes that are not pages (actions answering only POST, files, machine interfaces).
SKIP_PREFIXES = ("api/", "admin/", "i18n/", "open311/v2/")


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _sample(model_path: str, field: str):
    from django.apps import apps

    model = apps.get_model(model_path)
    obj = model.objects.order_by("pk").first()
    return getattr(obj, field) if obj is not None else None


# Which object fills a route's parameter, by the route's first segment after the language.
EXT_ID_MODELS = {
    "areas": "registry.Area",
    "measures": "registry.Measure",
    "meetings": "registry.Meeting",
    "decisions": "registry.Decision",
    "agreements": "registry.Agreement",
    "organisations": "registry.Organisation",
    "people": "registry.Person",
    "units": "registry.Unit",
    "progress": "registry.Measure",
}


def _fill(route: str) -> str | None:
    """The route with sample values for its parameters, or None when no object fits."""
    import re

    parts = route.split("/")
    section = parts[1] if len(parts) > 1 else ""
    out = route
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
        name = match.group(2)
        value = None
        if name == "ext_id" and section in EXT_ID_MODELS:
            value = _sample(EXT_ID_MODELS[section], "ext_id")
        elif name == "slug" and section == "help":
            value = _sample("kb.Entry", "slug")
        elif name == "kind" and section == "progress":
            value = "stale"
        elif name == "reference" and section == "enquiries":
            value = _sample("enquiries.Enquiry", "reference")
        elif name == "token" and section == "enquiries":
            value = _sample("enquiries.Enquiry", "token")
        elif name == "reference" and section == "suggestions":
            value = _sample("suggestions.Suggestion", "reference")
        if value is None:
            return None
        out = out.replace(match.group(0), str(value))
    return "/" + out.lstrip("^").rstrip("$")


def _pages() -> list[str]:
    return [route for route, _p in _walk(get_resolver().url_patterns) if not route.startswith(SKIP_PREFIXES)]


@pytest.mark.django_db
def test_no_page_issues_more_than_twenty_queries(client, secretariat_hk, officer_hk):
    from hkcq.enquiries.services import enquiry_submit

    for n in range(3):
        enquiry_submit(question=f"How do I renew my travel permit? ({n})", email="a@example.org", consent=True)
    over, opened = [], 0
    for who, user in (("visitor", None), ("officer", officer_hk), ("secretariat", secretariat_hk)):
        if user is not None:
            client.force_login(user)
        for route in _pages():
            url = _fill(route)
            if url is None:
                continue
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            if response.status_code != 200:
                continue
            opened += 1
            if len(ctx.captured_queries) > MAX_QUERIES:
                over.append((who, url, len(ctx.captured_queries)))
    assert opened > 60  # the walk reaches the site, not a handful of pages
    assert over == []
