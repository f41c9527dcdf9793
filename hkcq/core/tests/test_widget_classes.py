"""Every app's forms give their inputs Bootstrap's classes by one rule (``core.forms.widgets_style``):
the apps' form bases had each their own copy, and they differed (radios and groups of checkboxes
unstyled in enquiries and partnering, radios taking ``form-control`` in progress)."""

from __future__ import annotations

import pytest
from django import forms

from hkcq.core.forms import StyledModelForm
from hkcq.enquiries.forms import StyledForm as EnquiriesBase
from hkcq.partnering.forms import Styled as PartneringBase
from hkcq.progress.forms import BootstrapMixin
from hkcq.suggestions.forms import Styled as SuggestionsBase

CHOICES = [("a", "A"), ("b", "B")]
EXPECTED = {
    "text": "form-control",
    "number": "form-control",
    "select": "form-select",
    "several": "form-select",
    "radios": "form-check-input",
    "boxes": "form-check-input",
    "tick": "form-check-input",
}


class Fields(forms.Form):
    text = forms.CharField()
    number = forms.IntegerField()
    select = forms.ChoiceField(choices=CHOICES)
    several = forms.MultipleChoiceField(choices=CHOICES)
    radios = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
    boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
    tick = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


class Enquiries(EnquiriesBase, Fields):
    pass


class Partnering(PartneringBase, Fields):
    pass


class Suggestions(SuggestionsBase, Fields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class Progress(BootstrapMixin, Fields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


def _model_form():
    from hkcq.registry.models import Unit

    class Core(StyledModelForm):
        radios = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect)
        boxes = forms.MultipleChoiceField(choices=CHOICES, widget=forms.CheckboxSelectMultiple)
        tick = forms.BooleanField(required=False)

        class Meta:
            model = Unit
            fields = ["ext_id"]

    return Core


@pytest.mark.parametrize("form_class", [Enquiries, Partnering, Suggestions, Progress], ids=lambda c: c.__name__)
def test_each_apps_form_base_styles_every_kind_of_input_alike(form_class):
    form = form_class()
    got = {name: form.fields[name].widget.attrs.get("class") for name in EXPECTED}
    assert got == EXPECTED
    assert "class" not in form.fields["hidden"].widget.attrs
    # each box as core/_field.html draws it (choice.tag)
    assert all('class="form-check-input"' in str(choice.tag()) for choice in form["radios"])
    assert all('class="form-check-input"' in str(choice.tag()) for choice in form["boxes"])


def test_the_staff_model_forms_follow_the_same_rule():
    form = _model_form()()
    assert form.fields["ext_id"].widget.attrs["class"] == "form-control"
    assert {n: form.fields[n].widget.attrs["class"] for n in ("radios", "boxes", "tick")} == dict.fromkeys(
        ("radios", "boxes", "tick"), "form-check-input"
    )
