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
