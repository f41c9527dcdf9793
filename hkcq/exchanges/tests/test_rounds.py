"""Rounds: the API's exact paths and shapes, allocation (stable, capacities, one-to-one),
fixed pairs, capacity changes, answers, the second run, exchange records, bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from hkcq.accounts.services import api_token_create
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.exchanges import allocation, services
from hkcq.exchanges.models import ExchangeRecord, Pair, PairStatus, Participant, Round, RoundChange
from hkcq.exchanges.tests.factories import UserFactory, area_pk, round_areas, round_sheet  # noqa: F401 - round_areas: the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name

DOC = {
    "kind": "internship",
    "title": "Summer internships 2027",
    "area": "education",
    "applicants": [
        {"id": "a1", "ranks": ["h2", "h1"]},
        {"id": "a2", "ranks": ["h1"]},
        {"id": "a3", "ranks": ["h1", "h2"]},
        {"id": "a7", "ranks": []},
    ],
    "hosts": [{"id": "h1", "capacity": 2, "ranks": ["a3", "a1"]}, {"id": "h2", "capacity": 1, "ranks": ["a1", "a3"]}],
}


def auth(user):
    _, raw = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_create_allocate_and_read_through_the_api(client, officer_tdc):
    r = client.post("/api/v1/rounds", DOC, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    r = client.post(f"/api/v1/rounds/{rid}/allocate", **auth(officer_tdc))
    assert r.status_code == 200, r.content
    r = client.get(f"/api/v1/rounds/{rid}/allocation", **auth(officer_tdc))
    body = r.json()
    assert {(p["applicant"], p["host"]) for p in body["pairs"]} == {("a1", "h2"), ("a3", "h1")}
    assert body["unplaced"] == ["a2", "a7"]  # h1 did not rank a2: incomplete list
    stats = body["statistics"]
    assert stats["placed"] == 2 and stats["share_first_choice"] == 0.5
    round_ = Round.objects.get(pk=rid)
    market, _, _ = services.round_market(round_)
    match = {p.applicant.ext_id: p.host.ext_id for p in round_.pairs.all()}
    assert allocation.blocking_pairs(market, match) == []


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d["applicants"][0].update(ranks=["h9"]), "applicant a1"),  # ranking an ineligible host
        (lambda d: d["applicants"][0].update(ranks=["h1", "h1"]), "applicant a1"),  # duplicate ranks
        (lambda d: d["hosts"][0].update(capacity=0), "host h1"),
        (lambda d: d["applicants"].append({"id": "a1", "ranks": []}), "applicants"),
        (lambda d: d.update(title=""), "title"),
        (lambda d: d.pop("area"), "area"),  # a round serves the framework: its area is required
        (lambda d: d.update(area="no-such-area"), "area"),
    ],
)
def test_bad_round_documents_are_refused_and_nothing_is_created(client, officer_tdc, change, where):
    import copy

    doc = copy.deepcopy(DOC)
    change(doc)
    before = Round.objects.count()
    r = client.post("/api/v1/rounds", doc, content_type="application/json", **auth(officer_tdc))
    assert r.status_code == 422
    assert where in r.json()["error"]["details"]
    assert Round.objects.count() == before


def test_sister_schools_are_one_to_one(officer_tdc):
    doc = {
        "kind": "sister_school",
        "title": "Sister schools 2027",
        "area": "education",
        "applicants": [{"id": "hk1", "ranks": ["cq1", "cq2"]}, {"id": "hk2", "ranks": ["cq1"]}],
        "hosts": [{"id": "cq1", "capacity": 2, "ranks": ["hk2", "hk1"]}, {"id": "cq2", "ranks": ["hk1"]}],
    }
    with pytest.raises(InvalidInput):
        services.round_create(user=officer_tdc, data=doc)
    doc["hosts"][0]["capacity"] = 1
    round_ = services.round_create(user=officer_tdc, data=doc)
    services.round_allocate(user=officer_tdc, round_=round_)
    assert {(p.applicant.ext_id, p.host.ext_id) for p in round_.pairs.all()} == {("hk2", "cq1"), ("hk1", "cq2")}


def _round_with_users(officer):
    round_ = services.round_create(user=officer, data=DOC)
    users = {}
    for p in round_.participants.all():
        u = UserFactory(preferred_language="zh-hant" if p.role == Participant.HOST else "en")
        p.user = u
        p.save()
        users[p.ext_id] = u
    return round_, users


def test_answers_make_records_and_second_run_keeps_accepted(officer_tdc):
    from hkcq.notifications.models import Notification

    round_, users = _round_with_users(officer_tdc)
    services.round_allocate(user=officer_tdc, round_=round_)
    # both sides of each new pair told, in their own language
    host_note = Notification.objects.filter(recipient=users["h1"]).first()
    assert host_note is not None and "Summer internships 2027" in host_note.title
    pair_a1 = Pair.objects.get(round=round_, applicant__ext_id="a1")
    pair_a3 = Pair.objects.get(round=round_, applicant__ext_id="a3")
    services.pair_respond(user=users["a3"], pair=pair_a3, accept=True)
    services.pair_respond(user=users["h1"], pair=pair_a3, accept=True)
    pair_a3.refresh_from_db()
    assert pair_a3.status == PairStatus.ACCEPTED
    assert ExchangeRecord.objects.filter(pair=pair_a3).exists()
    services.pair_respond(user=users["a1"], pair=pair_a1, accept=False)
    pair_a1.refresh_from_db()
    assert pair_a1.status == PairStatus.DECLINED
    with pytest.raises(InvalidInput):
        services.pair_respond(user=users["a1"], pair=pair_a1, accept=True)
    services.round_allocate(user=officer_tdc, round_=round_)
    live = {(p.applicant.ext_id, p.host.ext_id) for p in round_.pairs.filter(status__in=["offered", "accepted"])}
    # a3 kept; a1 declined (out); h2's freed place goes to the next who ranked it and it ranked: a3 is taken, so nobody
    assert ("a3", "h1") in live and not any(a == "a1" for a, _ in live)
    assert round_.pairs.filter(applicant__ext_id="a3").count() == 1


def test_only_a_side_of_the_pair_answers(officer_tdc):
    round_, users = _round_with_users(officer_tdc)
    services.round_allocate(user=officer_tdc, round_=round_)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a1")
    with pytest.raises(NotPermitted):
        services.pair_respond(user=users["a3"], pair=pair, accept=False)
    pair.refresh_from_db()
    assert pair.status == PairStatus.OFFERED


def test_fixed_pair_kept_and_capacity_cannot_fall_below_it(officer_tdc):
    round_, _ = _round_with_users(officer_tdc)
    a2 = round_.participants.get(ext_id="a2", role="applicant")
    h2 = round_.participants.get(ext_id="h2", role="host")
    with pytest.raises(InvalidInput):
        services.pair_fix(user=officer_tdc, round_=round_, applicant=a2, host=h2, reason="")
    services.pair_fix(user=officer_tdc, round_=round_, applicant=a2, host=h2, reason="Agreed at the ceremony")
    with pytest.raises(InvalidInput) as exc:
        services.capacity_set(user=officer_tdc, host=h2, capacity=0, reason="x")
    h2.refresh_from_db()
    assert h2.capacity == 1
    services.round_allocate(user=officer_tdc, round_=round_)
    assert round_.pairs.get(applicant=a2).host == h2
    assert RoundChange.objects.filter(round=round_, action="fixed", reason="Agreed at the ceremony").exists()
    del exc


def test_ranking_duplicates_and_ineligible_refused(officer_tdc):
    round_, users = _round_with_users(officer_tdc)
    a1 = round_.participants.get(ext_id="a1", role="applicant")
    for bad in (["h1", "h1"], ["h1", "zz"]):
        with pytest.raises(InvalidInput):
            services.ranks_set(user=users["a1"], participant=a1, ranks=bad)
    a1.refresh_from_db()
    assert a1.ranks == ["h2", "h1"]
    services.ranks_set(user=users["a1"], participant=a1, ranks=["h1"])
    a1.refresh_from_db()
    assert a1.ranks == ["h1"]


def test_ranks_through_the_api(client, officer_tdc):
    round_, users = _round_with_users(officer_tdc)
    r = client.put(
        f"/api/v1/rounds/{round_.pk}/participants/a1/ranks",
        {"ranks": ["h1", "h2"]},
        content_type="application/json",
        **auth(users["a1"]),
    )
    assert r.status_code == 200 and r.json() == {"ranks": ["h1", "h2"]}
    r = client.put(
        f"/api/v1/rounds/{round_.pk}/participants/a1/ranks",
        {"ranks": ["h1"]},
        content_type="application/json",
        **auth(users["a2"]),
    )
    assert r.status_code == 404


def test_spreadsheet_rows_with_bad_rows_are_reported():
    from hkcq.exchanges.rows import sheet_from_rows

    rows = [
        ["role", "id", "name", "places", "ranking", "language"],
        ["applicant", "a1", "Ann", None, "h1, h2", "en"],
        ["host", "h1", "Host 1", "two", "", ""],
        ["visitor", "x", "", "", "", ""],
        ["host", "h2", "Host 2", 3, "a1", "zh-hant"],
    ]
    sheet = sheet_from_rows(rows, kind="internship", title="T")
    assert sheet.errors == [
        "Row 3: Places must be a whole number of at least 1, not two.",
        "Row 4: The role visitor is not known: write applicant or host.",
    ]
    doc = sheet.document
    assert doc["hosts"][1] == {"id": "h2", "name": "Host 2", "ranks": ["a1"], "language": "zh-hant", "capacity": 3}
    assert doc["applicants"][0]["ranks"] == ["h1", "h2"]
    assert sheet.rows == {"applicants": [2], "hosts": [3, 5]}


def test_upload_dry_run_then_create(client, officer_tdc):
    rows = [
        ["role", "id", "name", "places", "ranking", "language"],
        ["applicant", "s1", "Student 1", None, "p1", "en"],
        ["host", "p1", "Placement 1", 2, "s1", "zh-hant"],
    ]
    client.force_login(officer_tdc)
    before = Round.objects.count()
    r = client.post(
        "/en/rounds/new/",
        {"kind": "internship", "title": "Interns", "area": area_pk(), "dry_run": "on", "file": round_sheet(rows)},
    )
    assert r.status_code == 200 and "No problems found" in r.content.decode()
    assert Round.objects.count() == before
    bad = [*rows, ["host", "p2", "", "many", "", ""]]
    r = client.post(
        "/en/rounds/new/", {"kind": "internship", "title": "Interns", "area": area_pk(), "file": round_sheet(bad)}
    )
    assert "Row 4" in r.content.decode() and Round.objects.count() == before
    r = client.post(
        "/zh-hant/rounds/new/", {"kind": "internship", "title": "Interns", "area": area_pk(), "file": round_sheet(rows)}
    )
    assert r.status_code == 302 and Round.objects.count() == before + 1


def test_results_told_in_each_recipients_language(officer_tdc):
    from hkcq.notifications.models import Notification

    round_, users = _round_with_users(officer_tdc)
    services.round_allocate(user=officer_tdc, round_=round_)
    assert Notification.objects.get(recipient=users["h1"]).title.startswith("你的結果")
    assert Notification.objects.get(recipient=users["a1"]).title.startswith("Your result")


def test_round_settings_area_deadlines_and_history(client, officer_tdc):
    import datetime as dt

    from hkcq.registry.models import Area

    round_, users = _round_with_users(officer_tdc)
    services.round_allocate(user=officer_tdc, round_=round_)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a3")
    services.pair_respond(user=users["a3"], pair=pair, accept=True)
    services.pair_respond(user=users["h1"], pair=pair, accept=True)
    record = ExchangeRecord.objects.get(pair=pair)
    assert record.area.ext_id == "education"  # the round's area
    # answers due before ranking closes: refused on its field, nothing changed
    before = (
        Round.objects.values_list("ranking_deadline", "response_deadline").get(pk=round_.pk),
        RoundChange.objects.count(),
    )
    with pytest.raises(InvalidInput) as exc:
        services.round_update(
            user=officer_tdc,
            round_=round_,
            data={"ranking_deadline": dt.date(2027, 3, 1), "response_deadline": dt.date(2027, 2, 1)},
        )
    assert "response_deadline" in exc.value.details
    assert (
        Round.objects.values_list("ranking_deadline", "response_deadline").get(pk=round_.pk),
        RoundChange.objects.count(),
    ) == before
    # the area changed afterwards: the round's exchange records count under the new one
    logistics = Area.objects.get(ext_id="logistics")
    client.force_login(officer_tdc)
    r = client.post(
        f"/zh-hans/rounds/{round_.pk}/edit/",
        {"title_0": "Summer internships 2027", "title_1": "", "title_2": "", "eligibility_0": "", "eligibility_1": "", "eligibility_2": "",
         "area": logistics.pk, "ranking_deadline": "2027-03-01", "response_deadline": "2027-03-15"},
    )  # fmt: skip
    assert r.status_code == 302, r.context["form"].errors
    record.refresh_from_db()
    assert record.area == logistics
    round_.refresh_from_db()
    assert round_.history.first().history_user == officer_tdc
    change = round_.changes.last()
    assert change.action == "edited" and change.detail
    page = client.get(f"/zh-hans/rounds/{round_.pk}/").content.decode()
    assert "已更改设置" in page and "2027年3月1日" in page
    with pytest.raises(NotPermitted):
        services.round_update(user=users["a1"], round_=round_, data={"ranking_deadline": None})


def test_saving_a_round_records_only_the_settings_that_changed(officer_tdc):
    """The form always sends the organisers: unchanged, they are not a change (found by the trial:
    every save said "changed settings: organiser units")."""
    round_, _users = _round_with_users(officer_tdc)
    units = list(round_.organiser_units.all())
    services.round_update(
        user=officer_tdc, round_=round_, data={"organiser_units": units, "ranking_deadline": dt.date(2027, 3, 1)}
    )
    assert round_.changes.last().detail == "ranking_deadline"


def test_exchange_record_activities_over_the_years_and_completion_report(client, officer_tdc):
    round_, users = _round_with_users(officer_tdc)
    services.round_allocate(user=officer_tdc, round_=round_)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a3")
    services.pair_respond(user=users["a3"], pair=pair, accept=True)
    services.pair_respond(user=users["h1"], pair=pair, accept=True)
    record = ExchangeRecord.objects.get(pair=pair)
    client.force_login(users["h1"])  # the host's side, in Traditional Chinese
    url = f"/zh-hant/rounds/records/{record.pk}/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"starts_on": "2027-07-01", "ends_on": "2027-06-01", "activity": "", "report": ""})
    assert r.status_code == 200 and "ends_on" in r.context["form"].errors
    assert any("\u4e00" <= ch <= "\u9fff" for ch in r.context["form"].errors["ends_on"][0])
    record.refresh_from_db()
    assert record.starts_on is None
    r = client.post(
        url, {"starts_on": "2027-07-01", "ends_on": "2027-08-31", "activity": "Joint lesson", "report": "Done"}
    )
    assert r.status_code == 302
    record.refresh_from_db()
    assert record.activities[0]["text"] == "Joint lesson" and record.completion_report == "Done"
    assert record.history.first().history_user == users["h1"]
    assert "Joint lesson" in client.get(url).content.decode()
    # the round's page links to it for both sides
    assert url.replace("/zh-hant", "") in client.get(f"/en/rounds/{round_.pk}/").content.decode()
    client.force_login(users["a1"])  # a participant of the round, not of this pair
    assert client.get(url).status_code == 404
