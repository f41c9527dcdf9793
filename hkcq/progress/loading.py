"""The default status scale (also created by migration 0002). ``statuses_ensure`` puts back
any default status that is missing, e.g. after a database flush, and leaves edited ones alone."""

from __future__ import annotations

from datetime import timedelta

from django.utils import translation
from django.utils.translation import gettext

from hkcq.core.translated import LANGS, TText
from hkcq.progress.models import ReportingCycle, Status
from hkcq.registry.models import Meeting

DEFAULT_STATUSES = [
    # key, en, zh-hant, zh-hans, default percent, position, completed, ongoing
    ("on_hold", "On hold", "暫停", "暂停", None, 5, False, False),
    ("not_started", "Not started", "未開始", "未开始", 0, 10, False, False),
    ("planning", "Planning", "規劃中", "规划中", 10, 20, False, False),
    ("in_progress", "In progress", "進行中", "进行中", 50, 30, False, False),
    ("substantially_done", "Substantially done", "大致完成", "大致完成", 80, 40, False, False),
    ("ongoing", "Ongoing by nature", "持續進行", "持续进行", None, 45, False, True),
    ("completed", "Completed", "已完成", "已完成", 100, 50, True, False),
]


def statuses_ensure() -> int:
    created = 0
    for key, en, hant, hans, percent, position, terminal, ongoing in DEFAULT_STATUSES:
        _status, made = Status.objects.get_or_create(
            key=key,
            defaults={
                "name": TText.of(en=en, zh_hant=hant, zh_hans=hans),
                "default_percent": percent,
                "position": position,
                "is_terminal": terminal,
                "is_ongoing": ongoing,
            },
        )
        created += made
    return created


def first_cycle_ensure() -> ReportingCycle | None:
    """Open the first reporting cycle the day after the first plenary session the registry records
    (the default data: the High-Level Meeting cum First Plenary Session, Chongqing, 11 May 2023,
    from the press release): progress is reported from the plenary that set the mechanism up
    until the next one, at which the secretariat closes the cycle and the plenary report is built
    (docs/reporting.md). Only on an installation with no reporting cycle at all: a cycle a person
    opened, closed or renamed is never touched. The cycle that is opened, or None."""
    if ReportingCycle.objects.exists():
        return None
    plenaries = (Meeting.Kind.PLENARY, Meeting.Kind.HIGH_LEVEL_PLENARY)
    first = Meeting.objects.filter(kind__in=plenaries).order_by("date", "id").first()
    if first is None:
        return None
    title = TText.from_json(first.title)
    names = {}
    for lang in LANGS:
        with translation.override(lang):
            names[lang] = gettext("Reporting cycle after %(meeting)s") % {"meeting": title.show(lang).text}
    # From the day after it: the cycle reports what happened since that plenary, and closes at the next.
    return ReportingCycle.objects.create(name=names, opens_on=first.date + timedelta(days=1))
