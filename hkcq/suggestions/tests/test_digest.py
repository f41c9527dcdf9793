"""The digest for communication meetings, checked against a generated data set: the HTML page,
the workbook, the PDF (in each language) and the API carry the same figures."""

import datetime as dt
import io
import random
import re
from collections import Counter

import pytest
from django.utils import timezone

from hkcq.registry.models import Area, Meeting
from hkcq.registry.tests.factories import AreaFactory, MechanismFactory
from hkcq.suggestions.models import Suggestion
from hkcq.suggestions.tests.factories import SuggestionFactory, SupportFactory

STATUSES = [s.value for s in Suggestion.Status]
TZ = dt.timezone(dt.timedelta(hours=8))


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def dataset(db):
    """Suggestions spread over Jan–Jun 2026 in four areas; communication meetings on 31 Jan and
    30 Apr 2026. Returns the meetings and the expected figures for the period 1 Feb – 30 Apr,
    counted here from what was generated (not by the code under test), in a row for every area
    (those of the default data too, when it is loaded)."""
    rng = random.Random(20260501)
    mechanism = MechanismFactory.create()
    m1 = Meeting.objects.create(
        ext_id="comm-2026-01",
        mechanism=mechanism,
        kind="communication",
        title={"en": "First communication meeting", "zh-hant": "第一次交流會"},
        date=dt.date(2026, 1, 31),
    )
    m2 = Meeting.objects.create(
        ext_id="comm-2026-04",
        mechanism=mechanism,
        kind="communication",
        title={"en": "Second communication meeting", "zh-hant": "第二次交流會"},
        date=dt.date(2026, 4, 30),
    )
    made = [AreaFactory.create(name={"en": "Finance", "zh-hant": "金融", "zh-hans": "金融"})]
    made += AreaFactory.create_batch(3)
    areas = list(Area.objects.order_by("position"))
    start, end = dt.date(2026, 2, 1), dt.date(2026, 4, 30)
    expected_states: Counter = Counter()
    expected_cells: Counter = Counter()
    expected_answered = set()
    words = ["bus", "school", "tax", "clinic", "museum", "visa", "loan", "court", "park", "library", "market"]
    for i in range(90):
        day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 180))
        state = rng.choice(["pending", "published", "published", "published", "rejected"])
        area = rng.choice([*made, None])
        status = rng.choice(STATUSES) if state == "published" else "received"
        word = words[i % len(words)]
        s = SuggestionFactory.create(
            title=f"About the {word} {i}",
            text=f"Something about the {word} number {i}",
            public_title=f"About the {word} {i}" if state == "published" else "",
            public_text=f"Something about the {word} number {i}" if state == "published" else "",
            area=area,
            state=state,
            status=status,
            published_at=_at(day) if state == "published" else None,
            response={"en": f"Answer {i}"} if state == "published" and status != "received" else {},
        )
        responded = None
        if state == "published" and status != "received":
            responded = day + dt.timedelta(days=rng.randrange(0, 40))
        Suggestion.objects.filter(pk=s.pk).update(
            created_at=_at(day), responded_at=_at(responded) if responded else None
        )
        if start <= day <= end:
            expected_states[state] += 1
            if state == "published":
                expected_cells[(area.pk if area else None, status)] += 1
        if responded and start <= responded <= end:
            expected_answered.add(s.reference)
    # One strongly supported theme inside the period: three suggestions about permit renewal.
    theme = []
    for j, text in enumerate(
        [
            "Renew the Home Return Permit in Chongqing",
            "Home Return Permit renewal office in Chongqing",
            "Faster Home Return Permit renewal in Chongqing",
        ]
    ):
        s = SuggestionFactory.create(
            title=text,
            text=text,
            public_text=text + " phone ▇▇▇",
            area=made[-1],
            published_at=_at(dt.date(2026, 3, 1)),
            supporter_count=10 + j,
        )
        SupportFactory.create_batch(10 + j, suggestion=s)
        Suggestion.objects.filter(pk=s.pk).update(created_at=_at(dt.date(2026, 3, 1)))
        theme.append(s.reference)
        expected_states["published"] += 1
        expected_cells[(made[-1].pk, "received")] += 1
    return {
        "m1": m1,
        "m2": m2,
        "states": expected_states,
        "cells": expected_cells,
        "answered": expected_answered,
        "theme": theme,
        "areas": areas,
    }


def _expected_rows(ds):
    rows = []
    for area in [*ds["areas"], None]:
        values = [ds["cells"][(area.pk if area else None, st)] for st in STATUSES]
        rows.append(values + [sum(values)])
    return rows


def _html_rows(html: str) -> list[list[int]]:
    table = html.split('id="digest-counts"')[1].split("</table>")[0]
    body = table.split("<tbody>")[1]
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        rows.append([int(x) for x in re.findall(r'<td class="num text-end"[^>]*>(\d+)</td>', tr)])
    return rows


def test_digest_for_a_meeting_matches_the_generated_data(dataset, client, secretariat_cq):
    from hkcq.suggestions.digest import build, period_for_meeting

    assert period_for_meeting(dataset["m2"]) == (dt.date(2026, 2, 1), dt.date(2026, 4, 30))
    d = build(start=dt.date(2026, 2, 1), end=dt.date(2026, 4, 30), meeting=dataset["m2"])
    expected = _expected_rows(dataset)
    assert [[*values, total] for _name, values, total in d.rows] == expected
    assert d.states == {s: dataset["states"][s] for s in Suggestion.State.values}
    assert {s.reference for s in d.answered} == dataset["answered"]
    top = d.themes[0]
    assert {s.reference for s in top.suggestions} == set(dataset["theme"])
    assert top.voices == 3 + 10 + 11 + 12

    client.force_login(secretariat_cq)
    html = client.get("/en/suggestions/digest/", {"meeting": "comm-2026-04"}).content.decode()
    rows = _html_rows(html)
    assert rows[:-1] == expected
    assert rows[-1] == [sum(col) for col in zip(*expected, strict=True)]
    assert "Faster Home Return Permit renewal in Chongqing" in html and "▇▇▇" in html
    for reference in dataset["answered"]:
        assert reference in html


def test_xlsx_counts_equal_html_counts(dataset, client, secretariat_hk):
    from openpyxl import load_workbook

    client.force_login(secretariat_hk)
    params = {"start": "2026-02-01", "end": "2026-04-30"}
    html_rows = _html_rows(client.get("/en/suggestions/digest/", params).content.decode())
    response = client.get("/en/suggestions/digest/", {**params, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Counts"]
    xlsx_rows = [list(r[1:]) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert xlsx_rows == html_rows
    answered = [r[0] for r in book["Answered"].iter_rows(min_row=2, values_only=True)]
    assert set(answered) == dataset["answered"]
    # The API gives the same figures.
    api = client.get("/api/v1/suggestions/digest", {"meeting": "comm-2026-04"}).json()
    assert [[*row["counts"].values(), row["total"]] for row in api["rows"]] == html_rows[:-1]
    assert api["total"] == html_rows[-1][-1]


@pytest.mark.parametrize(
    ("lang", "heading", "area_name"),
    [
        ("en", "Published suggestions by area and status", "Finance"),
        ("zh-hant", "按領域及狀態", "金融"),
        ("zh-hans", "按领域及状态", "金融"),
    ],
)
def test_pdf_in_each_language(dataset, client, secretariat_hk, lang, heading, area_name):
    from pypdf import PdfReader

    client.force_login(secretariat_hk)
    response = client.get(f"/{lang}/suggestions/digest/", {"meeting": "comm-2026-04", "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", heading) in compact
    assert area_name in compact
    assert "HomeReturnPermit" in compact
    total = sum(dataset["cells"].values())
    assert str(total) in text


def test_digest_form_errors_are_clear(db, client, secretariat_hk):
    client.force_login(secretariat_hk)
    html = client.get("/en/suggestions/digest/", {"start": "2026-05-01", "end": "2026-04-01"}).content.decode()
    assert "must end on or after" in html
    html = client.get("/en/suggestions/digest/", {"start": "2026-05-01"}).content.decode()
    assert "Choose a communication meeting" in html


def test_you_said_we_did_names_the_meeting_of_the_answer(dataset, client):
    s = Suggestion.objects.filter(state="published", responded_at__isnull=False).order_by("responded_at").first()
    html = client.get("/en/suggestions/you-said-we-did/", {"area": s.area.ext_id if s.area else ""}).content.decode()
    assert "answered-row" in html
    day = timezone.localtime(s.responded_at).date()
    meeting = dataset["m1"] if day <= dataset["m1"].date else (dataset["m2"] if day <= dataset["m2"].date else None)
    if meeting is not None:
        assert meeting.get_absolute_url() in html
