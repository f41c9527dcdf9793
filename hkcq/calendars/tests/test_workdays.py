"""Working-day arithmetic on the default calendars (2025–2027 from the holidays package)."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from hkcq.calendars.loading import calendars_load
from hkcq.calendars.models import Holiday
from hkcq.calendars.services import add_working_days, working_days_between
from hkcq.calendars.workdays import WorkingCalendar, side_of
from hkcq.core.dates import TZ
from hkcq.core.errors import InvalidInput, NotFound
from hkcq.enquiries.models import SlaPolicy
from hkcq.enquiries.sla import deadlines_for as sla_deadlines

HK, CQ = "hong_kong", "chongqing"


def hkt(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def calendars(db):
    calendars_load()


def test_the_calendars_know_weekends_holidays_and_adjusted_working_days(calendars):
    hk, cq = WorkingCalendar(HK), WorkingCalendar(CQ)
    assert hk.is_working_day(date(2025, 1, 27)) and cq.is_working_day(date(2025, 1, 27))
    # Lunar New Year: HK closes on days 1-3; the Mainland from the eve to 4 February.
    assert hk.is_working_day(date(2025, 1, 28)) and not cq.is_working_day(date(2025, 1, 28))
    assert not hk.is_working_day(date(2025, 1, 29)) and not cq.is_working_day(date(2025, 1, 29))
    assert hk.is_working_day(date(2025, 2, 3)) and not cq.is_working_day(date(2025, 2, 3))
    # 调休: Sunday 26 January 2025 and Saturday 8 February 2025 are Mainland working days.
    assert cq.is_working_day(date(2025, 1, 26)) and not hk.is_working_day(date(2025, 1, 26))
    assert cq.is_working_day(date(2025, 2, 8)) and not hk.is_working_day(date(2025, 2, 8))
    # Hong Kong's own holidays: Good Friday, Easter Monday, Buddha's Birthday, 1 July, Christmas.
    for day in (date(2025, 4, 18), date(2025, 4, 21), date(2025, 5, 5), date(2025, 7, 1), date(2025, 12, 26)):
        assert not hk.is_working_day(day), day
    assert cq.is_working_day(date(2025, 4, 18)) and cq.is_working_day(date(2025, 7, 1))
    assert not hk.is_working_day(date(2025, 3, 1))  # an ordinary Saturday


def test_a_deadline_runs_through_working_time_only(calendars):
    # Monday 10:00 + 2 working days = Wednesday 10:00.
    assert add_working_days(hkt(2025, 3, 3, 10), 2, HK) == hkt(2025, 3, 5, 10)
    # Friday 15:00 + 1 = Monday 15:00.
    assert add_working_days(hkt(2025, 3, 7, 15), 1, HK) == hkt(2025, 3, 10, 15)
    # Received on a Saturday: the clock starts at 00:00 on Monday; 1 day ends at Monday's end.
    assert add_working_days(hkt(2025, 3, 8, 11), 1, HK) == hkt(2025, 3, 11, 0)
    # Fractions: half a working day is 12 hours.
    assert add_working_days(hkt(2025, 3, 3, 9), 0.5, HK) == hkt(2025, 3, 3, 21)
    assert add_working_days(hkt(2025, 3, 3, 9), 0, HK) == hkt(2025, 3, 3, 9)
    with pytest.raises(InvalidInput):
        add_working_days(hkt(2025, 3, 3, 9), -1, HK)


def test_lunar_new_year_2025_on_both_sides(calendars):
    # Tuesday 28 January 10:00 + 2: HK works Tuesday (14h), closes 29-31, works Monday 3 Feb.
    assert add_working_days(hkt(2025, 1, 28, 10), 2, HK) == hkt(2025, 2, 4, 10)
    # Mainland: Friday 24 Jan 10:00 + 2 uses the working Sunday 26 January.
    assert add_working_days(hkt(2025, 1, 24, 10), 2, CQ) == hkt(2025, 1, 27, 10)
    assert add_working_days(hkt(2025, 1, 24, 10), 2, HK) == hkt(2025, 1, 28, 10)
    # Monday 27 Jan 09:00 + 3: the Mainland is closed from the 28th to 4 February.
    assert add_working_days(hkt(2025, 1, 27, 9), 3, CQ) == hkt(2025, 2, 7, 9)
    assert add_working_days(hkt(2025, 1, 27, 9), 3, HK) == hkt(2025, 2, 4, 9)


def test_lunar_new_year_2026_and_2027(calendars):
    # 2026: Mainland closed 15-23 Feb (with 14 Feb and 28 Feb worked); HK closed 17-19 Feb.
    assert add_working_days(hkt(2026, 2, 13, 12), 1, CQ) == hkt(2026, 2, 14, 12)  # the working Saturday
    assert add_working_days(hkt(2026, 2, 13, 12), 1, HK) == hkt(2026, 2, 16, 12)
    assert add_working_days(hkt(2026, 2, 16, 12), 1, HK) == hkt(2026, 2, 20, 12)
    assert add_working_days(hkt(2026, 2, 16, 0), 1, CQ) == hkt(2026, 2, 25, 0)
    # 2027: Lunar New Year's Day is Saturday 6 Feb; HK closes Mon 8 and Tue 9 February.
    assert add_working_days(hkt(2027, 2, 5, 8), 1, HK) == hkt(2027, 2, 10, 8)


def test_golden_week_2025(calendars):
    # Friday 26 Sept 12:00 + 5: the Mainland works Sunday 28 Sept, closes 1-8 October.
    assert add_working_days(hkt(2025, 9, 26, 12), 5, CQ) == hkt(2025, 10, 10, 12)
    # Hong Kong closes only on 1 October before the 6th.
    assert add_working_days(hkt(2025, 9, 26, 12), 5, HK) == hkt(2025, 10, 6, 12)
    # Saturday 11 October 2025 is a Mainland working day.
    assert add_working_days(hkt(2025, 10, 10, 18), 0.5, CQ) == hkt(2025, 10, 11, 6)
    assert working_days_between(hkt(2025, 10, 1), hkt(2025, 10, 9), CQ) == 0


def test_pauses_stop_the_clock_even_across_holidays(calendars):
    start = hkt(2025, 9, 29, 9)
    assert add_working_days(start, 2, CQ) == hkt(2025, 10, 9, 9)
    pause = [(hkt(2025, 9, 30, 12), hkt(2025, 10, 9, 12))]
    # Monday 15h + Tuesday 12h before the pause, then 12h on 9 Oct, 9h on 10 Oct.
    due = add_working_days(start, 2, CQ, pause)
    assert due == hkt(2025, 10, 10, 9)
    assert working_days_between(start, due, CQ, pause) == pytest.approx(2)
    # Overlapping and unordered pauses count once.
    messy = [(hkt(2025, 10, 2), hkt(2025, 10, 9, 12)), (hkt(2025, 9, 30, 12), hkt(2025, 10, 3))]
    assert add_working_days(start, 2, CQ, messy) == due
    # A pause entirely on holidays changes nothing.
    assert add_working_days(start, 2, CQ, [(hkt(2025, 10, 2), hkt(2025, 10, 5))]) == hkt(2025, 10, 9, 9)
    # A pause before the start changes nothing.
    assert add_working_days(start, 2, CQ, [(hkt(2025, 9, 1), hkt(2025, 9, 2))]) == hkt(2025, 10, 9, 9)


def test_time_zone_is_hong_kong_whatever_the_input(calendars):
    # 17:00 UTC on Tuesday 28 Jan is 01:00 on Lunar New Year's Day in Hong Kong: a holiday there.
    utc = datetime(2025, 1, 28, 17, 0, tzinfo=UTC)
    due = add_working_days(utc, 1, HK)
    assert due == hkt(2025, 2, 4, 0)
    assert due.utcoffset() == timedelta(hours=8)
    # A naive datetime is Hong Kong time.
    assert add_working_days(datetime(2025, 3, 3, 10), 1, HK) == hkt(2025, 3, 4, 10)
    assert working_days_between(datetime(2025, 3, 3, 2, tzinfo=UTC), hkt(2025, 3, 4, 10), HK) == pytest.approx(1)


def test_working_days_between(calendars):
    assert working_days_between(hkt(2025, 3, 3, 10), hkt(2025, 3, 5, 10), HK) == pytest.approx(2)
    assert working_days_between(hkt(2025, 3, 7, 12), hkt(2025, 3, 10, 12), HK) == pytest.approx(1)
    assert working_days_between(hkt(2025, 3, 5, 10), hkt(2025, 3, 3, 10), HK) == pytest.approx(-2)
    # All of 2025 in Hong Kong: 261 weekdays minus the general holidays that fall on weekdays.
    weekday_holidays = Holiday.objects.filter(
        side=HK, date__year=2025, kind="holiday", date__week_day__in=[2, 3, 4, 5, 6]
    )
    expected = 261 - weekday_holidays.count()
    assert working_days_between(hkt(2025, 1, 1), hkt(2026, 1, 1), HK) == pytest.approx(expected)
    assert 244 <= expected <= 250


def test_add_and_between_are_inverse_on_random_cases(calendars):
    rng = random.Random(20250128)
    hk, cq = WorkingCalendar(HK), WorkingCalendar(CQ)
    for _i in range(300):
        start = hkt(2025, 1, 1) + timedelta(minutes=rng.randrange(0, 60 * 24 * 800))
        days = rng.choice([0.25, 0.5, 1, 2, 3, 5, 10, 15, 20])
        calendar = rng.choice([hk, cq])
        pauses = []
        if rng.random() < 0.5:
            a = start + timedelta(hours=rng.randrange(0, 24 * 20))
            pauses.append((a, a + timedelta(hours=rng.randrange(1, 24 * 10))))
        due = add_working_days(start, days, calendar, pauses)
        assert due >= start
        assert working_days_between(start, due, calendar, pauses) == pytest.approx(days, abs=1e-6)
        # Never due on a non-working day except at its very start (the end of the day before).
        assert calendar.is_working_day(due.date()) or due.time() == datetime.min.time()


def test_the_secretariats_records_change_the_arithmetic(calendars):
    start = hkt(2025, 3, 3, 10)
    assert add_working_days(start, 1, HK) == hkt(2025, 3, 4, 10)
    Holiday.objects.create(side=HK, date=date(2025, 3, 4), name={"en": "Typhoon day"})
    assert add_working_days(start, 1, HK) == hkt(2025, 3, 5, 10)
    Holiday.objects.create(side=HK, date=date(2025, 3, 8), kind="working_day", name={"en": "Worked Saturday"})
    assert add_working_days(hkt(2025, 3, 7, 10), 1, HK) == hkt(2025, 3, 8, 10)
    # A side with no records at all still knows weekends.
    Holiday.objects.all().delete()
    assert add_working_days(hkt(2025, 1, 28, 10), 2, CQ) == hkt(2025, 1, 30, 10)


def test_sides_are_named_by_value_or_short_alias():
    assert side_of("HK") == HK and side_of("cq") == CQ and side_of("mainland") == CQ and side_of(HK) == HK
    with pytest.raises(InvalidInput):
        side_of("macau")


def test_sla_deadlines_use_the_policy_of_the_priority(calendars):
    normal = SlaPolicy.objects.get(code="normal")
    assert (normal.ack_days, normal.reply_days) == (2, 10)
    received = hkt(2025, 9, 26, 12)
    ack, reply = sla_deadlines(received, "normal", CQ)
    assert ack == add_working_days(received, 2, CQ) == hkt(2025, 9, 29, 12)
    assert reply == add_working_days(received, 10, CQ)
    assert sla_deadlines(received, None, CQ) == (ack, reply)  # the default priority
    high_ack, high_reply = sla_deadlines(received, "high", "HK")
    # HK: Fri 12h, Mon, Tue, (1 Oct holiday), Thu, Fri, Mon 6 Oct 12:00.
    assert high_ack == hkt(2025, 9, 29, 12) and high_reply == hkt(2025, 10, 6, 12)
    paused = [(hkt(2025, 9, 29), hkt(2025, 10, 13))]
    p_ack, p_reply = sla_deadlines(received, "normal", CQ, paused)
    assert working_days_between(received, p_ack, CQ, paused) == pytest.approx(2)
    assert p_ack >= hkt(2025, 10, 13) and p_reply > reply
    normal.reply_days = 5
    normal.save()
    assert sla_deadlines(received, "normal", CQ)[1] == add_working_days(received, 5, CQ)
    with pytest.raises(NotFound):
        sla_deadlines(received, "unknown", CQ)
