"""Publishing (and every other transition of an update) is acknowledged first: the people
concerned are told by the ``transition_notify`` task queued with the change (issue 15: rendering
each reader's message and queueing its e-mail took most of a publication's time). The task is
idempotent and a lost one is done by the ``notify_progress`` sweep: a message the platform
promises is sent exactly once. The queue here is django_tasks' dummy backend: it keeps what was
queued and runs nothing (a queue outside the database, as RQ)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings

from hkcq.accounts.models import User
from hkcq.core.models import OutgoingEmail
from hkcq.notifications.models import Notification
from hkcq.progress import services
from hkcq.progress.models import UpdateTransition
from hkcq.progress.tasks import transition_notify
from hkcq.progress.tests.test_workflow import make


@pytest.fixture
def queued():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        backend = transition_notify.get_backend()
        backend.clear()  # type: ignore[attr-defined]
        yield backend.results  # type: ignore[attr-defined]
        backend.clear()  # type: ignore[attr-defined]


@pytest.fixture
def confirmed(officer_hk, secretariat_hk, secretariat_cq, measure, status, django_capture_on_commit_callbacks):
    """A Hong Kong update confirmed by the Chongqing secretariat, its author reading Traditional
    Chinese and the Chongqing secretariat Simplified; everything before publication told. The
    persona is the Chongqing secretariat's one active member (the default data's demo member,
    when loaded, is set aside: a side's whole secretariat is told)."""
    User.objects.filter(role="secretariat", side="chongqing").exclude(pk=secretariat_cq.pk).update(is_active=False)
    officer_hk.preferred_language = "zh-hant"
    officer_hk.save()
    secretariat_cq.preferred_language = "zh-hans"
    secretariat_cq.save()
    with django_capture_on_commit_callbacks(execute=True):
        update = make(measure, officer_hk, status, state="confirmed")
    return update


def told():
    return Notification.objects.count(), OutgoingEmail.objects.count()


def _publish(update, secretariat_hk, capture):
    with capture(execute=True) as callbacks:
        services.update_publish(user=secretariat_hk, update=update)
    return callbacks, UpdateTransition.objects.get(update=update, to_state="published")


def test_publishing_queues_one_task_after_the_commit_and_tells_nobody_in_the_request(
    confirmed, queued, secretariat_hk, django_capture_on_commit_callbacks
):
    before = told()
    with django_capture_on_commit_callbacks() as callbacks:
        services.update_publish(user=secretariat_hk, update=confirmed)
        assert list(queued) == []  # nothing queued before the commit
    for callback in callbacks:
        callback()
    published = UpdateTransition.objects.get(update=confirmed, to_state="published")
    assert [(r.task.name, r.kwargs) for r in queued] == [("transition_notify", {"transition_id": published.pk})]
    assert published.notify_pending
    assert told() == before  # no notification stored, no e-mail queued in the request


def test_the_task_tells_each_person_once_in_their_language_and_a_second_run_sends_nothing(
    confirmed, queued, officer_hk, secretariat_hk, secretariat_cq, django_capture_on_commit_callbacks
):
    _callbacks, published = _publish(confirmed, secretariat_hk, django_capture_on_commit_callbacks)
    before_notes = set(Notification.objects.values_list("pk", flat=True))
    before_mails = set(OutgoingEmail.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        assert transition_notify.call(transition_id=published.pk) is True  # what the worker runs
    notes = Notification.objects.exclude(pk__in=before_notes).order_by("recipient_id")
    # The author (Traditional) and the Chongqing secretariat (Simplified); not the publisher.
    assert {(n.recipient, n.language) for n in notes} == {(officer_hk, "zh-hant"), (secretariat_cq, "zh-hans")}
    by_reader = {n.recipient: n for n in notes}
    assert by_reader[officer_hk].title == "措施 1.1（香港）的進度更新已發布"
    assert by_reader[officer_hk].url == f"/zh-hant/progress/updates/{confirmed.pk}/"
    assert by_reader[secretariat_cq].title == "措施 1.1（香港）的进度更新已发布"
    assert by_reader[secretariat_cq].url == f"/zh-hans/progress/updates/{confirmed.pk}/"
    mails = OutgoingEmail.objects.exclude(pk__in=before_mails)
    assert sorted((m.to[0], m.language, m.subject) for m in mails) == sorted(
        [
            (officer_hk.email, "zh-hant", "措施 1.1（香港）的進度更新已發布"),
            (secretariat_cq.email, "zh-hans", "措施 1.1（香港）的进度更新已发布"),
        ]
    )
    published.refresh_from_db()
    assert not published.notify_pending
    after = told()

    # Run again (a duplicate job, a retry): nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert transition_notify.call(transition_id=published.pk) is False
    assert told() == after


def test_a_task_that_dies_midway_sends_nothing_and_the_sweep_sends_it_once(
    confirmed, queued, secretariat_hk, monkeypatch, django_capture_on_commit_callbacks
):
    _callbacks, published = _publish(confirmed, secretariat_hk, django_capture_on_commit_callbacks)
    before = told()
    calls = []
    real_notify = services.notify

    def dies_after_the_first(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real_notify(*args, **kwargs)

    monkeypatch.setattr(services, "notify", dies_after_the_first)
    with pytest.raises(SystemExit):
        transition_notify.call(transition_id=published.pk)
    assert told() == before  # the first person's message went with the transaction
    published.refresh_from_db()
    assert published.notify_pending
    monkeypatch.setattr(services, "notify", real_notify)

    out = StringIO()
    call_command("notify_progress", "--older-than", "3600", stdout=out)  # its task may still run
    assert out.getvalue().strip() == "0 transition(s) notified."
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_progress", "--older-than", "0", stdout=out)
    assert "1 transition(s) notified." in out.getvalue()
    assert told() == (before[0] + 2, before[1] + 2)
    call_command("notify_progress", "--older-than", "0", stdout=out)
    assert told() == (before[0] + 2, before[1] + 2)
