"""Page forms. They validate input and hand ``cleaned_data`` to a service; they never save."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from hkcq.calendars.models import Holiday
from hkcq.core.forms import DateInput, StyledModelForm


class HolidayForm(StyledModelForm):
    class Meta:
        model = Holiday
        fields = ["side", "date", "kind", "name", "source"]
        widgets = {"date": DateInput()}

    def __init__(self, *args: Any, sides: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        self.sides = sides
        super().__init__(*args, **kwargs)

    def prepare(self) -> None:
        if self.sides is not None:
            cast(forms.ChoiceField, self.fields["side"]).choices = self.sides
