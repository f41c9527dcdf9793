"""Check-in and feedback (with its outcome) belong to the event's day, not before: the services
refuse them with a clear, translated error and change nothing; the pages and the API (in the
platform's error shape) say the same. A trial found both accepted weeks before the event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from hkcq.accounts.services import api_token_create
from hkcq.core.dates import show_datetime
from hkcq.core.errors import InvalidInput
from hkcq.exchanges import services
from hkcq.exchanges.models import Feedback, Meeting, Registration
from hkcq.exchanges.tests.factories import (
    EventFactory,
    MeetingFactory,
    RegistrationFactory,
    held,
    organiser_unit,
    round_area,
)
from hkcq.partnering.models import Outcome

pytestmark = pytest.mark.django_db
CHECK_IN_LATER = {
    "en": "Check-in opens on the event's first day, 3 May 2027.",
    "zh-hant": "報到於活動首日（2027年5月3日）開始。",
    "zh-hans": "报到于活动首日（2027年5月3日）开始。",
}


def _auth(user, lang: str = "en") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}", "HTTP_ACCEPT_LANGUAGE": lang}


@pytest.fixture
def reg(event):
    return RegistrationFactory(event=event)


def test_check_in_is_refused_before_the_first_day_and_taken_on_it(event, reg, officer_tdc):
    with held(event, day=0, at=dt.time(0, 0)) as clock:
        clock.move_to(dt.datetime(2027, 5, 2, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        with pytest.raises(InvalidInput) as refused:
            services.registration_check_in(user=officer_tdc, registration=reg)
        assert str(refused.value.message) == CHECK_IN_LATER["en"]
        assert Registration.objects.get(pk=reg.pk).checked_in_at is None
        clock.move_to(dt.datetime(2027, 5, 3, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))))
        services.registration_check_in(user=officer_tdc, registration=reg)
    assert Registration.objects.get(pk=reg.pk).checked_in_at is not None


def test_an_event_without_dates_has_no_check_in(officer_tdc):
    event = EventFactory(starts_on=None, ends_on=None)
    event.organiser_units.set([organiser_unit("hk_tdc")])
    reg = RegistrationFactory(event=event)
    with pytest.raises(InvalidInput):
        services.registration_check_in(user=officer_tdc, registration=reg)
    assert Registration.objects.get(pk=reg.pk).checked_in_at is None


def test_feedback_and_outcome_wait_for_the_meetings_time(event):
    event.areas.set([round_area("logistics")])
    meeting = MeetingFactory(event=event, slot=5, table=0)  # day 2 (4 slots a day), 09:30
    start = services.slot_start(event, 5)
    assert (start.date(), start.hour, start.minute) == (dt.date(2027, 5, 4), 9, 30)
    person = meeting.requester.person
    with held(event, day=1, at=dt.time(9, 29)):
        with pytest.raises(InvalidInput) as refused:
            services.meeting_feedback(user=person, meeting=meeting, happened=True, outcome_kind="logistics")
        assert "from the start of the meeting" in str(refused.value.message)
    assert not Feedback.objects.exists() and not Outcome.objects.filter(reference=f"meeting:{meeting.pk}").exists()
    with held(event, day=1, at=dt.time(9, 30)):
        services.meeting_feedback(user=person, meeting=meeting, happened=True, outcome_kind="logistics")
    assert Outcome.objects.filter(reference=f"meeting:{meeting.pk}").count() == 1


def test_an_unscheduled_meeting_takes_feedback_from_the_first_day(event):
    meeting = MeetingFactory(event=event)
    with held(event, day=0, at=dt.time(0, 0)) as clock:
        clock.tick(-dt.timedelta(seconds=1))
        with pytest.raises(InvalidInput):
            services.meeting_feedback(user=meeting.recipient.person, meeting=meeting, happened=False)
        clock.tick(dt.timedelta(seconds=1))
        services.meeting_feedback(user=meeting.recipient.person, meeting=meeting, happened=False)
    assert Feedback.objects.filter(meeting=meeting).count() == 1


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_organise_page_refuses_an_early_check_in_and_offers_no_button(client, event, reg, officer_tdc, lang):
    with held(event, day=0, at=dt.time(0, 0)) as clock:
        clock.tick(-dt.timedelta(days=3))
        client.force_login(officer_tdc)
        page = client.get(f"/{lang}/events/{event.pk}/organise/").content.decode()
        check_in = f"/events/registrations/{reg.pk}/check-in/"
        assert check_in not in page and CHECK_IN_LATER[lang] in page
        response = client.post(f"/{lang}{check_in}", follow=True)
        assert [str(m) for m in response.context["messages"]] == [CHECK_IN_LATER[lang]]
        assert Registration.objects.get(pk=reg.pk).checked_in_at is None
    with held(event):
        client.force_login(officer_tdc)
        assert check_in in client.get(f"/{lang}/events/{event.pk}/organise/").content.decode()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_api_refuses_an_early_check_in_in_the_error_shape(client, event, reg, officer_tdc, lang):
    with held(event, day=0, at=dt.time(0, 0)) as clock:
        clock.tick(-dt.timedelta(minutes=1))
        response = client.post(f"/api/v1/registrations/{reg.pk}/check-in", **_auth(officer_tdc, lang))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] and error["message"] == CHECK_IN_LATER[lang]
    assert Registration.objects.get(pk=reg.pk).checked_in_at is None


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_scheduled_meeting_shows_its_time_on_the_persons_page(client, event, lang):
    """Found by the new-user trial: the page named the meeting's table but not its time."""
    meeting = MeetingFactory(event=event, slot=2, table=1)
    client.force_login(meeting.requester.person)
    page = client.get(f"/{lang}/events/{event.pk}/mine/").content.decode()
    with translation.override(lang):
        expected = f"{translation.gettext('Table')} 2 · <time"
        when = show_datetime(services.slot_start(event, 2))
    assert expected in page and f"{expected} datetime=" in page
    assert page.split(expected, 1)[1].split("</time>", 1)[0].endswith(when)


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_early_feedback_is_refused_on_the_page_and_in_the_api(client, event, lang):
    meeting = MeetingFactory(event=event, slot=2, table=1)
    person = meeting.requester.person
    with held(event, day=0, at=dt.time(8, 0)):
        client.force_login(person)
        page = client.get(f"/{lang}/events/{event.pk}/mine/").content.decode()
        assert f"/events/meetings/{meeting.pk}/feedback/" not in page  # no form yet
        response = client.post(
            f"/{lang}/events/meetings/{meeting.pk}/feedback/", {"happened": "yes", "outcome": "x"}, follow=True
        )
        shown = [str(m) for m in response.context["messages"]]
        with translation.override(lang):
            opens = show_datetime(services.slot_start(event, 2))
        assert len(shown) == 1 and opens in shown[0]
        api = client.post(
            f"/api/v1/meetings/{meeting.pk}/feedback",
            {"happened": True, "outcome": "x"},
            content_type="application/json",
            **_auth(person, lang),
        )
        assert api.status_code == 422 and api.json()["error"]["message"] == shown[0]
        if lang != "en":
            assert "（" in shown[0] and "(" not in shown[0]
    assert not Feedback.objects.exists()
    assert Meeting.objects.get(pk=meeting.pk).status == "accepted"


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_feedback_sent_without_saying_whether_it_took_place_keeps_what_was_typed(client, event, lang):
    """Found by the new-user trial: the page came back with the outcome and its kind emptied."""
    meeting = MeetingFactory(event=event, slot=2, table=1)
    person = meeting.requester.person
    with held(event):
        client.force_login(person)
        response = client.post(
            f"/{lang}/events/meetings/{meeting.pk}/feedback/",
            {"outcome": "A joint venture on cold-chain freight", "outcome_kind": "joint_venture", "useful": "on"},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="A joint venture on cold-chain freight"' in page
    assert '<option value="joint_venture" selected>' in page
    assert f'id="u-{meeting.pk}" checked' in page
    assert not Feedback.objects.exists()
