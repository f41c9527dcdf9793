"""Form helpers shared by the apps' page forms."""

from __future__ import annotations

from typing import Any

from django import forms


class StyledBoundField(forms.BoundField):
    """A field that shows its errors: Bootstrap's ``is-invalid`` next to Django's own
    ``aria-invalid``, and Django's ``aria-describedby`` listing the help text and the error
    (ids ``<id>_helptext`` and ``<id>_error``, which the apps' ``_field.html`` give them).
    Worked out when the field is drawn, so an error a service adds after validation counts
    too. Forms use it with ``bound_field_class = StyledBoundField``."""

    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> Any:
        attrs = super().build_widget_attrs(attrs, widget)
        if attrs.get("aria-invalid"):
            classes = attrs.get("class") or (widget or self.field.widget).attrs.get("class", "")
            attrs["class"] = f"{classes} is-invalid".strip()
        return attrs
