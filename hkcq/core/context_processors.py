from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

# The platform's name, in the reader's language (page header, titles, e-mails).
PLATFORM_NAME = _("Hong Kong/Chongqing Co-operation Platform")


def platform(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "PLATFORM_NAME": PLATFORM_NAME,
        "is_staff_member": bool(getattr(user, "is_staff_member", False)),
        "is_secretariat": bool(getattr(user, "is_secretariat", False)),
    }
