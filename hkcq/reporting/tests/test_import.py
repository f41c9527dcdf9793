import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from hkcq.accounts.tests import personas
from hkcq.core.exports import csv_text
from hkcq.core.translated import TText
from hkcq.registry.models import Area, Measure
from hkcq.registry.tests.factories import MeasureFactory, UnitFactory
from hkcq.reporting import services
from hkcq.reporting.models import Job

# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
secretariat_cq, secretariat_hk = personas.secretariat_cq, personas.secretariat_hk

HEADER = ["id", "area", "parent", "code", "title_en", "title_zh_hant", "lead_unit_hk", "planned_start", "planned_end"]


def csv_bytes(rows, encoding="utf-8"):
    return csv_text(rows).encode(encoding)


def xlsx_upload(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content, name="measures.csv", kind="import_measures", lang="en"):
    return client.post(f"/{lang}/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=False)


def last_job():
    return Job.objects.order_by("-created_at").first()


def snapshot_measures():
    return sorted(
        (m.ext_id, m.area_id, m.parent_id, m.code, m.title.to_json(), m.lead_unit_hk_id, m.planned_start, m.planned_end)
        for m in Measure.objects.all()
    )


@pytest.fixture
def signed_in(client, secretariat_hk):
    client.force_login(secretariat_hk)
    return client


def good_rows(existing):
    measure, hk_unit, area = existing
    return [
        HEADER,
        # update: a new English title and a planned end
        [
            measure.ext_id,
            measure.area.ext_id,
            "",
            measure.code,
            "Renamed by import",
            measure.title.zh_hant,
            measure.lead_unit_hk.ext_id if measure.lead_unit_hk else "",
            measure.planned_start.isoformat() if measure.planned_start else "",
            "2027-06-30",
        ],
        # create a measure and an item under it
        [
            "imported-1",
            area.ext_id,
            "",
            "9.1",
            "Imported measure",
            "匯入的措施",
            hk_unit.ext_id,
            "2026-01-01",
            "2026-12-31",
        ],
        ["imported-1-a", area.ext_id, "imported-1", "9.1.a", "Imported item", "", "", "", ""],
    ]


def test_good_csv_previews_then_applies_exactly(signed_in, existing, secretariat_hk):
    measure, hk_unit, area = existing
    before = snapshot_measures()
    history_before = Measure.history.count()
    response = upload(signed_in, csv_bytes(good_rows(existing)))
    job = last_job()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.state == Job.State.PREVIEW
    assert job.result["counts"] == {"create": 2, "update": 1, "unchanged": 0, "error": 0}
    assert [r["action"] for r in job.result["rows"]] == ["update", "create", "create"]
    assert job.result["rows"][0]["changes"] == ["planned_end", "title"]
    assert snapshot_measures() == before and Measure.history.count() == history_before  # the preview wrote nothing
    assert default_storage.exists(services.import_file_name(job))  # the file is kept in the storage

    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert "Confirm and apply" in page and "imported-1-a" in page

    signed_in.post(f"/en/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    assert job.result["applied"] == {"create": 2, "update": 1, "unchanged": 0, "error": 0}
    measure.refresh_from_db()
    assert measure.title.en == "Renamed by import"
    assert measure.planned_end.isoformat() == "2027-06-30"
    created = Measure.objects.get(ext_id="imported-1")
    assert created.title.zh_hant == "匯入的措施" and created.title.zh_hans == "汇入的措施"
    assert created.lead_unit_hk == hk_unit and created.area == area
    item = Measure.objects.get(ext_id="imported-1-a")
    assert item.parent == created and item.area == created.area
    assert Measure.objects.count() == len(before) + 2
    # the history records who imported
    assert created.history.first().history_user == secretariat_hk

    # the same file again: every row unchanged
    upload(signed_in, csv_bytes(good_rows(existing)))
    assert last_job().result["counts"] == {"create": 0, "update": 0, "unchanged": 3, "error": 0}


def test_good_xlsx_applies_like_csv(signed_in, existing):
    upload(signed_in, xlsx_upload(good_rows(existing)), name="measures.xlsx")
    job = last_job()
    assert job.result["counts"] == {"create": 2, "update": 1, "unchanged": 0, "error": 0}
    signed_in.post(f"/en/import/{job.pk}/confirm/")
    assert Measure.objects.get(ext_id="imported-1").planned_end.isoformat() == "2026-12-31"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["no-such-area-row", "no-such-area", "", "", "T", "", "", "", ""], "Unknown area id “no-such-area”"),
        (["bad-parent", "{area}", "missing-parent", "", "T", "", "", "", ""], "Unknown parent measure id"),
        (["bad-unit", "{area}", "", "", "T", "", "no-such-unit", "", ""], "Unknown unit id “no-such-unit”"),
        (["wrong-side-unit", "{area}", "", "", "T", "", "{cq_unit}", "", ""], "lead_unit_hk: Choose a Hong Kong unit."),
        (["bad-date", "{area}", "", "", "T", "", "", "31/12/2026", ""], "is not a date written as YYYY-MM-DD"),
        (
            ["dates-reversed", "{area}", "", "", "T", "", "", "2026-12-31", "2026-01-01"],
            "planned_end: The planned end cannot be before the planned start.",
        ),
        (["", "{area}", "", "", "T", "", "", "", ""], "The id is missing"),
        (["bad id!", "{area}", "", "", "T", "", "", "", ""], "may only contain letters"),
        (["no-title", "{area}", "", "", "", "", "", "", ""], "needs a title"),
    ],
)
def test_each_kind_of_bad_row_is_reported_and_nothing_is_written(signed_in, existing, row, reason):
    cq_unit = UnitFactory.create(side="chongqing").ext_id
    row = [c.format(area=existing.area.ext_id, cq_unit=cq_unit) for c in row]
    rows = good_rows(existing) + [row]
    before = snapshot_measures()
    upload(signed_in, csv_bytes(rows))
    job = last_job()
    assert job.state == Job.State.PREVIEW
    assert job.result["counts"]["error"] == 1
    bad = job.result["rows"][-1]
    assert bad["action"] == "error" and bad["line"] == 5
    assert reason in " ".join(bad["errors"])
    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert "Confirm and apply" not in page and reason.split("“")[0] in page
    # confirming is refused; nothing is written
    signed_in.post(f"/en/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.state == Job.State.PREVIEW
    assert snapshot_measures() == before


def test_duplicate_id_in_the_file_is_an_error(signed_in, existing):
    rows = good_rows(existing)
    upload(signed_in, csv_bytes(rows + [rows[2]]))
    bad = last_job().result["rows"][-1]
    assert bad["action"] == "error" and "more than once" in bad["errors"][0]


@pytest.mark.parametrize(("encoding", "says"), [("big5", "Big5"), ("gb18030", "GBK/GB18030"), ("utf-16", "UTF-16")])
def test_a_csv_not_in_utf8_is_refused_with_the_reason(signed_in, existing, encoding, says):
    before = snapshot_measures()
    upload(signed_in, csv_bytes(good_rows(existing), encoding=encoding))
    job = last_job()
    assert job.state == Job.State.FAILED
    assert "not in UTF-8" in job.message or "UTF-16" in job.message
    assert says in job.message
    assert says in signed_in.get(job.get_absolute_url()).content.decode()
    assert snapshot_measures() == before


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (
            csv_bytes([["id", "code"], ["x", "1"]]),
            "m.csv",
            "Columns missing from the first row: area, title_en / title_zh_hant / title_zh_hans",
        ),
        (csv_bytes([HEADER]), "m.csv", "no rows under its header"),
        (b"not a workbook", "m.xlsx", "not a readable Excel workbook"),
    ],
)
def test_file_level_problems_fail_the_check(signed_in, content, name, says):
    upload(signed_in, content, name=name)
    job = last_job()
    assert job.state == Job.State.FAILED and says in job.message


def test_wrong_extension_is_refused_on_the_form(signed_in):
    response = upload(signed_in, b"id,area", name="measures.txt")
    assert response.status_code == 200
    assert "Upload an Excel workbook (.xlsx) or a CSV file (.csv)." in response.content.decode()
    assert Job.objects.count() == 0


def test_errors_are_given_in_the_users_language(signed_in, existing):
    rows = good_rows(existing) + [["x-1", "no-such-area", "", "", "T", "", "", "", ""]]
    upload(signed_in, csv_bytes(rows), lang="zh-hant")
    assert "未知的領域編號" in last_job().result["rows"][-1]["errors"][0]


def test_abandoning_a_preview_writes_nothing_and_deletes_the_file(signed_in, existing):
    before = snapshot_measures()
    upload(signed_in, csv_bytes(good_rows(existing)))
    job = last_job()
    name = services.import_file_name(job)
    assert default_storage.exists(name)
    response = signed_in.post(f"/en/import/{job.pk}/abandon/")
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED and not default_storage.exists(name)
    signed_in.post(f"/en/import/{job.pk}/confirm/")  # too late to confirm
    job.refresh_from_db()
    assert job.state == Job.State.CANCELLED
    assert snapshot_measures() == before


def test_apply_is_all_or_nothing_when_the_database_changed_since_the_preview(signed_in, existing):
    rows = good_rows(existing)
    upload(signed_in, csv_bytes(rows))
    job = last_job()
    Area.objects.filter(pk=existing.area.pk).update(ext_id="renamed-area")  # the file's area id is now unknown
    signed_in.post(f"/en/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "Line 3" in job.message and "Nothing has been written" in job.message
    assert not Measure.objects.filter(ext_id__startswith="imported-").exists()
    measure = existing.measure
    measure.refresh_from_db()
    assert measure.title.en != "Renamed by import"  # the row before the failing one was rolled back too


def test_lead_unit_of_the_other_side_cannot_be_changed_by_import(client, secretariat_cq, existing):
    measure, other, _area = existing  # another Hong Kong unit than the measure's lead
    client.force_login(secretariat_cq)
    upload(
        client,
        csv_bytes(
            [
                ["id", "area", "title_en", "lead_unit_hk"],
                [measure.ext_id, measure.area.ext_id, measure.title.en, other.ext_id],
            ]
        ),
    )
    row = last_job().result["rows"][0]
    assert row["action"] == "error" and "Only the secretariat of that side" in row["errors"][0]


def test_large_file_reports_progress_and_the_page_polls(signed_in, existing):
    area = existing.area.ext_id
    rows = [["id", "area", "title_en"]] + [[f"bulk-{i}", area, f"Bulk {i}"] for i in range(300)]
    upload(signed_in, csv_bytes(rows))
    job = last_job()
    assert job.total == 300 and job.done == 300 and job.result["counts"]["create"] == 300
    # a running job's page polls with htmx and offers a plain refresh link
    Job.objects.filter(pk=job.pk).update(state=Job.State.CHECKING, done=150)
    html = signed_in.get(job.get_absolute_url()).content.decode()
    assert 'hx-trigger="every 1s"' in html and "Refresh to see the progress" in html and "50%" in html
    partial = signed_in.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and 'aria-valuenow="50"' in partial.content.decode()
    Job.objects.filter(pk=job.pk).update(state=Job.State.PREVIEW)
    assert signed_in.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_download_with_the_import_columns(signed_in, fmt):
    response = signed_in.get(f"/en/import/templates/import_measures.{fmt}")
    assert response.status_code == 200
    if fmt == "csv":
        assert response.content.decode("utf-8-sig").splitlines()[0].startswith("id,area,parent,code")
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert [c.value for c in sheet[1]][:3] == ["id", "area", "parent"]


@pytest.mark.seed
def test_the_template_filled_in_imports(signed_in, defaults):
    """The template's example row names an area of the default data."""
    template = signed_in.get("/en/import/templates/import_measures.csv").content
    upload(signed_in, template)
    assert last_job().result["counts"]["create"] == 1


def test_exported_open_data_file_reimports_unchanged(signed_in, existing):
    exported = signed_in.get("/en/open-data/measures.csv").content
    upload(signed_in, exported)
    counts = last_job().result["counts"]
    assert counts == {"create": 0, "update": 0, "unchanged": Measure.objects.count(), "error": 0}


def test_text_change_keeps_the_other_variants(signed_in, existing):
    measure = existing.measure
    original = TText.from_json(measure.title)
    upload(
        signed_in,
        csv_bytes([["id", "area", "title_en"], [measure.ext_id, measure.area.ext_id, "Only English changed"]]),
    )
    job = last_job()
    signed_in.post(f"/en/import/{job.pk}/confirm/")
    measure.refresh_from_db()
    assert measure.title.en == "Only English changed"
    assert measure.title.zh_hant == original.zh_hant


def test_a_measure_made_part_of_its_own_item_is_refused_by_the_registry_rule(signed_in, db):
    # The import reads the registry's rules (registry.services.measure_problems): a measure may
    # not become part of itself at any depth, not only directly.
    measure = MeasureFactory.create(code="1.1")
    item = MeasureFactory.create(area=measure.area, parent=measure)
    row = [measure.ext_id, measure.area.ext_id, item.ext_id, measure.code, "", "", "", "", ""]
    before = snapshot_measures()
    upload(signed_in, csv_bytes([HEADER, row]))
    bad = last_job().result["rows"][-1]
    assert bad["action"] == "error"
    assert "parent: A measure cannot be part of itself." in bad["errors"]
    assert snapshot_measures() == before
