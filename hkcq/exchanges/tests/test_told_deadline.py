"""The result a round tells its entries names a deadline only when the round has one: it said
"accept or decline before the deadline" to a round with no deadline (found by the new-user trial
trial14). With a deadline, the day is named ("Answer by …"). People a1 (zh-hant), a2 (en) and h1
(zh-hans) read it in their own language."""

from __future__ import annotations

import datetime as dt

import pytest

from hkcq.exchanges import services
from hkcq.exchanges.tests.factories import mail_by_address, two_school_round

pytestmark = pytest.mark.django_db

DEADLINE_WORDS = ("deadline", "限期", "Answer by", "回覆", "回复")


def _told(organiser, people, mailoutbox, capture, deadline):
    round_ = two_school_round(organiser, people)
    if deadline:
        services.round_update(user=organiser, round_=round_, data={"response_deadline": deadline})
    with capture(execute=True):
        services.round_allocate(user=organiser, round_=round_)
    sent = mail_by_address(mailoutbox)
    return {key: sent[people[key][0].email][0].body for key in ("a1", "a2", "h1")}


def test_without_a_deadline_none_is_named(organiser, people, mailoutbox, django_capture_on_commit_callbacks):
    bodies = _told(organiser, people, mailoutbox, django_capture_on_commit_callbacks, None)
    assert "Accept or decline on the round's page." in bodies["a2"]
    assert "請於輪次頁面接受或拒絕。" in bodies["a1"]
    assert "请在轮次页面接受或拒绝。" in bodies["h1"]
    for body in bodies.values():
        assert not any(word in body for word in DEADLINE_WORDS), body


def test_with_a_deadline_its_day_is_named(organiser, people, mailoutbox, django_capture_on_commit_callbacks):
    day = dt.date.today() + dt.timedelta(days=30)
    bodies = _told(organiser, people, mailoutbox, django_capture_on_commit_callbacks, day)
    assert "Answer by" in bodies["a2"]
    assert str(day.day) in bodies["a1"] and str(day.day) in bodies["h1"]


def test_the_other_side_is_told_when_one_declines(organiser, people, mailoutbox, django_capture_on_commit_callbacks):
    """A host heard nothing when its applicant declined until a later run offered someone else
    (found by trial14); it is told now, in its language, and the decliner is not told."""
    from hkcq.exchanges.models import Pair

    round_ = two_school_round(organiser, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_allocate(user=organiser, round_=round_)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a1")
    assert pair.host.ext_id == "h1"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.pair_respond(user=people["a1"][0], pair=pair, accept=False)
    sent = mail_by_address(mailoutbox)
    assert list(sent) == [people["h1"][0].email]  # h1 reads zh-hans
    (message,) = sent[people["h1"][0].email]
    assert message.subject.startswith("你的配对已被拒绝：")
    assert "Harbour Primary School已拒绝" in message.body and "可能会为你安排另一配对" in message.body


def test_a_second_run_reads_the_hosts_lists_as_typed(organiser, people, django_capture_on_commit_callbacks):
    """After a decline, the hosts' mean rank counted each host's list without the applicant who
    declined (h2's second choice counted as 1; found by trial14): it reads the lists as typed."""
    from hkcq.exchanges.models import Pair

    round_ = two_school_round(organiser, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_allocate(user=organiser, round_=round_)
    round_.refresh_from_db()
    assert round_.statistics["mean_host_rank"] == 1.5  # h1 holds a1 (its 1st), h2 holds a2 (its 2nd)
    pair = Pair.objects.get(round=round_, applicant__ext_id="a1")
    with django_capture_on_commit_callbacks(execute=True):
        services.pair_respond(user=people["a1"][0], pair=pair, accept=False)
        services.round_allocate(user=organiser, round_=round_)
    round_.refresh_from_db()
    assert round_.statistics["mean_host_rank"] == 2.0  # h2 still holds a2, its 2nd choice as typed
