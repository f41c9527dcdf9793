"""The question a resident asked stays with them: into an answer's page, on to the enquiry form,
and across a change of language, with and without JavaScript (htmx)."""

import re
from urllib.parse import quote_plus

import pytest

from hkcq.kb.tests.factories import PERMIT_RENEWAL, citable_entries_make

LANGS = ["en", "zh-hant", "zh-hans"]
QUESTION = "我想renew個回鄉證"


@pytest.fixture
def entries(db):
    """Entries that answer QUESTION (``PERMIT_RENEWAL``)."""
    return citable_entries_make()


def _switcher(html: str) -> str:
    match = re.search(r'<nav id="language-switcher"[^>]*>.*?</nav>', html, re.S)
    assert match
    return match.group(0)


@pytest.mark.parametrize("lang", LANGS)
def test_from_an_answer_still_need_help_carries_the_question_to_the_form(entries, client, lang):
    html = client.get(f"/{lang}/help/ask/", {"q": QUESTION}).content.decode()
    entry_link = f"/{lang}/help/entries/{PERMIT_RENEWAL}/?q={quote_plus(QUESTION, safe='/')}".replace("+", "%20")
    assert f'href="{entry_link}"' in html
    entry = client.get(entry_link).content.decode()
    still = re.search(r'<a class="btn btn-outline-primary" href="([^"]+)">', entry)
    assert still and still.group(1) == f"/{lang}/enquiries/new/?q={quote_plus(QUESTION)}"
    form = client.get(still.group(1).replace("&amp;", "&")).content.decode()
    assert f">\n{QUESTION}</textarea>" in form
    # Opened on its own, the entry's link leads to an empty form.
    plain = client.get(f"/{lang}/help/entries/{PERMIT_RENEWAL}/").content.decode()
    assert f'href="/{lang}/enquiries/new/"' in plain


@pytest.mark.parametrize("lang", LANGS)
def test_the_language_links_keep_the_question_with_and_without_htmx(entries, client, lang):
    # Without JavaScript: the page's own links.
    full = client.get(f"/{lang}/help/ask/", {"q": QUESTION}).content.decode()
    others = [code for code in LANGS if code != lang]
    for code in others:
        assert f'href="/{code}/help/ask/?q=' in _switcher(full)
    # With htmx the answers come alone, with the links for the new address swapped in out of band.
    part = client.get(f"/{lang}/help/ask/", {"q": QUESTION}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in part
    switcher = _switcher(part)
    assert 'hx-swap-oob="true"' in switcher
    for code in others:
        assert f'href="/{code}/help/ask/?q={quote_plus(QUESTION)}"' in switcher
    # A full page never carries the out-of-band marker.
    assert "hx-swap-oob" not in full


def test_the_thank_you_after_this_answered_my_question_takes_the_focus(entries, client):
    html = client.post(
        "/zh-hant/help/ask/answered/", {"entry": PERMIT_RENEWAL, "q": QUESTION}, HTTP_HX_REQUEST="true"
    ).content.decode()
    tag = re.search(r"<p [^>]*>", html)
    assert tag and 'role="status"' in tag.group(0) and 'tabindex="-1"' in tag.group(0)
    assert "autofocus" in tag.group(0)  # htmx focuses it when it is swapped in
    assert "謝謝" in html or "多謝" in html
