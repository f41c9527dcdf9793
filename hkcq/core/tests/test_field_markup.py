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


def _described(html: str, name: str) -> str:
    """The ``aria-describedby`` of the input (or select, or text area) named ``name``."""
    tag = re.search(rf'<(?:input|select|textarea)[^>]*\sname="{name}"[^>]*>', html)
    assert tag, f"no input named {name}"
    found = re.search(r'aria-describedby="([^"]*)"', tag.group(0))
    return found.group(1) if found else ""


def _staff(user) -> Client:  # noqa: ANN001 - a persona
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_progress_settings_and_return_forms_sent_back_name_only_what_they_draw(
    secretariat_hk, secretariat_cq, lang
):
    from hkcq.progress.models import ProgressUpdate
    from hkcq.progress.tests.factories import ProgressUpdateFactory

    # The settings under the status scale: a number of days that is not one.
    scale = _staff(secretariat_hk).post(f"/{lang}/progress/scale/", {"rollup_method": "plain", "stale_after_days": "x"})
    assert scale.status_code == 200
    html = scale.content.decode()
    assert _dangling(html) == []
    assert _described(html, "stale_after_days").split()[-1] == "id_stale_after_days_error"
    assert 'href="#id_stale_after_days"' in html and 'value="x"' in html  # what was typed stays
    assert re.search(r'for="id_stale_after_days">[^<]+ <span class="text-danger" aria-hidden="true">\*</span>', html)
    # Returning an update without a reason: the reason's error is named and the summary leads to it.
    update = ProgressUpdateFactory.create(state=ProgressUpdate.State.SUBMITTED)
    returned = _staff(secretariat_cq).post(f"/{lang}/progress/updates/{update.pk}/return/", {"reason": "  "})
    assert returned.status_code == 422
    html = returned.content.decode()
    assert _dangling(html) == []
    assert _described(html, "reason") == "id_reason_error" and 'href="#id_reason"' in html
    assert "reason-errors" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_import_and_cycle_close_forms_sent_back_name_only_what_they_draw(secretariat_hk, lang):
    from hkcq.progress.models import ReportingCycle
    from hkcq.progress.tests.factories import ReportingCycleFactory

    staff = _staff(secretariat_hk)
    # An import without a file: the file's help and error both describe it.
    imported = staff.post(f"/{lang}/import/", {"kind": "import_measures"})
    assert imported.status_code == 200
    html = imported.content.decode()
    assert _dangling(html) == []
    assert _described(html, "file") == "id_file_helptext id_file_error" and 'href="#id_file"' in html
    assert re.search(r'<select name="kind" class="form-select"', html)
    # Closing the open cycle with no plenary chosen and nothing ticked: two errors, each named.
    ReportingCycleFactory.create(state=ReportingCycle.State.OPEN)
    closing = staff.post(f"/{lang}/reports/close-cycle/", {"meeting": ""})
    assert closing.status_code == 200
    html = closing.content.decode()
    assert _dangling(html) == []
    assert _described(html, "meeting") == "id_meeting_error" and _described(html, "confirm") == "id_confirm_error"
    assert 'href="#id_meeting"' in html and 'href="#id_confirm"' in html
    assert re.search(r'<input type="checkbox" name="confirm" class="form-check-input is-invalid"', html)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_account_form_sent_back_names_only_what_it_draws(secretariat_hk, lang):
    account = _staff(secretariat_hk).post(
        f"/{lang}/account/",
        {"first_name": "Typed name", "last_name": "", "email": "not an address", "preferred_language": "en"},
    )
    assert account.status_code == 200
    html = account.content.decode()
    assert _dangling(html) == []
    assert _described(html, "email") == "id_email_error" and 'href="#id_email"' in html
    assert 'value="Typed name"' in html and 'value="not an address"' in html
    # The language's note is the field's help, named by the select.
    assert _described(html, "preferred_language") == "id_preferred_language_helptext"
    # The token and sign-in policy forms on the same page are drawn by the shared field too.
    assert re.search(r'<label class="form-label fw-semibold" for="id_name">', html)
    assert re.search(r'<input type="checkbox" name="staff_second_factor_required" class="form-check-input"', html)
