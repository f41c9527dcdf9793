"""Page forms. They validate input and hand ``cleaned_data`` to a service; they never save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from hkcq.accounts.models import User
from hkcq.core.forms import DateInput, StyledModelForm
from hkcq.kb import permissions
from hkcq.kb.models import Entry
from hkcq.registry.models import Unit


class EntryForm(StyledModelForm):
    """Officers choose among their own units; the secretariat among all."""

    class Meta:
        model = Entry
        fields = [
            "slug",
            "topic",
            "title",
            "question_forms",
            "body",
            "unit",
            "area",
            "source",
            "effective_from",
            "effective_to",
            "review_note",
        ]
        widgets = {"effective_from": DateInput(), "effective_to": DateInput()}

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units
        if self.instance.pk:
            # The stable id never changes once other pages and replies link to it.
            self.fields["slug"].disabled = True
        self.fields["slug"].help_text = _("Lower-case letters, digits and hyphens; it is part of the entry's address.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("The end date must not be before the start date."))
        return data


class AskForm(forms.Form):
    q = forms.CharField(
        label=_("Your question"),
        max_length=500,
        required=True,
        widget=forms.TextInput(attrs={"class": "form-control form-control-lg", "autocomplete": "off"}),
        error_messages={"required": _("Type a question.")},
    )


def units_for(user: User) -> QuerySet[Unit]:

    if permissions.can_publish(user):
        return Unit.objects.filter(is_active=True)
    return Unit.objects.filter(members=user, is_active=True)
