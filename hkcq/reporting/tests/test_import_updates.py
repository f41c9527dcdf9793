import pytest

from hkcq.accounts.tests import personas
from hkcq.core.exports import csv_text
from hkcq.progress.models import ProgressUpdate, UpdateTransition
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory
from hkcq.reporting.models import Job
from hkcq.reporting.tests.helpers import open_cycle, publish
from hkcq.reporting.tests.test_import import last_job, upload

HEADER = [
    "measure",
    "side",
    "cycle",
    "status",
    "percent",
    "public_narrative_en",
    "public_narrative_zh_hant",
    "internal_narrative_en",
    "submit",
]
secretariat_hk = personas.secretariat_hk  # factory-made, not the default data's demo account


@pytest.fixture
def setup(client, secretariat_hk):
    cycle = open_cycle()
    client.force_login(secretariat_hk)
    area = AreaFactory.create()
    a, b, c = (MeasureFactory.create(area=area, position=position) for position in (1, 2, 3))
    return client, cycle, (a, b, c)


def send(client, rows, lang="en"):
    upload(client, csv_text(rows).encode(), name="updates.csv", kind="import_updates", lang=lang)
    return last_job()


def test_good_file_creates_drafts_and_submits_on_request(setup, secretariat_hk):
    client, cycle, (a, b, _c) = setup
    day = cycle.opens_on.isoformat()
    rows = [
        HEADER,
        [a.ext_id, "hong_kong", day, "in_progress", "45", "Works began", "工程展開", "Budget tight", "no"],
        [b.ext_id, "HK", str(cycle.pk), "planning", "", "Planning", "", "", "yes"],
    ]
    job = send(client, rows)
    assert job.state == Job.State.PREVIEW and job.result["counts"] == {
        "create": 2,
        "update": 0,
        "unchanged": 0,
        "error": 0,
    }
    assert not ProgressUpdate.objects.exists()  # the preview wrote nothing
    client.post(f"/en/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    ua = ProgressUpdate.objects.get(measure=a, side="hong_kong")
    assert (ua.state, ua.status.key, ua.percent, ua.cycle) == ("draft", "in_progress", 45, cycle)
    assert ua.public_narrative.en == "Works began" and ua.public_narrative.zh_hans == "工程展开"
    assert ua.internal_narrative.en == "Budget tight" and ua.author == secretariat_hk
    ub = ProgressUpdate.objects.get(measure=b, side="hong_kong")
    assert ub.state == "submitted" and ub.percent == 10  # the status's default percent
    assert UpdateTransition.objects.filter(update=ub, to_state="submitted").exists()
    # the same file again: the draft is unchanged; the submitted one can no longer be changed
    again = send(client, rows)
    assert [r["action"] for r in again.result["rows"]] == ["unchanged", "error"]
    assert "with the secretariat" in again.result["rows"][1]["errors"][0]


def test_changes_to_a_draft_are_an_update(setup):
    client, cycle, (a, _b, _c) = setup
    day = cycle.opens_on.isoformat()
    job = send(client, [HEADER, [a.ext_id, "hong_kong", day, "in_progress", "45", "x", "", "", "no"]])
    client.post(f"/en/import/{job.pk}/confirm/")
    job = send(client, [HEADER, [a.ext_id, "hong_kong", day, "in_progress", "60", "x", "", "", "no"]])
    assert job.result["rows"][0]["action"] == "update" and job.result["rows"][0]["changes"] == ["percent"]
    client.post(f"/en/import/{job.pk}/confirm/")
    assert ProgressUpdate.objects.get(measure=a).percent == 60 and ProgressUpdate.objects.count() == 1


def test_already_published_values_are_unchanged(setup, secretariat_hk):
    client, cycle, (a, _b, _c) = setup
    publish(a, "hong_kong", "in_progress", 45, secretariat_hk, narrative="Same")
    job = send(client, [HEADER[:6], [a.ext_id, "hong_kong", cycle.opens_on.isoformat(), "in_progress", "45", "Same"]])
    assert job.result["rows"][0]["action"] == "unchanged"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["no-such-measure", "hong_kong", "{day}", "planning", "10"], "Unknown measure id “no-such-measure”"),
        (["{m}", "macau", "{day}", "planning", "10"], "Unknown side “macau”"),
        (["{m}", "hong_kong", "1999-01-01", "planning", "10"], "Unknown reporting cycle “1999-01-01”"),
        (["{m}", "hong_kong", "{day}", "almost-done", "10"], "Unknown status “almost-done”. Use one of:"),
        (["{m}", "hong_kong", "{day}", "planning", "101"], "The percent 101 is out of range"),
        (["{m}", "hong_kong", "{day}", "planning", "-5"], "The percent -5 is out of range"),
        (["{m}", "hong_kong", "{day}", "planning", "forty"], "The percent “forty” is not a whole number"),
        (["{m}", "chongqing", "{day}", "planning", "10"], "only its own side drafts its updates"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_is_written(setup, row, reason):
    client, cycle, (a, b, _c) = setup
    good = [b.ext_id, "hong_kong", cycle.opens_on.isoformat(), "planning", "10"]
    row = [c.format(m=a.ext_id, day=cycle.opens_on.isoformat()) for c in row]
    job = send(client, [HEADER[:5], good, row])
    assert job.result["counts"]["error"] == 1 and job.result["counts"]["create"] == 1
    bad = job.result["rows"][1]
    assert bad["action"] == "error" and bad["line"] == 3 and reason in " ".join(bad["errors"])
    client.post(f"/en/import/{job.pk}/confirm/")
    assert not ProgressUpdate.objects.exists()


def test_closed_cycle_is_refused(setup, secretariat_hk):
    import datetime as dt

    from hkcq.reporting import services
    from hkcq.reporting.tests.helpers import plenary

    client, cycle, (a, _b, _c) = setup
    services.close_cycle(cycle, plenary(dt.date(2024, 5, 10), 2), secretariat_hk)
    job = send(client, [HEADER[:5], [a.ext_id, "hong_kong", cycle.opens_on.isoformat(), "planning", "10"]])
    assert "is closed" in job.result["rows"][0]["errors"][0]


def test_missing_columns_fail_the_check(setup):
    client, _cycle, (a, _b, _c) = setup
    job = send(client, [["measure", "side", "percent"], [a.ext_id, "hong_kong", "10"]])
    assert job.state == Job.State.FAILED and "cycle, status" in job.message


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_updates_template_downloads(setup, fmt):
    client, cycle, _m = setup
    response = client.get(f"/en/import/templates/import_updates.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("measure,side,cycle,status,percent") and cycle.opens_on.isoformat() in lines[1]
