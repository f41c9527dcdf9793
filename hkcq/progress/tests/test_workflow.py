"""The two-key workflow: every transition × every role, refused attempts change nothing."""

import pytest
from django.db import transaction

from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.notifications.models import Notification
from hkcq.progress import services
from hkcq.progress.models import ProgressUpdate, UpdateTransition
from hkcq.registry.tests.factories import MeasureFactory

from .conftest import secretariat_of

ROLES = [
    "anonymous",
    "resident",
    "officer_hk",
    "officer_cq",
    "outsider_officer",
    "secretariat_hk",
    "secretariat_cq",
    "admin_user",
]


@pytest.fixture
def people(request, db):
    from django.contrib.auth.models import AnonymousUser

    out = {"anonymous": AnonymousUser()}
    for role in ROLES[1:]:
        out[role] = request.getfixturevalue(role)
    return out


def make(measure, author, status, state="draft"):
    """An update of the author's side brought to ``state`` by the right people."""
    update = services.update_save(user=author, measure=measure, data={"status": status, "percent": 40})
    if state == "draft":
        return update
    update = services.update_submit(user=author, update=update)
    if state == "submitted":
        return update
    counterpart, own = secretariat_of(update.counterpart_side), secretariat_of(update.side)
    if state == "returned":
        return services.update_return(user=counterpart, update=update, reason="Figures missing")
    update = services.update_confirm(user=counterpart, update=update)
    if state == "confirmed":
        return update
    return services.update_publish(user=own, update=update)


def _snapshot(update):
    update.refresh_from_db()
    return (
        update.state,
        update.percent,
        update.status_id,
        update.return_reason,
        update.transitions.count(),
        Notification.objects.count(),
    )


DRAFTERS_HK = {"officer_hk", "secretariat_hk"}

# action, starting state, who may do it (for a Hong Kong update of the measure)
MATRIX = [
    ("edit", "draft", DRAFTERS_HK),
    ("edit", "returned", DRAFTERS_HK),
    ("submit", "draft", DRAFTERS_HK),
    ("submit", "returned", DRAFTERS_HK),
    ("confirm", "submitted", {"secretariat_cq"}),
    ("return", "submitted", {"secretariat_cq"}),
    ("return", "confirmed", {"secretariat_hk"}),
    ("publish", "confirmed", {"secretariat_hk"}),
    # Nothing moves out of the wrong state, whoever asks.
    ("confirm", "draft", set()),
    ("publish", "submitted", set()),
    ("submit", "confirmed", set()),
    ("edit", "submitted", set()),
    ("edit", "published", set()),
    ("return", "published", set()),
    ("confirm", "published", set()),
]


def _do(action, user, update, status):
    if action == "edit":
        return services.update_save(
            user=user, measure=update.measure, data={"status": status, "percent": 55}, update=update
        )
    if action == "submit":
        return services.update_submit(user=user, update=update)
    if action == "confirm":
        return services.update_confirm(user=user, update=update)
    if action == "return":
        return services.update_return(user=user, update=update, reason="Please add the date of the event")
    return services.update_publish(user=user, update=update)


EXPECTED_STATE = {
    "edit": None,
    "submit": "submitted",
    "confirm": "confirmed",
    "return": "returned",
    "publish": "published",
}


class Rollback(Exception):
    pass


@pytest.mark.parametrize(("action", "start", "allowed"), MATRIX, ids=[f"{a}-from-{s}" for a, s, _ in MATRIX])
def test_every_transition_for_every_role(people, officer_hk, measure, status, action, start, allowed):
    """Each role tries the action on a fresh update (inside a savepoint rolled back afterwards)."""
    for role in ROLES:
        try:
            with transaction.atomic():
                _attempt(people[role], role, action, start, allowed, officer_hk, measure, status)
                raise Rollback
        except Rollback:
            pass


def _attempt(user, role, action, start, allowed, officer_hk, measure, status):
    update = make(measure, officer_hk, status, state=start)
    before = _snapshot(update)
    if role in allowed:
        result = _do(action, user, update, status)
        expected = EXPECTED_STATE[action] or start
        assert result.state == expected, role
        if action != "edit":
            last = UpdateTransition.objects.filter(update=update).last()
            assert (last.from_state, last.to_state, last.actor_id) == (start, expected, user.id), role
        else:
            update.refresh_from_db()
            assert update.percent == 55, role
    else:
        with pytest.raises((NotPermitted, InvalidInput)):
            _do(action, user, update, status)
        assert _snapshot(update) == before, role


@pytest.mark.parametrize("role", ROLES)
def test_who_may_draft_a_hong_kong_update(people, measure, status, role):
    user = people[role]
    if role in DRAFTERS_HK | {"officer_cq", "secretariat_cq"}:
        update = services.update_save(user=user, measure=measure, data={"status": status, "percent": None})
        # Each drafts for their own side only.
        assert update.side == user.side
        assert update.percent == status.default_percent
        assert update.transitions.get().to_state == "draft"
    else:
        with pytest.raises(NotPermitted):
            services.update_save(user=user, measure=measure, data={"status": status})
        assert ProgressUpdate.objects.count() == 0


def test_officer_of_an_unrelated_measure_cannot_draft(officer_cq, status):
    unrelated = MeasureFactory.create()  # led and supported by no unit of officer_cq's
    with pytest.raises(NotPermitted):
        services.update_save(user=officer_cq, measure=unrelated, data={"status": status})


def test_return_needs_a_reason_and_the_author_sees_it(officer_hk, secretariat_cq, measure, status, client):
    update = make(measure, officer_hk, status, state="submitted")
    with pytest.raises(InvalidInput):
        services.update_return(user=secretariat_cq, update=update, reason="  ")
    update.refresh_from_db()
    assert update.state == "submitted"
    services.update_return(user=secretariat_cq, update=update, reason="The percent looks too high")
    client.force_login(officer_hk)
    html = client.get(update.get_absolute_url()).content.decode()
    assert "The percent looks too high" in html
    queue = client.get("/en/progress/work/?queue=returned").content.decode()
    assert "The percent looks too high" in queue
    # Resubmitting clears the reason.
    update = services.update_submit(user=officer_hk, update=update)
    assert update.state == "submitted" and update.return_reason == ""


def test_one_open_update_per_measure_and_side(officer_hk, secretariat_hk, measure, status):
    first = services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 10})
    again = services.update_save(user=secretariat_hk, measure=measure, data={"status": status, "percent": 20})
    assert again.pk == first.pk and again.percent == 20
    services.update_submit(user=officer_hk, update=first)
    with pytest.raises(InvalidInput):
        services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 30})


@pytest.mark.parametrize("percent", [-1, 101, "abc"])
def test_bad_percent_is_refused_and_nothing_saved(officer_hk, measure, status, percent):
    with pytest.raises(InvalidInput) as exc:
        services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": percent})
    assert "percent" in exc.value.details
    assert ProgressUpdate.objects.count() == 0


def test_retired_status_is_refused(officer_hk, measure, status):
    status.is_active = False
    status.save()
    with pytest.raises(InvalidInput):
        services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 5})


def test_transitions_notify_author_and_counterpart_in_their_language(
    officer_hk, secretariat_hk, secretariat_cq, measure, status, mailoutbox, django_capture_on_commit_callbacks
):
    officer_hk.preferred_language = "zh-hant"
    officer_hk.save()
    secretariat_cq.preferred_language = "zh-hans"
    secretariat_cq.save()
    with django_capture_on_commit_callbacks(execute=True):
        update = make(measure, officer_hk, status, state="submitted")
    # Submitted: the counterpart secretariat is told, in Simplified Chinese; the author (who acted) is not.
    assert sorted(r for m in mailoutbox for r in m.to) == secretariat_emails("chongqing")
    mail = next(m for m in mailoutbox if m.to == [secretariat_cq.email])
    assert "提交" in mail.subject and "1.1" in mail.subject
    assert Notification.objects.get(recipient=secretariat_cq).url == f"/zh-hans/progress/updates/{update.pk}/"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_confirm(user=secretariat_cq, update=update)
    recipients = sorted(r for m in mailoutbox for r in m.to)
    # Confirmed: the author and both sides' secretariats (the Hong Kong one publishes it), not who confirmed.
    assert recipients == sorted([officer_hk.email, *secretariat_emails("hong_kong", "chongqing", but=secretariat_cq)])
    to_author = next(m for m in mailoutbox if m.to == [officer_hk.email])
    assert "確認" in to_author.subject
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.update_publish(user=secretariat_hk, update=update)
    assert sorted(r for m in mailoutbox for r in m.to) == sorted([officer_hk.email, *secretariat_emails("chongqing")])
    assert any("发布" in m.subject for m in mailoutbox)


def secretariat_emails(*sides: str, but=None) -> list[str]:
    """The addresses of the active secretariat members of ``sides`` (a side's whole secretariat is
    told; with the default data loaded it has its demo members too), but the one who acted."""
    from hkcq.accounts.models import User

    people = User.objects.filter(is_active=True, role="secretariat", side__in=sides)
    return sorted(people.exclude(pk=getattr(but, "pk", None)).values_list("email", flat=True))
