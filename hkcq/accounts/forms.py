from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from hkcq.accounts import services
from hkcq.accounts.models import User
from hkcq.core.forms import StyledBoundField, widgets_style
from hkcq.core.outbox import email_queue


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "unconfirmed": _(
            "Your account is waiting for you to confirm your e-mail address: open the link we sent you. "
            "If you cannot find the e-mail, ask for a new link."
        ),
        "throttled": ngettext_lazy(
            "Too many failed sign-in attempts. For your security, wait %(minutes)d minute "
            "and try again, or reset your password.",
            "Too many failed sign-in attempts. For your security, wait %(minutes)d minutes "
            "and try again, or reset your password.",
            "minutes",
        ),
    }

    def clean(self) -> dict[str, Any]:
        """Growing waits after failures, per (user name, address) or (user name, trusted browser):
        hkcq.accounts.services, "sign-in throttling"."""
        username = self.cleaned_data.get("username") or ""
        if "@" in username:
            # organisations sign in with their e-mail address, kept in lower case as the user name
            username = self.cleaned_data["username"] = username.strip().lower()
        if username and self.request is not None:
            wait = services.login_wait(request=self.request, username=username)
            if wait:
                raise ValidationError(
                    self.error_messages["throttled"], code="throttled", params={"minutes": max(1, (wait + 59) // 60)}
                )
        try:
            cleaned = super().clean()
        except ValidationError:
            if username and self.request is not None:
                services.login_failure_record(request=self.request, username=username)
            password = self.cleaned_data.get("password") or ""
            if services.unconfirmed_sign_up(username=username, password=password):
                raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed") from None
            raise
        services.login_success_record(username=username)
        return cleaned


class QueuedPasswordResetForm(PasswordResetForm):
    """Sends the reset e-mail through the task queue, in the recipient's own language."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = getattr(user, "preferred_language", None) or translation.get_language()
        with translation.override(language):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        email_queue(subject=subject, body=body, to=[to_email], language=language)


class PreferencesForm(forms.ModelForm):
    bound_field_class = StyledBoundField

    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "preferred_language"]
        help_texts = {"preferred_language": _("E-mails to you are written in this language.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widgets_style(self.fields)


class ApiTokenForm(forms.Form):
    bound_field_class = StyledBoundField

    name = forms.CharField(label=_("Token name"), max_length=100, help_text=_("For example: reporting script."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widgets_style(self.fields)


class CodeForm(forms.Form):
    """A code from the authenticator app (TOTP)."""

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        error_messages={"required": _("Type the 6-digit code your authenticator app shows.")},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Type the 6-digit code your authenticator app shows."))
        return code


class SignInPolicyForm(forms.Form):
    bound_field_class = StyledBoundField

    staff_second_factor_required = forms.BooleanField(
        label=_("Staff must sign in with a code from an authenticator app"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widgets_style(self.fields)


class ResendConfirmationForm(forms.Form):
    bound_field_class = StyledBoundField

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address you signed up with."),
            "invalid": _("Enter an e-mail address, like name@example.org."),
        },
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "email"}),
    )
