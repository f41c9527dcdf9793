"""What a submission does while the resident waits (issue 15): the case, its reference, its
deadlines and its confirmation e-mail, and nothing that can follow the commit. The service levels
and the calendars are kept in each process and read again as soon as either changes, whoever
changes them (a database trigger bumps ``ServiceLevelVersion``); the reference is one statement on
PostgreSQL; the counter kept for servers of the previous release is caught up by the ``route``
task."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hkcq.calendars.models import Holiday
from hkcq.calendars.tests.factories import HolidayFactory
from hkcq.core.choices import Side
from hkcq.core.dates import TZ
from hkcq.enquiries import services
from hkcq.enquiries.models import Enquiry, ReferenceCounter, SlaPolicy
from hkcq.enquiries.references import reference_make, reference_next, reference_year_number
from hkcq.enquiries.sla import deadlines_for
from hkcq.enquiries.tests.factories import SlaPolicyFactory

ON_POSTGRESQL = pytest.mark.skipif(connection.vendor != "postgresql", reason="the sequence is PostgreSQL's")

MONDAY = dt.datetime(2030, 1, 7, 10, 0, tzinfo=TZ)  # a working Monday on both calendars


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2030, 1, day, hour, 0, tzinfo=TZ)


def test_policies_and_calendars_are_read_once_and_again_after_any_change(db):
    SlaPolicyFactory(code="test-fast", ack_days=Decimal("1"), reply_days=Decimal("2"))
    assert deadlines_for(MONDAY, "test-fast", Side.HONG_KONG) == (_at(8), _at(9))
    with CaptureQueriesContext(connection) as read:
        assert deadlines_for(MONDAY, "test-fast", Side.HONG_KONG) == (_at(8), _at(9))
    # Kept: one primary-key read of the version, no policy and no holiday read.
    assert len(read.captured_queries) == 1, [q["sql"] for q in read.captured_queries]
    assert "servicelevelversion" in read.captured_queries[0]["sql"]

    # A bulk update (no model signal), as another process's write would look.
    SlaPolicy.objects.filter(code="test-fast").update(reply_days=Decimal("3"))
    assert deadlines_for(MONDAY, "test-fast", Side.HONG_KONG) == (_at(8), _at(10))
    # A holiday added on Tuesday moves both deadlines by a day.
    Holiday.objects.bulk_create([Holiday(side=Side.HONG_KONG, date=dt.date(2030, 1, 8), name={"en": "Test"})])
    assert deadlines_for(MONDAY, "test-fast", Side.HONG_KONG) == (_at(9), _at(11))
    # Plain SQL too (any process, any code): the holiday becomes a working day again.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM calendars_holiday WHERE date = %s", [dt.date(2030, 1, 8)])
    assert deadlines_for(MONDAY, "test-fast", Side.HONG_KONG) == (_at(8), _at(10))
    # The other side's calendar is its own.
    HolidayFactory(side=Side.CHONGQING, date=dt.date(2030, 1, 8))
    assert deadlines_for(MONDAY, "test-fast", Side.HONG_KONG) == (_at(8), _at(10))
    assert deadlines_for(MONDAY, "test-fast", Side.CHONGQING) == (_at(9), _at(11))


def _submit(client: Client, n: int):
    body = {"question": f"How do I renew my permit? ({n})", "email": f"path{n}@example.org", "consent": True}
    return client.post("/api/v1/enquiries", json.dumps(body), content_type="application/json")


def test_the_request_reads_no_policy_holiday_or_counter_and_the_route_task_catches_up(db, queued):
    client = Client()
    assert _submit(client, 1).status_code == 201  # the process now keeps the policies and calendars
    with CaptureQueriesContext(connection) as request:
        response = _submit(client, 2)
    assert response.status_code == 201
    statements = [q["sql"] for q in request.captured_queries]
    touched = " ".join(statements).lower()
    assert "enquiries_slapolicy" not in touched and "calendars_holiday" not in touched, statements
    case = Enquiry.objects.get(reference=response.json()["reference"])
    assert case.routing_pending and case.reply_due is not None and case.acknowledge_due is not None
    if connection.vendor != "postgresql":
        return
    # PostgreSQL: the number in one statement; the counter is not the request's.
    assert "referencecounter" not in touched and "to_regclass" not in touched, statements
    assert sum(s.startswith("SELECT enquiries_reference_next") for s in statements) == 1
    # One savepoint (the submission's own, inside the test's transaction), none around the insert.
    assert sum(s.startswith("SAVEPOINT") for s in statements) == 1, statements
    year, number = reference_year_number(case.reference)
    assert not ReferenceCounter.objects.filter(year=year, last__gte=number).exists()
    assert services.enquiry_route(enquiry_id=case.pk)  # what the worker runs
    assert ReferenceCounter.objects.get(year=year).last == number


@ON_POSTGRESQL
def test_a_years_first_case_makes_its_sequence_after_the_counter(db):
    ReferenceCounter.objects.create(year=2040, last=41)
    first = reference_next(dt.datetime(2040, 3, 1, tzinfo=TZ))
    assert first == reference_make(2040, 42)
    assert reference_next(dt.datetime(2040, 3, 2, tzinfo=TZ)) == reference_make(2040, 43)
    assert reference_next(dt.datetime(2041, 1, 2, tzinfo=TZ)) == reference_make(2041, 1)  # no counter row
