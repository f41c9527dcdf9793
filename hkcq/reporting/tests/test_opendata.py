import csv
import datetime as dt
import io
import json

import pytest

from hkcq.accounts.tests import personas
from hkcq.core.translated import TText
from hkcq.registry.models import Agreement, Area, Decision, Measure, Meeting
from hkcq.registry.tests.factories import AgreementFactory, DecisionFactory, MeasureFactory, UnitFactory

secretariat_hk = personas.secretariat_hk  # factory-made, not the default data's demo account


@pytest.fixture
def rows(db):
    """A row in every dataset: a measure (led for Hong Kong, with a planned end) and a second one
    in its area, a meeting with a decision, an agreement signed at it."""
    measure = MeasureFactory.create(
        code="1.1",
        title=TText.of(en="Joint fair", zh_hant="聯合展覽會"),
        lead_unit_hk=UnitFactory.create(),
        planned_end=dt.date(2026, 12, 31),
    )
    MeasureFactory.create(area=measure.area, code="1.2")
    decision = DecisionFactory.create()
    AgreementFactory.create(meeting=decision.meeting)


def _csv(response):
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(("lang", "expected"), [("en", "Open data"), ("zh-hant", "開放數據"), ("zh-hans", "开放数据")])
def test_open_data_page_documents_every_dataset_in_each_language(db, client, lang, expected):
    html = client.get(f"/{lang}/open-data/").content.decode()
    assert expected in html
    for slug in ("areas", "measures", "updates", "meetings", "decisions", "agreements"):
        assert f"/{lang}/open-data/{slug}.csv" in html
        assert f"/{lang}/open-data/{slug}.json" in html
        assert f"/api/v1/open-data/{slug}" in html
    assert "title_zh_hant" in html  # the columns are documented


@pytest.mark.parametrize(
    ("slug", "model"),
    [("areas", Area), ("measures", Measure), ("meetings", Meeting), ("decisions", Decision), ("agreements", Agreement)],
)
def test_csv_and_json_hold_every_record_of_the_database(rows, client, slug, model):
    rows = _csv(client.get(f"/en/open-data/{slug}.csv"))
    document = json.loads(client.get(f"/en/open-data/{slug}.json").content)
    ids = set(model.objects.values_list("ext_id", flat=True))
    assert {r["id"] for r in rows} == ids
    assert {r["id"] for r in document["records"]} == ids
    assert [f["name"] for f in document["fields"]] == list(rows[0].keys())
    assert document["licence"]
    # CSV and JSON carry the same values (CSV as text)
    by_id = {r["id"]: r for r in document["records"]}
    for row in rows:
        record = by_id[row["id"]]
        assert row == {k: "" if v is None else str(v) for k, v in record.items()}


def test_measure_columns_match_the_database_in_three_languages(rows, client):
    measure = Measure.objects.exclude(lead_unit_hk=None).select_related("area", "lead_unit_hk").first()
    rows = {r["id"]: r for r in _csv(client.get("/zh-hans/open-data/measures.csv"))}
    row = rows[measure.ext_id]
    assert row["title_en"] == measure.title.en
    assert row["title_zh_hant"] == measure.title.zh_hant
    assert row["title_zh_hans"] == measure.title.zh_hans
    assert row["title_zh_hant"] and row["title_zh_hans"]
    assert row["area"] == measure.area.ext_id
    assert row["lead_unit_hk"] == measure.lead_unit_hk.ext_id
    assert row["planned_end"] == (measure.planned_end.isoformat() if measure.planned_end else "")


def test_an_edit_shows_in_the_next_download(rows, client):
    area = Area.objects.order_by("-pk").first()
    area.name = {"en": "Renamed area", "zh-hant": "新名稱"}
    area.save()
    document = json.loads(client.get("/en/open-data/areas.json").content)
    record = next(r for r in document["records"] if r["id"] == area.ext_id)
    assert (record["name_en"], record["name_zh_hant"], record["name_zh_hans"]) == ("Renamed area", "新名稱", "新名称")


def test_open_data_never_holds_accounts_or_private_data(rows, client, secretariat_hk):
    from hkcq.accounts.models import User

    blob = "".join(
        client.get(f"/en/open-data/{slug}.{fmt}").content.decode("utf-8-sig")
        for slug in ("areas", "measures", "meetings", "decisions", "agreements")
        for fmt in ("csv", "json")
    )
    for user in User.objects.all():
        assert user.username not in blob
        if user.email:
            assert user.email not in blob


def test_unknown_dataset_or_format_is_not_found(db, client):
    assert client.get("/en/open-data/users.csv").status_code == 404
    assert client.get("/en/open-data/areas.xml").status_code == 404
    assert client.get("/api/v1/open-data/users").status_code == 404
    assert client.get("/api/v1/open-data/areas?format=xml").status_code == 404


def test_api_lists_datasets_and_negotiates_the_format(rows, client):
    catalogue = client.get("/api/v1/open-data").json()["items"]
    assert {d["id"] for d in catalogue} >= {"areas", "measures", "meetings", "decisions", "agreements"}
    measures = next(d for d in catalogue if d["id"] == "measures")
    assert "title_zh_hans" in [f["name"] for f in measures["fields"]]
    as_json = client.get("/api/v1/open-data/areas")
    assert as_json["Content-Type"].startswith("application/json")
    assert len(as_json.json()["records"]) == Area.objects.count()
    as_csv = client.get("/api/v1/open-data/areas", HTTP_ACCEPT="text/csv")
    assert as_csv["Content-Type"].startswith("text/csv")
    assert len(_csv(as_csv)) == Area.objects.count()
    assert _csv(client.get("/api/v1/open-data/areas?format=csv")) == _csv(as_csv)
    # the ids are the ones the registry API uses
    assert {r["id"] for r in as_json.json()["records"]} == {
        a["id"] for a in client.get("/api/v1/areas").json()["items"]
    }


def test_only_published_updates_and_only_their_public_narrative(client, secretariat_hk):
    from hkcq.progress.models import ProgressUpdate, Status
    from hkcq.reporting.tests.helpers import open_cycle, publish

    a, b = MeasureFactory.create_batch(2)
    published = publish(
        a, "hong_kong", "in_progress", 45, secretariat_hk, narrative="Public words", internal="Hidden words"
    )
    ProgressUpdate.objects.create(
        measure=b,
        side="hong_kong",
        cycle=open_cycle(),
        status=Status.objects.get(key="planning"),
        percent=5,
        public_narrative={"en": "Draft words"},
        author=secretariat_hk,
    )
    rows = _csv(client.get("/en/open-data/updates.csv"))
    document = json.loads(client.get("/en/open-data/updates.json").content)
    assert [r["id"] for r in rows] == [str(published.id)] == [str(r["id"]) for r in document["records"]]
    row = rows[0]
    assert (row["measure"], row["side"], row["status"], row["percent"]) == (a.ext_id, "hong_kong", "in_progress", "45")
    assert (
        row["narrative_en"] == "Public words"
        and row["narrative_zh_hant"] == "進度45"
        and row["narrative_zh_hans"] == "进度45"
    )
    assert row["status_name_zh_hant"] == "進行中"
    blob = (
        client.get("/en/open-data/updates.csv").content.decode()
        + client.get("/en/open-data/updates.json").content.decode()
    )
    assert "Hidden words" not in blob and "Draft words" not in blob and "internal" not in blob


@pytest.mark.parametrize(
    ("lang", "plenary", "in_force"),
    [("en", "Plenary session", "Entered into force"), ("zh-hant", "全體會議", "生效"), ("zh-hans", "全体会议", "生效")],
)
def test_code_columns_show_each_code_with_its_label(db, client, lang, plenary, in_force):
    """A column of codes (a meeting's kind, an agreement's latest event) lists its codes set as code,
    each with its label in the page's language; the text around them is not a list of raw codes."""
    from hkcq.core.tests.test_rendered_wording import raw_codes, stored_codes, visible_prose

    html = client.get(f"/{lang}/open-data/").content.decode()
    assert f"<code>plenary</code>{'：' if lang != 'en' else ': '}{plenary}" in html
    assert "<code>in_force</code>" in html and in_force in html
    if lang != "en":
        assert not raw_codes(visible_prose(html, lang), stored_codes())


def test_code_columns_carry_their_codes_in_the_files(rows, client):
    package = client.get("/en/open-data/datapackage.json").json()
    meetings = next(r for r in package["resources"] if r["name"] == "meetings")
    kind = next(f for f in meetings["schema"]["fields"] if f["name"] == "kind")
    assert "plenary" in kind["constraints"]["enum"] and "plenary = Plenary session" in kind["description"]
    document = json.loads(client.get("/zh-hant/open-data/agreements.json").content)
    status = next(f for f in document["fields"] if f["name"] == "status")
    assert {"value": "signed", "label": "已簽署"} in status["values"]
