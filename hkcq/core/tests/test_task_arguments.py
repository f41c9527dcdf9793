"""Background tasks carry ids, never bodies, addresses or tokens: RQ writes each job's description
(its function and arguments) to the worker's log and keeps it in Redis (issue 12)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import fakeredis
import pytest
from django_tasks.base import Task
from rq.job import Job as RQJob

import hkcq
from hkcq.enquiries.models import Enquiry, LinkRequest


def all_tasks() -> list[Task]:
    found = []
    for info in pkgutil.iter_modules(hkcq.__path__):
        try:
            module = importlib.import_module(f"hkcq.{info.name}.tasks")
        except ModuleNotFoundError:
            continue
        found += [value for value in vars(module).values() if isinstance(value, Task)]
    return found


def test_every_task_takes_only_ids():
    tasks = all_tasks()
    assert {t.name for t in tasks} >= {"deliver_email", "tracking_link_send", "import_check_task"}
    for task in tasks:
        names = list(inspect.signature(task.func).parameters)
        assert names and all(name.endswith("_id") for name in names), f"{task.module_path} takes {names}"


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are kept, not run (django_tasks resets its backends when TASKS changes)."""
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return task_backends["default"]


def rq_description(result) -> str:
    """What RQ logs for this enqueued task: django_tasks_rq creates the job with the task's path
    and its arguments, and RQ's description is the call string."""
    job = RQJob.create(
        result.task.module_path, args=result.args, kwargs=result.kwargs, connection=fakeredis.FakeRedis()
    )
    return str(job.description)


def test_find_my_enquiry_queues_no_address(db, client, dummy_tasks, django_capture_on_commit_callbacks):
    from hkcq.enquiries.tests.test_throttle import enquiry  # the API's enquiry body

    created = client.post("/api/v1/enquiries", enquiry(1, "secret.person@example.org"), content_type="application/json")
    assert created.status_code == 201
    case = Enquiry.objects.get()
    dummy_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/enquiries/find/", {"reference": case.reference, "email": "secret.person@example.org"})
    [result] = dummy_tasks.results
    description = rq_description(result)
    assert "tracking_link_send" in description
    assert "secret.person" not in description and "example.org" not in description
    assert LinkRequest.objects.count() == 1


def test_e_mail_tasks_carry_the_outbox_row_not_the_message(db, dummy_tasks, django_capture_on_commit_callbacks):
    from hkcq.core.outbox import email_queue

    with django_capture_on_commit_callbacks(execute=True):
        email_queue(subject="Your link", body="https://example.org/t/SECRET-TOKEN", to=["who@example.org"])
    [result] = dummy_tasks.results
    description = rq_description(result)
    assert "SECRET-TOKEN" not in description and "who@example.org" not in description


def test_the_worker_answers_a_link_request_once_and_deletes_it(db, client, mailoutbox):
    created = client.post(
        "/api/v1/enquiries",
        {"question": "Q?", "email": "r@example.org", "consent": True},
        content_type="application/json",
    )
    reference = created.json()["reference"]
    mailoutbox.clear()
    from hkcq.enquiries.services import enquiry_tracking_link_send

    request = LinkRequest.objects.create(reference=reference, email="R@example.org")
    assert enquiry_tracking_link_send(request_id=request.pk) is True
    assert enquiry_tracking_link_send(request_id=request.pk) is False  # a task run twice sends once
    assert not LinkRequest.objects.exists()
