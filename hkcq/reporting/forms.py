from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hkcq.core.dates import show_date
from hkcq.core.forms import StyledBoundField, summary_name, widgets_style
from hkcq.registry.models import Meeting
from hkcq.reporting.models import Job


class ImportForm(forms.Form):
    bound_field_class = StyledBoundField

    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(Job.Kind.IMPORT_MEASURES.value, Job.Kind.IMPORT_MEASURES.label)],
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "An Excel workbook (.xlsx, first sheet) or a CSV file in UTF-8, with the column names in the first row."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds:
            cast(forms.ChoiceField, self.fields["kind"]).choices = kinds
        widgets_style(self.fields)


class CycleCloseForm(forms.Form):
    bound_field_class = StyledBoundField

    meeting: forms.ModelChoiceField[Meeting] = forms.ModelChoiceField(
        label=_("Plenary at which the cycle closes"),
        queryset=Meeting.objects.none(),
        empty_label=_("Choose a meeting"),
    )
    confirm = summary_name(
        forms.BooleanField(
            label=_("I understand that closing freezes the snapshot for good and opens the next cycle.")
        ),
        _("Confirmation"),
    )

    def __init__(self, *args, meetings=None, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["meeting"]).queryset = meetings
        widgets_style(self.fields)
        self.fields["meeting"].label_from_instance = lambda m: f"{show_date(m.date)} · {m.title}"  # type: ignore[attr-defined]
