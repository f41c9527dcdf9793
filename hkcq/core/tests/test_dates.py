"""One date format per language on pages, e-mails, PDFs and exports ("5 December 2026",
"2026年12月5日"), never "Dec. 5, 2026", "May 11, 2023" or "midnight"; a deadline shown as the
day it falls on."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from hkcq.core import dates
from hkcq.core.dates import TZ

MOMENT = dt.datetime(2026, 12, 5, 0, 0, tzinfo=TZ)
# Counted to the end of Friday 18 December: due "Saturday 19 December, 00:00".
SATURDAY_MIDNIGHT = dt.datetime(2026, 12, 19, 0, 0, tzinfo=TZ)


@pytest.mark.parametrize(
    ("language", "day", "moment", "due"),
    [
        ("en", "5 December 2026", "5 December 2026, 00:00", "Friday 18 December 2026"),
        ("zh-hant", "2026年12月5日", "2026年12月5日 00:00", "2026年12月18日（星期五）"),
        ("zh-hans", "2026年12月5日", "2026年12月5日 00:00", "2026年12月18日（星期五）"),
    ],
)
def test_one_format_per_language(language, day, moment, due):
    with translation.override(language):
        assert dates.show_date(MOMENT.date()) == day
        assert dates.show_datetime(MOMENT) == moment
        assert dates.show_due(SATURDAY_MIDNIGHT) == due
        html = Template("{% load hkcq %}{{ d|day }}|{{ m|moment }}|{{ s|due }}|{{ none|day:'—' }}").render(
            Context({"d": MOMENT.date(), "m": MOMENT, "s": SATURDAY_MIDNIGHT, "none": None})
        )
        assert html == f"{day}|{moment}|{due}|—"
        # Django's own date filter reads the same formats (no "Dec. 5, 2026", no "midnight").
        assert Template('{{ m|date:"DATETIME_FORMAT" }}').render(Context({"m": MOMENT})) == moment


def test_a_deadline_in_the_middle_of_a_day_is_that_day():
    assert dates.due_day(dt.datetime(2026, 12, 18, 14, 30, tzinfo=TZ)) == dt.date(2026, 12, 18)
    assert dates.due_day(SATURDAY_MIDNIGHT) == dt.date(2026, 12, 18)
    # A UTC time is counted in Hong Kong time.
    assert dates.due_day(dt.datetime(2026, 12, 18, 16, 0, tzinfo=dt.UTC)) == dt.date(2026, 12, 18)


ROOT = Path(settings.BASE_DIR) / "hkcq"
# Dates formatted by hand in templates or code instead of through hkcq.core.dates. Machine forms
# (ISO dates, and <time datetime> values to the second with their offset) are not for reading.
HAND_FORMATTED = re.compile(
    r"""\|date:["'](?!c["']|Y-m-d["']|Y-m-d\\TH:i:sO["'])|date_format\(|\|naturaltime|\|naturalday"""
    r"""|\|time:(?!"TIME_FORMAT")"""
)


def test_every_date_a_person_reads_goes_through_the_one_helper():
    found = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in {".html", ".txt", ".py"} or "tests" in path.parts or "migrations" in path.parts:
            continue
        if path.name == "dates.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HAND_FORMATTED.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "Use |day, |moment or |due (hkcq.core.dates):\n" + "\n".join(found)
