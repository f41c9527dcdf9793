from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.contrib.auth.models import AnonymousUser

from hkcq.accounts.types import Viewer
from hkcq.progress import permissions, selectors

register = template.Library()


@register.inclusion_tag("progress/_measure_progress_block.html", takes_context=True)
def measure_progress(context: template.Context, measure: Any) -> dict[str, Any]:
    """Both sides' status, the joint status, the disagreement flag and the latest published
    updates of a measure, for the registry's measure page."""
    request = context.get("request")
    user: Viewer = getattr(request, "user", None) or AnonymousUser()
    side = permissions.user_side(user)
    data = selectors.measure_progress(measure)
    open_update = selectors.open_update_for(measure, side) if side else None
    return {
        **data,
        "measure": measure,
        "request": request,
        "can_draft": bool(side and permissions.can_draft(user, measure, side)),
        "open_update": open_update,
        "can_manage": permissions.can_manage_scale(user),
    }


@register.filter
def pct(value: Decimal | int | str | None) -> str:
    """A percent for display: whole numbers without decimals, otherwise one decimal."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    text = f"{number:.0f}" if number == number.to_integral_value() else f"{number:.1f}"
    return f"{text}%"
