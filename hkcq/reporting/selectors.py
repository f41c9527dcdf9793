"""Reads of the reporting app, and the one way a job is fetched for a user."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from hkcq.reporting import permissions
from hkcq.reporting.models import Job


def job_list(*, kinds: tuple[str, ...]) -> QuerySet[Job]:
    return Job.objects.filter(kind__in=kinds).select_related("created_by").order_by("-created_at")


def get_job_for_user(user: Any, job_id: Any, *, kinds: tuple[str, ...]) -> Job:
    """A job of one of ``kinds``, for a user who may see it (the secretariat)."""
    if not permissions.can_see_job(user):
        raise PermissionDenied
    job = Job.objects.select_related("created_by").filter(pk=job_id, kind__in=kinds).first()
    if job is None:
        raise Http404
    return job
