from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from hkcq.core.choices import Role, Side


class User(AbstractUser):
    """A person with an account. Staff (officers, secretariat) belong to a side; their units
    are recorded on the registry's Unit (``Unit.members``) so accounts never imports registry."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESIDENT)
    side = models.CharField(_("side"), max_length=20, choices=Side.choices, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # Until a person chooses a language on their account page, the language they sign in with is
    # the one the platform writes to them in (accounts.services.user_language_from_sign_in).
    language_chosen = models.BooleanField(_("language chosen by the person"), default=False)
    # Accounts opened on the sign-up page (people who act for an organisation): inactive until the
    # link e-mailed to the address is followed (accounts.services.user_sign_up, user_confirm_email).
    # Accounts the administrators open have neither date.
    signed_up_at = models.DateTimeField(_("signed up"), null=True, blank=True)
    email_confirmed_at = models.DateTimeField(_("e-mail address confirmed"), null=True, blank=True)
    # What the person said at sign-up about the organisation they act for (``{"registry": <registry
    # organisation id>}`` or ``{"name": ..., "side": ...}``). It grants nothing: the partnering
    # service pre-fills the profile form from it; membership comes only from a profile (partnering).
    signup_organisation = models.JSONField(_("organisation named at sign-up"), default=dict, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="staff_roles_have_a_side",
                condition=~models.Q(role__in=["officer", "secretariat"]) | ~models.Q(side=""),
            )
        ]

    @property
    def is_administrator(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def is_secretariat(self) -> bool:
        return self.is_active and (self.role == Role.SECRETARIAT or self.is_administrator)

    @property
    def is_officer(self) -> bool:
        return self.is_active and self.role == Role.OFFICER

    @property
    def is_staff_member(self) -> bool:
        """Officers, secretariat and administrators: people who see internal detail."""
        return self.is_officer or self.is_secretariat

    @property
    def display_name(self) -> str:
        """How the platform names a person to others: their full name; an account without one by
        what it is and its user name, so that two of them stay apart ("Secretariat, Hong Kong
        (sec-hk-7)", "香港秘書處（sec-hk-7）"), never the bare user name."""
        full = self.get_full_name()
        if full:
            return full
        if self.side:
            return str(
                _("%(role)s, %(side)s (%(username)s)")
                % {"role": self.get_role_display(), "side": self.get_side_display(), "username": self.username}
            )
        return str(_("%(role)s (%(username)s)") % {"role": self.get_role_display(), "username": self.username})


class SignInPolicy(models.Model):
    """How staff sign in, kept by the secretariat (one row). ``staff_second_factor_required``:
    officers, secretariat and administrators must sign in with a TOTP code too, and set one up at
    their next sign-in if they have none."""

    staff_second_factor_required = models.BooleanField(_("require a second factor for staff"), default=False)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policy")

    def __str__(self) -> str:
        return f"second factor required: {self.staff_second_factor_required}"

    @classmethod
    def current(cls) -> SignInPolicy:
        return cls.objects.get_or_create(pk=1)[0]


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 digest is stored; the token itself is
    shown once, when it is created."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
