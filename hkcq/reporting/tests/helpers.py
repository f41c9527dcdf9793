"""Test data for cycles and reports: published updates made the way the progress app stores them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from hkcq.progress.models import ProgressUpdate, ReportingCycle, Status
from hkcq.registry.models import Measure, Meeting
from hkcq.registry.tests.factories import one_mechanism


def recompute() -> None:
    from hkcq.progress import rollups

    rollups.recompute()


def open_cycle(opens_on: dt.date = dt.date(2023, 5, 11)) -> ReportingCycle:
    cycle = ReportingCycle.objects.filter(state="open").first()
    return cycle or ReportingCycle.objects.create(
        name={"en": "First cycle", "zh-hant": "第一個周期"}, opens_on=opens_on
    )


def plenary(date: dt.date, number: int) -> Meeting:
    return Meeting.objects.create(
        mechanism=one_mechanism(),
        ext_id=f"plenary-{number}",
        kind=Meeting.Kind.PLENARY,
        sequence=number,
        title={"en": f"Plenary session {number}", "zh-hant": f"第{number}次全體會議"},
        date=date,
        place={"en": "Hong Kong", "zh-hant": "香港"},
    )


def publish(
    measure: Measure, side: str, status: str, percent: int, author, *, narrative: str = "", internal: str = ""
) -> ProgressUpdate:
    now = timezone.now()
    update = ProgressUpdate.objects.create(
        measure=measure,
        side=side,
        cycle=open_cycle(),
        status=Status.objects.get(key=status),
        percent=percent,
        public_narrative={"en": narrative or f"{status} {percent}", "zh-hant": f"進度{percent}"},
        internal_narrative={"en": internal or "internal note"},
        state=ProgressUpdate.State.PUBLISHED,
        author=author,
        submitted_at=now,
        confirmed_at=now,
        confirmed_by=author,
        published_at=now,
        published_by=author,
    )
    recompute()
    return update
