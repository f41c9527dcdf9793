"""The default status scale (also created by migration 0002). ``statuses_ensure`` puts back
any default status that is missing, e.g. after a database flush, and leaves edited ones alone."""

from __future__ import annotations

from hkcq.core.translated import TText
from hkcq.progress.models import Status

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
