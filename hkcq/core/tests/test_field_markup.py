"""Every form field is drawn by the one ``core/_field.html``: the staff edit page (``core/edit.html``)
and the residents' forms alike. What a form sent back with errors must hold together: each id an
input's ``aria-describedby`` names is on the page, each link of the error summary leads to its
field (a text in three languages: its fieldset), and a field with help and an error is described by
both."""

from __future__ import annotations

import re

import pytest
from django.test import Client


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _dangling(html: str) -> list[str]:
    """The ids named by an ``aria-describedby`` or an error-summary link that the page lacks."""
    ids = _ids(html)
    named = [i for value in re.findall(r'aria-describedby="([^"]*)"', html) for i in value.split()]
    summary = re.search(r'id="error-summary".*?</div>', html, flags=re.S)
    assert summary, "the form came back without its error summary"
    named += re.findall(r'href="#([^"]+)"', summary.group(0))
    return sorted({i for i in named if i not in ids})


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_staff_edit_page_sent_back_with_errors_names_only_what_it_draws(secretariat_hk, lang):
    staff = Client()
    staff.force_login(secretariat_hk)
    # No name in any language, no date: two errors, one on a text in three languages.
    r = staff.post(f"/{lang}/calendars/days/new/", {"side": "hong_kong", "kind": "holiday", "source": "HKO"})
    assert r.status_code == 200
    html = r.content.decode()
    assert _dangling(html) == []
    # The translated name is one fieldset, named by its legend, described by its error, and the
    # summary's link leads to it.
    assert re.search(r'<fieldset class="mb-3" id="id_name" aria-describedby="id_name_error"><legend', html)
    assert 'href="#id_name"' in html and 'id="id_name_error"' in html
    # Its three boxes keep their look and are marked invalid.
    assert len(re.findall(r'<input type="text" name="name_\d" class="form-control is-invalid"', html)) == 3
    date_input = re.search(r"<input[^>]*name=\"date\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in date_input and 'aria-describedby="id_date_error"' in date_input
    assert "-errors" not in html  # the edit page's own error ids are gone


@pytest.mark.django_db
def test_the_resident_forms_keep_their_layout_through_the_shared_field():
    page = Client().get("/en/enquiries/new/").content.decode()
    # A hidden field is only its input: no label pointing at it.
    assert re.search(r'<input type="hidden" name="idempotency_key"[^>]*id="id_idempotency_key"', page)
    assert 'for="id_idempotency_key"' not in page
