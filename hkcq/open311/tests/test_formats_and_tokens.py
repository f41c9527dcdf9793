"""GeoReport v2 as the specification has it: XML (its required format) beside JSON, tokens that
resolve to request ids, the 90-day limit on date ranges, and the sender reading a suggestion
before moderation; and the ``georeport`` client from PyPI listing, posting and reading."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
import xmltodict
from django.test import Client
from django.utils import timezone

import config.urls  # noqa: F401 - build the API schemas before any test
from hkcq.core.choices import Side
from hkcq.enquiries import knowledge
from hkcq.enquiries.models import Enquiry
from hkcq.open311.models import RequestToken
from hkcq.registry.tests.factories import UnitFactory
from hkcq.suggestions.models import Suggestion

SUGGESTION = {
    "service_code": "suggestion",
    "description": "Open a second Home Return Permit window in Yuzhong. Call me on 9123 4567.",
    "attribute[title]": "A second permit window",
    "attribute[consent]": "true",
}


def xml(response) -> dict:
    assert response["Content-Type"].startswith("text/xml"), response["Content-Type"]
    assert response.content.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return xmltodict.parse(response.content, force_list=("service", "request", "attribute", "value", "error"))


@pytest.fixture
def routed(db, monkeypatch):
    unit = UnitFactory.create(side=Side.CHONGQING)
    monkeypatch.setattr(knowledge, "ask", lambda q, lang, details="": knowledge.Suggestion(unit=unit, answered=False))
    return unit


def test_services_and_definitions_in_xml_say_what_json_says(db):
    client = Client()
    as_json = client.get("/open311/v2/services.json?lang=zh-hant").json()
    services = xml(client.get("/open311/v2/services.xml?lang=zh-hant"))["services"]["service"]
    assert [s["service_code"] for s in services] == [s["service_code"] for s in as_json]
    for one, other in zip(services, as_json, strict=True):
        assert one["service_name"] == other["service_name"] and one["group"] == other["group"]
        assert one["metadata"] == ("true" if other["metadata"] else "false")
    for code in ("enquiry", "suggestion"):
        definition = xml(client.get(f"/open311/v2/services/{code}.xml"))["service_definition"]
        expected = client.get(f"/open311/v2/services/{code}.json").json()
        assert definition["service_code"] == code
        attributes = definition["attributes"]["attribute"]
        assert [a["code"] for a in attributes] == [a["code"] for a in expected["attributes"]]
        for one, other in zip(attributes, expected["attributes"], strict=True):
            assert one["order"] == str(other["order"]) and one["required"] == str(other["required"]).lower()
            if other.get("values"):
                assert [v["key"] for v in one["values"]["value"]] == [v["key"] for v in other["values"]]
    discovery = xml(client.get("/open311/v2/discovery.xml"))["discovery"]
    assert "text/xml" in str(discovery["endpoints"])


def test_errors_come_in_the_format_asked_for(db):
    client = Client()
    errors = xml(client.get("/open311/v2/services/nothing.xml"))["errors"]["error"]
    assert errors[0]["code"] == "404" and errors[0]["description"]
    assert client.get("/open311/v2/services/nothing.xml").status_code == 404
    assert client.get("/open311/v2/requests.xml?status=pending").status_code == 400


def test_post_and_read_an_enquiry_in_xml_with_its_token(routed, django_capture_on_commit_callbacks):
    client = Client(enforce_csrf_checks=True)
    data = {
        "service_code": "enquiry",
        "description": "How do I renew my Home Return Permit? Call 9123 4567.",
        "email": "resident@example.org",
        "attribute[consent]": "true",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/open311/v2/requests.xml", data)
    assert response.status_code == 201
    [created] = xml(response)["service_requests"]["request"]
    enquiry = Enquiry.objects.get()
    assert created["service_request_id"] == enquiry.reference
    token = created["token"]
    assert token != enquiry.token and enquiry.token in created["tracking_url"]
    # tokens/{token} resolves the token to the request id, in both formats.
    [resolved] = xml(client.get(f"/open311/v2/tokens/{token}.xml"))["service_requests"]["request"]
    assert resolved == {"service_request_id": enquiry.reference, "token": token}
    assert client.get(f"/open311/v2/tokens/{token}.json").json() == [resolved]
    unknown = client.get("/open311/v2/tokens/not-a-token.xml")
    assert unknown.status_code == 404 and xml(unknown)["errors"]["error"][0]["code"] == "404"
    # The request: public shape without the question; with the token, the question, masked.
    [public] = xml(client.get(f"/open311/v2/requests/{enquiry.reference}.xml"))["service_requests"]["request"]
    assert public["description"] is None and public["status"] == "open"
    [own] = xml(client.get(f"/open311/v2/requests/{enquiry.reference}.xml?token={token}"))["service_requests"][
        "request"
    ]
    assert own["description"].startswith("How do I renew") and "9123 4567" not in own["description"]
    # A POST sent again gets the same token.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/open311/v2/requests.json", data)
    assert again.status_code == 200 and again.json()[0]["token"] == token
    assert RequestToken.objects.count() == 1


def test_a_suggestion_is_readable_by_its_sender_before_moderation_and_by_nobody_else(db):
    client = Client(enforce_csrf_checks=True)
    [created] = client.post("/open311/v2/requests.json", SUGGESTION).json()
    reference, token = created["service_request_id"], created["token"]
    suggestion = Suggestion.objects.get(reference=reference)
    assert suggestion.state == Suggestion.State.PENDING
    # Not public: not listed, not found without the token, in either format.
    assert client.get(f"/open311/v2/requests/{reference}.json").status_code == 404
    assert client.get(f"/open311/v2/requests/{reference}.xml").status_code == 404
    assert reference not in client.get("/open311/v2/requests.json?service_code=suggestion").content.decode()
    # Its sender reads it with the token: what they sent (masked) and that it awaits moderation.
    [own] = client.get(f"/open311/v2/requests/{reference}.json", {"token": token}).json()
    assert own["service_request_id"] == reference and own["status"] == "open"
    assert own["title"] == "A second permit window" and "Yuzhong" in own["description"]
    assert "9123 4567" not in own["description"]
    assert own["status_notes"] == "Waiting for moderation"
    [own_xml] = xml(client.get(f"/open311/v2/requests/{reference}.xml", {"token": token}))["service_requests"][
        "request"
    ]
    assert own_xml["service_request_id"] == reference and own_xml["status_notes"] == "Waiting for moderation"
    # Reading it published nothing.
    suggestion.refresh_from_db()
    assert suggestion.state == Suggestion.State.PENDING and not suggestion.public_text
    assert client.get(f"/open311/v2/requests/{reference}.json").status_code == 404
    # Another request's token is refused; so is the tracking link's secret.
    other_token = RequestToken.objects.create(service_code="suggestion", service_request_id="SG-999999-0").token
    assert client.get(f"/open311/v2/requests/{reference}.json", {"token": other_token}).status_code == 403
    assert client.get(f"/open311/v2/requests/{reference}.json", {"token": suggestion.tracking_token}).status_code == 403


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_date_ranges_may_not_span_more_than_90_days(db, fmt):
    client = Client()
    too_wide = client.get(f"/open311/v2/requests.{fmt}?start_date=2025-01-01&end_date=2025-04-02")
    assert too_wide.status_code == 400
    if fmt == "json":
        assert "90" in too_wide.json()[0]["description"]
    else:
        assert "90" in xml(too_wide)["errors"]["error"][0]["description"]
    assert client.get(f"/open311/v2/requests.{fmt}?start_date=2025-01-01&end_date=2025-03-31").status_code == 200
    zh = client.get("/open311/v2/requests.json?start_date=2025-01-01&end_date=2025-06-01&lang=zh-hant")
    assert zh.status_code == 400 and "90" in zh.json()[0]["description"] and "日" in zh.json()[0]["description"]


def test_unknown_formats_are_not_served(db):
    assert Client().get("/open311/v2/services.csv").status_code == 404


# -- the georeport client from PyPI, over HTTP -------------------------------------------------
@pytest.fixture
def live_open311(live_server, transactional_db):
    return f"{live_server.url}/open311/v2"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_the_georeport_client_lists_posts_and_reads(live_open311, fmt):
    from georeport import GeoReport

    client = GeoReport(live_open311, jurisdiction="hkcq", output_format=fmt)
    services = client.get_service_list()
    codes = [s["service_code"] for s in services]
    assert {"enquiry", "suggestion"} <= set(codes)
    definition = client.get_service_definition("suggestion")
    assert definition["service_code"] == "suggestion"
    # georeport 0.3.1 has no POST method: post as it would, with its HTTP library, form-encoded.
    posted = requests.post(f"{live_open311}/requests.{fmt}", data={**SUGGESTION, "jurisdiction_id": "hkcq"}, timeout=30)
    assert posted.status_code == 201
    created = posted.json()[0] if fmt == "json" else xmltodict.parse(posted.content)["service_requests"]["request"]
    reference = created["service_request_id"]
    # Pending: the client finds nothing public; the sender reads it through the token.
    with pytest.raises(requests.HTTPError):
        client.get_service_request(reference)
    own = requests.get(f"{live_open311}/requests/{reference}.{fmt}", params={"token": created["token"]}, timeout=30)
    assert own.status_code == 200 and reference in own.text
    # Published, the client reads it and lists it.
    suggestion = Suggestion.objects.get(reference=reference)
    Suggestion.objects.filter(pk=suggestion.pk).update(
        state=Suggestion.State.PUBLISHED,
        public_title="A second permit window",
        public_text="Open a second Home Return Permit window in Yuzhong.",
        published_at=timezone.now(),
    )
    one = client.get_service_request(reference)
    assert one["service_request_id"] == reference and one["description"].startswith("Open a second")
    start = (timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    end = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = client.get_service_requests(service_code="suggestion", start_date=start, end_date=end)
    listed = [listed] if isinstance(listed, dict) else listed  # xmltodict gives one element as a dict
    assert [r["service_request_id"] for r in listed] == [reference]
