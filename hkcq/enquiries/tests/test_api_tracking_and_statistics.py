"""A lost tracking link and the service's statistics through the API, as on the pages: the link
request answers the same whatever is asked (never an oracle) and sends the link by e-mail only to
the case's address; the statistics are public, the figures per unit the secretariat's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from hkcq.accounts.services import api_token_create
from hkcq.core.models import OutgoingEmail


def bearer(user) -> Client:
    _token, raw = api_token_create(user=user, name="statistics")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_lost_tracking_link_goes_by_email_and_the_answer_never_tells(
    make_case, mailoutbox, django_capture_on_commit_callbacks
):
    case = make_case()
    client = Client()
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for email in ("someone@else.org", "Resident@example.org"):
            before = set(OutgoingEmail.objects.values_list("pk", flat=True))
            response = client.post(
                "/api/v1/tracking-links", {"reference": case.reference, "email": email}, content_type="application/json"
            )
            assert response.status_code == 202, response.content
            answers.append(response.json())
            assert case.token not in response.content.decode()
    assert answers[0] == answers[1]
    sent = OutgoingEmail.objects.exclude(pk__in=before)
    assert [m.to for m in sent] == [["resident@example.org"]]
    links = [m for m in mailoutbox if m.subject.startswith("Tracking link")]
    assert [m.to for m in links] == [["resident@example.org"]] and case.token in links[0].body


def test_a_malformed_reference_is_refused_and_the_look_up_is_throttled(make_case, settings):
    case = make_case()
    typo = case.reference[:-1] + str((int(case.reference[-1]) + 1) % 10)
    refused = Client().post(
        "/api/v1/tracking-links", {"reference": typo, "email": "a@example.org"}, content_type="application/json"
    )
    assert refused.status_code == 422
    assert (
        Client()
        .post(
            "/api/v1/tracking-links",
            {"reference": case.reference, "email": "not an address"},
            content_type="application/json",
        )
        .status_code
        == 422
    )
    codes = [
        Client()
        .post(
            "/api/v1/tracking-links",
            {"reference": case.reference, "email": "x@example.org"},
            content_type="application/json",
        )
        .status_code
        for _ in range(8)
    ]
    assert 429 in codes  # 5 per hour per reference or address (config/settings.py THROTTLES)


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_statistics_are_public_and_per_unit_for_the_secretariat(make_case, secretariat_hk, lang):
    make_case(), make_case()
    public = Client().get("/api/v1/enquiry-statistics", HTTP_ACCEPT_LANGUAGE=lang).json()
    assert public["total"] >= 2 and public["per_unit"] is None
    assert sum(r["count"] for r in public["by_language"]) == public["total"]
    staff = bearer(secretariat_hk).get("/api/v1/enquiry-statistics").json()
    assert staff["per_unit"] and sum(u["total"] for u in staff["per_unit"]) == staff["total"]
    bad = Client().get("/api/v1/enquiry-statistics?start=2026-05-01&end=2026-04-01")
    assert bad.status_code == 422 and "end" in bad.json()["error"]["details"]
    assert Client().get("/api/v1/enquiry-statistics?start=2001-01-01&end=2026-01-01").status_code == 422


def test_entries_to_cite_for_the_officer_of_the_case(make_case, officer_hk, officer_cq, citable):
    from hkcq.enquiries import services

    case = make_case(language="zh-hans")
    services.enquiry_accept(user=officer_hk, enquiry=case)
    officer = bearer(officer_hk)
    found = officer.get(f"/api/v1/enquiries/{case.reference}/citations?q=回乡证").json()["items"]
    assert found and all(set(c) == {"id", "title"} for c in found)
    assert any("回乡" in c["title"] or "港澳" in c["title"] for c in found)  # titled in the resident's language
    by_id = officer.get(f"/api/v1/enquiries/{case.reference}/citations", {"q": found[0]["id"]}).json()["items"]
    assert by_id[0]["id"] == found[0]["id"]
    assert officer.get(f"/api/v1/enquiries/{case.reference}/citations").json()["count"]  # the case's question
    assert (
        bearer(officer_cq).get(f"/api/v1/enquiries/{case.reference}/citations").status_code == 404
    )  # a case the officer may not see is not there


def test_a_period_ending_on_the_calendars_last_day_is_counted(make_case, client):
    """9999-12-31 has no next day: the statistics (API and page) were a 500 (found by schemathesis)."""
    make_case()
    response = Client().get("/api/v1/enquiry-statistics?start=9999-01-01&end=9999-12-31")
    assert response.status_code == 200 and response.json()["total"] == 0
    page = client.get("/en/enquiries/statistics/?start=9999-06-01&end=9999-12-31")
    assert page.status_code == 200


@pytest.mark.parametrize("end", ["2024-02-29", "0001-01-01"])
def test_the_default_period_ends_on_any_day(db, end):
    """A year before 29 February, or before the year 1, does not exist: the default start was a
    500 (found by schemathesis); so was a period from the calendar's first day."""
    response = Client().get(f"/api/v1/enquiry-statistics?end={end}")
    assert response.status_code == 200
    assert response.json()["start"] == {"2024-02-29": "2023-03-01", "0001-01-01": "0001-01-01"}[end]
    assert Client().get("/api/v1/enquiry-statistics?start=0001-01-01&end=0001-12-31").status_code == 200


def test_the_statistics_page_opens_on_29_february(db, client, monkeypatch):
    leap_day = dt.datetime(2028, 2, 29, 4, tzinfo=dt.UTC)  # noon in Hong Kong and Chongqing
    monkeypatch.setattr("hkcq.enquiries.views.statistics_pages.timezone.now", lambda: leap_day)
    assert client.get("/en/enquiries/statistics/").status_code == 200


def test_a_period_ending_before_it_starts_is_a_combination_refused(db):
    response = Client().get("/api/v1/enquiry-statistics?start=2025-02-01&end=2025-01-01")
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_combination"
