"""Background work of the enquiries app. A task body is one call of a service. Tasks take ids
only: a queue's log (RQ prints each job's arguments) must never hold an address or a token."""

from __future__ import annotations

from django_tasks import task


@task()
def tracking_link_send(*, request_id: int) -> bool:
    # local import: services queue this task (they import this module), so this side waits
    from hkcq.enquiries.services import enquiry_tracking_link_send

    return enquiry_tracking_link_send(request_id=request_id)


@task()
def route(*, enquiry_id: int) -> bool:
    # local import: submission queues this task (it imports this module), so this side waits
    from hkcq.enquiries.services import enquiry_route

    return enquiry_route(enquiry_id=enquiry_id)
