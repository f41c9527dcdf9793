"""Form pieces shared by the apps' page forms, and the one way a domain error reaches a form.

- ``StyledModelForm``: Bootstrap classes for every field (staff create/edit forms), errors marked
  by ``StyledBoundField``;
- ``DateInput``: a native date picker; ``InlineRadioSelect``: radios side by side (a 1–5 rating);
- ``StyledBoundField``: ``is-invalid`` on a field with errors (``bound_field_class``);
- every field is drawn by the one template ``core/_field.html`` (label, input, help, error);
- ``add_domain_error(form, exc)``: a service's ``DomainError`` onto the form, nothing typed lost;
- ``choose_prompt(fields)``: Django's empty choice "---------" shown as a translated "Choose…"
  (``StyledBoundField`` and the styled forms apply it to every field they draw).
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

from hkcq.core.errors import DomainError

# What Django shows for "no choice" in a select (a model field's blank choice, a ModelChoiceField's
# default empty label): a row of dashes nobody reads as a prompt, the same in every language.
F = TypeVar("F", bound=forms.Field)
DASHES = "---------"
CHOOSE = _("Choose…")


def choose_prompt(fields: Any) -> None:
    """Each of ``fields`` (a form's ``fields``, or one field) offers its empty choice as "Choose…"
    in the page's language instead of Django's "---------"."""
    for field in fields.values() if hasattr(fields, "values") else [fields]:
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DASHES:
                field.empty_label = CHOOSE
        elif isinstance(field, forms.ChoiceField):
            choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
            if any(label == DASHES for _value, label in choices):
                field.choices = [(value, CHOOSE if label == DASHES else label) for value, label in choices]


def widgets_style(fields: Any) -> None:
    """Bootstrap's class on every field's inputs, the one place it is set (a class a widget
    already has is kept): radios and a group of checkboxes ``form-check-input`` on each box, a
    select ``form-select``, a box to tick ``form-check-input``, any other input ``form-control``;
    a hidden input and a widget made of several (a text in three languages) are left alone."""
    for field in fields.values():
        widget = field.widget
        if isinstance(widget, (forms.MultiWidget, forms.HiddenInput)):
            continue
        if isinstance(widget, (forms.RadioSelect, forms.CheckboxInput)):  # RadioSelect: a group of checkboxes too
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):  # SelectMultiple too
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledBoundField(forms.BoundField):
    """A field that shows its errors: Bootstrap's ``is-invalid`` next to Django's own
    ``aria-invalid``, and Django's ``aria-describedby`` listing the help text and the error
    (ids ``<id>_helptext`` and ``<id>_error``, which ``core/_field.html`` gives them).
    Worked out when the field is drawn, so an error a service adds after validation counts
    too. Forms use it with ``bound_field_class = StyledBoundField``. Its field's empty choice
    reads "Choose…" (``choose_prompt``)."""

    def __init__(self, form: Any, field: Any, name: str) -> None:
        choose_prompt(field)
        super().__init__(form, field, name)

    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> Any:
        attrs = super().build_widget_attrs(attrs, widget)
        if attrs.get("aria-invalid"):
            drawn = widget or self.field.widget
            # A text in three languages (a MultiWidget) hands these attributes to each of its
            # inputs, replacing their class: keep theirs (form-control) beside is-invalid.
            inner = drawn.widgets[0].attrs.get("class", "") if isinstance(drawn, forms.MultiWidget) else ""
            classes = attrs.get("class") or drawn.attrs.get("class") or inner
            attrs["class"] = f"{classes} is-invalid".strip()
        return attrs


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class InlineRadioSelect(forms.RadioSelect):
    """Radios that ``core/_field.html`` lays side by side (short choices: a rating from 1 to 5)."""

    inline = True


class StyledModelForm(forms.ModelForm):
    """Bootstrap classes for every field, set in one place; errors are marked when the field is
    drawn (``StyledBoundField``: ``is-invalid``, ``aria-invalid`` and an ``aria-describedby`` naming
    the help text and the error that ``core/_field.html`` draws), so an error a service adds after
    validation (``add_domain_error``) is marked too."""

    bound_field_class: type[forms.BoundField] | None = StyledBoundField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepare()
        choose_prompt(self.fields)
        widgets_style(self.fields)

    def prepare(self) -> None:
        """Adjust fields (choices, querysets, disabled) before the form is cleaned."""


def summary_name(field: F, name: Any) -> F:
    """``field`` with the short name the error summary calls it by ("Consent"), for a field whose
    label is a sentence (a box to tick): "Consent: This field is required."."""
    field.summary_label = name  # type: ignore[attr-defined]
    return field


def add_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Put a service's error onto ``form``: each entry of ``exc.details`` on its field (or on the
    form when the form has no such field), and the error's message on the form when no detail
    was placed, so an error is never dropped. What was typed stays in the form."""
    placed = False
    for name, errors in (exc.details or {}).items():
        for error in errors if isinstance(errors, (list, tuple)) else [errors]:
            form.add_error(name if name in form.fields else None, str(error))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))
