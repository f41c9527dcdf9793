"""Suggestions as the Open311 service ``suggestion``: only published, redacted suggestions are public."""

import pytest
from django.test import Client, override_settings

import config.urls  # noqa: F401 - build the API schemas before any test
from hkcq.registry.models import Area
from hkcq.suggestions import services
from hkcq.suggestions.models import Suggestion

TEXT = "Please let us renew the Home Return Permit in Chongqing. Call me on 9123 4567, HKID A123456(7)."


def valid(**extra):
    data = {
        "service_code": "suggestion",
        "description": TEXT,
        "attribute[title]": "Renew permits locally",
        "attribute[consent]": "true",
        "lat": "29.56",
    }
    data.update(extra)
    return data


def post(data, **headers):
    return Client(enforce_csrf_checks=True).post("/open311/v2/requests.json", data, **headers)


def listed(**params):
    return Client().get("/open311/v2/requests.json", {"service_code": "suggestion", **params}).json()


def assert_error_shape(response, status):
    assert response.status_code == status
    body = response.json()
    assert isinstance(body, list) and body
    for item in body:
        assert set(item) == {"code", "description"} and item["code"] == status and item["description"]
    return " ".join(item["description"] for item in body)


def test_services_list_both_and_the_definition(defaults):
    codes = {s["service_code"]: s for s in Client().get("/open311/v2/services.json").json()}
    assert {"enquiry", "suggestion"} <= set(codes)
    assert codes["suggestion"]["metadata"] is True
    assert Client().get("/open311/v2/services.json?lang=zh-hant").json()[1]["service_name"] == "意見或建議"
    assert Client().get("/open311/v2/services.json?lang=zh-hans").json()[1]["service_name"] == "意见或建议"
    definition = Client().get("/open311/v2/services/suggestion.json").json()
    attributes = {a["code"]: a for a in definition["attributes"]}
    assert attributes["consent"]["required"] and attributes["title"]["required"]
    assert not attributes["area"]["required"]
    area = Area.objects.order_by("position").first()
    assert {"key": area.ext_id, "name": area.name.show("en").text} in attributes["area"]["values"]
    assert {v["key"] for v in attributes["anonymous"]["values"]} == {"true", "false"}


def test_post_is_pending_and_public_only_once_approved(defaults, secretariat_hk):
    r = post(valid(**{"attribute[area]": Area.objects.first().ext_id}), REMOTE_ADDR="203.0.113.9")
    assert r.status_code == 201
    [body] = r.json()
    suggestion = Suggestion.objects.get()
    assert body["service_request_id"] == suggestion.reference and body["token"] == suggestion.tracking_token
    assert body["tracking_url"].endswith(suggestion.get_tracking_url()) and body["service_notice"]
    assert suggestion.state == "pending" and suggestion.anonymous and suggestion.email == ""
    assert suggestion.ip_address == "203.0.113.9" and suggestion.text == TEXT
    # Pending: in no list, and not found on its own.
    assert listed() == []
    assert listed(service_request_id=suggestion.reference) == []
    assert_error_shape(Client().get(f"/open311/v2/requests/{suggestion.reference}.json"), 404)
    # Approved with the redaction proposal: listed, with the public (masked) text only.
    title, text = services.redaction_proposal(suggestion)
    services.suggestion_approve(
        user=secretariat_hk, suggestion=suggestion, public_title=title, public_text=text, area=suggestion.area
    )
    [item] = listed()
    assert item["service_request_id"] == suggestion.reference and item["service_code"] == "suggestion"
    assert item["description"] == text and "9123 4567" not in item["description"]
    assert "A123456" not in item["description"] and item["status"] == "open"
    assert item["lat"] is None and item["address"] is None
    [one] = Client().get(f"/open311/v2/requests/{suggestion.reference}.json").json()
    assert one["description"] == text and "token" not in one
    # The official answer: status maps to open/closed, the response goes into status_notes.
    services.suggestion_respond(
        user=secretariat_hk, suggestion=suggestion, status="implemented", response={"en": "Done since May."}
    )
    [item] = listed(lang="en")
    assert item["status"] == "closed" and "Done since May." in item["status_notes"]
    assert listed(status="open") == [] and len(listed(status="closed")) == 1


def test_rejected_is_never_listed(defaults, secretariat_hk):
    post(valid())
    suggestion = Suggestion.objects.get()
    services.suggestion_reject(user=secretariat_hk, suggestion=suggestion, reason="spam")
    assert listed() == []
    assert_error_shape(Client().get(f"/open311/v2/requests/{suggestion.reference}.json"), 404)


def test_named_needs_an_email_and_keeps_the_name(defaults):
    r = post(valid(email="hk@example.org", first_name="Chan", last_name="Tai Man"))
    assert r.status_code == 201
    suggestion = Suggestion.objects.get()
    assert not suggestion.anonymous and (suggestion.name, suggestion.email) == ("Chan Tai Man", "hk@example.org")
    description = assert_error_shape(post(valid(**{"attribute[anonymous]": "false"})), 400)
    assert description.startswith("email:")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"attribute[consent]": ""}, "attribute[consent]"),
        ({"attribute[consent]": "false"}, "attribute[consent]"),
        ({"attribute[title]": ""}, "attribute[title]"),
        ({"attribute[title]": "x" * 201}, "attribute[title]"),
        ({"description": ""}, "description"),
        ({"attribute[area]": "nowhere"}, "attribute[area]"),
        ({"attribute[anonymous]": "maybe"}, "attribute[anonymous]"),
        ({"attribute[language]": "fr"}, "attribute[language]"),
        ({"attribute[anonymous]": "false", "email": "not-an-address"}, "email"),
    ],
)
def test_validation_errors_in_open311_shape(defaults, change, field):
    description = assert_error_shape(post(valid(**change)), 400)
    assert description.startswith(f"{field}:")
    assert not Suggestion.objects.exists()


def test_errors_are_translated(defaults):
    r = Client().post("/open311/v2/requests.json?lang=zh-hant", valid(**{"attribute[consent]": ""}))
    assert "個人資料" in assert_error_shape(r, 400)


@override_settings(SUGGESTION_LIMIT_PER_ADDRESS=2)
def test_rate_limit_per_address(defaults):
    assert post(valid(), REMOTE_ADDR="198.51.100.7").status_code == 201
    assert post(valid(), REMOTE_ADDR="198.51.100.7").status_code == 201
    assert_error_shape(post(valid(), REMOTE_ADDR="198.51.100.7"), 429)
    assert post(valid(), REMOTE_ADDR="198.51.100.8").status_code == 201
    assert Suggestion.objects.count() == 3
