"""Page forms. They validate input and hand ``cleaned_data`` to a service; they never save."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from hkcq.calendars.models import Holiday
from hkcq.core.forms import choose_prompt


class StyledModelForm(forms.ModelForm):
    """Bootstrap classes and an ``aria-describedby`` for every error, set in one place."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepare()
        choose_prompt(self.fields)
        # Reading self.errors below cleans the form, so every field must be set up before.
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif not isinstance(widget, forms.MultiWidget):
                widget.attrs.setdefault("class", "form-control")
            if self.is_bound and name in self.errors:
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{name}-errors"

    def prepare(self) -> None:
        """Adjust fields before the form is cleaned."""


class HolidayForm(StyledModelForm):
    class Meta:
        model = Holiday
        fields = ["side", "date", "kind", "name", "source"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, sides: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        self.sides = sides
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        if self.sides is not None:
            cast(forms.ChoiceField, self.fields["side"]).choices = self.sides
