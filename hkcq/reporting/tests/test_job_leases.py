"""Import and report jobs left RUNNING by a worker that was killed go back to the queue, or are
marked failed with a button to try again (issue 12: leases for non-e-mail jobs)."""

import datetime as dt
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hkcq.accounts.tests import personas
from hkcq.registry.models import Measure
from hkcq.registry.tests.factories import AreaFactory
from hkcq.reporting import services
from hkcq.reporting.models import Job
from hkcq.reporting.tests.helpers import open_cycle, plenary
from hkcq.reporting.tests.test_import import csv_bytes, last_job, signed_in, upload  # noqa: F401

__all__ = ["signed_in"]
secretariat_hk = personas.secretariat_hk  # factory-made, not the default data's demo account


def passed():
    return timezone.now() - timedelta(seconds=1)


def left_by_a_dead_worker(job: Job, state: str, attempts: int = 1) -> None:
    """What a worker killed mid-task leaves: the job in its running state, the lease running out."""
    Job.objects.filter(pk=job.pk).update(state=state, lease_until=passed(), attempts=attempts)


def measures_rows():
    area = AreaFactory.create().ext_id
    return [["id", "area", "title_en"], ["lease-1", area, "Leased"], ["lease-2", area, "Leased too"]]


def test_a_check_left_by_a_dead_worker_is_checked_again(signed_in, django_capture_on_commit_callbacks):  # noqa: F811
    upload(signed_in, csv_bytes(measures_rows()))
    job = last_job()
    Job.objects.filter(pk=job.pk).update(result={})
    left_by_a_dead_worker(job, Job.State.CHECKING)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_jobs", verbosity=0)
    job.refresh_from_db()
    assert job.state == Job.State.PREVIEW and job.result["counts"]["create"] == 2
    assert job.attempts == 2 and job.lease_until is None


def test_an_apply_left_by_a_dead_worker_is_applied_once(signed_in, django_capture_on_commit_callbacks):  # noqa: F811
    upload(signed_in, csv_bytes(measures_rows()))
    job = last_job()
    services.import_confirm(user=job.created_by, job=job)  # confirmed; the worker died applying it
    left_by_a_dead_worker(job, Job.State.APPLYING)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_recover() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert Measure.objects.filter(ext_id__startswith="lease-").count() == 2
    # The task delivered again (a duplicate job) does nothing.
    services.import_apply(job_id=str(job.pk))
    assert Measure.objects.filter(ext_id__startswith="lease-").count() == 2


def test_a_job_held_by_a_live_worker_is_left_alone(signed_in):  # noqa: F811
    upload(signed_in, csv_bytes(measures_rows()))
    job = last_job()
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.CHECKING, lease_until=timezone.now() + timedelta(minutes=5), attempts=1
    )
    assert services.jobs_recover() == {"requeued": 0, "failed": 0}
    services.import_check(job_id=str(job.pk))  # a second task for it: the lease is held
    job.refresh_from_db()
    assert job.state == Job.State.CHECKING


@pytest.fixture
def report_job(secretariat_hk):
    open_cycle()
    snapshot = services.close_cycle(open_cycle(), plenary(dt.date(2024, 5, 10), 2), secretariat_hk)
    return services.report_start(user=secretariat_hk, snapshot=snapshot, language="en")


def test_a_report_left_running_is_generated_again(report_job, django_capture_on_commit_callbacks):
    left_by_a_dead_worker(report_job, Job.State.RUNNING)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.jobs_recover() == {"requeued": 1, "failed": 0}
    report_job.refresh_from_db()
    assert report_job.state == Job.State.DONE and set(report_job.result["files"]) == {"html", "pdf", "xlsx", "csv"}


def test_after_its_attempts_a_job_fails_with_a_retry_button(
    report_job, client, secretariat_hk, django_capture_on_commit_callbacks
):
    left_by_a_dead_worker(report_job, Job.State.RUNNING, attempts=3)
    assert services.jobs_recover() == {"requeued": 0, "failed": 1}
    report_job.refresh_from_db()
    assert report_job.state == Job.State.FAILED and "worker stopped" in report_job.message
    client.force_login(secretariat_hk)
    page = client.get(report_job.get_absolute_url()).content.decode()
    assert f"/jobs/{report_job.pk}/retry/" in page and "Try again" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/en/jobs/{report_job.pk}/retry/")
    assert response.status_code == 302
    report_job.refresh_from_db()
    assert report_job.state == Job.State.DONE


def test_the_failure_is_said_in_the_users_language(report_job):
    Job.objects.filter(pk=report_job.pk).update(language="zh-hant")
    left_by_a_dead_worker(report_job, Job.State.RUNNING, attempts=3)
    services.jobs_recover()
    report_job.refresh_from_db()
    assert "處理程序" in report_job.message


def test_a_failed_import_can_be_checked_again(signed_in, django_capture_on_commit_callbacks):  # noqa: F811
    upload(signed_in, csv_bytes(measures_rows()))
    job = last_job()
    left_by_a_dead_worker(job, Job.State.CHECKING, attempts=3)
    services.jobs_recover()
    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert "Try again" in signed_in.get(job.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/en/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    assert job.state == Job.State.PREVIEW  # checked again; it waits for confirmation as before
