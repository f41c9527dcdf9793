"""Choices shared by several apps (kept in core so apps never import each other for them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    HONG_KONG = "hong_kong", _("Hong Kong")
    CHONGQING = "chongqing", _("Chongqing")


class OrgSide(models.TextChoices):
    HONG_KONG = "hong_kong", _("Hong Kong")
    CHONGQING = "chongqing", _("Chongqing")
    CENTRAL = "central", _("Central People's Government")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    ORG_MEMBER = "org_member", _("Organisation member")
    OFFICER = "officer", _("Unit officer")
    SECRETARIAT = "secretariat", _("Secretariat")
    ADMIN = "admin", _("Administrator")
