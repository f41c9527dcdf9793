"""Page forms. They validate input and hand ``cleaned_data`` to a service; they never save."""

from __future__ import annotations

import time
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from hkcq.accounts.models import User
from hkcq.core.forms import DateInput, StyledBoundField, summary_name, widgets_style
from hkcq.core.translated import TranslatedFormField
from hkcq.registry.models import Area, Decision, Measure, Meeting, Unit
from hkcq.suggestions.models import Suggestion
from hkcq.suggestions.references import reference_normalise

STARTED_SALT = "hkcq.suggestions.started"
FORM_MAX_AGE = 24 * 60 * 60


def started_token(at: float | None = None) -> str:
    """A signed time stamp of when the form was shown (for the minimum fill time)."""
    return signing.dumps(at if at is not None else time.time(), salt=STARTED_SALT)


def started_kept(raw: str | None) -> str:
    """The time stamp for a form shown again (its errors, a refusal): the one it was first shown
    with, so the minimum fill time counts from the first render and a quick correction is not
    "very quick". An expired one is replaced by one already past the minimum (the person has
    long been at it: sending again at once is no bot); a missing or forged one by a fresh one."""
    already_past = time.time() - settings.SUGGESTION_MIN_FILL_SECONDS
    try:
        started = float(signing.loads(raw or "", salt=STARTED_SALT, max_age=FORM_MAX_AGE))
    except signing.SignatureExpired:
        return started_token(already_past)
    except (signing.BadSignature, TypeError, ValueError):
        return started_token()
    if time.time() - started > FORM_MAX_AGE:
        return started_token(already_past)
    return raw or started_token()


class Styled:
    """Bootstrap classes for every field, set in one place; errors are marked by
    ``StyledBoundField`` (``is-invalid``, ``aria-invalid``, ``aria-describedby``)."""

    bound_field_class: type[forms.BoundField] | None = StyledBoundField

    def style(self: Any) -> None:
        widgets_style(self.fields)


class SubmitForm(Styled, forms.Form):
    ANONYMOUS, NAMED = "anonymous", "named"

    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(
        label=_("Your suggestion"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Please do not include identity card numbers or phone numbers: the suggestion may be published."),
    )
    area = forms.ModelChoiceField(
        label=_("Co-operation area"),
        queryset=Area.objects.order_by("position"),
        required=False,
        to_field_name="ext_id",
        empty_label=_("No particular area"),
        help_text=_("Suggested from your text; change it if another area fits better."),
    )
    language = forms.ChoiceField(label=_("Language of your suggestion"), choices=settings.LANGUAGES)
    identity = forms.ChoiceField(
        label=_("Send it"),
        choices=[(ANONYMOUS, _("Anonymously")), (NAMED, _("With my name and e-mail, to hear back"))],
        widget=forms.RadioSelect,
        initial=ANONYMOUS,
    )
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    consent = summary_name(
        forms.BooleanField(
            label=_(
                "I have read the notice on personal data above and agree that my suggestion may be published after "
                "moderation."
            )
        ),
        _("Consent"),
    )
    # Bot traps: a field people never see (and never fill) and the time the form was shown.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)
    # This form's key: sending it twice (a double click, a retry) stores one suggestion.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if getattr(user, "is_authenticated", False) else None
        if self.user is not None:
            del self.fields["name"]
            del self.fields["email"]
            cast(forms.ChoiceField, self.fields["identity"]).choices = [
                (self.ANONYMOUS, _("Anonymously")),
                (self.NAMED, _("With my account, to hear back")),
            ]
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("website") or "").strip():
            raise forms.ValidationError(_("Your suggestion could not be accepted. Please check it and send it again."))
        if data.get("identity") == self.NAMED and self.user is None and not data.get("email"):
            self.add_error("email", _("Give an e-mail address, or send the suggestion anonymously."))
        if data.get("identity") == self.NAMED and self.user is not None and not self.user.email:
            self.add_error("identity", _("Your account has no e-mail address. Add one, or send anonymously."))
        if self.errors:
            # The fields already say what to fix (an empty form): "that was very quick" or
            # "expired" on top would only add a second, irrelevant error. The form is refused
            # either way; the timing is checked when the fields are right.
            return data
        try:
            started = float(signing.loads(data.get("started") or "", salt=STARTED_SALT, max_age=FORM_MAX_AGE))
        except (signing.BadSignature, TypeError, ValueError):
            raise forms.ValidationError(_("This form has expired. Check what you wrote and send it again.")) from None
        if time.time() - started > FORM_MAX_AGE:
            raise forms.ValidationError(_("This form has expired. Check what you wrote and send it again."))
        if time.time() - started < settings.SUGGESTION_MIN_FILL_SECONDS:
            raise forms.ValidationError(_("That was very quick. Please check your suggestion, then send it again."))
        return data


class SupportForm(Styled, forms.Form):
    email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("Without an account we count you once per browser, or once per e-mail address if you give one."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class ApproveForm(Styled, forms.Form):
    public_title = forms.CharField(label=_("Title the public will see"), max_length=200)
    public_text = forms.CharField(
        label=_("Text the public will see"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Personal data found automatically is masked (▇▇▇). Check and edit before approving."),
    )
    area = forms.ModelChoiceField(
        label=_("Co-operation area"), queryset=Area.objects.order_by("position"), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"),
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        help_text=_("The unit's officers may answer the suggestion."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class RedactForm(Styled, forms.Form):
    public_title = forms.CharField(label=_("Title the public will see"), max_length=200)
    public_text = forms.CharField(label=_("Text the public will see"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class AreaForm(Styled, forms.Form):
    area = forms.ModelChoiceField(
        label=_("Co-operation area"), queryset=Area.objects.order_by("position"), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Unit.objects.filter(is_active=True), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class RejectForm(Styled, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Suggestion.RejectReason.choices)
    note = forms.CharField(label=_("Note for the record"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class MergeForm(Styled, forms.Form):
    target = forms.CharField(
        label=_("Reference of the suggestion to merge into"),
        max_length=30,
        help_text=_("A published suggestion, such as SG-000012-4."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean_target(self) -> str:
        value = reference_normalise(self.cleaned_data["target"])
        if value is None:
            raise forms.ValidationError(_("Check the reference: it is not one of ours."))
        return value


class RespondForm(Styled, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Suggestion.Status.choices)
    response = TranslatedFormField(label=_("Public response"), multiline=True, required=False)
    reason = TranslatedFormField(label=_("Reason (required when not adopted)"), multiline=True, required=False)
    measure = forms.ModelChoiceField(
        label=_("Linked measure"), queryset=Measure.objects.select_related("area"), required=False
    )
    decision = forms.ModelChoiceField(
        label=_("Linked meeting decision"), queryset=Decision.objects.select_related("meeting"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Suggestion.Status.NOT_ADOPTED and not any((data.get("reason") or {}).values()):
            self.add_error("reason", _("Give the reason why the suggestion is not adopted."))
        return data


class DigestForm(Styled, forms.Form):
    meeting = forms.ModelChoiceField(
        label=_("Communication meeting"),
        queryset=Meeting.objects.filter(kind=Meeting.Kind.COMMUNICATION).order_by("-date"),
        required=False,
        to_field_name="ext_id",
        empty_label=_("Choose dates instead"),
        help_text=_("The period since the previous communication meeting."),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if not data.get("meeting") and not end:
            self.add_error("end", _("Choose a communication meeting, or the last day of the period."))
        if start and end and start > end:
            self.add_error("end", _("The period must end on or after its first day."))
        return data
