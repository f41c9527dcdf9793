"""The digest of suggestions for a communication meeting: one data structure that the HTML page,
the PDF and the workbook all render, so their figures cannot disagree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from hkcq.core.translated import TText
from hkcq.registry.models import Area, Meeting
from hkcq.suggestions import similarity
from hkcq.suggestions.models import Suggestion

THEMES = 10
QUOTE_CHARS = 400


@dataclass
class Theme:
    title: str
    suggestions: list[Suggestion]

    @property
    def voices(self) -> int:
        return sum(s.voices for s in self.suggestions)

    @property
    def quote(self) -> Suggestion:
        return self.suggestions[0]

    @property
    def quote_text(self) -> str:
        return quote(self.quote.public_text)


@dataclass
class Digest:
    start: dt.date | None
    end: dt.date
    meeting: Meeting | None
    statuses: list[tuple[str, str]]
    rows: list[tuple[str, list[int], int]]  # area name, count per status, total
    totals: list[int]
    total: int
    states: dict[str, int]
    themes: list[Theme]
    answered: list[Suggestion]
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def state_rows(self) -> list[tuple[str, int]]:
        labels = dict(Suggestion.State.choices)
        return [(str(labels[k]), v) for k, v in self.states.items()]

    @property
    def title(self) -> str:
        if self.meeting is not None:
            return _("Digest of views and suggestions for %(meeting)s") % {"meeting": self.meeting.title.show().text}
        return _("Digest of views and suggestions")


def previous_communication_meeting(meeting: Meeting) -> Meeting | None:
    return (
        Meeting.objects.filter(kind=Meeting.Kind.COMMUNICATION, date__lt=meeting.date)
        .exclude(pk=meeting.pk)
        .order_by("-date", "-id")
        .first()
    )


def period_for_meeting(meeting: Meeting) -> tuple[dt.date | None, dt.date]:
    """Since the previous communication meeting (the day after it) up to this meeting's day."""
    previous = previous_communication_meeting(meeting)
    return (previous.date + dt.timedelta(days=1) if previous else None), meeting.date


def _bounds(start: dt.date | None, end: dt.date) -> tuple[dt.datetime | None, dt.datetime]:
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=tz) if start else None
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return low, high


def _in_period(field_name: str, start: dt.date | None, end: dt.date) -> dict[str, Any]:
    low, high = _bounds(start, end)
    filters: dict[str, Any] = {f"{field_name}__lt": high}
    if low is not None:
        filters[f"{field_name}__gte"] = low
    return filters


def build(*, start: dt.date | None, end: dt.date, meeting: Meeting | None = None) -> Digest:
    """Suggestions submitted in the period: counts by state; the published ones by area and
    status; themes by likeness, most voices first; and what was answered in the period."""
    submitted = Suggestion.objects.filter(**_in_period("created_at", start, end))
    states = {value: 0 for value in Suggestion.State.values}
    for row in submitted.values("state").annotate(n=Count("id")):
        states[row["state"]] = row["n"]

    published = list(
        submitted.filter(state=Suggestion.State.PUBLISHED).select_related("area").order_by("-supporter_count", "id")
    )
    statuses = list(Suggestion.Status.choices)
    areas = list(Area.objects.order_by("position"))
    counts: dict[int | None, list[int]] = {a.pk: [0] * len(statuses) for a in areas}
    counts[None] = [0] * len(statuses)
    index = {value: i for i, (value, _label) in enumerate(statuses)}
    for s in published:
        counts[s.area_id][index[s.status]] += 1
    rows = [(a.name.show().text, counts[a.pk], sum(counts[a.pk])) for a in areas]
    rows.append((_("No area given"), counts[None], sum(counts[None])))
    totals = [sum(row[1][i] for row in rows) for i in range(len(statuses))]

    groups = similarity.group(published, lambda s: f"{s.public_title} {s.public_text}")
    themes = [Theme(title=g[0].public_title, suggestions=g) for g in groups]
    themes.sort(key=lambda t: (-t.voices, -len(t.suggestions), t.quote.pk))

    answered = list(
        Suggestion.objects.filter(state=Suggestion.State.PUBLISHED, **_in_period("responded_at", start, end))
        .select_related("area", "measure", "decision")
        .order_by("area__position", "status", "responded_at", "id")
    )
    return Digest(
        start=start,
        end=end,
        meeting=meeting,
        statuses=[(v, str(label)) for v, label in statuses],
        rows=rows,
        totals=totals,
        total=sum(totals),
        states=states,
        themes=themes[:THEMES],
        answered=answered,
    )


def quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1] + "…"


def workbook_sheets(digest: Digest) -> dict[str, list[list[Any]]]:
    """The digest as sheets for ``hkcq.core.exports.xlsx_bytes`` (active language)."""
    counts: list[list[Any]] = [[_("Area"), *[label for _v, label in digest.statuses], _("Total")]]
    for name, values, total in digest.rows:
        counts.append([name, *values, total])
    counts.append([_("Total"), *digest.totals, digest.total])
    moderation: list[list[Any]] = [[_("Moderation"), _("Suggestions")]]
    moderation += [[label, count] for label, count in digest.state_rows]
    themes: list[list[Any]] = [[_("Theme"), _("Suggestions"), _("Voices"), _("Representative quote"), _("Reference")]]
    for theme in digest.themes:
        themes.append(
            [theme.title, len(theme.suggestions), theme.voices, quote(theme.quote.public_text), theme.quote.reference]
        )
    answered: list[list[Any]] = [[_("Reference"), _("Area"), _("Title"), _("Status"), _("Response"), _("Answered at")]]
    for s in digest.answered:
        answered.append(
            [
                s.reference,
                s.area.name.show().text if s.area else "",
                s.public_title,
                s.get_status_display(),
                TText.from_json(s.response).show().text,
                timezone.localtime(s.responded_at).date() if s.responded_at else None,
            ]
        )
    return {
        str(_("Counts")): counts,
        str(_("Moderation")): moderation,
        str(_("Themes")): themes,
        str(pgettext("suggestions", "Answered")): answered,
    }
