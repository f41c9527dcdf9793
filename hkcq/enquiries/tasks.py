"""Background work of the enquiries app. A task body is one call of a service."""

from __future__ import annotations

from django_tasks import task


@task()
def tracking_link_send(*, reference: str, email: str) -> bool:
    from hkcq.enquiries.services import enquiry_tracking_link_send

    return enquiry_tracking_link_send(reference=reference, email=email)
