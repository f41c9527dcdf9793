"""Page forms of the partnering service. They parse input and hand ``cleaned_data`` to a service;
the services validate what matters (and say so in one translated message per problem)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from hkcq.core.choices import Side
from hkcq.core.forms import CHOOSE, DateInput, StyledBoundField, widgets_style
from hkcq.core.templatetags.hkcq import punct
from hkcq.core.translated import TranslatedFormField
from hkcq.partnering import selectors
from hkcq.partnering.models import (
    DealSize,
    FacilitatorDesk,
    Opportunity,
    OpportunityType,
    OrganisationProfile,
    OutcomeKind,
    Sector,
    ServiceKind,
    WorkLanguage,
)
from hkcq.registry.models import Area, Organisation, Unit


class Styled(forms.Form):
    bound_field_class = StyledBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widgets_style(self.fields)


class SectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Sector) -> str:
        return f"{obj.parent} – {obj}" if obj.parent_id else str(obj)


class AreaChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Area) -> str:
        return str(obj.name)


def _sectors() -> Any:
    return Sector.objects.select_related("parent").order_by("position")


class ProfileForm(Styled):
    name = TranslatedFormField(label=_("Name of the organisation"))
    side = forms.ChoiceField(label=_("Side"), choices=Side.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=OrganisationProfile.Kind.choices)
    sector = SectorChoiceField(label=_("Sector"), queryset=_sectors(), empty_label=_("Choose a sector"))
    size = forms.ChoiceField(label=_("Size"), choices=OrganisationProfile.Size.choices)
    city = TranslatedFormField(label=_("City"))
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"), choices=WorkLanguage.choices, widget=forms.CheckboxSelectMultiple
    )
    description = TranslatedFormField(
        label=_("What the organisation does"),
        multiline=True,
        help_text=_("Write in one language or more; a missing Chinese script is filled in automatically and marked."),
    )
    areas = AreaChoices(
        label=_("Co-operation areas of interest"), queryset=Area.objects.order_by("position"), required=False
    )
    website = forms.CharField(label=_("Website"), required=False)
    contact_name = forms.CharField(label=_("Contact person"), required=False)
    contact_position = forms.CharField(label=_("Job title"), required=False)
    contact_email = forms.CharField(label=_("Contact e-mail address"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["languages"].required = False
        if editing:
            del self.fields["side"]

    def clean_contact_email(self) -> str:
        """Checked here as well as by the service, so that the error sits on its field (the
        service reports every contact's problems under one ``contacts`` key)."""
        email = self.cleaned_data["contact_email"].strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(_("Enter a valid e-mail address for each contact person.")) from None
        return email


class MemberAddForm(Styled):
    member = forms.CharField(
        label=_("Username or e-mail address"),
        help_text=_("The person needs an account on the platform."),
    )


class OpportunityForm(Styled):
    type = forms.ChoiceField(label=_("Type"), choices=OpportunityType.choices)
    title = TranslatedFormField(label=_("Title"))
    description = TranslatedFormField(
        label=_("Description"),
        multiline=True,
        help_text=_("What you offer or need, and the partner you look for. Plain text, no contact details."),
    )
    sector = SectorChoiceField(label=_("Sector"), queryset=_sectors(), empty_label=_("Choose a sector"))
    areas = AreaChoices(label=_("Co-operation areas"), queryset=Area.objects.order_by("position"))
    service_kind = forms.ChoiceField(
        label=_("Professional service"),
        choices=[("", _("Not a professional service")), *ServiceKind.choices],
        required=False,
    )
    target_side = forms.ChoiceField(label=_("Looking for partners in"), choices=Opportunity.TargetSide.choices)
    keywords = forms.CharField(label=_("Keywords"), required=False)
    deal_size = forms.ChoiceField(
        label=_("Deal size"), choices=[("", _("Not applicable")), *DealSize.choices], required=False
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for six months from today. You are reminded two weeks before."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"), choices=Opportunity.Visibility.choices, widget=forms.RadioSelect, initial="public"
    )

    def __init__(self, *args: Any, profiles: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if profiles is not None:
            self.fields["profile"] = forms.ModelChoiceField(
                label=_("Organisation"),
                queryset=profiles,
                empty_label=None,
                widget=forms.Select(attrs={"class": "form-select"}),
            )
            self.order_fields(["profile"])


class InterestForm(Styled):
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who you are and what you propose. Contacts are shared only if the owner accepts."),
    )

    def __init__(self, *args: Any, profiles: Any, own_opportunities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profile"] = forms.ModelChoiceField(
            label=_("On behalf of"),
            queryset=profiles,
            empty_label=None,
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.fields["from_opportunity"] = forms.ModelChoiceField(
            label=_("Your related opportunity"),
            queryset=own_opportunities,
            required=False,
            # Not "None", which reads as an empty value shown raw ("Your related opportunity: None").
            empty_label=_("No related opportunity"),
            widget=forms.Select(attrs={"class": "form-select"}),
        )
        self.order_fields(["profile", "from_opportunity", "message"])


class ReasonForm(Styled):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class OutcomeForm(Styled):
    # no kind chosen for the person: an outcome recorded by mistake would count on the dashboard
    kind = forms.ChoiceField(label=_("What came of it"), choices=[("", CHOOSE), *OutcomeKind.choices])
    area = forms.ModelChoiceField(
        label=_("Co-operation area"), queryset=Area.objects.order_by("position"), empty_label=_("Choose an area")
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class MarketForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    type = forms.ChoiceField(required=False, choices=[("", ""), *OpportunityType.choices])
    sector = forms.CharField(required=False, max_length=60)
    area = forms.CharField(required=False, max_length=100)
    side = forms.ChoiceField(required=False, choices=[("", ""), *Side.choices])
    language = forms.ChoiceField(required=False, choices=[("", ""), *WorkLanguage.choices])


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}{punct('(')}{obj.get_side_display()}{punct(')')}"


class DeskForm(Styled):
    """The secretariat marks a registry unit as a facilitator desk of its side (or unmarks it)."""

    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.filter(is_active=True).order_by("side", "ext_id"), empty_label=None
    )
    kind = forms.ChoiceField(label=_("Kind of desk"), choices=FacilitatorDesk.Kind.choices)
    active = forms.BooleanField(label=_("Active: its officers facilitate for their side"), required=False, initial=True)


class RegistryOrganisationChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return f"{obj.name}{punct('(')}{obj.get_side_display()}{punct(')')}"


class SignUpForm(Styled):
    """A person of an organisation opens an account (partnering.services.account_sign_up). The
    required messages name what is missing, so the error summary reads on its own."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        error_messages={"required": _("Enter your name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("You sign in with it. We send a link to it to confirm it is yours."),
        error_messages={"required": _("Enter your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        help_text=_("At least 8 characters; not a common password, not all digits, not like your name or e-mail."),
        error_messages={"required": _("Choose a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Type the password again"),
        strip=False,
        error_messages={"required": _("Type the same password again.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(
        label=_("The language we write to you in"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the language we write to you in.")},
    )
    organisation = RegistryOrganisationChoice(
        label=_("The organisation you act for"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("It is not in this list: I name it below"),
        help_text=_("Organisations already in the co-operation registry. Choose yours, or name it below."),
        error_messages={"invalid_choice": _("Choose an organisation from the list.")},
    )
    organisation_name = forms.CharField(
        label=_("Name of your organisation (if it is not in the list)"), max_length=200, required=False
    )
    organisation_side = forms.ChoiceField(
        label=_("Your organisation is of (if it is not in the list)"),
        choices=Side.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = selectors.sign_up_registry_organisations()  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("language", translation.get_language())

    def clean(self) -> dict[str, Any]:
        """The organisation's problems are listed with the others at once (the service checks
        them again, with the account's)."""
        data = super().clean() or {}
        if not data.get("organisation") and "organisation" not in self.errors:
            if not (data.get("organisation_name") or "").strip():
                self.add_error("organisation_name", _("Choose your organisation from the list, or enter its name."))
            if not data.get("organisation_side"):
                self.add_error("organisation_side", _("Choose Hong Kong or Chongqing."))
        return data
