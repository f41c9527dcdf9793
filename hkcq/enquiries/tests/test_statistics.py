"""Statistics of the enquiry service, checked against generated cases whose figures are known."""

import random
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from freezegun import freeze_time

import config.urls  # noqa: F401 - build the API schemas before any test freezes time
from hkcq.core.choices import Side
from hkcq.core.dates import TZ
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.references import reference_make
from hkcq.enquiries.statistics import bar_chart, enquiry_statistics
from hkcq.enquiries.tests.factories import EnquiryFactory, MessageFactory
from hkcq.kb.models import Topic
from hkcq.kb.tests.factories import EntryFactory
from hkcq.registry.tests.factories import UnitFactory

NOW = datetime(2025, 7, 1, 12, tzinfo=TZ)


def hkt(y, m, d, hh=0):
    return datetime(y, m, d, hh, tzinfo=TZ)


def make(n, *, received, unit=None, language="en", ack=None, ack_due=None, reply=None, reply_due=None, **extra):
    return EnquiryFactory.create(
        reference=reference_make(2025, n),
        received_at=received,
        assigned_unit=unit,
        language=language,
        acknowledged_at=ack,
        acknowledge_due=ack_due,
        first_reply_at=reply,
        reply_due=reply_due,
        **extra,
    )


def cite(enquiry, slug, kind="reply"):
    MessageFactory.create(enquiry=enquiry, kind=kind, citations=[slug])


@pytest.fixture
def generated(db):
    """Twelve cases in June 2025 with known figures, and one outside the period."""
    hk = UnitFactory(side=Side.HONG_KONG)
    cq = UnitFactory(side=Side.CHONGQING)
    due = hkt(2025, 6, 20)
    cases = []
    # Acknowledgements: 6 met, 3 missed (2 late, 1 never and overdue), 3 still running (due after NOW).
    for i in range(6):
        cases.append(make(i + 1, received=hkt(2025, 6, 2 + i), unit=hk, ack=hkt(2025, 6, 10), ack_due=due))
    cases.append(make(7, received=hkt(2025, 6, 9), unit=cq, ack=hkt(2025, 6, 21), ack_due=due, language="zh-hant"))
    cases.append(make(8, received=hkt(2025, 6, 9), unit=cq, ack=hkt(2025, 6, 22), ack_due=due, language="zh-hant"))
    cases.append(make(9, received=hkt(2025, 6, 10), unit=cq, ack=None, ack_due=due, language="zh-hans"))
    for i in range(3):
        cases.append(
            make(10 + i, received=hkt(2025, 6, 30), unit=None, ack=None, ack_due=hkt(2025, 7, 3), language="zh-hant")
        )
    # Replies: case 1 met, case 2 missed, case 3 missed (never, overdue), case 4 waiting (not counted).
    Enquiry.objects.filter(pk=cases[0].pk).update(first_reply_at=hkt(2025, 6, 15), reply_due=due)
    Enquiry.objects.filter(pk=cases[1].pk).update(first_reply_at=hkt(2025, 6, 25), reply_due=due)
    Enquiry.objects.filter(pk=cases[2].pk).update(reply_due=due)
    Enquiry.objects.filter(pk=cases[3].pk).update(reply_due=due, paused_since=hkt(2025, 6, 12), status="waiting")
    # Ratings: service 5, 4, 2 -> mean 3.67; outcome 5, 3 -> mean 4.
    Enquiry.objects.filter(pk=cases[0].pk).update(service_rating=5, outcome_rating=5, rated_at=NOW)
    Enquiry.objects.filter(pk=cases[1].pk).update(service_rating=4, outcome_rating=3, rated_at=NOW)
    Enquiry.objects.filter(pk=cases[6].pk).update(service_rating=2, rated_at=NOW)
    # Topics from cited entries: two cases on the first entry's topic, one on another's.
    entries = [EntryFactory(topic=Topic.HOUSING), EntryFactory(topic=Topic.TAX)]
    cite(cases[0], entries[0].slug)
    cite(cases[1], entries[0].slug)
    cite(cases[1], entries[1].slug)  # a later citation does not change the topic
    cite(cases[2], entries[1].slug)
    cite(cases[3], entries[1].slug, kind="note")  # internal notes do not count
    make(99, received=hkt(2025, 5, 31, 23), unit=hk, ack=hkt(2025, 6, 1), ack_due=due, service_rating=1)
    return {"hk": hk, "cq": cq, "cases": cases, "entries": entries}


def test_figures(generated):
    stats = enquiry_statistics(date(2025, 6, 1), date(2025, 6, 30), now=NOW)
    assert stats.total == 12
    assert {r.key: r.count for r in stats.by_language} == {"en": 6, "zh-hant": 5, "zh-hans": 1}
    units = {r.label: r.count for r in stats.by_unit}
    assert units[generated["hk"].name.en] == 6 and units[generated["cq"].name.en] == 3 and units["No unit yet"] == 3
    topics = {r.key: r.count for r in stats.by_topic}
    first, second = generated["entries"]
    assert topics == {first.topic: 2, second.topic: 1, "": 9}
    assert (stats.ack.met, stats.ack.missed, stats.ack.running, stats.ack.percent) == (6, 3, 3, 66.7)
    assert (stats.reply.met, stats.reply.missed, stats.reply.percent) == (1, 2, 33.3)
    assert stats.satisfaction.service_mean == pytest.approx(3.67) and stats.satisfaction.outcome_mean == 4
    assert stats.satisfaction.rated == 3
    assert [r.count for r in stats.satisfaction.service_distribution] == [0, 1, 0, 1, 1]
    per_unit = {u.label: u for u in stats.per_unit}
    assert per_unit[generated["cq"].name.en].ack.percent == 0.0
    assert per_unit[generated["hk"].name.en].ack.percent == 100.0
    # The period's edges are Hong Kong dates: 23:00 on 31 May is outside June, inside May.
    assert enquiry_statistics(date(2025, 5, 1), date(2025, 5, 31), now=NOW).total == 1


def test_random_cases_add_up(db):
    rng = random.Random(7)
    hk = UnitFactory()
    expected_met = expected_missed = 0
    for n in range(1, 201):
        received = hkt(2025, 3, 1) + timedelta(hours=rng.randrange(0, 24 * 60))
        due = received + timedelta(days=2)
        done = received + timedelta(hours=rng.randrange(1, 96))
        make(n, received=received, unit=hk, ack=done, ack_due=due, language=rng.choice(["en", "zh-hant", "zh-hans"]))
        expected_met += done <= due
        expected_missed += done > due
    stats = enquiry_statistics(date(2025, 1, 1), date(2025, 12, 31), now=NOW)
    assert stats.total == 200 == sum(r.count for r in stats.by_language)
    assert (stats.ack.met, stats.ack.missed) == (expected_met, expected_missed)
    assert stats.ack.percent == round(100 * expected_met / 200, 1)


def test_bar_chart_geometry():
    chart = bar_chart("T", [("a", 10, "10"), ("b", 5, "5"), ("c", 0, "0")])
    widths = [b.width for b in chart.bars]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    assert bar_chart("T", [("x", 50, "50%")], maximum=100).bars[0].width == widths[0] / 2
    assert bar_chart("T", []).bars == []


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_pages(generated, secretariat_hk, lang):
    public = Client()
    with freeze_time(NOW):
        r = public.get(f"/{lang}/enquiries/statistics/?start=2025-06-01&end=2025-06-30")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<svg" in html and "<script" not in html.split("<main")[1].split("</main>")[0]
    assert html.count("<svg") == 4  # deadlines, ratings, topics, languages: no unit figures in public
    assert "66.7%" in html and "33.3%" in html
    assert generated["cq"].name.en not in html
    assert {"en": "Enquiry statistics", "zh-hant": "查詢統計", "zh-hans": "咨询统计"}[lang] in html
    staff = Client()
    staff.force_login(secretariat_hk)
    with freeze_time(NOW):
        html = staff.get(f"/{lang}/enquiries/statistics/full/?start=2025-06-01&end=2025-06-30").content.decode()
    share = "0.0% (0/3)" if lang == "en" else "0.0%（0/3）"  # the language's brackets
    assert html.count("<svg") == 5 and share in html


def test_statistics_access_and_bad_input(generated, resident, officer_hk):
    assert Client().get("/en/enquiries/statistics/full/").status_code == 302
    for user in (resident, officer_hk):
        c = Client()
        c.force_login(user)
        assert c.get("/en/enquiries/statistics/full/").status_code == 403
        assert c.get("/en/enquiries/statistics/").status_code == 200
    r = Client().get("/en/enquiries/statistics/?start=2025-06-30&end=2025-06-01")
    assert r.status_code == 200 and "The end of the period is before its start." in r.content.decode()
    r = Client().get("/en/enquiries/statistics/?start=2031-01-01&end=2031-01-31")
    assert "No enquiries were received in this period" in r.content.decode()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_date_fields_hold_the_period_shown(generated, lang):
    """<input type="date"> accepts only YYYY-MM-DD: a date in the locale's format (2025/06/01)
    left the fields empty while the page said which period it showed."""
    with freeze_time(NOW):
        default = Client().get(f"/{lang}/enquiries/statistics/").content.decode()
        chosen = Client().get(f"/{lang}/enquiries/statistics/?start=2025-06-01&end=2025-06-30").content.decode()
    assert 'name="start" value="2024-07-02"' in default and 'name="end" value="2025-07-01"' in default
    assert 'name="start" value="2025-06-01"' in chosen and 'name="end" value="2025-06-30"' in chosen


def test_tables_scroll_inside_their_box(generated, secretariat_hk):
    staff = Client()
    staff.force_login(secretariat_hk)
    with freeze_time(NOW):
        html = staff.get("/en/enquiries/statistics/full/?start=2025-06-01&end=2025-06-30").content.decode()
    tables = html.count("<table")
    assert tables == 5 and html.count('<div class="table-responsive"><table') == tables


def test_the_old_statistics_addresses_lead_to_the_new_ones(client):
    r = client.get("/en/calendars/statistics/?start=2025-06-01&end=2025-06-30")
    assert r.status_code == 301
    assert r["Location"] == "/en/enquiries/statistics/?start=2025-06-01&end=2025-06-30"
    assert client.get("/zh-hant/calendars/statistics/full/")["Location"] == "/zh-hant/enquiries/statistics/full/"
