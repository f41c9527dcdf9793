"""Background tasks of the reporting app. Each body is one call of a service."""

from __future__ import annotations

from django_tasks import task

from hkcq.reporting import services


@task()
def import_check_task(*, job_id: str) -> None:
    services.import_check(job_id=job_id)


@task()
def import_apply_task(*, job_id: str) -> None:
    services.import_apply(job_id=job_id)


@task()
def report_generate_task(*, job_id: str) -> None:
    services.report_generate(job_id=job_id)
