"""Pages hold up: colours keep their contrast wherever a component is used, long unbroken text
wraps, tables fit a phone, scrollable regions are reachable by keyboard, and focus is visible on
the dark navigation bar. Checked in Chromium at 1280 and 390 px.

The pages signed in are walked as the factory-made secretariat member
(hkcq/accounts/tests/personas.py) over rows made by the apps' factories (``world``), not the
default data."""

from __future__ import annotations

import pytest

from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import PASSWORD

secretariat_hk = personas.secretariat_hk
partner_hk = personas.partner_hk

WIDTHS = [1280, 390]

# WCAG 2 contrast of two computed CSS colours ("rgb(r, g, b)" or "rgba(...)", alpha ignored).
CONTRAST_JS = """
([fg, bg]) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => {
    const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(rgb(fg)), lum(rgb(bg))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def contrast(page, fg: str, bg: str) -> float:
    return float(page.evaluate(CONTRAST_JS, [fg, bg]))


@pytest.mark.parametrize("background", ["#ffffff", "#f8f9fa", "#e9ecef"])
def test_outline_buttons_keep_text_contrast_on_every_light_background(bare_page, background):
    page = bare_page
    page.goto("/en/")
    kinds = ["primary", "secondary", "success", "danger"]
    page.evaluate(
        """([bg, kinds]) => {
            const box = document.createElement('div');
            box.id = 'contrast-probe';
            box.style.background = bg;
            for (const k of kinds) {
              const a = document.createElement('a');
              a.className = 'btn btn-sm btn-outline-' + k;
              a.href = '#';
              a.textContent = k;
              box.appendChild(a);
            }
            document.querySelector('main').prepend(box);
        }""",
        [background, kinds],
    )
    for kind in kinds:
        colour = page.locator(f"#contrast-probe .btn-outline-{kind}").evaluate("e => getComputedStyle(e).color")
        ratio = contrast(
            page, colour, page.locator("#contrast-probe").evaluate("e => getComputedStyle(e).backgroundColor")
        )
        assert ratio >= 4.5, (kind, colour, background, round(ratio, 2))


LONG_WORD = "Q" * 999
LONG_URL = "https://example.org/" + "a" * 600

# A cell narrower than this with more than three characters of text is "squeezed" (合/作/領/域).
MIN_CELL_PX = 40

FITS_JS = """
minPx => {
  const vw = document.documentElement.clientWidth;
  const squeezed = [...document.querySelectorAll('main td, main th')]
    .filter(c => c.offsetParent && !c.closest('thead, .visually-hidden, .table-keep'))
    .filter(c => c.textContent.trim().length > 3 && c.getBoundingClientRect().width < minPx)
    .slice(0, 3).map(c => c.textContent.trim().slice(0, 30) + ' (' + Math.round(c.getBoundingClientRect().width) + ' px)');
  return {width: document.documentElement.scrollWidth, viewport: vw, squeezed};
}
"""


def fits(page) -> list[str]:
    """What is wrong with the page's width: sideways scrolling, or squeezed table cells."""
    r = page.evaluate(FITS_JS, MIN_CELL_PX)
    problems = []
    if r["width"] > r["viewport"]:
        problems.append(f"{page.url}: {r['width']} px wide in a {r['viewport']} px viewport")
    problems += [f"{page.url}: squeezed cell {c}" for c in r["squeezed"]]
    return problems


@pytest.fixture
def long_enquiry(transactional_db):
    from hkcq.enquiries import services
    from hkcq.enquiries.tests.factories import service_levels_ensure

    service_levels_ensure()  # the case's deadlines (a live-server test empties the database)
    return services.enquiry_submit(
        filing=services.Filing(
            question=LONG_WORD, details=f"See {LONG_URL}", email="long@example.org", consent=True, language="en"
        )
    ).enquiry


@pytest.fixture
def answered_suggestion(secretariat_hk):  # noqa: F811
    """A published, answered suggestion whose title and answer are one long unbroken word."""
    from hkcq.suggestions import services

    moderator = secretariat_hk
    s = services.suggestion_submit(user=None, title="回鄉證續期" * 8, text=LONG_URL, language="zh-hant")
    s = services.suggestion_approve(
        user=moderator, suggestion=s, public_title="回鄉證續期" * 8, public_text=LONG_URL, area=None
    )
    return services.suggestion_respond(
        user=moderator, suggestion=s, status="adopted", response={"en": LONG_URL, "zh_hant": LONG_URL}
    )


@pytest.fixture
def world(transactional_db, secretariat_hk, partner_hk):  # noqa: F811
    """Rows of every kind the pages show, made by the apps' factories: a few of every listed kind
    (``core.tests.every_list``), the reporting factories' plan of co-operation (areas, measures with
    their items, a plenary, decisions, agreements), the knowledge base's citable entries, and the
    status scale and service levels the migrations make (a live-server test empties the database).
    Returns the pages of one area, one measure and one entry."""
    from hkcq.core.tests.every_list import every_list_filled
    from hkcq.enquiries.tests.factories import service_levels_ensure
    from hkcq.kb.tests.factories import PERMIT_RENEWAL, citable_entries_make
    from hkcq.progress.loading import statuses_ensure
    from hkcq.reporting.tests.factories import plan_make

    statuses_ensure()
    service_levels_ensure()
    every_list_filled(secretariat=secretariat_hk, member=partner_hk)
    plan = plan_make()
    entries = citable_entries_make()
    return {
        "area": plan.areas[0].get_absolute_url(),
        "measure": plan.measures[0].get_absolute_url(),
        "entry": entries[PERMIT_RENEWAL].get_absolute_url(),
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_a_999_character_word_never_widens_the_page(
    bare_page,
    long_enquiry,
    answered_suggestion,
    secretariat_hk,  # noqa: F811
    width,
):
    from hkcq.browser_tests.conftest import sign_in

    page = bare_page
    page.set_viewport_size({"width": width, "height": 900})
    problems = []
    page.goto(long_enquiry.get_tracking_url())
    assert LONG_WORD[:50] in page.locator("main").inner_text()
    problems += fits(page)
    for path in ("/en/suggestions/you-said-we-did/", answered_suggestion.get_absolute_url()):
        page.goto(path)
        problems += fits(page)
    sign_in(page, secretariat_hk.username, password=PASSWORD)
    for path in ("/en/enquiries/queue/", long_enquiry.get_absolute_url()):
        page.goto(path)
        problems += fits(page)
    assert not problems, "\n".join(problems)


LIST_PAGES = [
    "/{lang}/areas/",
    "/{lang}/measures/",
    "/{lang}/meetings/",
    "/{lang}/decisions/",
    "/{lang}/agreements/",
    "/{lang}/organisations/",
    "/{lang}/people/",
    "/{lang}/units/",
    "/{lang}/suggestions/",
    "/{lang}/suggestions/you-said-we-did/",
    "/{lang}/progress/",
    "/{lang}/enquiries/statistics/",
    "/{lang}/events/",
    "/{lang}/partnering/",
    "/{lang}/open311/",
    "/{lang}/reports/",
    "/{lang}/open-data/",
]
STAFF_LIST_PAGES = ["/{lang}/enquiries/queue/", "/{lang}/progress/work/", "/{lang}/my-work/", "/{lang}/calendars/"]


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_every_list_page_fits_a_phone(
    bare_page,
    world,
    long_enquiry,
    answered_suggestion,
    secretariat_hk,  # noqa: F811
    lang,
):
    """At 390 px no list page scrolls sideways and no table cell is squeezed to a character or
    two: tables become stacked rows, each cell labelled by its column."""
    from hkcq.browser_tests.conftest import sign_in

    page = bare_page
    page.set_viewport_size({"width": 390, "height": 900})
    problems = []
    for path in LIST_PAGES:
        page.goto(path.format(lang=lang))
        problems += fits(page)
    page.goto(f"/{lang}/measures/")
    first = page.locator("main tbody tr").first.locator("td").nth(1)
    label = first.evaluate("c => getComputedStyle(c, '::before').content")
    assert ("Measure" if lang == "en" else "措施") in label  # the column's name above the cell
    sign_in(page, secretariat_hk.username, lang=lang, password=PASSWORD)
    for path in STAFF_LIST_PAGES:
        page.goto(path.format(lang=lang))
        problems += fits(page)
    assert not problems, "\n".join(problems)


def test_chart_labels_are_readable_on_a_phone_and_their_regions_reachable_by_keyboard(bare_page, world, long_enquiry):
    from hkcq.browser_tests.conftest import assert_no_serious_axe_violations

    page = bare_page
    page.set_viewport_size({"width": 390, "height": 900})
    for path in ("/en/progress/", "/en/enquiries/statistics/", "/en/open311/"):
        page.goto(path)
        sizes = page.evaluate(
            "() => [...document.querySelectorAll('main svg text')].map(t => t.getBoundingClientRect().height)"
        )
        assert not sizes or min(sizes) >= 10, (path, min(sizes))  # rendered text height, px
        for region in page.locator(".chart-scroll").all():
            assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert_no_serious_axe_violations(page)


def test_keyboard_focus_on_the_dark_navigation_is_clearly_visible(bare_page):
    page = bare_page
    page.goto("/en/")
    link = page.locator("#main-nav .nav-link").first
    for _ in range(6):  # skip link, brand, (toggler hidden at 1280), then the first link
        page.keyboard.press("Tab")
        if link.evaluate("e => e === document.activeElement"):
            break
    assert link.evaluate("e => e === document.activeElement")
    style = link.evaluate(
        "e => { const s = getComputedStyle(e); return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), colour: s.outlineColor}; }"
    )
    bar = page.locator(".site-header .navbar").evaluate(
        "e => getComputedStyle(e.closest('.site-header')).backgroundColor"
    )
    assert style["style"] != "none" and style["width"] >= 2, style
    assert contrast(page, style["colour"], bar) >= 3, (style, bar)  # WCAG 1.4.11: 3:1 against the bar


PAGE_KINDS = [
    "/{lang}/",
    "{area}",
    "{measure}",
    "/{lang}/meetings/",
    "/{lang}/agreements/",
    "/{lang}/progress/",
    "/{lang}/enquiries/statistics/",
    "{entry}",
    "/{lang}/help/ask/",
    "/{lang}/enquiries/new/",
    "{tracking}",
    "/{lang}/suggestions/",
    "/{lang}/search/?q=permit",
    "/{lang}/account/sign-in/",
    "/{lang}/partnering/",
    "/{lang}/events/",
    "/{lang}/open311/",
]
STAFF_KINDS = [
    "/{lang}/enquiries/queue/",
    "{case}",
    "/{lang}/my-work/",
    "/{lang}/reports/",
    "/{lang}/reports/draft/",
    "/{lang}/import/",
    "/{lang}/progress/work/",
    "/{lang}/calendars/",
    "/{lang}/help/gaps/",
    "/{lang}/suggestions/moderation/",
    "/{lang}/rounds/",
    "/{lang}/partnering/review/",
    "/{lang}/notifications/",
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_every_page_kind_has_no_serious_axe_violation(
    bare_page,
    world,
    long_enquiry,
    secretariat_hk,  # noqa: F811
    lang,
    width,
):
    """axe-core over every kind of page, public and staff, one page per kind: no serious or
    critical violation, in each language at desktop and phone widths."""
    from hkcq.browser_tests.conftest import axe_serious_violations, sign_in

    page = bare_page
    pages = {kind: url.replace("/en/", f"/{lang}/", 1) for kind, url in world.items()}
    page.set_viewport_size({"width": width, "height": 900})
    tracking = long_enquiry.get_tracking_url().replace("/en/", f"/{lang}/", 1)
    case = long_enquiry.get_absolute_url().replace("/en/", f"/{lang}/", 1)
    found: list[str] = []

    def check(path):
        response = page.goto(path)
        assert response is not None and response.status == 200, path  # the page itself, not an error page
        found.extend(f"{path}: {v['id']} {[n['target'] for n in v['nodes']][:3]}" for v in axe_serious_violations(page))

    for path in PAGE_KINDS:
        check(path.format(lang=lang, tracking=tracking, **pages))
    sign_in(page, secretariat_hk.username, lang=lang, password=PASSWORD)
    for path in STAFF_KINDS:
        check(path.format(lang=lang, case=case))
    assert not found, "\n".join(found)
