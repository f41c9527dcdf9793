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


# Which object fills a route's parameter: by (section, sub-section, parameter), then by (section,
# parameter); the section is the route's first segment after the language.
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
PARAMS: dict[tuple[str, ...], tuple[str, str]] = {
    ("help", "slug"): ("kb.Entry", "slug"),
    ("enquiries", "reference"): ("enquiries.Enquiry", "reference"),
    ("enquiries", "token"): ("enquiries.Enquiry", "token"),
    ("enquiries", "pk"): ("enquiries.CannedReply", "pk"),
    ("suggestions", "reference"): ("suggestions.Suggestion", "reference"),
    ("suggestions", "token"): ("suggestions.Suggestion", "token"),
    ("events", "pk"): ("exchanges.Event", "pk"),
    ("events", "meetings", "meeting_id"): ("exchanges.Meeting", "pk"),
    ("events", "registrations", "registration_id"): ("exchanges.Registration", "pk"),
    ("rounds", "pk"): ("exchanges.Round", "pk"),
    ("rounds", "pairs", "pair_id"): ("exchanges.Pair", "pk"),
    ("rounds", "participant_id"): ("exchanges.Participant", "pk"),
    ("partnering", "organisations", "pk"): ("partnering.OrganisationProfile", "pk"),
    ("partnering", "opportunities", "pk"): ("partnering.Opportunity", "pk"),
    ("partnering", "interests", "pk"): ("partnering.Interest", "pk"),
    ("partnering", "memberships", "pk"): ("partnering.Membership", "pk"),
    ("progress", "update_id"): ("progress.ProgressUpdate", "pk"),
    ("progress", "evidence_id"): ("progress.Evidence", "pk"),
    ("progress", "status_id"): ("progress.Status", "pk"),
    ("calendars", "days", "pk"): ("calendars.Holiday", "pk"),
    ("calendars", "service-levels", "code"): ("enquiries.SlaPolicy", "code"),
    ("calendars", "supervisors", "pk"): ("enquiries.UnitSupervisor", "pk"),
    ("meetings", "attendance_id"): ("registry.Attendance", "pk"),
    ("measures", "milestone_id"): ("registry.Milestone", "pk"),
    ("agreements", "document_id"): ("registry.AgreementDocument", "pk"),
    ("reports", "snapshot_id"): ("reporting.Snapshot", "pk"),
    ("reports", "jobs", "job_id"): ("reporting.Job", "pk"),
    ("import", "job_id"): ("reporting.Job", "pk"),
    ("notifications", "notification_id"): ("notifications.Notification", "pk"),
}


def _fill(route: str) -> str | None:
    """The route with sample values for its parameters, or None when no object fits."""
    import re

    parts = route.split("/")
    section = parts[1] if len(parts) > 1 else ""
    sub = parts[2] if len(parts) > 2 else ""
    out = route
    for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
        name = match.group(2)
        value = None
        if name == "ext_id" and section in EXT_ID_MODELS:
            value = _sample(EXT_ID_MODELS[section], "ext_id")
        elif name == "kind" and section == "progress":
            value = "stale"
        elif (section, sub, name) in PARAMS:
            value = _sample(*PARAMS[(section, sub, name)])
        elif (section, name) in PARAMS:
            value = _sample(*PARAMS[(section, name)])
        if value is None:
            return None
        out = out.replace(match.group(0), str(value))
    return "/" + out.lstrip("^").rstrip("$")


def _pages() -> list[str]:
    return [route for route, _p in _walk(get_resolver().url_patterns) if not route.startswith(SKIP_PREFIXES)]


def _some_work(resident, officer_hk, partner) -> None:
    """A case of the resident's, a progress update in review, an event registration, so their
    pages exist to be opened."""
    from hkcq.enquiries.services import Filing, Origin, enquiry_submit
    from hkcq.progress import services as progress_services
    from hkcq.progress.models import Status
    from hkcq.registry.models import Measure

    enquiry_submit(
        filing=Filing(question="How do I renew my travel permit? (mine)", email="r@example.org", consent=True),
        origin=Origin(user=resident),
    )
    for n in range(3):
        enquiry_submit(
            filing=Filing(question=f"How do I renew my travel permit? ({n})", email="a@example.org", consent=True)
        )
    measure = Measure.objects.get(ext_id="m-01")
    update = progress_services.update_save(
        user=officer_hk, measure=measure, data={"status": Status.objects.get(key="in_progress"), "percent": 40}
    )
    progress_services.update_submit(user=officer_hk, update=update)


@pytest.mark.seed  # every page kind with the default data, as the demo accounts see it
@pytest.mark.django_db
def test_no_page_issues_more_than_twenty_queries(client, defaults):
    """Every page kind, opened by everyone who may see it: a visitor, a resident, an organisation's
    member (partnering and events), a unit officer and the secretariat."""
    from hkcq.accounts.models import User

    partner, resident, officer_hk, secretariat_hk = (
        User.objects.get(username=f"demo-{name}") for name in ("partner-hk", "resident", "officer-hk", "secretariat-hk")
    )
    _some_work(resident, officer_hk, partner)
    over: list[tuple[str, str, int]] = []
    opened: dict[str, set[str]] = {}
    people = (
        ("visitor", None),
        ("resident", resident),
        ("organisation member", partner),
        ("officer", officer_hk),
        ("secretariat", secretariat_hk),
    )
    for who, user in people:
        client.logout()
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
            opened.setdefault(who, set()).add(route)
            if len(ctx.captured_queries) > MAX_QUERIES:
                over.append((who, url, len(ctx.captured_queries)))
    # The walk reaches the site, not a handful of pages, and each person's own pages.
    assert over == []
    reached = {who: len(opened.get(who, ())) for who, _u in people}
    assert reached["visitor"] > 50 and min(reached.values()) > 50, reached
    assert reached["secretariat"] > reached["officer"] > reached["visitor"], reached
    seen = set().union(*opened.values())
    for kind in (
        "events/<int:pk>/",
        "partnering/opportunities/<int:pk>/",
        "progress/updates/<int:update_id>/",
        "enquiries/case/<str:reference>/",
        "enquiries/track/<str:token>/",
        "partnering/organisations/<int:pk>/",
    ):
        assert any(r.endswith(kind) for r in seen), kind
