"""The progress update form is drawn by the one ``core/_field.html``: sent back with an error, each id
an input's ``aria-describedby`` names is on the page (it named ``id_percent_error`` while the page
gave the error ``percent-errors``), and the help text is still shown."""

from __future__ import annotations

import pytest
from django.test import Client

from hkcq.core.tests.test_field_markup import _dangling


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_the_update_form_sent_back_names_only_what_it_draws(officer_hk, measure, status, lang):
    client = Client()
    client.force_login(officer_hk)
    bad = client.post(
        f"/{lang}/progress/measures/{measure.ext_id}/updates/new/",
        {"status": status.pk, "percent": "140", "public_narrative_0": "Typed narrative", "submit": "1"},
    )
    assert bad.status_code == 200
    html = bad.content.decode()
    assert _dangling(html) == []
    assert 'aria-describedby="id_percent_helptext id_percent_error"' in html and 'id="id_percent_error"' in html
    assert 'id="id_percent_helptext"' in html and "Typed narrative" in html
