"""Open311 GeoReport v2 endpoints for enquiries, checked against the specification's shapes."""

import json
from datetime import datetime

import pytest
from django.test import Client
from freezegun import freeze_time

import config.urls  # noqa: F401 - build the API schemas before any test freezes time
from hkcq.core.choices import Side
from hkcq.core.dates import TZ
from hkcq.core.translated import TText
from hkcq.enquiries import knowledge
from hkcq.enquiries import services as enquiry_services
from hkcq.enquiries.models import Enquiry
from hkcq.open311 import registry
from hkcq.open311.models import RequestToken
from hkcq.open311.registry import Open311Service, RequestOut, Submitted
from hkcq.registry.tests.factories import UnitFactory

SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_KEYS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}


def hkt(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def routed(db, monkeypatch):
    unit = UnitFactory.create(side=Side.HONG_KONG)
    monkeypatch.setattr(knowledge, "ask", lambda q, lang, details="": knowledge.Suggestion(unit=unit, answered=False))
    return unit


def post(client, data, **headers):
    return client.post("/open311/v2/requests.json", data, **headers)


def valid(**extra):
    data = {
        "service_code": "enquiry",
        "description": "How do I renew my Home Return Permit? HKID A123456(7), phone 9123 4567.",
        "email": "resident@example.org",
        "attribute[consent]": "true",
        "attribute[language]": "zh-hant",
        "lat": "29.56",
        "long": "106.55",
    }
    data.update(extra)
    return data


def assert_error_shape(response, status):
    assert response.status_code == status
    body = response.json()
    assert isinstance(body, list) and body
    for item in body:
        assert set(item) == {"code", "description"} and item["code"] == status and item["description"]


def test_services_list_and_definition(db):
    r = Client().get("/open311/v2/services.json")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/json")
    services = r.json()
    enquiry = next(s for s in services if s["service_code"] == "enquiry")
    assert set(enquiry) == SERVICE_KEYS
    assert enquiry["metadata"] is True and enquiry["type"] == "realtime"
    assert "一站式" in Client().get("/open311/v2/services.json?lang=zh-hant").json()[0]["group"]
    definition = Client().get("/open311/v2/services/enquiry.json").json()
    assert definition["service_code"] == "enquiry"
    codes = {a["code"]: a for a in definition["attributes"]}
    assert codes["consent"]["required"] is True and codes["consent"]["variable"] is True
    assert {v["key"] for v in codes["language"]["values"]} == {"en", "zh-hant", "zh-hans"}
    assert [a["order"] for a in definition["attributes"]] == [1, 2, 3]
    assert_error_shape(Client().get("/open311/v2/services/nothing.json"), 404)


def test_post_creates_an_enquiry_through_the_enquiry_services(
    routed, django_capture_on_commit_callbacks, mailoutbox, settings
):
    settings.THROTTLE_RATES = {}  # many posts to one address here; throttling: enquiries/tests/test_throttle.py
    client = Client(enforce_csrf_checks=True)  # other systems post without a CSRF token
    with django_capture_on_commit_callbacks(execute=True):
        r = post(client, valid())
    assert r.status_code == 201
    [body] = r.json()
    enquiry = Enquiry.objects.get()
    assert body["service_request_id"] == enquiry.reference
    # The Open311 token is not the tracking link's secret; the link is given on its own.
    assert body["token"] and body["token"] != enquiry.token and enquiry.token not in body["token"]
    assert RequestToken.objects.get(token=body["token"]).service_request_id == enquiry.reference
    assert body["tracking_url"].endswith(enquiry.get_tracking_url().replace("/en/", "/zh-hant/"))
    assert body["account_id"] is None and body["service_notice"]
    assert (enquiry.source, enquiry.language, enquiry.assigned_unit) == ("open311", "zh-hant", routed)
    assert enquiry.reply_due is not None  # the same deadlines as the web form
    assert [m.to for m in mailoutbox if enquiry.reference in m.body or enquiry.reference in m.subject]
    # The same request again is the same case (the form's duplicate window) ...
    r = post(client, valid())
    assert r.status_code == 200 and r.json()[0]["service_request_id"] == enquiry.reference
    # ... and so is a request with the same Idempotency-Key and content; the same key with other
    # content is refused (409, naming the header) and shows nothing of the first case.
    first = post(client, valid(description="Another question entirely?"), HTTP_IDEMPOTENCY_KEY="k-123")
    again = post(client, valid(description="Another question entirely?"), HTTP_IDEMPOTENCY_KEY="k-123")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    edited = post(client, valid(description="Another question entirely, edited?"), HTTP_IDEMPOTENCY_KEY="k-123")
    assert edited.status_code == 409 and edited.json()[0]["description"].startswith("Idempotency-Key:")
    assert first.json()[0]["token"] not in edited.content.decode()
    assert Enquiry.objects.count() == 2
    # Another client (another address) with the same key and content files its own case.
    elsewhere = post(
        client, valid(description="Another question entirely?"), HTTP_IDEMPOTENCY_KEY="k-123", REMOTE_ADDR="192.0.2.9"
    )
    assert elsewhere.status_code == 201 and elsewhere.json()[0]["token"] != first.json()[0]["token"]
    assert Enquiry.objects.count() == 3
    # A JSON body works too.
    r = client.post(
        "/open311/v2/requests.json",
        json.dumps(
            {
                "service_code": "enquiry",
                "description": "JSON question?",
                "email": "a@example.org",
                "attribute": {"consent": "true"},
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201 and Enquiry.objects.count() == 4


def test_post_errors_change_nothing(routed):
    client = Client()
    cases = [
        (valid(service_code=""), 400, "service_code"),
        (valid(service_code="pothole"), 404, ""),
        (valid(description=""), 400, "description"),
        (valid(email="not-an-address"), 400, "email"),
        (valid(**{"attribute[consent]": "false"}), 400, "attribute[consent]"),
        (valid(**{"attribute[language]": "fr"}), 400, "attribute[language]"),
    ]
    for data, status, field in cases:
        r = post(client, data)
        assert_error_shape(r, status)
        assert field in r.json()[0]["description"]
    r = client.post("/open311/v2/requests.json?lang=zh-hant", valid(email="x"))
    assert "電郵" in r.json()[0]["description"]
    assert_error_shape(client.post("/open311/v2/requests.json", "[1]", content_type="application/json"), 400)
    assert_error_shape(client.post("/open311/v2/requests.json", "{oops", content_type="application/json"), 400)
    assert_error_shape(client.post("/open311/v2/requests.json", valid(jurisdiction_id="london")), 404)
    assert_error_shape(client.delete("/open311/v2/requests.json"), 405)
    assert_error_shape(client.post("/open311/v2/services.json"), 405)
    assert Enquiry.objects.count() == 0


@pytest.fixture
def cases(routed):
    with freeze_time(hkt(2025, 3, 3, 10)):
        old = enquiry_services.enquiry_submit(
            filing=enquiry_services.Filing(question="Old question? Call 9123 4567", email="a@example.org", consent=True)
        ).enquiry
    with freeze_time(hkt(2025, 5, 5, 10)):
        recent = enquiry_services.enquiry_submit(
            filing=enquiry_services.Filing(question="Recent question?", email="b@example.org", consent=True)
        ).enquiry
    with freeze_time(hkt(2025, 5, 6, 10)):
        closed = enquiry_services.enquiry_submit(
            filing=enquiry_services.Filing(question="Closed question?", email="c@example.org", consent=True)
        ).enquiry
    Enquiry.objects.filter(pk=closed.pk).update(status="closed", closed_at=hkt(2025, 5, 7, 10))
    return old, recent, closed


def test_get_requests_lists_masked_requests_with_filters(cases):
    old, recent, closed = cases
    client = Client()
    with freeze_time(hkt(2025, 6, 5)):  # 90 days before: 7 March
        default = client.get("/open311/v2/requests.json").json()
    # Default window: the last 90 days, newest first.
    assert [r["service_request_id"] for r in default] == [closed.reference, recent.reference]
    for item in default:
        assert set(item) >= REQUEST_KEYS and item["lat"] is None and item["address"] is None
        assert item["requested_datetime"].endswith("+08:00") and "@" not in json.dumps(item)
    everything = client.get(
        "/open311/v2/requests.json?start_date=2025-03-01T00:00:00Z&end_date=2025-05-29T00:00:00Z"
    ).json()
    assert [r["service_request_id"] for r in everything] == [closed.reference, recent.reference, old.reference]
    masked = next(r for r in everything if r["service_request_id"] == old.reference)
    # Enquiries are private: no question in a list, whoever asks.
    assert all(r["description"] is None for r in everything)
    assert "question" not in json.dumps(everything, ensure_ascii=False).lower()
    assert masked["status"] == "open" and masked["expected_datetime"] is not None
    assert (
        masked["agency_responsible"] == "Hong Kong Economic and Trade Office in Chengdu" or masked["agency_responsible"]
    )
    shut = next(r for r in everything if r["service_request_id"] == closed.reference)
    assert shut["status"] == "closed" and shut["expected_datetime"] is None
    assert shut["updated_datetime"] == "2025-05-07T10:00:00+08:00"
    window = "start_date=2025-03-01T00:00:00%2B08:00&end_date=2025-05-29"
    assert [
        r["service_request_id"] for r in client.get(f"/open311/v2/requests.json?{window}&status=closed").json()
    ] == [closed.reference]
    assert len(client.get(f"/open311/v2/requests.json?{window}&status=open").json()) == 2
    assert len(client.get(f"/open311/v2/requests.json?{window}&status=open,closed").json()) == 3
    assert client.get(f"/open311/v2/requests.json?{window}&service_code=enquiry").json() == everything
    ids = client.get(f"/open311/v2/requests.json?service_request_id={old.reference},{recent.reference}").json()
    assert {r["service_request_id"] for r in ids} == {old.reference, recent.reference}
    narrow = client.get("/open311/v2/requests.json?start_date=2025-05-05&end_date=2025-05-06").json()
    assert [r["service_request_id"] for r in narrow] == [recent.reference]
    assert (
        client.get(f"/open311/v2/requests.json?{window}&lang=zh-hant").json()[0]["status_notes"] != shut["status_notes"]
    )
    assert_error_shape(client.get("/open311/v2/requests.json?status=pending"), 400)
    assert_error_shape(client.get("/open311/v2/requests.json?start_date=yesterday"), 400)
    assert_error_shape(client.get("/open311/v2/requests.json?start_date=2025-05-06&end_date=2025-05-01"), 400)
    assert_error_shape(client.get("/open311/v2/requests.json?service_code=pothole"), 404)


def test_get_one_request(cases):
    old, recent, _closed = cases
    client = Client()
    [item] = client.get(f"/open311/v2/requests/{old.reference}.json").json()
    assert item["service_request_id"] == old.reference and set(item) >= REQUEST_KEYS
    assert item["description"] is None and "Old question" not in json.dumps(item)
    assert item["status"] == "open" and item["agency_responsible"] and item["requested_datetime"]
    # With the token its POST returned, the resident gets the question, masked as on the tracking page.
    old_token = RequestToken.objects.create(service_code="enquiry", service_request_id=old.reference).token
    recent_token = RequestToken.objects.create(service_code="enquiry", service_request_id=recent.reference).token
    [own] = client.get(f"/open311/v2/requests/{old.reference}.json", {"token": old_token}).json()
    assert own["description"] == "Old question? Call ▇▇▇"
    assert {k: v for k, v in own.items() if k != "description"} == {k: v for k, v in item.items() if k != "description"}
    # Another enquiry's token is refused, in the reader's language; nothing is given away.
    refused = client.get(f"/open311/v2/requests/{old.reference}.json", {"token": recent_token, "lang": "zh-hant"})
    assert_error_shape(refused, 403)
    assert "token" in refused.json()[0]["description"] and "屬於" in refused.json()[0]["description"]
    assert "Old question" not in refused.content.decode()
    # The tracking link's secret is not an Open311 token.
    assert_error_shape(client.get(f"/open311/v2/requests/{old.reference}.json", {"token": old.token}), 403)
    # The reference may be typed loosely; a wrong check digit or unknown number is a 404.
    assert client.get(f"/open311/v2/requests/{old.reference.lower().replace('-', '')}.json").status_code == 200
    wrong = old.reference[:-1] + str((int(old.reference[-1]) + 1) % 10)
    assert_error_shape(client.get(f"/open311/v2/requests/{wrong}.json"), 404)
    assert_error_shape(client.get("/open311/v2/requests/HKCQ-2099-000001-0.json"), 404)


def test_a_second_service_is_one_register_call(db, monkeypatch):
    # Only the enquiry service, then a stand-in "suggestion"; the real registry comes back afterwards.
    monkeypatch.setattr(registry, "_SERVICES", {"enquiry": registry.service("enquiry")})

    def submit(data):
        return Submitted(service_request_id="S-1", service_notice="Thanks", created=True)

    item = RequestOut(
        service_request_id="S-1",
        status="open",
        status_notes="Received",
        service_name="Suggestion",
        service_code="suggestion",
        description="More buses",
        agency_responsible="",
        service_notice="",
        requested_datetime=hkt(2025, 5, 1),
        updated_datetime=None,
        expected_datetime=None,
    )
    registry.register(
        Open311Service(
            code="suggestion",
            name=TText.of(en="Suggestion"),
            description=TText.of(en="A suggestion"),
            group=TText.of(en="Views and suggestions"),
            keywords=("suggestion",),
            attributes=(),
            submit=submit,
            list_requests=lambda filters: [item],
            get_request=lambda i: item if i == "S-1" else None,
        )
    )
    client = Client()
    codes = [s["service_code"] for s in client.get("/open311/v2/services.json").json()]
    assert codes == ["enquiry", "suggestion"]
    r = post(client, {"service_code": "suggestion", "description": "More buses"})
    assert r.status_code == 201 and r.json()[0]["service_request_id"] == "S-1"
    listed = client.get("/open311/v2/requests.json?start_date=2025-04-01&end_date=2025-06-01").json()
    assert [i["service_code"] for i in listed] == ["suggestion"]
    assert client.get("/open311/v2/requests/S-1.json").json()[0]["description"] == "More buses"
    # A service that keeps nothing private shows its sender what everyone sees; a token that is
    # not one the POST returned is refused.
    token = r.json()[0]["token"]
    assert client.get(f"/open311/v2/requests/S-1.json?token={token}").json()[0]["description"] == "More buses"
    assert client.get("/open311/v2/requests/S-1.json?token=anything").status_code == 403
    registry.unregister("suggestion")
    assert registry.service("suggestion") is None


PAGE = {
    "en": {
        "title": "Open311 interface",
        "names": ["Enquiry to the one-stop consulting service", "View or suggestion"],
        "headings": ["What a POST needs", "What GET returns", "Who sees what"],
        "privacy": "only once a moderator has approved it and confirmed the redacted text",
        "idempotency": "returns the same suggestion (200)",
        "enquiry_privacy": "An enquiry is between the resident, the unit handling it and the co-operation secretariat",
        "extension": "Enquiries are private between the resident, the unit handling them and the secretariat",
    },
    "zh-hant": {
        "title": "Open311 介面",
        "names": ["向一站式諮詢服務查詢", "意見或建議"],
        "headings": ["POST 須提供的欄位", "GET 傳回的內容", "誰可看到甚麼"],
        "privacy": "建議須經審核員批准並確認已遮蓋個人資料的文本後才會公開",
        "idempotency": "會傳回同一項建議（200）",
        "enquiry_privacy": "查詢只限居民、負責單位及合作秘書處知悉",
        "extension": "查詢只限居民、負責單位及秘書處知悉：GET 只提供參考編號",
    },
    "zh-hans": {
        "title": "Open311 接口",
        "names": ["向一站式咨询服务提问", "意见或建议"],
        "headings": ["POST 须提供的字段", "GET 返回的内容", "谁可看到什么"],
        "privacy": "建议须经审核员批准并确认已遮盖个人信息的文本后才会公开",
        "idempotency": "会返回同一项建议（200）",
        "enquiry_privacy": "咨询仅限居民、负责单位及合作秘书处知悉",
        "extension": "咨询仅限居民、负责单位及秘书处知悉：GET 只提供参考编号",
    },
}


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_documentation_page_describes_every_service(db, lang):
    r = Client().get(f"/{lang}/open311/")
    assert r.status_code == 200
    html = r.content.decode()
    expected = PAGE[lang]
    assert f'<h1 class="h2">{expected["title"]}</h1>' in html and "/open311/v2" in html
    for code, name in zip(["enquiry", "suggestion"], expected["names"], strict=True):
        opening, closing = (" (", ")") if lang == "en" else ("（", "）")  # the language's brackets
        assert f'id="service-{code}">{name}{opening}<code>service_code={code}</code>{closing}</h3>' in html
        assert f'href="#service-{code}"' in html and f"/services/{code}.json" in html
    for heading in expected["headings"]:
        assert html.count(f'<h4 class="h6">{heading}</h4>') == 2  # once for each service
    assert str(expected["privacy"]) in html and str(expected["idempotency"]) in html
    assert str(expected["enquiry_privacy"]) in html and str(expected["extension"]) in html
    # What a POST needs, read from each service: its standard fields and its attributes.
    enquiry, suggestion = html.split('id="service-suggestion"')
    for row in ("description", "email", "phone", "attribute[consent]", "attribute[language]", "attribute[details]"):
        assert f"<code>{row}</code>" in enquiry
    for row in ("description", "email", "first_name", "last_name", "attribute[title]", "attribute[area]"):
        assert f"<code>{row}</code>" in suggestion.split("<h2")[0]
    assert "<code>attribute[title]</code>" not in enquiry


def test_documentation_page_is_read_from_the_registry(db, monkeypatch):
    monkeypatch.setattr(registry, "_SERVICES", dict(registry._SERVICES))
    registry.register(
        Open311Service(
            code="pothole",
            name=TText.of(en="Pothole report"),
            description=TText.of(en="A hole in the road."),
            group=TText.of(en="Roads"),
            keywords=(),
            attributes=(registry.Attribute(code="depth", description=TText.of(en="How deep"), required=True),),
            submit=lambda data: Submitted(service_request_id="P-1", service_notice="", created=True),
            list_requests=lambda filters: [],
            get_request=lambda i: None,
            guide=registry.Guide(
                fields=(registry.PostField("description", TText.of(en="Where the hole is."), required=True),),
                privacy=TText.of(en="Reports are public at once."),
            ),
        )
    )
    html = Client().get("/en/open311/").content.decode()
    assert 'id="service-pothole">Pothole report (<code>service_code=pothole</code>)' in html
    assert "<code>attribute[depth]</code>" in html and "Where the hole is." in html
    assert "Reports are public at once." in html
    registry.unregister("pothole")
    assert "pothole" not in Client().get("/en/open311/").content.decode()


def test_addresses_on_the_page_and_in_discovery_are_the_ones_the_reader_used(db, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"  # the default, for e-mails; not what the reader used
    client = Client(HTTP_HOST="localhost:9000")
    html = client.get("/en/open311/").content.decode()
    assert "<code>http://localhost:9000/open311/v2/</code>" in html
    assert 'href="http://localhost:9000/open311/v2/services/enquiry.json"' in html
    assert "127.0.0.1:8000" not in html
    [endpoint] = client.get("/open311/v2/discovery.json").json()["endpoints"]
    assert endpoint["url"] == "http://localhost:9000/open311/v2"


NOTICES = {
    "en": "We have received your enquiry.",
    "zh-hant": "我們已收到你的查詢。",
    "zh-hans": "我们已收到你的咨询。",
}


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_service_notice_is_in_the_language_of_the_request(routed, lang):
    client = Client()
    # attribute[language] first ...
    r = post(client, valid(**{"attribute[language]": lang}))
    assert r.status_code == 201 and r.json()[0]["service_notice"].startswith(NOTICES[lang])
    # ... else lang= ...
    data = valid(description=f"Another question ({lang})?")
    del data["attribute[language]"]
    r = client.post(f"/open311/v2/requests.json?lang={lang}", data)
    assert r.status_code == 201 and r.json()[0]["service_notice"].startswith(NOTICES[lang])
    # ... else Accept-Language.
    data["description"] = f"A third question ({lang})?"
    r = post(client, data, HTTP_ACCEPT_LANGUAGE={"en": "en", "zh-hant": "zh-HK", "zh-hans": "zh-CN"}[lang])
    assert r.status_code == 201 and r.json()[0]["service_notice"].startswith(NOTICES[lang])
    assert Enquiry.objects.filter(language=lang).count() == 3


@pytest.mark.parametrize(
    ("lang", "enquiry", "suggestion"),
    [("en", "enquiry", "suggestion"), ("zh-hant", "查詢", "建議"), ("zh-hans", "咨询", "建议")],
)
def test_service_keywords_are_in_the_requests_language(db, lang, enquiry, suggestion):
    services = {s["service_code"]: s for s in Client().get(f"/open311/v2/services.json?lang={lang}").json()}
    keywords = " ".join(s["keywords"] for s in services.values())
    assert enquiry in keywords and suggestion in keywords
    if lang != "en":
        assert "question" not in keywords and "Chongqing" not in keywords


def test_only_accepted_requests_use_up_the_limit(routed, settings):
    """A refused request (400: no consent, no description, a bad address) changes nothing and
    uses up nothing, nor does a replay of one already stored (200); two accepted requests reach
    the limit of two and the third waits (docs/security.md, "What counts for a submission")."""
    settings.THROTTLE_RATES = {"enquiry_submit": [("address", "2/h"), ("target", "2/h")]}
    client, addr = Client(), {"REMOTE_ADDR": "198.51.100.20"}
    for bad in ({"attribute[consent]": ""}, {"description": ""}, {"email": "not-an-address"}) * 2:
        assert_error_shape(post(client, valid(**bad), **addr), 400)
    assert not Enquiry.objects.exists()
    assert post(client, valid(description="First question?"), **addr).status_code == 201
    assert post(client, valid(description="First question?"), **addr).status_code == 200  # the same one
    assert post(client, valid(description="Second question?"), **addr).status_code == 201
    refused = post(client, valid(description="Third question?"), **addr)
    assert_error_shape(refused, 429)
    assert int(refused["Retry-After"]) > 0
    assert Enquiry.objects.count() == 2
