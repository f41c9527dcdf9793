"""The error summary joins a field's label and its error with a colon, unless the label already
ends in a question mark or a colon."""

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import translation


class _Form(forms.Form):
    name = forms.CharField(label="Name")
    agree = forms.CharField(label="Do you agree?")
    reason = forms.CharField(label="Reason:")
    zh_question = forms.CharField(label="是否同意？")
    zh_colon = forms.CharField(label="原因：")


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_no_colon_after_a_label_that_ends_in_a_question_mark_or_colon(lang):
    with translation.override(lang):
        form = _Form(data={})
        assert not form.is_valid()
        required = form.errors["name"][0]
        html = render_to_string("_error_summary.html", {"form": form})
    colon, space = (": ", " ") if lang == "en" else ("：", "")
    assert f"Name{colon}{required}" in html
    assert f"Do you agree?{space}{required}" in html
    assert f"Reason:{space}{required}" in html
    assert f"是否同意？{space}{required}" in html
    assert f"原因：{space}{required}" in html
    for doubled in ("?:", "?：", "？：", "？:", "::", "：：", ":：", "：:"):
        assert doubled not in html


def _summary(html: str) -> str:
    return html.partition('id="error-summary"')[2].partition("</div>")[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "line"),
    [("en", "Consent: "), ("zh-hant", "同意："), ("zh-hans", "同意：")],
)
def test_the_summary_names_the_consent_box_of_the_suggestion_form(client, lang, line):
    """ "This field is required." alone said nothing of which field: a box to tick is named by its
    short name, in the language's punctuation."""
    from hkcq.suggestions.tests.conftest import form_data

    html = client.post(f"/{lang}/suggestions/new/", form_data(consent="")).content.decode()
    with translation.override(lang):
        required = str(forms.Field.default_error_messages["required"])
        from django.utils.translation import gettext

        required = gettext(required)
    summary = _summary(html)
    assert f"{line}{required}" in summary, summary


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "label"), [("en", "Co-operation areas: "), ("zh-hans", "合作领域：")])
def test_the_summary_names_the_areas_of_the_opportunity_form(client, partner_cq, lang, label):
    from hkcq.registry.tests.factories import AreaFactory

    AreaFactory.create()  # an area the form offers
    client.force_login(partner_cq)
    html = client.post(f"/{lang}/partnering/opportunities/new/", {"type": "offer"}).content.decode()
    summary = _summary(html)
    items = [item for item in summary.split("<li>")[1:]]
    assert items
    assert any(label in item for item in items), summary
    with translation.override(lang):
        from django.utils.translation import gettext

        required = gettext(str(forms.Field.default_error_messages["required"]))
    bare = [item for item in items if item.split(">", 1)[-1].startswith(required)]
    assert not bare, bare
