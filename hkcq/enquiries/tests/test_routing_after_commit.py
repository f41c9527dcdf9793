"""A case is acknowledged (reference, token, confirmation) before it is routed: the suggested unit,
the gap record and the staff's notice are the work of the ``route`` task that follows the commit
(issue 15: routing took a third of a submission's time). With a queue outside the database (RQ)
the task is queued after the commit; a case whose task was lost is routed by ``route_enquiries``.
The queue here is django_tasks' dummy backend: it keeps what was queued and runs nothing."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from hkcq.enquiries import knowledge, services
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.tests.conftest import CQ_UNIT, HK_UNIT
from hkcq.notifications.models import Notification


def _submit(client: Client, n: int = 1):
    body = {"question": f"How do I renew my Home Return Permit? ({n})", "email": f"r{n}@example.org", "consent": True}
    return client.post("/api/v1/enquiries", json.dumps(body), content_type="application/json")


def test_the_case_is_acknowledged_first_and_the_task_after_the_commit_routes_it(
    queued, route_to, officer_hk, secretariat_hk, django_capture_on_commit_callbacks
):
    route_to(HK_UNIT, answered=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _submit(Client())
    assert response.status_code == 201
    case = Enquiry.objects.get(reference=response.json()["reference"])
    # Acknowledged, not yet routed; nobody told yet; the task was queued only once committed.
    assert case.routing_pending and case.assigned_unit is None and case.suggested_unit is None
    assert not Notification.objects.filter(recipient=officer_hk).exists()
    assert len(callbacks) >= 1
    assert [r.kwargs for r in queued if r.task.name == "route"] == [{"enquiry_id": case.pk}]
    staff = Client()
    staff.force_login(secretariat_hk)
    row = staff.get("/en/enquiries/queue/").content.decode()
    assert "Routing…" in row
    assert "正在分派" in staff.get(f"/zh-hant/enquiries/case/{case.reference}/").content.decode()

    assert services.enquiry_route(enquiry_id=case.pk) is True  # what the worker runs
    case.refresh_from_db()
    assert not case.routing_pending
    assert case.assigned_unit.ext_id == HK_UNIT and case.suggested_unit.ext_id == HK_UNIT and case.kb_answered
    assert Notification.objects.filter(recipient=officer_hk).count() == 1
    assert "Routing…" not in staff.get("/en/enquiries/queue/").content.decode()
    # A task run twice routes once and tells nobody again.
    assert services.enquiry_route(enquiry_id=case.pk) is False
    assert Notification.objects.filter(recipient=officer_hk).count() == 1


def test_a_case_assigned_before_its_task_ran_keeps_its_unit(queued, route_to, secretariat_hk):
    from hkcq.registry.models import Unit

    route_to(HK_UNIT, answered=True)
    case = services.enquiry_submit(
        filing=services.Filing(question="Permit renewal?", email="a@example.org", consent=True)
    ).enquiry
    other = Unit.objects.get(ext_id=CQ_UNIT)
    Enquiry.objects.filter(pk=case.pk).update(assigned_unit=other)
    services.enquiry_route(enquiry_id=case.pk)
    case.refresh_from_db()
    assert case.assigned_unit == other and case.suggested_unit.ext_id == HK_UNIT and not case.routing_pending


def test_an_unanswered_question_is_a_gap_when_the_task_routes_it(queued, monkeypatch, route_to):
    gaps = []
    monkeypatch.setattr(knowledge, "gap_record", lambda q, lang: gaps.append((q, lang)))
    route_to(None, answered=False)
    case = services.enquiry_submit(
        filing=services.Filing(question="Can I bring my cat?", email="a@example.org", consent=True)
    ).enquiry
    assert gaps == []
    services.enquiry_route(enquiry_id=case.pk)
    assert gaps == [("Can I bring my cat?", "en")]


def test_the_sweep_routes_cases_whose_task_was_lost(queued, route_to):
    route_to(HK_UNIT, answered=True)
    cases = [_submit(Client(), n).json()["reference"] for n in range(3)]
    assert Enquiry.objects.filter(reference__in=cases, routing_pending=True).count() == 3
    out = StringIO()
    call_command("route_enquiries", "--older-than", "3600", stdout=out)  # their tasks may still run
    assert out.getvalue().strip() == "0 enquiry(ies) routed."
    call_command("route_enquiries", "--older-than", "0", stdout=out)
    assert "3 enquiry(ies) routed." in out.getvalue()
    assert not Enquiry.objects.filter(reference__in=cases, routing_pending=True).exists()
    assert set(Enquiry.objects.filter(reference__in=cases).values_list("assigned_unit__ext_id", flat=True)) == {HK_UNIT}


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_no_reply_date_is_promised_until_the_case_has_its_unit(queued, route_to, lang):
    """Until routing the deadline is counted on the default side's calendar; the unit's side
    (other holidays) may move it. The resident sees no date that could then change: the
    tracking page, the tracking API and Open311 give none until the case is routed."""
    route_to(CQ_UNIT, answered=True)
    response = _submit(Client())
    token, reference = response.json()["token"], response.json()["reference"]
    case = Enquiry.objects.get(reference=reference)
    assert case.routing_pending and case.reply_due is not None  # provisional, for the staff's queue
    resident = Client()
    page = resident.get(f"/{lang}/enquiries/track/{token}/").content.decode()
    assert 'class="col-sm-9 reply-due"' in page
    assert case.reply_due.strftime("%Y") not in page.split('reply-due">')[1].split("</dd>")[0]
    assert resident.get(f"/api/v1/enquiries/track/{token}").json()["reply_due"] is None
    listed = resident.get(f"/open311/v2/requests/{reference}.json").json()[0]
    assert listed.get("expected_datetime") is None

    services.enquiry_route(enquiry_id=case.pk)
    case.refresh_from_db()
    page = resident.get(f"/{lang}/enquiries/track/{token}/").content.decode()
    assert case.reply_due.strftime("%Y") in page.split('reply-due">')[1].split("</dd>")[0]
    assert resident.get(f"/api/v1/enquiries/track/{token}").json()["reply_due"] is not None
    assert resident.get(f"/open311/v2/requests/{reference}.json").json()[0]["expected_datetime"]


def test_the_sweep_routes_a_backlog_larger_than_one_batch(queued, route_to, monkeypatch):
    """A queue outage at volume leaves more cases waiting than the sweep reads at once: one run
    routes them all, batch after batch (the benchmark's sweep left 548 of 1,548 waiting)."""
    from hkcq.enquiries import submission

    monkeypatch.setattr(submission, "ROUTE_BATCH", 2)
    route_to(HK_UNIT, answered=True)
    cases = [_submit(Client(), n).json()["reference"] for n in range(5)]
    out = StringIO()
    call_command("route_enquiries", "--older-than", "0", stdout=out)
    assert "5 enquiry(ies) routed." in out.getvalue()
    assert not Enquiry.objects.filter(reference__in=cases, routing_pending=True).exists()
