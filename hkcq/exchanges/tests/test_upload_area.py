"""A round made by uploading a spreadsheet names its co-operation area (the page asks for it, the
API takes it), so the pairs it forms are counted under that area on the progress dashboard and in
the plenary report's figures. A review found uploaded rounds with no area: their pairs counted
nowhere. The page also keeps what was typed when it refuses, in each language."""

from __future__ import annotations

import pytest

from hkcq.accounts.services import api_token_create
from hkcq.core import areafigures
from hkcq.exchanges import services
from hkcq.exchanges.models import ExchangeRecord, Pair, Round
from hkcq.exchanges.tests.factories import area_pk, round_areas, round_sheet  # noqa: F401 - round_areas: the fixture
from hkcq.registry.models import Area

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name
ROWS = [
    ["role", "id", "name", "places", "ranking", "language"],
    ["applicant", "s1", "Student 1", None, "p1", "en"],
    ["host", "p1", "Placement 1", 1, "s1", "en"],
]


def _accept_all(officer, round_: Round) -> None:
    services.round_allocate(user=officer, round_=round_)
    for pair in Pair.objects.filter(round=round_):
        for side in ("applicant", "host"):
            services.pair_answer_for(user=officer, pair=pair, side=side, accept=True, reason="Letter of 3 May")


def _dashboard_cell(client, area: Area) -> str:
    """The exchange-pairs figure of ``area`` in the dashboard's table of results by area."""
    body = client.get("/en/progress/").content.decode()
    table = body[body.index('id="area-results"') :]
    table = table[: table.index("</table>")]
    row = next(r for r in table.split("<tr>") if str(area.name) in r)
    return row.split('<td class="text-end">')[2].split("</td>")[0]


def test_an_uploaded_rounds_pairs_count_under_its_area_on_the_dashboard(client, officer_tdc):
    ExchangeRecord.objects.all().delete()
    area = Area.objects.get(ext_id="education")
    before = areafigures.counts_by_area()["exchange_records"].get(area.pk, 0)
    client.force_login(officer_tdc)
    response = client.post(
        "/en/rounds/new/", {"kind": "internship", "title": "Interns", "area": area.pk, "file": round_sheet(ROWS)}
    )
    assert response.status_code == 302
    round_ = Round.objects.get()
    assert round_.area == area
    _accept_all(officer_tdc, round_)
    assert ExchangeRecord.objects.get(pair__round=round_).area == area
    assert areafigures.counts_by_area()["exchange_records"].get(area.pk, 0) == before + 1
    assert _dashboard_cell(client, area) == str(before + 1)


@pytest.mark.parametrize(
    ("lang", "required"),
    [("en", "This field is required."), ("zh-hant", "必須填寫此欄。"), ("zh-hans", "此项为必填项。")],
)
def test_the_upload_asks_for_the_area_and_keeps_what_was_typed(client, officer_tdc, lang, required):
    client.force_login(officer_tdc)
    response = client.post(
        f"/{lang}/rounds/new/", {"kind": "sister_school", "title": "Sister schools 2027", "file": round_sheet(ROWS)}
    )
    assert response.status_code == 200 and not Round.objects.exists()
    page = response.content.decode()
    assert 'id="error-summary"' in page and 'href="#id_area"' in page
    assert required in page
    assert 'value="Sister schools 2027"' in page  # the title as typed
    assert '<option value="sister_school" selected>' in page  # the kind as chosen


def test_the_api_upload_takes_the_area(client, officer_tdc):
    token = api_token_create(user=officer_tdc, name="t")[1]
    response = client.post(
        "/api/v1/round-uploads",
        {"kind": "internship", "title": "Interns", "dry_run": "false", "area": "education", "file": round_sheet(ROWS)},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201, response.content
    assert Round.objects.get(pk=response.json()["id"]).area_id == area_pk("education")
    response = client.post(
        "/api/v1/round-uploads",
        {
            "kind": "internship",
            "title": "Interns",
            "dry_run": "true",
            "area": "no-such-area",
            "file": round_sheet(ROWS),
        },
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422 and "area" in response.json()["error"]["details"]
    assert Round.objects.count() == 1
