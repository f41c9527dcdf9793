"""Partnerships and exchange results counted under each co-operation area: on the progress
dashboard, in the plenary report (HTML, PDF, XLSX, CSV) and in open data. The figures come
through ``hkcq.core.areafigures`` (partnering and exchanges register them; progress and reporting
never import those apps); partnerships at events' meetings are partnering ``Outcome`` rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from openpyxl import load_workbook
from pypdf import PdfReader

from hkcq.core import areafigures
from hkcq.exchanges import services as exchange_services
from hkcq.exchanges.models import ExchangeRecord, Feedback
from hkcq.exchanges.tests.factories import EventFactory, MeetingFactory, held
from hkcq.partnering.models import Outcome, OutcomeKind, OutcomeSource
from hkcq.partnering.tests.factories import OutcomeFactory
from hkcq.registry.models import Area
from hkcq.reporting import selectors, services
from hkcq.reporting.models import Job
from hkcq.reporting.tests.helpers import open_cycle, plenary

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas(plan):
    """The plan's Logistics and Education (``factories.plan_make``)."""
    Outcome.objects.all().delete()  # the demonstration data's (when loaded), so the counts below are exact
    ExchangeRecord.objects.all().delete()
    logistics, education = plan.areas[2], plan.areas[3]
    assert (logistics.name.en, education.name.en) == ("Logistics", "Education")
    return logistics, education


def _meeting_outcome(area: Area, kind: str) -> None:
    """A meeting at an event in ``area``: both participants give feedback, both report ``kind``."""
    event: Any = EventFactory()
    event.areas.set([area])
    meeting: Any = MeetingFactory(event=event)
    for reg in (meeting.requester, meeting.recipient):
        with held(event):
            exchange_services.meeting_feedback(
                user=reg.person, meeting=meeting, happened=True, useful=True, outcome="Agreed", outcome_kind=kind
            )


@pytest.fixture
def results(areas):
    """Logistics: 2 joint ventures and 1 licensing from introductions (+1 "no deal", not counted),
    1 partnership at an event's meeting (reported by both sides: counted once). Education: 1
    research agreement from an introduction, 2 exchange records (sister-school pairs)."""
    logistics, education = areas
    for kind in (OutcomeKind.JOINT_VENTURE, OutcomeKind.JOINT_VENTURE, OutcomeKind.LICENSING, OutcomeKind.NO_DEAL):
        OutcomeFactory(area=logistics, kind=kind)
    _meeting_outcome(logistics, OutcomeKind.LOGISTICS)
    OutcomeFactory(area=education, kind=OutcomeKind.RESEARCH)
    for n in range(2):
        ExchangeRecord.objects.create(kind="sister_school", area=education, title=f"Pair {n}")
    return logistics, education


def test_figures_are_registered_by_the_apps_above():
    assert [f.key for f in areafigures.figures()] == ["partnerships", "exchange_records"]


def test_exchange_meeting_outcomes_are_partnering_outcomes(results):
    logistics, _education = results
    assert Feedback.objects.count() == 2
    outcome = Outcome.objects.get(source=OutcomeSource.EVENT_MEETING)
    assert (outcome.area, outcome.kind, outcome.interest) == (logistics, OutcomeKind.LOGISTICS, None)
    assert outcome.reference.startswith("meeting:")
    counts = areafigures.counts_by_area()
    assert counts["partnerships"] == {logistics.pk: 4, results[1].pk: 1}
    assert counts["exchange_records"] == {results[1].pk: 2}
    # the events page's per-area outcomes read the same rows
    from hkcq.exchanges.selectors import exchange_counts_by_area

    assert exchange_counts_by_area()[logistics.pk]["outcomes"] == 1


def test_a_meeting_without_an_area_or_without_a_kind_counts_nothing(areas):
    meeting: Any = MeetingFactory()  # its event has no area
    with held(meeting.event):
        exchange_services.meeting_feedback(
            user=meeting.requester.person, meeting=meeting, happened=True, outcome_kind=OutcomeKind.INVESTMENT
        )
    event: Any = EventFactory()
    event.areas.set([areas[0]])
    meeting = MeetingFactory(event=event)
    with held(event):
        exchange_services.meeting_feedback(user=meeting.requester.person, meeting=meeting, happened=True)
    assert Outcome.objects.count() == 0


@pytest.mark.parametrize(
    ("lang", "heading", "label"),
    [
        ("en", "Partnerships and exchanges by area", "Partnerships formed"),
        ("zh-hant", "按合作領域劃分的合作夥伴關係及交流", "已建立的合作夥伴關係"),
        ("zh-hans", "按合作领域划分的合作伙伴关系及交流", "已建立的合作伙伴关系"),
    ],
)
def test_dashboard_shows_the_figures_per_area(client, results, lang, heading, label):
    body = client.get(f"/{lang}/progress/").content.decode()
    assert heading in body and label in body
    table = body[body.index('id="area-results"') :]
    table = table[: table.index("</table>")]
    rows = [r for r in table.split("<tr>")[2:]]
    cells = [[c.split("</td>")[0] for c in r.split('<td class="text-end">')[1:]] for r in rows]
    assert cells == [["4", "0"], ["1", "2"], ["5", "2"]]  # logistics, education, total


def test_open_data_carries_the_aggregate(client, results):
    logistics, education = results
    body = client.get("/en/open-data/partnerships-by-area.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    got = {(r["area"], r["figure"]): int(r["count"]) for r in rows}
    assert len(rows) == Area.objects.count() * 2
    assert got[(logistics.ext_id, "partnerships")] == 4
    assert got[(logistics.ext_id, "exchange_records")] == 0
    assert got[(education.ext_id, "partnerships")] == 1
    assert got[(education.ext_id, "exchange_records")] == 2
    assert sum(got.values()) == 7
    zh = next(r for r in rows if r["figure"] == "partnerships")
    assert zh["figure_name_zh_hant"] == "已建立的合作夥伴關係" and zh["figure_name_zh_hans"] == "已建立的合作伙伴关系"
    # nobody is named
    assert "Example Organisation" not in body and "@" not in body
    data = json.loads(client.get("/api/v1/open-data/partnerships-by-area?format=json").content)
    assert {(r["area"], r["figure"]): r["count"] for r in data["records"]} == got
    package = client.get("/en/open-data/datapackage.json").json()
    resource = next(r for r in package["resources"] if r["name"] == "partnerships-by-area")
    assert [f["name"] for f in resource["schema"]["fields"]][-1] == "count"
    assert resource["schema"]["fields"][-1]["type"] == "integer"
    catalogue = client.get("/en/open-data/catalogue.jsonld").json()
    assert "partnerships-by-area" in [d["dct:identifier"] for d in catalogue["dcat:dataset"]]


@pytest.fixture
def two_plenaries(areas, secretariat_hk):
    """Plenary 2 with 1 partnership in Logistics; then 2 more there, 1 in Education and an
    exchange record in Education before plenary 3."""
    logistics, education = areas
    open_cycle()
    OutcomeFactory(area=logistics)
    services.close_cycle(open_cycle(), plenary(dt.date(2024, 5, 10), 2), secretariat_hk)
    OutcomeFactory(area=logistics, kind=OutcomeKind.INVESTMENT)
    _meeting_outcome(logistics, OutcomeKind.JOINT_VENTURE)
    OutcomeFactory(area=education, kind=OutcomeKind.RESEARCH)
    ExchangeRecord.objects.create(kind="internship", area=education, title="Internship")
    return services.close_cycle(open_cycle(), plenary(dt.date(2024, 11, 20), 3), secretariat_hk)


def _pdf_text(path: Path) -> str:
    return "".join("".join((page.extract_text() or "").split()) for page in PdfReader(str(path)).pages)


def test_plenary_report_counts_since_the_last_plenary_in_every_format(client, areas, two_plenaries, secretariat_hk):
    snapshot = two_plenaries
    by_area = {a["id"]: a["figures"] for a in snapshot.data["areas"]}
    logistics, education = areas
    assert by_area[logistics.ext_id] == {"partnerships": 3, "exchange_records": 0}
    assert by_area[education.ext_id] == {"partnerships": 1, "exchange_records": 1}
    assert snapshot.data["figures"][0]["label"]["zh-hans"] == "已建立的合作伙伴关系"

    client.force_login(secretariat_hk)
    client.post(f"/en/reports/{snapshot.pk}/generate/", {"language": "en"})
    job = Job.objects.get(kind="report")
    assert job.state == Job.State.DONE, job.message
    files = {
        fmt: Path(default_storage.path(selectors.report_job_file(job, fmt))) for fmt in ("html", "pdf", "xlsx", "csv")
    }
    # HTML: since the last plenary / total, per area and in total
    html = files["html"].read_text()
    table = html[html.index('id="report-results"') :]
    table = table[: table.index("</table>")]
    cells = [[c.split("</td>")[0] for c in r.split('<td class="num">')[1:]] for r in table.split("<tr>")[2:]]
    assert cells == [["2", "3", "0", "0"], ["1", "1", "1", "1"], ["3", "4", "1", "1"]]
    # PDF
    text = _pdf_text(files["pdf"])
    assert "Partnershipsandexchangesbyarea" in text and "Partnershipsformed" in text
    # XLSX: its own sheet, and the summary
    workbook = load_workbook(files["xlsx"])
    sheet = [list(r) for r in workbook["Partnerships and exchanges"].iter_rows(values_only=True)]
    assert sheet[0][1:] == [
        "Partnerships formed since the last plenary",
        "Partnerships formed, total",
        "Exchange pairs and placements since the last plenary",
        "Exchange pairs and placements, total",
    ]
    assert sheet[1:] == [["Logistics", 2, 3, 0, 0], ["Education", 1, 1, 1, 1], ["Total", 3, 4, 1, 1]]
    summary = {r[0]: r[1] for r in workbook["Summary"].iter_rows(values_only=True)}
    assert summary["Partnerships formed since the last plenary"] == 3
    assert summary["Exchange pairs and placements, total"] == 1
    # CSV (the measures table) and the workbook's Measures sheet: an area's figures are not repeated
    # on each measure's row, where summing the column counted them once per measure (a trial found
    # Logistics' one partnership summed to 4); they are in the table by area above
    rows = list(csv.reader(io.StringIO(files["csv"].read_bytes().decode("utf-8-sig"))))
    measures = [list(r) for r in workbook["Measures"].iter_rows(values_only=True)]
    for header in (rows[0], measures[0]):
        assert not [h for h in header if h and "Partnerships" in h], header
    assert len([r for r in rows[1:] if r[0] == "Logistics"]) > 1
