"""Background work of the progress app. A task body is one call of a service; tasks take ids only."""

from __future__ import annotations

from django_tasks import task


@task()
def transition_notify(*, transition_id: int) -> bool:
    # local import: the services queue this task (they import this module), so this side waits
    from hkcq.progress.services import update_transition_notify

    return update_transition_notify(transition_id=transition_id)
