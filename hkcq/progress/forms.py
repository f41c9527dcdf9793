from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hkcq.core.forms import StyledBoundField, widgets_style
from hkcq.core.translated import TranslatedFormField
from hkcq.progress.models import ProgressSettings, Status


class BootstrapMixin:
    """Bootstrap's classes on every input (``widgets_style``) and errors marked where a field is
    drawn (``StyledBoundField``), as on every form of the platform."""

    bound_field_class: type[forms.BoundField] | None = StyledBoundField

    def style(self) -> None:
        widgets_style(self.fields)  # type: ignore[attr-defined]


class UpdateForm(BootstrapMixin, forms.Form):
    status = forms.ModelChoiceField(
        label=_("Status"),
        queryset=Status.objects.none(),
        empty_label=None,
        error_messages={"required": _("Choose a status from the scale.")},
    )
    percent = forms.IntegerField(
        label=_("Percent complete"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("Leave empty to use the status's default percent."),
        error_messages={
            "invalid": _("Enter a whole number from 0 to 100."),
            "min_value": _("Enter a whole number from 0 to 100."),
            "max_value": _("Enter a whole number from 0 to 100."),
        },
    )
    public_narrative = TranslatedFormField(
        label=_("Narrative for the public"),
        multiline=True,
        required=False,
        help_text=_("Shown on the public pages once the update is published."),
    )
    internal_narrative = TranslatedFormField(
        label=_("Internal narrative (officials only)"), multiline=True, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["status"]).queryset = Status.objects.filter(is_active=True).order_by(
            "position", "id"
        )
        self.style()


class ReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say why the update is returned, so its author can fix it.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()


class EvidenceForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    upload = forms.FileField(label=_("File"), required=False)
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    is_public = forms.BooleanField(label=_("Show to the public once the update is published"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("upload") and not cleaned.get("link") and not self.errors:
            self.add_error("upload", _("Attach a file or give a link."))
        return cleaned


class StatusForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Status
        fields = ["key", "name", "default_percent", "position", "is_terminal", "is_ongoing", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def _post_clean(self) -> None:
        # The service validates and saves; the model instance is not touched here.
        pass


class SettingsForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = ProgressSettings
        fields = ["rollup_method", "stale_after_days"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()

    def _post_clean(self) -> None:
        pass


class WeightForm(BootstrapMixin, forms.Form):
    weight = forms.DecimalField(
        label=_("Weight among its siblings"),
        min_value=0,
        max_digits=6,
        decimal_places=2,
        help_text=_("1 is the usual weight; 2 counts twice; 0 leaves it out of the average."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style()
