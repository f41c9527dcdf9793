"""A result the platform promises to tell is told exactly once, through the outbox: a host given two
interns gets one message naming both (a review found two), a person linked later gets the entry's
current result in one message, and a run that changes nothing for an entry tells it nothing again
(a review found every unplaced applicant told again on each run). An applicant who declined their
place takes no further part and is not told "no place"."""

from __future__ import annotations

import pytest

from hkcq.exchanges import services
from hkcq.exchanges.models import Pair, Participant
from hkcq.exchanges.tests.factories import UserFactory, mail_by_address, member, round_areas  # noqa: F401 - round_areas: the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name


@pytest.fixture
def people(db):
    desk = member("chongqing", preferred_language="zh-hans")  # the host organisation's member
    return {
        "desk": desk,
        "s1": UserFactory(preferred_language="en"),
        "s2": UserFactory(preferred_language="zh-hant"),
        "s3": UserFactory(preferred_language="en"),
    }


def _round(officer, people):
    return services.round_create(
        user=officer,
        data={
            "kind": "internship",
            "title": "Internships 2027",
            "area": "education",
            "applicants": [
                {"id": "s1", "name": "Student One", "ranks": ["p1"], "email": people["s1"].email},
                {"id": "s2", "name": "Student Two", "ranks": ["p1"], "email": people["s2"].email},
                {"id": "s3", "name": "Student Three", "ranks": ["p1"], "email": people["s3"].email},
            ],
            "hosts": [{"id": "p1", "capacity": 2, "ranks": ["s1", "s2", "s3"], "profile": people["desk"][1].pk}],
        },
    )


def test_a_host_with_two_places_is_told_once_naming_both(
    officer_tdc, people, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = _round(officer_tdc, people)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.round_allocate(user=officer_tdc, round_=round_)
    sent = mail_by_address(mailoutbox)
    desk = people["desk"][0]
    assert len(sent[desk.email]) == 1
    body = sent[desk.email][0].body
    assert "Student One、Student Two" in body  # in the desk's Simplified Chinese, one list
    for key in ("s1", "s2", "s3"):
        assert len(sent[people[key].email]) == 1
    assert len(mailoutbox) == 4
    assert sorted(run["told"]) == ["p1", "s1", "s2", "s3"] and run["not_told"] == []


def test_a_run_that_changes_nothing_tells_nobody_again(
    officer_tdc, people, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = _round(officer_tdc, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_allocate(user=officer_tdc, round_=round_)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.round_allocate(user=officer_tdc, round_=round_)
    assert mailoutbox == [] and (run["told"], run["not_told"]) == ([], [])
    # s1 declines: s3 takes the place (told once); s1, who declined, is not told "no place"
    pair = Pair.objects.get(round=round_, applicant__ext_id="s1")
    services.pair_respond(user=people["s1"], pair=pair, accept=False)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.round_allocate(user=officer_tdc, round_=round_)
    sent = mail_by_address(mailoutbox)
    assert sorted(sent) == sorted([people["s3"].email, people["desk"][0].email])
    assert all(len(messages) == 1 for messages in sent.values())
    assert "Student Three" in sent[people["desk"][0].email][0].body
    assert sorted(run["told"]) == ["p1", "s3"]


def test_an_applicant_who_loses_their_place_is_told_once(
    officer_tdc, people, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = _round(officer_tdc, people)
    services.round_allocate(user=officer_tdc, round_=round_)
    services.capacity_set(user=officer_tdc, host=round_.participants.get(ext_id="p1"), capacity=1, reason="One desk")
    pair = Pair.objects.get(round=round_, applicant__ext_id="s2")
    services.pair_withdraw(user=officer_tdc, pair=pair, reason="One desk only")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.round_allocate(user=officer_tdc, round_=round_)
    sent = mail_by_address(mailoutbox)
    assert list(sent) == [people["s2"].email] and len(sent[people["s2"].email]) == 1
    assert sent[people["s2"].email][0].subject.startswith("這次未獲配對")


def test_a_person_linked_later_is_told_every_place_of_the_entry_once(
    officer_tdc, people, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = _round(officer_tdc, people)
    Participant.objects.filter(round=round_, ext_id="p1").update(profile=None)
    services.round_allocate(user=officer_tdc, round_=round_)
    mailoutbox.clear()
    newcomer = member("chongqing", preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        services.participant_link(
            user=officer_tdc, participant=round_.participants.get(ext_id="p1"), profile=newcomer[1].pk
        )
    assert [m.to for m in mailoutbox] == [[newcomer[0].email]]
    assert "Student One, Student Two" in mailoutbox[0].body
