from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hkcq.reporting.models import Job


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(Job.Kind.IMPORT_MEASURES.value, Job.Kind.IMPORT_MEASURES.label)],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel workbook (.xlsx, first sheet) or a CSV file in UTF-8, with the column names in the first row."),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, kinds=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if kinds:
            self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
