"""A round from a spreadsheet, as a new user met it (issue 14's trial):

- the preview confirms the creation itself: the file is kept in the storage between the preview
  and "Create the round", so it is not chosen a second time, and the settings typed after the
  preview are the ones used; a kept file is the uploader's only, and used once;
- every bad value of every column is reported on its row, fully translated, with full-width
  punctuation in Chinese (an unknown role read "第4行：角色必須是 applicant 或 host", a ranking's
  problem "applicant a1: 不是本輪次的接待方：h9", and a missing name, a fractional number of places or an
  unknown language were not reported at all).
"""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from hkcq.exchanges import services
from hkcq.exchanges.models import Round
from hkcq.exchanges.tests.factories import area_pk, round_areas, round_sheet  # noqa: F401 - round_areas: the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name
LANGS = ["en", "zh-hant", "zh-hans"]
HEAD: list[object] = ["role", "id", "name", "places", "ranking", "language"]
GOOD: list[list[object]] = [
    HEAD,
    ["applicant", "s1", "Student 1", None, "p1", "en"],
    ["applicant", "s2", "Student 2", None, "p1, p2", "zh-hant"],
    ["host", "p1", "Placement 1", 2, "s1, s2", "zh-hans"],
    ["host", "p2", "Placement 2", 1, "s2", "en"],
]
CREATE = {"en": "Create the round", "zh-hant": "建立輪次", "zh-hans": "建立轮次"}
KEPT = {"en": "is kept from your preview", "zh-hant": "已保留你預覽時上載的檔案", "zh-hans": "已保留你预览时上传的文件"}
NOT_KEPT = {
    "en": "The file you uploaded is no longer kept: choose it again.",
    "zh-hant": "你上載的檔案已不再保留：請重新選擇檔案。",
    "zh-hans": "你上传的文件已不再保留：请重新选择文件。",
}
NOT_A_WORKBOOK = {
    "en": "The file is not a readable Excel workbook (.xlsx).",
    "zh-hant": "檔案不是可讀取的 Excel 活頁簿（.xlsx）。",
    "zh-hans": "文件不是可读取的 Excel 工作簿（.xlsx）。",
}


def _kept_token(page: str) -> str:
    found = re.search(r'<input type="hidden" name="kept" value="([^"]+)">', page)
    assert found, "the preview keeps the file"
    return found.group(1)


def _kept_files() -> list[str]:
    try:
        return default_storage.listdir(services.UPLOAD_FOLDER)[1]
    except FileNotFoundError:
        return []


@pytest.mark.parametrize("lang", LANGS)
def test_upload_preview_then_create_without_choosing_the_file_again(client, officer_tdc, lang):
    client.force_login(officer_tdc)
    files_before = set(_kept_files())
    r = client.post(
        f"/{lang}/rounds/new/",
        {"kind": "internship", "title": "Interns", "area": area_pk(), "dry_run": "on", "file": round_sheet(GOOD)},
    )
    page = r.content.decode()
    assert r.status_code == 200 and not Round.objects.exists()
    assert CREATE[lang] in page and 'name="create"' in page and 'form="round-upload"' in page
    assert KEPT[lang] in page and "round.xlsx" in page
    token = _kept_token(page)
    assert len(set(_kept_files()) - files_before) == 1  # kept in the storage, not in the page
    # the organiser corrects the title after the preview and creates: no file chosen again
    r = client.post(
        f"/{lang}/rounds/new/",
        {
            "kind": "internship",
            "title": "Summer interns 2027",
            "area": area_pk("logistics"),
            "dry_run": "on",
            "kept": token,
            "create": "1",
        },
    )
    assert r.status_code == 302, r.context and (r.context["form"].errors, r.context["preview"])
    round_ = Round.objects.get()
    assert round_.title.en == "Summer interns 2027" and round_.area.ext_id == "logistics"
    assert sorted(round_.participants.values_list("ext_id", flat=True)) == ["p1", "p2", "s1", "s2"]
    assert round_.participants.get(ext_id="p1").capacity == 2
    assert set(_kept_files()) == files_before  # used once: removed
    # the same token again: the file is gone, nothing more is created, and the page says why
    r = client.post(
        f"/{lang}/rounds/new/",
        {"kind": "internship", "title": "Again", "area": area_pk(), "kept": token, "create": "1"},
    )
    assert r.status_code == 200 and NOT_KEPT[lang] in r.content.decode()
    assert Round.objects.count() == 1


@pytest.mark.parametrize("lang", LANGS)
def test_a_preview_that_finds_problems_after_a_change_keeps_the_file_and_everything_typed(client, officer_tdc, lang):
    """Changing the kind to sister schools after the preview (a host has 2 places): refused on
    its row, nothing created, the file still kept and the settings as typed."""
    client.force_login(officer_tdc)
    r = client.post(
        f"/{lang}/rounds/new/",
        {"kind": "internship", "title": "Pairs", "area": area_pk(), "dry_run": "on", "file": round_sheet(GOOD)},
    )
    token = _kept_token(r.content.decode())
    r = client.post(
        f"/{lang}/rounds/new/",
        {"kind": "sister_school", "title": "Pairs 2027", "area": area_pk(), "kept": token, "create": "1"},
    )
    page = r.content.decode()
    assert r.status_code == 200 and not Round.objects.exists()
    one_to_one = {
        "en": "Row 4: A sister-school pairing is one to one: every host has 1 place.",
        "zh-hant": "第4行：姊妹學校締結是一對一的：每個接待方只有1個名額。",
        "zh-hans": "第4行：姊妹学校缔结是一对一的：每个接待方只有1个名额。",
    }
    assert one_to_one[lang] in page
    assert _kept_token(page) == token and 'value="Pairs 2027"' in page
    assert '<option value="sister_school" selected>' in page
    assert CREATE[lang] not in page  # nothing to confirm until the problems are gone


@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_file_is_a_clear_error_and_nothing_is_created_or_kept(client, officer_tdc, lang):
    client.force_login(officer_tdc)
    files_before = set(_kept_files())
    not_a_workbook = SimpleUploadedFile("round.xlsx", b"role,id\napplicant,s1\n")
    r = client.post(
        f"/{lang}/rounds/new/",
        {"kind": "internship", "title": "Interns", "area": area_pk(), "dry_run": "on", "file": not_a_workbook},
    )
    page = r.content.decode()
    assert r.status_code == 200 and NOT_A_WORKBOOK[lang] in page
    assert 'name="kept"' not in page and CREATE[lang] not in page
    assert not Round.objects.exists() and set(_kept_files()) == files_before
    # creating straight away from a bad file: the same error, nothing created
    not_a_workbook.seek(0)
    r = client.post(
        f"/{lang}/rounds/new/", {"kind": "internship", "title": "Interns", "area": area_pk(), "file": not_a_workbook}
    )
    assert r.status_code == 200 and NOT_A_WORKBOOK[lang] in r.content.decode() and not Round.objects.exists()


def test_a_kept_file_is_its_uploaders_only(client, officer_tdc, officer_other):
    client.force_login(officer_tdc)
    r = client.post(
        "/en/rounds/new/",
        {"kind": "internship", "title": "Interns", "area": area_pk(), "dry_run": "on", "file": round_sheet(GOOD)},
    )
    token = _kept_token(r.content.decode())
    client.force_login(officer_other)
    for sent in (token, token[:-2] + "xx", "round-uploads/../../secret_key"):
        r = client.post(
            "/en/rounds/new/", {"kind": "internship", "title": "Theirs", "area": area_pk(), "kept": sent, "create": "1"}
        )
        assert r.status_code == 200 and NOT_KEPT["en"] in r.content.decode()
    assert not Round.objects.exists()


def test_kept_files_older_than_a_day_are_removed_when_another_is_kept(officer_tdc):
    import datetime as dt
    import os

    old = services.round_upload_keep(user=officer_tdc, upload=round_sheet(GOOD))
    path = default_storage.path(old.name)
    day_ago = (dt.datetime.now() - services.UPLOAD_KEPT_FOR - dt.timedelta(minutes=5)).timestamp()
    os.utime(path, (day_ago, day_ago))
    new = services.round_upload_keep(user=officer_tdc, upload=round_sheet(GOOD))
    assert not default_storage.exists(old.name) and default_storage.exists(new.name)
    assert services.round_upload_kept(user=officer_tdc, token=old.token) is None
    services.round_upload_discard(new)


# -- every bad value on its row, in the reader's language ----------------------------------------
def _rows(*changes: tuple[int, int, object]) -> list[list[object]]:
    """GOOD with cells changed: (row number as the spreadsheet counts it, column, value)."""
    rows = [list(r) for r in GOOD]
    for number, column, value in changes:
        rows[number - 1][column] = value
    return rows


BAD = {
    "unknown role": (
        _rows((3, 0, "visitor")),
        {
            "en": "Row 3: The role visitor is not known: write applicant or host.",
            "zh-hant": "第3行：無法識別角色 visitor：請填寫申請者或接待方（或英文 applicant、host）。",
            "zh-hans": "第3行：无法识别角色 visitor：请填写申请者或接待方（或英文 applicant、host）。",
        },
    ),
    "missing role": (
        _rows((3, 0, None)),
        {
            "en": "Row 3: The role is missing: write applicant or host.",
            "zh-hant": "第3行：未填寫角色：請填寫申請者或接待方（或英文 applicant、host）。",
            "zh-hans": "第3行：未填写角色：请填写申请者或接待方（或英文 applicant、host）。",
        },
    ),
    "missing id": (
        _rows((2, 1, None), (4, 4, "s2")),
        {
            "en": "Row 2: Every entry needs an id.",
            "zh-hant": "第2行：每項都需要編號。",
            "zh-hans": "第2行：每项都需要编号。",
        },
    ),
    "missing name": (
        _rows((5, 2, None)),
        {"en": "Row 5: The name is missing.", "zh-hant": "第5行：未填寫名稱。", "zh-hans": "第5行：未填写名称。"},
    ),
    "duplicate id": (
        _rows((3, 1, "s1")),
        {
            "en": "Row 3: Another applicant has the same id, s1.",
            "zh-hant": "第3行：另一申請者亦使用編號 s1。",
            "zh-hans": "第3行：另一申请者也使用编号 s1。",
        },
    ),
    "duplicate host id": (
        _rows((5, 1, "p1")),
        {
            "en": "Row 5: Another host has the same id, p1.",
            "zh-hant": "第5行：另一接待方亦使用編號 p1。",
            "zh-hans": "第5行：另一接待方也使用编号 p1。",
        },
    ),
    "ranking an unknown host": (
        _rows((2, 4, "p1, p9, p8")),
        {
            "en": "Row 2: Not a host of this round: p9, p8.",
            "zh-hant": "第2行：不是本輪次的接待方：p9、p8。",
            "zh-hans": "第2行：不是本轮次的接待方：p9、p8。",
        },
    ),
    "ranking an unknown applicant": (
        _rows((4, 4, "s1, s7")),
        {
            "en": "Row 4: Not an applicant of this round: s7.",
            "zh-hant": "第4行：不是本輪次的申請者：s7。",
            "zh-hans": "第4行：不是本轮次的申请者：s7。",
        },
    ),
    "ranking a host twice": (
        _rows((3, 4, "p1, p2，p1")),
        {
            "en": "Row 3: Hosts ranked more than once: p1.",
            "zh-hant": "第3行：以下接待方被排序多於一次：p1。",
            "zh-hans": "第3行：以下接待方被排序多于一次：p1。",
        },
    ),
    "places not a number": (
        _rows((4, 3, "two")),
        {
            "en": "Row 4: Places must be a whole number of at least 1, not two.",
            "zh-hant": "第4行：名額必須是不少於1的整數，不能是 two。",
            "zh-hans": "第4行：名额必须是不小于1的整数，不能是 two。",
        },
    ),
    "places a fraction": (
        _rows((4, 3, 1.5)),
        {
            "en": "Row 4: Places must be a whole number of at least 1, not 1.5.",
            "zh-hant": "第4行：名額必須是不少於1的整數，不能是 1.5。",
            "zh-hans": "第4行：名额必须是不小于1的整数，不能是 1.5。",
        },
    ),
    "places zero": (
        _rows((5, 3, 0)),
        {
            "en": "Row 5: Places must be a whole number of at least 1, not 0.",
            "zh-hant": "第5行：名額必須是不少於1的整數，不能是 0。",
            "zh-hans": "第5行：名额必须是不小于1的整数，不能是 0。",
        },
    ),
    "places for an applicant": (
        _rows((2, 3, 3)),
        {
            "en": "Row 2: Places are for hosts only: leave this cell empty for an applicant.",
            "zh-hant": "第2行：只有接待方才有名額：申請者的這一格請留空。",
            "zh-hans": "第2行：只有接待方才有名额：申请者的这个单元格请留空。",
        },
    ),
    "unknown language": (
        _rows((5, 5, "fr")),
        {
            "en": "Row 5: The language fr is not one of en, zh-hant, zh-hans.",
            "zh-hant": "第5行：語言 fr 不是 en、zh-hant、zh-hans 之一。",
            "zh-hans": "第5行：语言 fr 不是 en、zh-hant、zh-hans 之一。",
        },
    ),
    "unknown profile": (
        [[*r, "profile"] if i == 0 else [*r, 999999 if i == 1 else None] for i, r in enumerate(GOOD)],
        {
            "en": "Row 2: No organisation profile has the id 999999.",
            "zh-hant": "第2行：沒有編號為 999999 的機構簡介。",
            "zh-hans": "第2行：没有编号为 999999 的机构简介。",
        },
    ),
    "unknown account": (
        [[*r, "email"] if i == 0 else [*r, "nobody@example.org" if i == 3 else None] for i, r in enumerate(GOOD)],
        {
            "en": "Row 4: No account has the e-mail address nobody@example.org.",
            "zh-hant": "第4行：沒有帳戶使用電郵地址 nobody@example.org。",
            "zh-hans": "第4行：没有账户使用电子邮箱 nobody@example.org。",
        },
    ),
    "headings": (
        [["role", "id", "name", "capacity", "ranking", "language"], *GOOD[1:]],
        {
            "en": "The first row must be the headings: role, id, name, places, ranking, language.",
            "zh-hant": "第一行必須是標題：role、id、name、places、ranking、language。",
            "zh-hans": "第一行必须是标题：role、id、name、places、ranking、language。",
        },
    ),
}
CJK_THEN_HALF_WIDTH = re.compile(r"[\u4e00-\u9fff）][:;,]")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", list(BAD))
def test_every_bad_value_is_reported_on_its_row_in_the_readers_language(client, officer_tdc, case, lang):
    rows, expected = BAD[case]
    client.force_login(officer_tdc)
    r = client.post(
        f"/{lang}/rounds/new/",
        {"kind": "internship", "title": "Interns", "area": area_pk(), "file": round_sheet(rows)},
    )
    assert r.status_code == 200 and not Round.objects.exists()
    problems = r.context["preview"]["errors"]
    assert expected[lang] in problems, problems
    assert expected[lang] in r.content.decode().replace("&#x27;", "'")
    for line in problems:
        if lang != "en":
            assert not CJK_THEN_HALF_WIDTH.search(line), line  # full-width punctuation after Chinese
            assert not re.search(r"\b(applicant|host)s? [a-z]\w*\s*[:：]", line), line  # no "applicant a1:" key
    # the API's upload says the same, line for line
    from hkcq.exchanges.tests.test_rounds import auth

    api = client.post(
        "/api/v1/round-uploads",
        {"kind": "internship", "title": "Interns", "area": "education", "file": round_sheet(rows)},
        HTTP_ACCEPT_LANGUAGE=lang,
        **auth(officer_tdc),
    )
    assert api.status_code == 200 and expected[lang] in api.json()["problems"]
    assert not Round.objects.exists()


def test_several_bad_values_are_all_reported_in_row_order(client, officer_tdc):
    rows = _rows((2, 2, None), (3, 0, "visitor"), (4, 3, "many"), (4, 4, "s1, s9"), (5, 5, "de"))
    client.force_login(officer_tdc)
    r = client.post(
        "/en/rounds/new/", {"kind": "internship", "title": "T", "area": area_pk(), "file": round_sheet(rows)}
    )
    assert r.context["preview"]["errors"] == [
        "Row 2: The name is missing.",
        "Row 3: The role visitor is not known: write applicant or host.",
        "Row 4: Places must be a whole number of at least 1, not many.",
        "Row 4: Not an applicant of this round: s9.",
        "Row 5: Not an applicant of this round: s2.",  # its row (3) is not an applicant's: s2 is no applicant
        "Row 5: The language de is not one of en, zh-hant, zh-hans.",
    ]


@pytest.mark.parametrize(("applicant", "host"), [("申請者", "接待方"), ("申请者", "接待方"), ("Applicant", "HOST")])
def test_the_role_may_be_written_in_any_of_the_three_languages(client, officer_tdc, applicant, host):
    rows = [HEAD, [applicant, "s1", "Student 1", None, "p1", "zh_Hant"], [host, "p1", "Placement 1", 1, "s1", ""]]
    client.force_login(officer_tdc)
    r = client.post(
        "/en/rounds/new/", {"kind": "internship", "title": "T", "area": area_pk(), "file": round_sheet(rows)}
    )
    assert r.status_code == 302, r.context["preview"]
    round_ = Round.objects.get()
    assert {(p.role, p.ext_id, p.language) for p in round_.participants.all()} == {
        ("applicant", "s1", "zh-hant"),
        ("host", "p1", "en"),
    }
