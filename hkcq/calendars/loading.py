"""Default calendars (2025–2027) from the ``holidays`` package.

Idempotent and respectful of the secretariat's work: a record is created when missing, brought
up to date while it is still exactly as loaded (``from_defaults``), and otherwise left alone; a
default record the secretariat deleted is not created again (its deletion is in the history).

Hong Kong: the general holidays (``public`` and ``optional`` categories of the package — the
days government offices close). Mainland (Chongqing): the national public holidays including
the days off moved by 调休, and the adjusted working weekends (``weekend_workdays``). The
Mainland's arrangements for a year are announced by the State Council late in the year before;
where the package has no announced arrangement yet (2027 at the time of writing) it estimates
holidays and has no adjusted working weekends, so the secretariat adds them when announced.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import holidays
from django.db import transaction

from hkcq.calendars.models import DEFAULT_SOURCE, Holiday
from hkcq.core.choices import Side
from hkcq.core.services import history_mark
from hkcq.core.translated import EN, HANS, HANT, HUMAN, TText

YEARS = (2025, 2026, 2027)
SOURCE = DEFAULT_SOURCE

# (locale for English, Traditional Chinese, Simplified Chinese) of each calendar in the package.
_LOCALES = {
    Side.HONG_KONG: ("en_HK", "zh_HK", "zh_CN"),
    Side.CHONGQING: ("en_US", "zh_TW", "zh_CN"),
}


@dataclass
class CalendarReport:
    created: int = 0
    updated: int = 0
    kept: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"Calendars: created {self.created}, updated {self.updated}, left as edited by the secretariat {self.kept}."
        )


def _package_calendar(side: str, year: int, language: str) -> holidays.HolidayBase:
    if side == Side.HONG_KONG:
        return holidays.country_holidays("HK", years=year, categories=("public", "optional"), language=language)
    return holidays.country_holidays("CN", years=year, language=language)


def _working_day_name(worked: date, in_lieu_of: date | None) -> TText:
    if in_lieu_of is None:
        return TText.of(en="Adjusted working day", zh_hant="調休上班日", zh_hans="调休上班日")
    return TText.of(
        en=f"Adjusted working day (in lieu of the day off on {in_lieu_of.day} {in_lieu_of:%B %Y})",
        zh_hant=f"調休上班日（{in_lieu_of.year}年{in_lieu_of.month}月{in_lieu_of.day}日放假）",
        zh_hans=f"调休上班日（{in_lieu_of.year}年{in_lieu_of.month}月{in_lieu_of.day}日放假）",
    )


def default_calendar_days(years: tuple[int, ...] = YEARS) -> list[tuple[str, date, str, TText]]:
    """``(side, date, kind, name)`` of every default record."""
    out: list[tuple[str, date, str, TText]] = []
    for side, locales in _LOCALES.items():
        for year in years:
            variants = [_package_calendar(side, year, loc) for loc in locales]
            for day in sorted(variants[0]):
                names = [str(v.get(day, "")) for v in variants]
                # Two holidays on one day come joined by "; ": Chinese lists them with 、.
                names[1:] = [n.replace("; ", "、") for n in names[1:]]
                text = TText({EN: names[0], HANT: names[1], HANS: names[2]}, {EN: HUMAN, HANT: HUMAN, HANS: HUMAN})
                out.append((str(side), day, Holiday.Kind.HOLIDAY, text.normalised()))
            if side == Side.CHONGQING:
                simplified = variants[2]
                for worked in sorted(d for d in getattr(simplified, "weekend_workdays", ()) if d.year == year):
                    # The package names the day off in lieu "休息日（由 2025-01-26 调休）".
                    marker = worked.isoformat()
                    in_lieu = next((d for d, n in simplified.items() if marker in str(n)), None)
                    out.append((str(side), worked, Holiday.Kind.WORKING_DAY, _working_day_name(worked, in_lieu)))
    return out


def _deleted_by_a_person(side: str, day: date) -> bool:
    return Holiday.history.filter(side=side, date=day, history_type="-").exists()


@transaction.atomic
def calendars_load(years: tuple[int, ...] = YEARS) -> CalendarReport:
    report = CalendarReport()
    for side, day, kind, name in default_calendar_days(years):
        current = Holiday.objects.filter(side=side, date=day).first()
        if current is None:
            if _deleted_by_a_person(side, day):
                report.kept += 1
                continue
            holiday = Holiday(side=side, date=day, kind=kind, name=name, source=SOURCE, from_defaults=True)
            history_mark(holiday, user=None, reason="Default data")
            holiday.save()
            report.created += 1
        elif not current.from_defaults:
            report.kept += 1
        elif (current.kind, current.source, current.name.to_json()) != (kind, SOURCE, name.to_json()):
            current.kind, current.source, current.name = kind, SOURCE, name
            history_mark(current, user=None, reason="Default data")
            current.save()
            report.updated += 1
    return report
