"""The page frame: the main navigation stays on one line (under the brand) on a laptop screen, folds behind a
working toggler on narrow screens, and stays usable without JavaScript; <main> focused by a script
has no frame drawn round it, and translation notes never overlap the text above."""

from __future__ import annotations

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD
from hkcq.browser_tests.conftest import assert_no_serious_axe_violations, sign_in
from hkcq.kb.tests.factories import PERMIT_RENEWAL

# the signed-in secretariat member is factory-made (hkcq/accounts/tests/personas.py)
secretariat_hk = personas.secretariat_hk

NAV_LINKS = "#main-nav .nav-link"


def _rows(page) -> set[int]:
    return {round(box["y"]) for box in (link.bounding_box() for link in page.locator(NAV_LINKS).all()) if box}


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_navigation_is_one_line_at_1280_pixels_signed_in(bare_page, secretariat_hk, lang):  # noqa: F811
    page = bare_page
    sign_in(page, secretariat_hk.username, lang=lang, password=PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/{lang}/areas/")
    assert page.locator(".navbar-toggler").is_hidden()
    assert len(_rows(page)) == 1
    # The brand takes the first row, on one line; the links the whole width of the second.
    brand = page.locator(".site-brand").bounding_box()
    first = page.locator(NAV_LINKS).first.bounding_box()
    assert brand and first and brand["y"] + brand["height"] <= first["y"] + 1
    assert brand["height"] < 2 * 1.05 * 16 * 1.25 - 4, "the brand on one line"
    bar = page.locator(".site-header .navbar").bounding_box()
    assert bar and bar["height"] <= brand["height"] + first["height"] + 40
    assert page.locator(f"{NAV_LINKS}[aria-current=page]").count() == 1
    # Progress, Help, Suggestions, Partnerships and Events have joined the row, and for staff the enquiry queue: still
    # on one line, inside the page's width (nothing cut off or scrolling sideways).
    assert page.locator(NAV_LINKS).count() == 11
    assert page.locator(NAV_LINKS).last.get_attribute("href") == f"/{lang}/enquiries/queue/"
    container = page.locator(".site-header .navbar .container").bounding_box()
    last = page.locator(NAV_LINKS).last.bounding_box()
    assert container and last and last["x"] + last["width"] <= container["x"] + container["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.set_viewport_size({"width": 1200, "height": 900})  # the narrowest width before it folds
    assert len(_rows(page)) == 1 and page.evaluate("document.documentElement.scrollWidth") <= 1200
    page.set_viewport_size({"width": 1280, "height": 900})
    # The secretariat's unanswered questions sit with its account links, like Administration.
    assert page.locator(f"nav[aria-label] a[href='/{lang}/help/gaps/']").count() == 1


PARTNERING_AND_EVENTS = {
    "en": ("Partnerships", "Events"),
    "zh-hant": ("合作配對", "活動"),
    "zh-hans": ("合作对接", "活动"),
}


@pytest.mark.parametrize("lang", list(PARTNERING_AND_EVENTS))
def test_partnering_and_events_are_in_the_main_navigation_on_a_phone(bare_page, lang):
    """Found by the new-user trial: Partnering and Events were linked only from the footer."""
    page = bare_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/{lang}/")
    page.locator(".navbar-toggler").click()
    partnering, events = PARTNERING_AND_EVENTS[lang]
    link = page.locator(NAV_LINKS, has_text=partnering)
    link.wait_for(state="visible")
    assert link.get_attribute("href") == f"/{lang}/partnering/"
    assert page.locator(NAV_LINKS, has_text=events).get_attribute("href") == f"/{lang}/events/"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_serious_axe_violations(page)
    link.click()
    page.wait_for_url(f"**/{lang}/partnering/")
    page.locator(".navbar-toggler").click()
    current = page.locator(f"{NAV_LINKS}[aria-current=page]")
    current.wait_for(state="visible")
    assert current.inner_text().strip() == partnering
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_navigation_folds_behind_the_toggler_on_a_narrow_screen(bare_page):
    page = bare_page
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto("/en/")
    toggler = page.locator(".navbar-toggler")
    assert toggler.is_visible()
    assert page.locator(NAV_LINKS).first.is_hidden()
    toggler.click()
    page.locator(NAV_LINKS).first.wait_for(state="visible")
    assert toggler.get_attribute("aria-expanded") == "true"
    assert_no_serious_axe_violations(page)


def test_navigation_works_without_javascript(browser, bare_url):
    context = browser.new_context(base_url=bare_url, java_script_enabled=False, viewport={"width": 800, "height": 900})
    try:
        page = context.new_page()
        page.goto("/en/")
        assert page.locator(".navbar-toggler").is_hidden()
        assert page.locator(NAV_LINKS).first.is_visible()
        page.locator(NAV_LINKS, has_text="Meetings").click()
        assert page.url.endswith("/en/meetings/")
    finally:
        context.close()


def test_main_has_no_focus_outline_when_a_script_focuses_it_but_controls_keep_theirs(bare_page):
    page = bare_page
    # After a successful resident form the page opens at #main (tabindex="-1"): no frame around it.
    page.goto("/en/help/")
    page.evaluate("document.getElementById('main').focus()")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("getComputedStyle(document.getElementById('main')).outlineStyle") == "none"
    page.keyboard.press("Tab")  # a real keyboard focus on a link or a button is still drawn
    drawn = page.evaluate(
        "(s => s.outlineStyle !== 'none' || s.boxShadow !== 'none')(getComputedStyle(document.activeElement))"
    )  # an outline, or Bootstrap's focus ring (a box shadow) on buttons and fields
    assert page.evaluate("document.activeElement.tagName") in ("A", "BUTTON", "INPUT", "SELECT")
    assert drawn, page.evaluate("document.activeElement.outerHTML")


def test_translation_notes_never_overlap_the_text_above(bare_page):
    from hkcq.core.translated import TText
    from hkcq.kb.loading import review_note_text
    from hkcq.kb.tests.factories import EntryFactory

    page = bare_page
    # As the sample entries are loaded (hkcq.kb.loading): the text in English and Traditional
    # Chinese (the Simplified converted), a review note in English with a labelled machine
    # translation, and a source in English only - each shown in Simplified Chinese with its note.
    EntryFactory.create(
        slug=PERMIT_RENEWAL,
        title=TText.of(en="Renewing your Home Return Permit", zh_hant="續領回鄉證"),
        body=TText.of(
            en="The Mainland Travel Permit for Hong Kong and Macao Residents, commonly called the Home Return Permit.",
            zh_hant="港澳居民來往內地通行證（俗稱回鄉證）成人有效期為10年。",
        ),
        review_note=review_note_text(
            "Sample content for demonstration; verify with the responsible unit before publication."
        ),
        source=TText.of(en="National Immigration Administration, guidance on renewal of Mainland Travel Permits"),
    )
    page.goto(f"/zh-hans/help/entries/{PERMIT_RENEWAL}/")
    notes = page.locator(".translation-note").all()
    assert len(notes) >= 3  # review note, body, source
    for note in notes:
        gap = note.evaluate(
            """n => {
                const prev = n.previousElementSibling;
                const above = prev ? prev.getBoundingClientRect().bottom
                                   : n.parentElement.getBoundingClientRect().top;
                return n.getBoundingClientRect().top - above;
            }"""
        )
        assert gap >= 0, note.inner_text()


# Pages whose tables had no data-label in their templates (staff and public): stacked at 390 px,
# every cell says which column it is.
UNLABELLED_TABLES = [
    "/{lang}/calendars/",
    "/{lang}/calendars/service-levels/",
    "/{lang}/enquiries/canned/",
    "/{lang}/import/",
    "/{lang}/reports/",
    "/{lang}/areas/",
    "/{lang}/organisations/",
    "/{lang}/people/",
    "/{lang}/units/",
    "/{lang}/progress/scale/",
]


def _tables_filled() -> None:
    """A row or two in the tables above that the migrations leave empty (the service levels and
    the status scale come with them): holidays, canned replies, an area, organisations, people, units."""
    import datetime as dt

    from hkcq.calendars.tests.factories import HolidayFactory
    from hkcq.enquiries.tests.factories import canned_replies_make
    from hkcq.registry.tests.factories import AreaFactory, OrganisationFactory, PersonFactory, UnitFactory

    HolidayFactory.create(date=dt.date(2026, 12, 9))  # a Wednesday, no holiday of the seed
    canned_replies_make()
    AreaFactory.create()
    OrganisationFactory.create()
    PersonFactory.create()
    UnitFactory.create()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_stacked_table_cells_on_a_phone_are_labelled_by_their_column(bare_page, secretariat_hk, lang):  # noqa: F811
    page = bare_page
    _tables_filled()
    sign_in(page, secretariat_hk.username, lang=lang, password=PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    checked = 0
    for path in UNLABELLED_TABLES:
        page.goto(path.format(lang=lang))
        cells = page.locator("main table.table:not(.table-keep) > tbody > tr > td")
        if cells.count() == 0:
            continue
        unlabelled = page.evaluate(
            """() => Array.from(document.querySelectorAll('main table.table:not(.table-keep) > tbody > tr > td'))
                 .filter(td => td.textContent.trim() && !td.getAttribute('data-label')).length"""
        )
        assert unlabelled == 0, path
        before = page.evaluate(
            "getComputedStyle(document.querySelector('main table.table:not(.table-keep) td[data-label]'), '::before').content"
        )
        colon = "：" if lang != "en" else ": "
        assert colon in before, (path, before)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
        checked += 1
    assert checked >= 5
