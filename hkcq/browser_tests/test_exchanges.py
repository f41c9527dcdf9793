"""Events and rounds in a real browser at desktop and phone widths, axe-core on every page: a
participant of a demonstration event sees their meetings, the organiser schedules all and
sees the grid, the participant opens the agenda; an organiser runs a round's allocation.

No test needs the default data (issue 10): the live server is ``bare_page``'s, and the people,
units, areas, organisations, events and rounds are made by factories (the exchanges app's
``tests/factories.py``, the personas of hkcq/accounts/tests/personas.py, who sign in with
``factories.PASSWORD``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in
from hkcq.core.translated import TText
from hkcq.exchanges import services
from hkcq.exchanges.models import Event, ExchangeRecord, Interpreter, Pair, Registration, Round, Session
from hkcq.exchanges.tests.factories import (
    EventFactory,
    MeetingFactory,
    MembershipFactory,
    ProfileFactory,
    RegistrationFactory,
    UserFactory,
    area_pk,
    one_host_round,
    organiser_unit,
    round_areas,  # noqa: F401 - fixture
    round_sheet,
)
from hkcq.partnering.models import OrganisationProfile

# The people who sign in: the secretariat of each side, and a member of one Hong Kong and one
# Chongqing organisation (factory-made personas, in place of the default data's demo accounts).
secretariat_hk = personas.secretariat_hk
secretariat_cq = personas.secretariat_cq
partner_hk = personas.partner_hk
partner_cq = personas.partner_cq

WIDTHS = [1280, 390]


# The demonstration's organisations (as seed/exchanges.yaml has them): the username of the
# person acting for each, its side, its names, the languages spoken, whether it agreed to be
# listed and whether it asked for an interpreter.
DEMONSTRATION_PEOPLE = [
    ("harbour-logistics", "hong_kong", "Harbour Logistics Ltd", "海港物流有限公司", ["en", "yue"], True, False),
    ("victoria-services", "hong_kong", "Victoria Professional Services", "維港專業服務", ["en", "yue"], False, False),
    ("yangtze-freight", "chongqing", "Yangtze Freight Co.", "長江貨運公司", ["cmn"], True, True),
    ("jialing-trading", "chongqing", "Jialing River Trading", "嘉陵江貿易", ["cmn", "en"], True, False),
]


@pytest.fixture
def demonstration(db: None) -> Any:
    """An event like the default data's demonstration (seed/exchanges.yaml), made by factories:
    marked and titled as a demonstration, organised by the HKTDC, from today for two days, in
    booking, eight slots a day at four tables, an opening session, an interpreter of English with
    Mandarin and with Cantonese; four organisations registered (two of each side) and two
    accepted meetings not yet scheduled, one of them (Harbour with Yangtze, who share no
    language) needing the interpreter. Harbour's member (``harbour-logistics``) signs in."""
    today = timezone.localdate()
    event: Any = EventFactory(
        title=TText.of(
            en="DEMONSTRATION — Hong Kong/Chongqing business partnering day", zh_hant="示範——港渝商貿配對日"
        ).to_json(),
        demonstration=True,
        starts_on=today,
        ends_on=today + dt.timedelta(days=1),
        capacity=6,
        slots_per_day=8,
        tables=4,
    )
    event.organiser_units.set([organiser_unit("hk_tdc")])
    tz = timezone.get_default_timezone()
    Session.objects.create(
        event=event,
        title=TText.of(en="Opening plenary", zh_hant="開幕全體會議").to_json(),
        starts_at=dt.datetime.combine(today, dt.time(9), tzinfo=tz),
        ends_at=dt.datetime.combine(today, dt.time(10), tzinfo=tz),
    )
    Interpreter.objects.create(
        event=event, name=TText.of(en="Interpreter A", zh_hant="傳譯員甲").to_json(), pairs=["cmn-en", "en-yue"]
    )
    regs: dict[str, Any] = {}
    for username, side, en, zh, languages, consent, interpreter in DEMONSTRATION_PEOPLE:
        membership = MembershipFactory(
            user=UserFactory(username=username, password=make_password(PASSWORD)),
            profile__side=side,
            profile__name=TText.of(en=en, zh_hant=zh),
        )
        regs[username] = RegistrationFactory(
            event=event,
            person=membership.user,
            profile=membership.profile,
            consent_public=consent,
            languages=languages,
            needs_interpreter=interpreter,
        )
    for a, b in (("harbour-logistics", "yangtze-freight"), ("jialing-trading", "victoria-services")):
        MeetingFactory(
            event=event, requester=regs[a], recipient=regs[b], language_pair=services.language_pair(regs[a], regs[b])
        )
    return event


@pytest.mark.parametrize("width", WIDTHS)
def test_event_journey(bare_page, demonstration, secretariat_hk, width):
    page = bare_page
    page.set_viewport_size({"width": width, "height": 900})
    demo: Event = demonstration
    page.goto(f"/en/events/{demo.pk}/")
    assert "DEMONSTRATION" in page.locator("h1").inner_text()
    assert "This is a demonstration event" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
    sign_in(page, secretariat_hk.username, password=PASSWORD)
    page.goto(f"/en/events/{demo.pk}/organise/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Schedule all").click()
    page.wait_for_load_state()
    assert "Scheduled 2 meetings" in page.locator("[role=status]").inner_text()
    page.goto(f"/en/events/{demo.pk}/organise/grid/")
    assert "Harbour Logistics Ltd" in page.locator("table").inner_text()
    assert_no_serious_axe_violations(page)
    page.context.clear_cookies()
    sign_in(page, "harbour-logistics", lang="zh-hant", password=PASSWORD)
    page.goto(f"/zh-hant/events/{demo.pk}/mine/")
    assert_no_serious_axe_violations(page)
    page.goto(f"/zh-hant/events/{demo.pk}/mine/agenda/")
    assert "第1桌" in page.locator("table").inner_text() or "第2桌" in page.locator("table").inner_text()
    assert_no_serious_axe_violations(page)


@pytest.mark.usefixtures("round_areas")
@pytest.mark.parametrize("width", WIDTHS)
def test_round_allocation(bare_page, secretariat_cq, width):
    page = bare_page
    page.set_viewport_size({"width": width, "height": 900})
    round_ = services.round_create(
        user=secretariat_cq,
        data={
            "kind": "sister_school",
            "title": "Sister schools 2027 (browser test)",
            "area": "education",
            "applicants": [{"id": "hk-a", "ranks": ["cq-x", "cq-y"]}, {"id": "hk-b", "ranks": ["cq-x"]}],
            "hosts": [{"id": "cq-x", "ranks": ["hk-b", "hk-a"]}, {"id": "cq-y", "ranks": ["hk-a"]}],
        },
    )
    sign_in(page, secretariat_cq.username, lang="zh-hans", password=PASSWORD)
    page.goto(f"/zh-hans/rounds/{round_.pk}/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="进行分配").click()
    page.wait_for_load_state()
    body = page.locator("main").inner_text()
    assert "第一志愿" in body and "hk-a" in body and "cq-y" in body
    assert_no_serious_axe_violations(page)
    page.goto("/zh-hans/rounds/new/")
    assert_no_serious_axe_violations(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_organiser_sets_up_an_event_and_a_participant_registers(bare_page, secretariat_hk, partner_hk, width):
    """The secretariat creates an event, adds a session and a choice question on the set-up
    pages (zh-Hant); a participant registers in zh-Hans answering it; axe on every page."""
    page = bare_page
    page.set_viewport_size({"width": width, "height": 900})
    tdc = organiser_unit("hk_tdc")
    sign_in(page, secretariat_hk.username, lang="zh-hant", password=PASSWORD)
    page.goto("/zh-hant/events/new/")
    assert "新增活動" in page.locator("h1").inner_text()
    assert_no_serious_axe_violations(page)
    page.fill("#id_title_0", f"Logistics fair (browser {width})")
    page.select_option("#id_kind", "fair")
    page.select_option("#id_organiser_units", str(tdc.pk))
    page.fill("#id_starts_on", "2027-06-01")
    page.fill("#id_ends_on", "2027-06-02")
    page.fill("#id_capacity", "20")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    event = Event.objects.order_by("-id").first()
    assert event.title.en == f"Logistics fair (browser {width})"
    assert page.url.endswith(f"/zh-hant/events/{event.pk}/organise/")
    assert_no_serious_axe_violations(page)
    page.get_by_role("link", name="新增環節").click()
    page.fill("#id_title_1", "開幕")
    page.fill("#id_starts_at", "2027-06-01T09:00")
    page.fill("#id_ends_at", "2027-06-01T10:00")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "開幕" in page.locator("main").inner_text()
    page.get_by_role("link", name="新增登記問題").click()
    assert_no_serious_axe_violations(page)
    page.fill("#id_label_1", "行業")
    page.select_option("#id_kind", "choice")
    page.fill("#id_options_1", "物流\n金融")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "行業" in page.locator("main").inner_text()
    # a participant registers, in Simplified Chinese, answering the question
    page.context.clear_cookies()
    sign_in(page, partner_hk.username, lang="zh-hans", password=PASSWORD)
    page.goto(f"/zh-hans/events/{event.pk}/register/")
    assert "行业" in page.locator("main").inner_text() and "开幕" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
    question = event.questions.get()
    page.select_option("#id_profile", index=1)
    page.select_option(f"#id_q{question.pk}", "1")
    page.get_by_label("英文", exact=True).check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert f"/zh-hans/events/{event.pk}/mine/" in page.url, page.locator("main").inner_text()[:500]
    registration = Registration.objects.get(event=event, person=partner_hk)
    assert registration.status == "confirmed" and registration.answers == {f"q{question.pk}": 1}
    assert_no_serious_axe_violations(page)


@pytest.mark.usefixtures("round_areas")
@pytest.mark.parametrize("width", WIDTHS)
def test_sister_school_round_from_rankings_to_accepted_pairs(bare_page, secretariat_cq, partner_hk, partner_cq, width):
    """A school ranks on the round's page (zh-Hant), the organiser runs the allocation (zh-Hans),
    both schools of the pair accept (English, zh-Hant): the pair is accepted and its exchange
    record opens; axe on every page."""
    page = bare_page
    page.set_viewport_size({"width": width, "height": 900})
    round_ = services.round_create(
        user=secretariat_cq,
        data={
            "kind": "sister_school",
            "title": f"Sister schools ({width})",
            "area": "education",
            "applicants": [{"id": "hk-a", "ranks": []}, {"id": "hk-b", "ranks": ["cq-x"]}],
            "hosts": [{"id": "cq-x", "ranks": ["hk-b", "hk-a"]}, {"id": "cq-y", "ranks": ["hk-a"]}],
        },
    )
    round_.participants.filter(ext_id="hk-a").update(user=partner_hk)
    round_.participants.filter(ext_id="cq-y").update(user=partner_cq)
    sign_in(page, partner_hk.username, lang="zh-hant", password=PASSWORD)
    page.goto(f"/zh-hant/rounds/{round_.pk}/")
    assert_no_serious_axe_violations(page)
    page.get_by_label("你的志願排序").fill("cq-x, cq-y")
    page.get_by_role("button", name="儲存志願排序").click()
    page.wait_for_load_state()
    assert round_.participants.get(ext_id="hk-a").ranks == ["cq-x", "cq-y"]
    page.context.clear_cookies()
    sign_in(page, secretariat_cq.username, lang="zh-hans", password=PASSWORD)
    page.goto(f"/zh-hans/rounds/{round_.pk}/")
    page.get_by_role("button", name="进行分配").click()
    page.wait_for_load_state()
    assert "第一志愿" in page.locator("main").inner_text()
    assert_no_serious_axe_violations(page)
    pair = Pair.objects.get(round=round_, applicant__ext_id="hk-a")
    assert pair.host.ext_id == "cq-y"  # cq-x prefers hk-b, who ranked it first: stable
    for person, lang, accept in ((partner_hk, "en", "Accept"), (partner_cq, "zh-hant", "接受")):
        page.context.clear_cookies()
        sign_in(page, person.username, lang=lang, password=PASSWORD)
        page.goto(f"/{lang}/rounds/{round_.pk}/")
        page.get_by_role("button", name=accept, exact=True).first.click()
        page.wait_for_load_state()
    pair.refresh_from_db()
    assert pair.status == "accepted"
    record = ExchangeRecord.objects.get(pair=pair)
    page.get_by_role("link", name="交流紀錄").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/zh-hant/rounds/records/{record.pk}/")
    assert_no_serious_axe_violations(page)


def _stable_id(person: Any, ext_id: str) -> Any:
    """The one organisation ``person`` acts for, given the stable id ``ext_id`` (as the default
    data's organisations have one), by which a round's sheet and the link form name it."""
    profile = OrganisationProfile.objects.get(memberships__user=person)
    profile.ext_id = ext_id
    profile.save(update_fields=["ext_id"])
    return profile


@pytest.mark.usefixtures("round_areas")
@pytest.mark.parametrize("width", WIDTHS)
def test_uploaded_internship_round_from_rankings_to_accepted_pairs(
    bare_page, secretariat_cq, partner_hk, partner_cq, width
):
    """An organiser uploads a round's spreadsheet (dry run, then for real; zh-Hans), links the host
    to its organisation on the round's page, runs the allocation and is told truthfully who was
    not told (the paper applicant); records that applicant's answer with a reason; the linked
    applicant (English) and host (zh-Hant) accept on their pages: both pairs are accepted and
    become exchange records. axe on every page."""
    page = bare_page
    _stable_id(partner_hk, "harbour-scf")  # the applicant s1's organisation, named in the sheet
    _stable_id(partner_cq, "yangtze-rail-logistics")  # the host p1's, linked on the round's page
    rows = (
        ["role", "id", "name", "places", "ranking", "language", "profile", "email"],
        ["applicant", "s1", "Student One", None, "p1", "en", "harbour-scf", None],
        ["applicant", "s2", "Student Two (paper)", None, "p1", "zh-hans", None, None],
        ["host", "p1", "Rail placements", 2, "s2, s1", "zh-hant", None, None],
    )
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, secretariat_cq.username, lang="zh-hans", password=PASSWORD)
    page.goto("/zh-hans/rounds/new/")
    page.select_option("select[name=kind]", "internship")
    page.fill("input[name=title]", f"Internships ({width})")
    page.select_option("select[name=area]", str(area_pk("education")))
    sheet = {"name": "round.xlsx", "mimeType": "application/octet-stream", "buffer": round_sheet(rows).getvalue()}
    page.set_input_files("input[name=file]", files=[sheet])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "没有人收到通知" in page.locator("main").inner_text()  # the preview: 1 not linked
    assert_no_serious_axe_violations(page)
    page.set_input_files("input[name=file]", files=[sheet])
    page.uncheck("input[name=dry_run]")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    created = re.search(r"/zh-hans/rounds/(\d+)/", page.url)  # (the form's #error-summary anchor stays)
    assert created, page.locator("main").inner_text()[:600]
    round_ = Round.objects.get(pk=int(created.group(1)))
    page.select_option("select[name=link-role]", "host")
    page.fill("input[name=link-participant]", "p1")
    page.fill("input[name=link-profile]", "yangtze-rail-logistics")
    page.get_by_role("button", name="保存关联").click()
    page.wait_for_load_state()
    assert round_.participants.get(ext_id="p1").profile.ext_id == "yangtze-rail-logistics"
    page.get_by_role("button", name="进行分配").click()
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "没有人收到通知" in main and "s2" in main
    assert_no_serious_axe_violations(page)
    paper = Pair.objects.get(round=round_, applicant__ext_id="s2")
    page.select_option(f"#ans-{paper.pk}-applicant", "yes")
    page.fill(f"#ans-{paper.pk}-applicant-reason", "Letter of 3 May")
    page.get_by_role("button", name="记录 s2 的答复").click()
    page.wait_for_load_state()
    paper.refresh_from_db()
    assert paper.applicant_accepted is True
    for person, lang, accept, times in (
        (partner_hk, "en", "Accept", 1),
        (partner_cq, "zh-hant", "接受", 2),
    ):
        page.context.clear_cookies()
        sign_in(page, person.username, lang=lang, password=PASSWORD)
        for _ in range(times):
            page.goto(f"/{lang}/rounds/{round_.pk}/")
            assert_no_serious_axe_violations(page)
            page.get_by_role("button", name=accept, exact=True).first.click()
            page.wait_for_load_state()
    pairs = list(Pair.objects.filter(round=round_))
    assert sorted((p.applicant.ext_id, p.status) for p in pairs) == [("s1", "accepted"), ("s2", "accepted")]
    assert ExchangeRecord.objects.filter(pair__round=round_).count() == 2
    assert set(ExchangeRecord.objects.filter(pair__round=round_).values_list("area__ext_id", flat=True)) == {
        "education"
    }


# The number of lines a button's text takes, as laid out (one per distinct line box).
LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
  return new Set([...r.getClientRects()].filter(x => x.width > 0).map(x => Math.round(x.top))).size; }"""
# A name with no place to break a line: on the round page it makes its column as wide as the phone,
# so the table squeezes the actions cell to its narrowest.
UNBREAKABLE = "Wongtaisinchongqingliaisonrepresentativeofficer"


LONG_NAME = "Chongqing Municipal Liaison and Investment Promotion Office for Hong Kong Enterprises and Schools"


def _squeezing_rows(event, *, pending: int, confirmed: int) -> None:
    """Rows whose long (breakable) texts fill the table, which then shares the width out and
    leaves the actions cell less than its buttons' width: the trial's squeeze."""
    for k in range(pending + confirmed):
        Registration.objects.create(
            event=event,
            person=UserFactory(first_name="Chan Tai Man", last_name=f"Senior Liaison Representative {k}"),
            profile=ProfileFactory(name=TText.of(en=f"{LONG_NAME} {k}")),
            status="pending" if k < pending else "confirmed",
            languages=["en", "yue", "cmn"],
            needs_interpreter=True,
        )


def _button_lines(page, selector: str) -> list[tuple[str, int]]:
    buttons = page.locator(selector)
    assert buttons.count() > 0, selector
    return [(buttons.nth(i).inner_text(), buttons.nth(i).evaluate(LINES)) for i in range(buttons.count())]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["zh-hant", "en"])
def test_organise_table_buttons_keep_their_words_on_one_line(bare_page, secretariat_hk, lang, width):
    """Found in the trial: the registrations table's buttons (批准, 拒絕) wrapped one character per
    line when long rows squeezed the actions cell (a flex box as the cell itself). Rows with long
    names squeeze it at 1280 px: on the template before 19bb3f1 each of those buttons takes two
    lines (measured: 批/准, 40 px wide) and this test fails; at 390 px the page stacks a table's
    cells, so there is no squeeze to make, and the test guards that layout."""
    page = bare_page
    page.set_viewport_size({"width": width, "height": 900})
    event: Any = EventFactory(starts_on=timezone.localdate(), ends_on=timezone.localdate(), requires_approval=True)
    event.organiser_units.set([organiser_unit("hk_tdc")])
    _squeezing_rows(event, pending=2, confirmed=2)  # Approve and Refuse; Check in (the event is today)
    sign_in(page, secretariat_hk.username, lang=lang, password=PASSWORD)
    page.goto(f"/{lang}/events/{event.pk}/organise/")
    lines = _button_lines(page, "table button")
    assert len(lines) == 2 * 2 + 2, lines
    assert all(n == 1 for _text, n in lines), lines


@pytest.mark.parametrize("lang", ["zh-hant", "en"])
def test_round_pairs_table_buttons_keep_their_words_on_one_line(bare_page, secretariat_hk, partner_hk, lang):
    """The same squeeze on the round page's pairs table (a review found 接受/拒絕 and Withdraw one
    word per line at 390 px): the organiser's actions (withdraw, record a paper answer) and a
    participant's (accept, decline) each stay on one line."""
    page = bare_page
    page.set_viewport_size({"width": 390, "height": 900})
    round_ = one_host_round(secretariat_hk, title="Squeezed", name=f"{UNBREAKABLE}school", account=partner_hk)
    sign_in(page, secretariat_hk.username, lang=lang, password=PASSWORD)
    page.goto(f"/{lang}/rounds/{round_.pk}/")
    organiser = _button_lines(page, "main table button")
    assert all(n == 1 for _text, n in organiser), organiser
    page.context.clear_cookies()
    sign_in(page, partner_hk.username, lang=lang, password=PASSWORD)
    page.goto(f"/{lang}/rounds/{round_.pk}/")
    participant = _button_lines(page, "main table button")
    assert len(participant) == 2 and all(n == 1 for _text, n in participant), participant


@pytest.mark.usefixtures("round_areas")
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_round_upload_page_refused_at_phone_width(bare_page, secretariat_hk, lang):
    """The upload page at 390 px: sent without its file and area, it answers with the error
    summary (focusable, linking to the fields) and keeps the title and kind typed; nothing is
    wider than the phone; axe finds nothing serious."""
    page = bare_page
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in(page, secretariat_hk.username, lang=lang, password=PASSWORD)
    page.goto(f"/{lang}/rounds/new/")
    page.select_option("select[name=kind]", "sister_school")
    page.fill("input[name=title]", "Sister schools 2027")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert summary.locator('a[href="#id_area"]').count() == 1 and summary.locator('a[href="#id_file"]').count() == 1
    assert page.input_value("input[name=title]") == "Sister schools 2027"
    assert page.input_value("select[name=kind]") == "sister_school"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_serious_axe_violations(page)
    assert not Round.objects.filter(title__en="Sister schools 2027").exists()


@pytest.mark.parametrize("lang", ["zh-hant", "zh-hans"])
def test_no_button_breaks_its_chinese_label_in_a_narrow_place(bare_page, secretariat_hk, partner_hk, lang):
    """The class behind 撤回 wrapping at 390 px (issue 14's trial): a button squeezed in a narrow
    cell, card or flex row broke its Chinese label between characters, and each was fixed by
    hand (text-nowrap). The stylesheet now keeps every button's label whole (site.css, main
    .btn): a button without text-nowrap, squeezed to nothing beside long text in a flex row and
    in a table cell, keeps 撤回 and 儲存志願排序 on one line; every button of the round page (the
    organiser's and a participant's) is on one line at 390 px."""
    page = bare_page
    page.set_viewport_size({"width": 390, "height": 900})
    round_ = one_host_round(secretariat_hk, title="Narrow", name=UNBREAKABLE, account=partner_hk)
    sign_in(page, secretariat_hk.username, lang=lang, password=PASSWORD)
    page.goto(f"/{lang}/rounds/{round_.pk}/")
    page.evaluate(
        """() => {
        const main = document.querySelector('main');
        const squeeze = (label) => {
          const row = document.createElement('div');
          row.className = 'd-flex gap-1 squeezed'; row.style.width = '120px';
          row.innerHTML = '<span>' + '重慶'.repeat(40) + '</span><button class="btn btn-sm btn-outline-danger">' + label + '</button>';
          main.prepend(row);
          const table = document.createElement('table');
          table.className = 'table table-keep squeezed'; table.style.width = '120px';
          table.innerHTML = '<tr><td>' + '香港'.repeat(40) + '</td><td><button class="btn btn-sm">' + label + '</button></td></tr>';
          main.prepend(table);
        };
        squeeze('撤回'); squeeze('儲存志願排序');
      }"""
    )
    squeezed = _button_lines(page, ".squeezed button")
    assert len(squeezed) == 4 and all(n == 1 for _text, n in squeezed), squeezed
    page.evaluate("() => document.querySelectorAll('.squeezed').forEach(e => e.remove())")
    organiser = _button_lines(page, "main button")
    assert all(n == 1 for _text, n in organiser), organiser
    page.context.clear_cookies()
    sign_in(page, partner_hk.username, lang=lang, password=PASSWORD)
    page.goto(f"/{lang}/rounds/{round_.pk}/")
    participant = _button_lines(page, "main button")
    assert all(n == 1 for _text, n in participant), participant
