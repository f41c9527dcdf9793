"""Pages in the three languages, the event journey through pages, the agenda's .ics read back
by a calendar parser, personal data on pages. The authorization matrix is test_matrix.py."""

from __future__ import annotations

import pytest

from hkcq.core.translated import TText
from hkcq.exchanges import services
from hkcq.exchanges.models import Event, Meeting, MeetingStatus, Registration
from hkcq.exchanges.tests.factories import MembershipFactory, ProfileFactory, held, member, registered

pytestmark = pytest.mark.django_db
LANGS = ["en", "zh-hant", "zh-hans"]


# Participants of the public page's event: the name of each organisation, and whether it agreed
# to appear on the participant list.
LISTED = {
    "Harbour Freight Limited": True,
    "Yangtze Machinery Works": True,
    "Jialing Textiles Company": False,
    "Kowloon Trading House": False,
}


@pytest.mark.parametrize("lang", LANGS)
def test_public_pages_in_three_languages(client, event, lang):
    for k, (name, listed) in enumerate(LISTED.items()):
        profile = ProfileFactory(name=TText.of(en=name), side="hong_kong" if k % 2 else "chongqing")
        registered(event, (MembershipFactory(profile=profile).user, profile), listed=listed)
    demo = Event.objects.get(pk=event.pk)
    assert {reg.consent_public for reg in demo.registrations.all()} == {True, False}
    r = client.get(f"/{lang}/events/")
    assert r.status_code == 200
    assert r.headers["Content-Language"] == lang
    r = client.get(f"/{lang}/events/{demo.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    # only consenting participants are listed
    for reg in demo.registrations.all():
        name = reg.profile.name.en
        assert (name in body) == reg.consent_public or lang != "en"


@pytest.mark.parametrize("lang", LANGS)
def test_event_journey_through_pages(client, event, officer_tdc, lang):
    """The issue's journey in each language: two organisations of opposite sides and a third
    register, one is wait-listed then promoted, a meeting is requested and accepted, the organiser
    schedules all, both take their agenda (.ics read back by a calendar parser), check in on the
    day and record an outcome."""
    import icalendar

    event.capacity = 2
    event.save()
    hk, cq, late = member("hong_kong"), member(), member()
    for who in (hk, cq, late):
        client.force_login(who[0])
        r = client.post(
            f"/{lang}/events/{event.pk}/register/", {"profile": who[1].pk, "languages": ["en"], "consent_public": "on"}
        )
        assert r.status_code == 302
    assert Registration.objects.get(person=late[0]).status == "waitlisted"
    # hk cancels, late is promoted; then hk registers again and waits
    client.force_login(hk[0])
    client.post(f"/{lang}/events/{event.pk}/mine/cancel/")
    assert Registration.objects.get(person=late[0]).status == "confirmed"
    client.force_login(late[0])
    cq_reg = Registration.objects.get(person=cq[0])
    r = client.post(f"/{lang}/events/{event.pk}/mine/request/", {"recipient": cq_reg.pk, "note": "Freight"})
    meeting = Meeting.objects.get(recipient=cq_reg)
    client.force_login(cq[0])
    r = client.post(f"/{lang}/events/meetings/{meeting.pk}/answer/", {"accept": "yes", "slot": ""})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.ACCEPTED
    client.force_login(officer_tdc)
    r = client.post(f"/{lang}/events/{event.pk}/organise/schedule/")
    assert r.status_code == 302
    meeting.refresh_from_db()
    assert meeting.slot is not None
    assert client.get(f"/{lang}/events/{event.pk}/organise/grid/").status_code == 200
    assert client.get(f"/{lang}/events/{event.pk}/organise/table-cards/").status_code == 200
    for who in (late, cq):
        client.force_login(who[0])
        r = client.get(f"/{lang}/events/{event.pk}/mine/agenda.ics")
        cal = icalendar.Calendar.from_ical(r.content)
        events = [c for c in cal.walk("VEVENT")]
        assert len(events) == 1
        assert events[0].decoded("dtstart") == services.slot_start(event, meeting.slot)
        # RFC 5545: a TZID a date-time names is defined in the file (a trial found none)
        tzid = str(events[0]["dtstart"].params["TZID"])
        assert tzid in {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}
        assert client.get(f"/{lang}/events/{event.pk}/mine/agenda/").status_code == 200
    # the accepted partner's contact shows; it never shows on the public page
    page = client.get(f"/{lang}/events/{event.pk}/mine/").content.decode()
    assert late[0].email in page
    assert late[0].email not in client.get(f"/{lang}/events/{event.pk}/").content.decode()
    # check-in on the event's day, and the outcome once the meeting has taken place
    with held(event, day=-1):
        client.force_login(officer_tdc)
        client.post(f"/{lang}/events/registrations/{cq_reg.pk}/check-in/")
        cq_reg.refresh_from_db()
        assert cq_reg.checked_in_at is not None
        client.force_login(cq[0])
        client.post(
            f"/{lang}/events/meetings/{meeting.pk}/feedback/",
            {"happened": "yes", "useful": "on", "outcome": "Pilot shipment agreed"},
        )
    assert meeting.feedback.get().outcome == "Pilot shipment agreed"


def test_agenda_pdf(client, event):
    who = member()
    registered(event, who)
    client.force_login(who[0])
    r = client.get(f"/en/events/{event.pk}/mine/agenda.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_contacts_not_shown_to_a_pending_partner(client, event):
    hk, cq = member("hong_kong"), member()
    a = registered(event, hk)
    b = registered(event, cq)
    services.meeting_request(user=hk[0], requester=a, recipient=b)
    client.force_login(hk[0])
    assert cq[0].email not in client.get(f"/en/events/{event.pk}/mine/").content.decode()
    r = client.get(f"/api/v1/events/{event.pk}/meetings")
    assert r.status_code == 200 and cq[0].email not in r.content.decode()


def _setup(event, officer_tdc):
    hk, cq = member("hong_kong"), member()
    a = registered(event, hk)
    b = registered(event, cq)
    m = services.meeting_request(user=hk[0], requester=a, recipient=b)
    # an accepted meeting for schedule all to place
    Meeting.objects.create(event=event, requester=b, recipient=a, status="accepted", expires_at=m.expires_at)
    return {"participant": cq[0], "another": member()[0], "organiser": officer_tdc}, a, b, m


@pytest.mark.parametrize(
    ("path", "data"),
    [("mine/availability/", {"slots": ["no-such-slot"]}), ("mine/request/", {"note": "Freight"})],
)
def test_a_refused_small_form_says_why(client, event, officer_tdc, path, data):
    """These forms post from the participant's page and redirect back: a refused one said nothing."""
    _people, _a, b, _m = _setup(event, officer_tdc)
    client.force_login(b.person)
    response = client.post(f"/zh-hant/events/{event.pk}/{path}", data, follow=True)
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert shown and all(m.strip() for m in shown), shown
    assert any("\u4e00" <= ch <= "\u9fff" for ch in shown[0]), shown  # in the page's language
