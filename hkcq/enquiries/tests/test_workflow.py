import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from freezegun import freeze_time

from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.enquiries import services, sla
from hkcq.enquiries.models import Enquiry, Pause
from hkcq.enquiries.tests.conftest import CQ_UNIT, HK_UNIT
from hkcq.registry.models import Unit

HKT = ZoneInfo("Asia/Hong_Kong")


def at(day: int, hour: int = 10) -> dt.datetime:
    """A time in March 2026 (no public holiday on either side that month)."""
    return dt.datetime(2026, 3, day, hour, tzinfo=HKT)


@pytest.mark.django_db  # the calendars app reads its holiday records
def test_weekday_arithmetic():
    # Friday + 1 working day = Monday; Wednesday + 10 = the Wednesday two weeks on.
    assert sla.add_working_days(at(6), 1, "hong_kong") == at(9)
    assert sla.add_working_days(at(4), 10, "hong_kong") == at(18)
    # Monday 10:00 to the next Monday 10:00 is five working days; a weekend counts nothing.
    assert sla.working_days_between(at(9), at(16), "hong_kong") == pytest.approx(5)
    assert sla.working_days_between(at(7), at(8, 23), "hong_kong") == 0


def test_deadlines_follow_priority(make_case):
    with freeze_time(at(4)):
        normal = make_case()
        high = make_case(priority="high")
    assert normal.received_at == at(4)
    assert (normal.acknowledge_due, normal.reply_due) == (at(6), at(18))
    assert (high.acknowledge_due, high.reply_due) == (at(5), at(11))


def test_the_whole_case_pause_resume_transfer_close_rate(
    make_case, officer_hk, officer_cq, secretariat_hk, django_capture_on_commit_callbacks
):
    with freeze_time(at(4)), django_capture_on_commit_callbacks(execute=True):
        case = make_case(language="zh-hans", email="lee@example.org")
    mail.outbox.clear()
    with freeze_time(at(5)):
        services.enquiry_accept(user=officer_hk, enquiry=case)
    case.refresh_from_db()
    assert case.status == "accepted" and case.assigned_officer == officer_hk and case.acknowledged_at == at(5)

    # Asking the resident for information stops the clock ...
    with freeze_time(at(9)), django_capture_on_commit_callbacks(execute=True):
        services.enquiry_wait(user=officer_hk, enquiry=case, body="Which permit do you hold?")
    case.refresh_from_db()
    assert case.status == "waiting" and case.paused_since == at(9) and case.first_reply_at is None
    assert not case.reply_overdue  # a paused case is never late
    [to_resident] = mail.outbox
    assert to_resident.to == ["lee@example.org"] and "回复" in to_resident.subject
    assert f"/zh-hans/enquiries/track/{case.token}/" in to_resident.body

    # ... and the resident's answer five working days later restarts it, five days later.
    with freeze_time(at(16)):
        services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body="A 10-year permit")
    case.refresh_from_db()
    assert case.status == "accepted" and case.paused_since is None
    assert Pause.objects.get(enquiry=case).ended_at == at(16)
    assert case.reply_due == at(25)

    # A transfer keeps the clock: same received time, same deadlines, no new acknowledgement.
    with freeze_time(at(17)):
        services.enquiry_transfer(
            user=officer_hk, enquiry=case, to_unit=Unit.objects.get(ext_id=CQ_UNIT), reason="Commerce matter"
        )
    case = Enquiry.objects.get(pk=case.pk)
    assert case.assigned_unit.ext_id == CQ_UNIT and case.assigned_officer is None and case.status == "new"
    assert (case.received_at, case.acknowledge_due, case.reply_due) == (at(4), at(6), at(25))
    assert case.transfers.get().from_unit.ext_id == HK_UNIT
    # the officer who transferred it no longer works it
    with pytest.raises(NotPermitted):
        services.enquiry_reply(user=officer_hk, enquiry=case, body="late")

    with freeze_time(at(18)):
        services.enquiry_accept(user=officer_cq, enquiry=case)
        services.enquiry_reply(user=officer_cq, enquiry=case, body="Here is the answer.")
    case.refresh_from_db()
    assert case.status == "answered" and case.first_reply_at == at(18) and not case.reply_overdue

    with pytest.raises(InvalidInput):
        services.enquiry_rate(user=None, enquiry=case, token=case.token, service=5, outcome=4)
    with freeze_time(at(19)):
        services.enquiry_close(user=officer_cq, enquiry=case, outcome="answered", note="")
    case.refresh_from_db()
    assert case.status == "closed" and case.closed_at == at(19)
    with pytest.raises(InvalidInput):
        services.enquiry_rate(user=None, enquiry=case, token=case.token, service=6, outcome=4)
    services.enquiry_rate(user=None, enquiry=case, token=case.token, service=5, outcome=3, comment="Quick")
    case.refresh_from_db()
    assert (case.service_rating, case.outcome_rating, case.rating_comment) == (5, 3, "Quick")
    with pytest.raises(InvalidInput):
        services.enquiry_rate(user=None, enquiry=case, token=case.token, service=1, outcome=1)
    case.refresh_from_db()
    assert case.service_rating == 5
    with pytest.raises(NotPermitted):
        services.enquiry_resident_reply(user=None, enquiry=case, token=case.token, body="one more thing")


def test_overdue_cases_show_in_the_due_filter(make_case, officer_hk, client):
    with freeze_time(at(4)):
        late = make_case()
    with freeze_time(at(20)):
        fresh = make_case()
        from hkcq.enquiries import selectors

        overdue = list(selectors.enquiry_queue_for_user(officer_hk, due="overdue"))
        assert late in overdue and fresh not in overdue
        assert late.reply_overdue and late.acknowledge_overdue
        client.force_login(officer_hk)
        html = client.get("/en/enquiries/queue/", {"due": "overdue"}).content.decode()
        assert late.reference in html and fresh.reference not in html


def test_transfer_needs_a_reason_and_another_unit(make_case, officer_hk):
    case = make_case()
    with pytest.raises(InvalidInput) as exc:
        services.enquiry_transfer(user=officer_hk, enquiry=case, to_unit=case.assigned_unit, reason="")
    assert set(exc.value.details) == {"reason", "to_unit"}
    assert not case.transfers.exists()


def test_secretariat_routes_an_unassigned_case(make_case, secretariat_cq, officer_cq):
    case = make_case(unit=None)
    assert case.assigned_unit is None
    services.enquiry_transfer(
        user=secretariat_cq, enquiry=case, to_unit=Unit.objects.get(ext_id=CQ_UNIT), reason="Triage"
    )
    case.refresh_from_db()
    assert Unit.objects.get(pk=case.assigned_unit_id).ext_id == CQ_UNIT
    services.enquiry_accept(user=officer_cq, enquiry=case)
    assert Enquiry.objects.get(pk=case.pk).status == "accepted"


def test_deadlines_use_the_holiday_calendar_of_the_unit_side(make_case, secretariat_hk):
    from hkcq.calendars.loading import calendars_load

    calendars_load()
    received = dt.datetime(2026, 4, 2, 10, tzinfo=HKT)  # Thursday before Easter
    with freeze_time(received):
        case = make_case(priority="high")
    # Hong Kong: Good Friday, Easter Monday and the day after Ching Ming (Tuesday) are holidays.
    assert case.acknowledge_due == dt.datetime(2026, 4, 8, 10, tzinfo=HKT)
    with freeze_time(dt.datetime(2026, 4, 2, 11, tzinfo=HKT)):
        services.enquiry_transfer(
            user=secretariat_hk, enquiry=case, to_unit=Unit.objects.get(ext_id=CQ_UNIT), reason="Mainland matter"
        )
    case.refresh_from_db()
    # Still counted from receipt, now on the Mainland calendar, where Good Friday is a working day.
    assert case.received_at == received
    assert case.acknowledge_due == dt.datetime(2026, 4, 3, 10, tzinfo=HKT)


def test_a_submission_is_never_refused_for_want_of_a_service_level(make_case):
    from hkcq.enquiries.models import SlaPolicy

    SlaPolicy.objects.all().delete()
    with freeze_time(at(4)):
        case = make_case()
    assert (case.acknowledge_due, case.reply_due) == (at(6), at(18))
