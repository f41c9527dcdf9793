"""Page forms. They validate input and hand ``cleaned_data`` to a service; they never save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hkcq.core.choices import Side
from hkcq.core.forms import DateInput, StyledModelForm
from hkcq.registry.models import (
    Agreement,
    AgreementDocument,
    AgreementEvent,
    Area,
    Attendance,
    Clause,
    Decision,
    Measure,
    Meeting,
    Milestone,
    Signatory,
    Unit,
)
from hkcq.registry.services import measure_problems


class AreaForm(StyledModelForm):
    class Meta:
        model = Area
        fields = ["ext_id", "position", "name", "short_name", "description", "heading_in_source"]


class MeasureForm(StyledModelForm):
    class Meta:
        model = Measure
        fields = [
            "ext_id",
            "area",
            "parent",
            "code",
            "position",
            "title",
            "text",
            "lead_unit_hk",
            "lead_unit_cq",
            "supporting_units",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
        ]
        widgets = {f: DateInput() for f in ("planned_start", "planned_end", "actual_start", "actual_end")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["lead_unit_hk"]).queryset = Unit.objects.filter(
            side=Side.HONG_KONG, is_active=True
        )
        cast(forms.ModelChoiceField, self.fields["lead_unit_cq"]).queryset = Unit.objects.filter(
            side=Side.CHONGQING, is_active=True
        )
        self.fields["supporting_units"].widget.attrs["size"] = 8
        self.fields["parent"].required = False
        self.fields["parent"].help_text = _(
            "Leave empty for a measure; choose a measure to make this one of its items."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The registry's measure rules (services.measure_problems), shown on their fields.
        given = {k: v for k, v in data.items() if k in self.fields and k not in self.errors}
        for name, messages in measure_problems(measure=self.instance, data=given).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return data


class MeasureDeliveryForm(StyledModelForm):
    """What a unit officer may change on a measure their unit leads or supports."""

    class Meta:
        model = Measure
        fields = ["actual_start", "actual_end"]
        widgets = {"actual_start": DateInput(), "actual_end": DateInput()}


class MilestoneForm(StyledModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "planned_on", "achieved_on"]
        widgets = {"planned_on": DateInput(), "achieved_on": DateInput()}


class MeetingForm(StyledModelForm):
    class Meta:
        model = Meeting
        fields = ["ext_id", "kind", "sequence", "title", "date", "place", "summary", "agenda", "minutes"]
        widgets = {"date": DateInput()}
        help_texts = {"agenda": _("One agenda item per line.")}


class AttendanceForm(StyledModelForm):
    class Meta:
        model = Attendance
        fields = ["person", "side", "role", "capacity"]


class DecisionForm(StyledModelForm):
    class Meta:
        model = Decision
        fields = ["text", "owner_units", "measures", "due_on", "status", "follow_up"]
        widgets = {"due_on": DateInput()}


class DecisionFollowUpForm(StyledModelForm):
    class Meta:
        model = Decision
        fields = ["status", "follow_up"]


class AgreementForm(StyledModelForm):
    class Meta:
        model = Agreement
        fields = ["ext_id", "kind", "title", "summary", "parties", "meeting", "signed_on", "place"]
        widgets = {"signed_on": DateInput()}


class AgreementEventForm(StyledModelForm):
    class Meta:
        model = AgreementEvent
        fields = ["kind", "date", "note", "superseded_by"]
        widgets = {"date": DateInput()}


class SignatoryForm(StyledModelForm):
    class Meta:
        model = Signatory
        fields = ["person", "organisation", "capacity"]


class ClauseForm(StyledModelForm):
    class Meta:
        model = Clause
        fields = ["number", "text", "measures"]


class DocumentForm(StyledModelForm):
    upload = forms.FileField(label=_("File"), required=False, help_text=_("PDF, Word or plain text."))

    class Meta:
        model = AgreementDocument
        fields = ["title", "language", "version"]
