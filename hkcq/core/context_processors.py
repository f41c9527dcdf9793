from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "is_staff_member": bool(getattr(user, "is_staff_member", False)),
        "is_secretariat": bool(getattr(user, "is_secretariat", False)),
    }
