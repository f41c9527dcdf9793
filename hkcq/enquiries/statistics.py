"""Statistics of the enquiry service: volume (by topic, unit, language), service-level compliance
and satisfaction, over a period of receipt. Pure reads; figures for pages and tests.

- Topic: the topic of the first knowledge-base entry cited in a reply of the case (an enquiry
  has no topic of its own); cases with no cited entry are counted as *not classified*.
- Compliance: a deadline counts once it is decided — met (done by the deadline) or missed (done
  after it, or not done and the deadline passed). Deadlines still running are not counted.
  The reply deadline of a case waiting for the resident runs on when the pause ends, so such a
  case is not counted as missed while it waits.
- Satisfaction: mean of the 1–5 ratings given (service, outcome) and how many gave one.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hkcq.core.translated import LANGUAGE_LABELS, TText
from hkcq.enquiries.models import Enquiry, Message
from hkcq.kb.models import Entry, Topic
from hkcq.registry.models import Unit

UNCLASSIFIED = ""


@dataclass
class Row:
    key: str
    label: str
    count: int

    def share(self, total: int) -> float:
        return 100.0 * self.count / total if total else 0.0


@dataclass
class Compliance:
    met: int = 0
    missed: int = 0
    running: int = 0

    @property
    def decided(self) -> int:
        return self.met + self.missed

    @property
    def percent(self) -> float | None:
        return round(100.0 * self.met / self.decided, 1) if self.decided else None


@dataclass
class UnitCompliance:
    label: str
    total: int
    ack: Compliance
    reply: Compliance


@dataclass
class Satisfaction:
    service_mean: float | None
    outcome_mean: float | None
    rated: int
    service_distribution: list[Row] = field(default_factory=list)


@dataclass
class Statistics:
    start: dt.date
    end: dt.date
    total: int
    by_topic: list[Row]
    by_unit: list[Row]
    by_language: list[Row]
    ack: Compliance
    reply: Compliance
    per_unit: list[UnitCompliance]
    satisfaction: Satisfaction


def _compliance(cases: list[dict[str, Any]], done: str, due: str, now: dt.datetime) -> Compliance:
    result = Compliance()
    for case in cases:
        deadline, finished = case[due], case[done]
        if deadline is None:
            continue
        if finished is not None:
            if finished <= deadline:
                result.met += 1
            else:
                result.missed += 1
        elif deadline < now and not (due == "reply_due" and case["paused_since"] is not None):
            result.missed += 1
        else:
            result.running += 1
    return result


def _topics(enquiry_ids: list[int]) -> dict[int, str]:
    """Enquiry id → topic of the first knowledge-base entry cited in its replies."""

    first: dict[int, str] = {}
    replies = (
        Message.objects.filter(enquiry_id__in=enquiry_ids, kind=Message.Kind.REPLY)
        .order_by("created_at", "id")
        .values_list("enquiry_id", "citations")
    )
    for enquiry_id, citations in replies:
        if enquiry_id not in first and citations:
            first[enquiry_id] = str(citations[0])
    topic_of = dict(Entry.objects.filter(slug__in=set(first.values())).values_list("slug", "topic"))
    return {eid: topic_of.get(slug, UNCLASSIFIED) for eid, slug in first.items()}


CASE_FIELDS = (
    "id",
    "assigned_unit_id",
    "language",
    "acknowledged_at",
    "acknowledge_due",
    "first_reply_at",
    "reply_due",
    "paused_since",
)


def _by_topic(cases: list[dict[str, Any]]) -> list[Row]:
    topics = _topics([c["id"] for c in cases])
    topic_counts = Counter(topics.get(c["id"], UNCLASSIFIED) for c in cases)
    topic_labels = dict(Topic.choices)
    return [
        Row(key, str(topic_labels.get(key, key)) if key else _("Not classified (no entry cited yet)"), n)
        for key, n in topic_counts.most_common()
    ]


def _by_language(cases: list[dict[str, Any]]) -> list[Row]:
    language_counts = Counter(c["language"] for c in cases)
    return [
        Row(code, str(LANGUAGE_LABELS.get(code, code)), language_counts.get(code, 0))
        for code, _name in settings.LANGUAGES
    ]


def _by_unit(cases: list[dict[str, Any]], now: dt.datetime) -> tuple[list[Row], list[UnitCompliance]]:
    """Cases per unit (most first), and each unit's service-level compliance."""
    units = {
        u.pk: u for u in Unit.objects.filter(pk__in={c["assigned_unit_id"] for c in cases if c["assigned_unit_id"]})
    }

    def unit_label(pk: int | None) -> str:
        return TText.from_json(units[pk].name).show().text if pk in units else _("No unit yet")

    unit_counts = Counter(c["assigned_unit_id"] for c in cases)
    by_unit = [Row(str(pk or ""), unit_label(pk), n) for pk, n in unit_counts.most_common()]
    per_unit = []
    for pk, n in unit_counts.most_common():
        mine = [c for c in cases if c["assigned_unit_id"] == pk]
        per_unit.append(
            UnitCompliance(
                unit_label(pk),
                n,
                _compliance(mine, "acknowledged_at", "acknowledge_due", now),
                _compliance(mine, "first_reply_at", "reply_due", now),
            )
        )
    return by_unit, per_unit


def _satisfaction(qs: QuerySet[Enquiry]) -> Satisfaction:
    ratings = qs.aggregate(
        service=Avg("service_rating"),
        outcome=Avg("outcome_rating"),
        rated=Count("id", filter=Q(service_rating__isnull=False) | Q(outcome_rating__isnull=False)),
    )
    distribution = Counter(qs.filter(service_rating__isnull=False).values_list("service_rating", flat=True))
    return Satisfaction(
        service_mean=round(ratings["service"], 2) if ratings["service"] is not None else None,
        outcome_mean=round(ratings["outcome"], 2) if ratings["outcome"] is not None else None,
        rated=ratings["rated"],
        service_distribution=[Row(str(score), str(score), distribution.get(score, 0)) for score in range(1, 6)],
    )


def year_ending(end: dt.date) -> dt.date:
    """The first day of the year that ends on ``end`` (the statistics' default period). On 29
    February, 1 March of the year before (``replace(year=…)`` fails: that day does not exist)."""
    if end.year == 1:
        return dt.date.min
    if (end.month, end.day) == (2, 29):
        return dt.date(end.year - 1, 3, 1)
    return end.replace(year=end.year - 1) + dt.timedelta(days=1)


def enquiry_statistics(start: dt.date, end: dt.date, now: dt.datetime | None = None) -> Statistics:
    """Figures for enquiries received from ``start`` to ``end`` (both included, Hong Kong dates)."""

    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    # The calendar's first day starts before 0001-01-01 00:00 UTC, which no database holds: from
    # then, every case counts.
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz) if start > dt.date.min else None
    # The day after the period; for a period ending on the calendar's last day (9999-12-31)
    # there is none, and its last moment is the bound.
    if end < dt.date.max:
        until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    else:
        until = dt.datetime.combine(end, dt.time.max, tzinfo=tz)
    qs = Enquiry.objects.filter(received_at__lt=until)
    if since is not None:
        qs = qs.filter(received_at__gte=since)
    cases: list[dict[str, Any]] = [dict(row) for row in qs.values(*CASE_FIELDS)]
    by_unit, per_unit = _by_unit(cases, now)
    return Statistics(
        start=start,
        end=end,
        total=len(cases),
        by_topic=_by_topic(cases),
        by_unit=by_unit,
        by_language=_by_language(cases),
        ack=_compliance(cases, "acknowledged_at", "acknowledge_due", now),
        reply=_compliance(cases, "first_reply_at", "reply_due", now),
        per_unit=per_unit,
        satisfaction=_satisfaction(qs),
    )


# -- charts ------------------------------------------------------------------------------------------
@dataclass
class Bar:
    label: str
    value: float
    value_text: str
    y: float
    width: float
    text_x: float


@dataclass
class BarChart:
    """Geometry of a horizontal bar chart, drawn as SVG by enquiries/_bar_chart.html."""

    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int
    bar_height: int


def bar_chart(title: str, rows: list[tuple[str, float, str]], *, maximum: float | None = None) -> BarChart:
    """``rows``: (label, value, value as text). Bars scale to ``maximum`` (default: the largest)."""
    label_width, plot_width, bar_height, gap = 260, 360, 22, 8
    top = max([v for _label, v, _text in rows] + [maximum or 0, 0]) or 1
    bars = []
    for i, (label, value, text) in enumerate(rows):
        width = plot_width * value / top
        y = i * (bar_height + gap)
        bars.append(Bar(label[:40], value, text, y, round(width, 1), round(label_width + width + 6, 1)))
    height = max(len(rows), 1) * (bar_height + gap)
    return BarChart(title, bars, label_width + plot_width + 80, height, label_width, bar_height)
