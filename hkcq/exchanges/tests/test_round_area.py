"""A round serves the co-operation framework: it names its co-operation area (its pairs and
placements are counted under it), on every way in. The trial found ``POST /api/v1/rounds``
creating rounds with no area, counted nowhere; the page and the upload already asked for one.
Now the service refuses a round without an area (or with an unknown one), and an edit that would
empty it: the page, the upload, the API and the API's upload, in the reader's language, and the
OpenAPI document says the area is required."""

from __future__ import annotations

import copy

import pytest

from hkcq.exchanges import services
from hkcq.exchanges.models import Round
from hkcq.exchanges.tests.factories import area_pk, round_areas, round_sheet  # noqa: F401 - round_areas: the fixture
from hkcq.exchanges.tests.test_round_links import auth
from hkcq.exchanges.tests.test_rounds import DOC

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name
LANGS = ["en", "zh-hant", "zh-hans"]
REQUIRED = {
    "en": "Choose the co-operation area the round serves: its pairs and placements are counted under it.",
    "zh-hant": "請選擇本輪次服務的合作領域：所促成的配對及實習名額均計入該領域。",
    "zh-hans": "请选择本轮次服务的合作领域：所促成的配对和实习名额均计入该领域。",
}
UNKNOWN = {"en": "Unknown id: nowhere", "zh-hant": "不明編號：nowhere", "zh-hans": "未知编号：nowhere"}
ROWS = [
    ["role", "id", "name", "places", "ranking", "language"],
    ["applicant", "s1", "Student 1", None, "p1", "en"],
    ["host", "p1", "Placement 1", 1, "s1", "en"],
]


@pytest.mark.parametrize("lang", LANGS)
def test_the_api_refuses_a_round_without_an_area_in_the_readers_language(client, officer_tdc, lang):
    for change, expected in ((lambda d: d.pop("area"), REQUIRED), (lambda d: d.update(area="nowhere"), UNKNOWN)):
        doc = copy.deepcopy(DOC)
        change(doc)
        r = client.post("/api/v1/rounds", doc, content_type="application/json", **auth(officer_tdc, lang))
        assert r.status_code == 422, r.content
        assert r.json()["error"]["details"]["area"] == [expected[lang]]
        assert r.json()["error"]["code"] == ("unknown_reference" if expected is UNKNOWN else "validation_error")
    assert not Round.objects.exists()
    r = client.post("/api/v1/rounds", DOC, content_type="application/json", **auth(officer_tdc, lang))
    assert r.status_code == 201 and Round.objects.get().area.ext_id == "education"


def test_the_service_refuses_a_round_without_an_area(officer_tdc):
    from hkcq.core.errors import InvalidInput

    for area in (None, "", "nowhere"):
        with pytest.raises(InvalidInput) as exc:
            services.round_create(user=officer_tdc, data={**DOC, "area": area})
        assert "area" in exc.value.details
    assert not Round.objects.exists()


@pytest.mark.parametrize("lang", LANGS)
def test_an_area_cannot_be_emptied_on_the_page_or_through_the_api(client, officer_tdc, lang):
    round_ = services.round_create(user=officer_tdc, data=DOC)
    client.force_login(officer_tdc)
    r = client.post(
        f"/{lang}/rounds/{round_.pk}/edit/",
        {"title_0": "Summer internships 2027", "title_1": "", "title_2": "", "eligibility_0": "", "eligibility_1": "",
         "eligibility_2": "", "area": "", "ranking_deadline": "", "response_deadline": ""},
    )  # fmt: skip
    assert r.status_code == 200 and "area" in r.context["form"].errors
    round_.refresh_from_db()
    assert round_.area.ext_id == "education"
    r = client.patch(
        f"/api/v1/rounds/{round_.pk}", {"area": None}, content_type="application/json", **auth(officer_tdc, lang)
    )
    assert r.status_code == 422 and r.json()["error"]["details"]["area"] == [REQUIRED[lang]]
    round_.refresh_from_db()
    assert round_.area.ext_id == "education"
    r = client.patch(
        f"/api/v1/rounds/{round_.pk}", {"area": "logistics"}, content_type="application/json", **auth(officer_tdc)
    )
    assert r.status_code == 200 and r.json()["area"] == "logistics"


def test_the_uploads_ask_for_the_area(client, officer_tdc):
    client.force_login(officer_tdc)
    r = client.post("/en/rounds/new/", {"kind": "internship", "title": "Interns", "file": round_sheet(ROWS)})
    assert r.status_code == 200 and "area" in r.context["form"].errors
    r = client.post(
        "/api/v1/round-uploads",
        {"kind": "internship", "title": "Interns", "dry_run": "false", "file": round_sheet(ROWS)},
        **auth(officer_tdc),
    )
    assert r.status_code == 422
    assert not Round.objects.exists()
    r = client.post(
        "/api/v1/round-uploads",
        {"kind": "internship", "title": "Interns", "area": "education", "dry_run": "false", "file": round_sheet(ROWS)},
        **auth(officer_tdc),
    )
    assert r.status_code == 201 and Round.objects.get().area_id == area_pk("education")


def test_the_openapi_document_says_the_area_is_required(client):
    document = client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    assert "area" in schemas["RoundIn"]["required"]
    assert schemas["RoundIn"]["properties"]["area"]["type"] == "string"
    assert "null" not in str(schemas["RoundPatch"]["properties"]["area"])
    upload = document["paths"]["/api/v1/round-uploads"]["post"]["requestBody"]["content"]["multipart/form-data"]
    form = upload["schema"]
    if "$ref" in form:
        form = schemas[form["$ref"].rsplit("/", 1)[-1]]
    assert "area" in form["required"]
    applicant = schemas["RoundApplicantIn"]["properties"]["language"]
    assert applicant["enum"] == ["en", "zh-hant", "zh-hans"]
