"""Organisers set up events, sessions and registration questions: pages (three languages) and
the API, history of every change, and every refusal (a clear translated error, nothing changed)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.exchanges import services
from hkcq.exchanges.models import Event, Meeting, Question, Registration, RegistrationStatus, Session
from hkcq.exchanges.tests.factories import member, organiser_unit, registered, round_area
from hkcq.registry.models import Unit

pytestmark = pytest.mark.django_db
LANGS = ["en", "zh-hant", "zh-hans"]
CJK = ("\u4e00", "\u9fff")


def _has_cjk(text: str) -> bool:
    return any(CJK[0] <= ch <= CJK[1] for ch in text)


def _event_post(unit: Unit, **over: object) -> dict[str, object]:
    data: dict[str, object] = {
        "kind": "fair",
        "title_0": "Chongqing trade fair",
        "title_1": "",
        "title_2": "",
        "description_0": "",
        "description_1": "",
        "description_2": "",
        "venue_0": "Chongqing International Expo Center",
        "venue_1": "",
        "venue_2": "",
        "organiser_units": [unit.pk],
        "areas": [round_area("logistics").pk],
        "starts_on": "2027-06-01",
        "ends_on": "2027-06-02",
        "capacity": "2",
        "meeting_start": "09:00",
        "slots_per_day": "8",
        "slot_minutes": "30",
        "tables": "5",
        "max_open_requests": "5",
        "request_days": "3",
    }
    data.update(over)
    return data


def _at(event: Event, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(event.days[day], dt.time(hour, minute), tzinfo=timezone.get_default_timezone())


def _counts() -> tuple[int, ...]:
    return (
        Event.objects.count(),
        Session.objects.count(),
        Question.objects.count(),
        Event.history.count(),
        Session.history.count(),
        Question.history.count(),
    )


@pytest.mark.parametrize("lang", LANGS)
def test_organiser_creates_and_edits_an_event_through_pages(client, officer_tdc, lang):
    unit = organiser_unit("hk_tdc")
    client.force_login(officer_tdc)
    page = client.get(f"/{lang}/events/new/")
    assert page.status_code == 200 and page.headers["Content-Language"] == lang
    assert lang == "en" or _has_cjk(page.content.decode())
    r = client.post(f"/{lang}/events/new/", _event_post(unit))
    assert r.status_code == 302, r.context["form"].errors if r.context else r
    event = Event.objects.latest("id")
    assert event.title.en == "Chongqing trade fair"
    assert r.headers["Location"].endswith(reverse("exchanges:organise", args=[event.pk]))
    assert event.ext_id and list(event.organiser_units.all()) == [unit]
    # edit: more places, a Chinese title; recorded with who made the change
    r = client.post(
        f"/{lang}/events/{event.pk}/organise/edit/",
        _event_post(unit, capacity="3", title_1="重慶貿易博覽會"),
    )
    assert r.status_code == 302
    event.refresh_from_db()
    assert event.capacity == 3 and event.title.zh_hant == "重慶貿易博覽會"
    assert event.title.zh_hans == "重庆贸易博览会"  # converted
    latest = event.history.first()
    assert latest.history_user == officer_tdc
    page = client.get(f"/{lang}/events/{event.pk}/organise/edit/").content.decode()
    assert "history-heading" in page
    organise = client.get(f"/{lang}/events/{event.pk}/organise/").content.decode()
    assert "history-heading" in organise and reverse("exchanges:session_create", args=[event.pk]) in organise


def test_an_officer_must_name_one_of_their_units(client, officer_tdc):
    other = organiser_unit("cq_health")  # a unit the officer is not a member of
    client.force_login(officer_tdc)
    before = _counts()
    r = client.post("/zh-hans/events/new/", _event_post(other))
    assert r.status_code == 200
    assert _has_cjk(" ".join(r.context["form"].errors["organiser_units"]))
    assert _counts() == before


def test_event_rules_refused_on_their_fields(event, officer_tdc):
    before = _counts()
    for data, field in [
        ({"ends_on": dt.date(2027, 5, 1)}, "ends_on"),
        ({"recurring": True}, "starts_on"),
        ({"slot_minutes": 2}, "slot_minutes"),
        ({"meeting_start": dt.time(20, 0), "slots_per_day": 16}, "slots_per_day"),
        ({"phase": "closed"}, "phase"),  # not an edit field: the phase has its own action
    ]:
        with pytest.raises(InvalidInput) as exc:
            services.event_update(user=officer_tdc, event=Event.objects.get(pk=event.pk), data=data)
        assert field in exc.value.details, (data, exc.value.details)
    assert _counts() == before


def test_times_in_use_cannot_change_but_the_event_can_grow(event, officer_tdc):
    hk, cq = member("hong_kong"), member()
    a = registered(event, hk)
    b = registered(event, cq)
    Meeting.objects.create(
        event=event, requester=a, recipient=b, status="accepted", slot=7, table=2, expires_at=timezone.now()
    )
    for data, field in [
        ({"slot_minutes": 20}, "slot_minutes"),
        ({"starts_on": dt.date(2027, 5, 2)}, "starts_on"),
        ({"ends_on": dt.date(2027, 5, 3)}, "ends_on"),  # would remove slot 7 (day 2)
        ({"tables": 2}, "tables"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            services.event_update(user=officer_tdc, event=Event.objects.get(pk=event.pk), data=data)
        assert field in exc.value.details
    services.event_update(user=officer_tdc, event=event, data={"ends_on": dt.date(2027, 5, 5), "tables": 4})
    event.refresh_from_db()
    assert event.slot_count == 12 and event.tables == 4


def test_more_places_promote_the_waiting_list(event, officer_tdc):
    event.capacity = 1
    event.save()
    first, second = member(), member()
    registered(event, first)
    waiting = registered(event, second)
    assert waiting.status == RegistrationStatus.WAITLISTED
    services.event_update(user=officer_tdc, event=event, data={"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert second[0].notifications.exists()


def test_delete_only_an_event_nobody_registered_for(client, event, officer_tdc):
    who = member()
    registered(event, who)
    client.force_login(officer_tdc)
    before = _counts()
    r = client.post(f"/zh-hant/events/{event.pk}/organise/delete/")
    assert r.status_code == 400 and _has_cjk(r.context["error"])
    assert _counts() == before
    empty = Event.objects.create(ext_id="empty-event", kind="forum", title={"en": "Empty"})
    empty.organiser_units.set(event.organiser_units.all())
    Session.objects.create(
        event=empty, title={"en": "S"}, starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert client.get(f"/en/events/{empty.pk}/organise/delete/").status_code == 200
    r = client.post(f"/en/events/{empty.pk}/organise/delete/")
    assert r.status_code == 302 and not Event.objects.filter(pk=empty.pk).exists()
    gone = Event.history.filter(id=empty.pk, history_type="-").get()
    assert gone.history_user == officer_tdc
    assert Session.history.filter(event_id=empty.pk, history_type="-").get().history_user == officer_tdc


@pytest.mark.parametrize("lang", LANGS)
def test_sessions_through_pages(client, event, officer_tdc, lang):
    client.force_login(officer_tdc)
    url = f"/{lang}/events/{event.pk}/organise/sessions/new/"
    assert client.get(url).status_code == 200
    post = {
        "title_0": "Opening",
        "title_1": "",
        "title_2": "",
        "starts_at": "2027-05-03T09:00",
        "ends_at": "2027-05-03T10:00",
    }
    assert client.post(url, post).status_code == 302
    session = event.sessions.get()
    assert session.history.first().history_user == officer_tdc
    # outside the event's days: a translated error on the field, nothing changed
    before = _counts()
    r = client.post(
        f"/{lang}/events/{event.pk}/organise/sessions/{session.pk}/",
        {**post, "starts_at": "2027-06-03T09:00", "ends_at": "2027-06-03T10:00"},
    )
    assert r.status_code == 200 and "starts_at" in r.context["form"].errors
    assert lang == "en" or _has_cjk(" ".join(r.context["form"].errors["starts_at"]))
    assert _counts() == before
    r = client.post(
        f"/{lang}/events/{event.pk}/organise/sessions/{session.pk}/", {**post, "ends_at": "2027-05-03T08:00"}
    )
    assert "ends_at" in r.context["form"].errors
    assert _counts() == before
    page = client.get(f"/{lang}/events/{event.pk}/organise/sessions/{session.pk}/").content.decode()
    assert "history-heading" in page
    r = client.post(f"/{lang}/events/{event.pk}/organise/sessions/{session.pk}/delete/")
    assert r.status_code == 302 and not event.sessions.exists()


def test_a_booked_session_is_not_deleted_nor_moved_onto_meetings(event, officer_tdc):
    session = services.session_save(
        user=officer_tdc,
        event=event,
        data={"title": {"en": "Talk"}, "starts_at": _at(event, 0, 9), "ends_at": _at(event, 0, 9, 30)},
    )
    hk, cq = member("hong_kong"), member()
    a = services.registration_submit(user=hk[0], event=event, profile=hk[1], languages=["en"], sessions=[session])
    b = registered(event, cq)
    Meeting.objects.create(
        event=event, requester=a, recipient=b, status="accepted", slot=1, table=0, expires_at=timezone.now()
    )
    before = _counts()
    with pytest.raises(InvalidInput):
        services.session_delete(user=officer_tdc, session=session)
    with pytest.raises(InvalidInput) as exc:
        services.session_save(
            user=officer_tdc,
            event=event,
            session=session,
            data={"starts_at": _at(event, 0, 9, 30), "ends_at": _at(event, 0, 10)},
        )
    assert "starts_at" in exc.value.details
    assert _counts() == before


@pytest.mark.parametrize("lang", LANGS)
def test_questions_through_pages(client, event, officer_tdc, lang):
    client.force_login(officer_tdc)
    url = f"/{lang}/events/{event.pk}/organise/questions/new/"
    assert client.get(url).status_code == 200
    post = {
        "label_0": "Sector",
        "label_1": "行業",
        "label_2": "",
        "kind": "choice",
        "position": "0",
        "options_0": "Logistics\nFinance",
        "options_1": "物流\n金融",
        "options_2": "",
    }
    r = client.post(url, post)
    assert r.status_code == 302, r.context["form"].errors
    q = event.questions.get()
    assert [o["en"] for o in q.options] == ["Logistics", "Finance"]
    assert q.options[1]["zh-hans"] == "金融" and q.label.zh_hans == "行业"
    # the registration form asks it in the page's language
    who = member()
    client.force_login(who[0])
    form = client.get(f"/{lang}/events/{event.pk}/register/").content.decode()
    assert {"en": "Logistics", "zh-hant": "物流", "zh-hans": "物流"}[lang] in form
    services.registration_submit(user=who[0], event=event, profile=who[1], languages=["en"], answers={f"q{q.pk}": "1"})
    # answered: the kind cannot change, the chosen option cannot go, the question cannot be deleted
    client.force_login(officer_tdc)
    before = _counts()
    r = client.post(
        f"/{lang}/events/{event.pk}/organise/questions/{q.pk}/",
        {**post, "kind": "text", "options_0": "", "options_1": ""},
    )
    assert "kind" in r.context["form"].errors
    assert lang == "en" or _has_cjk(" ".join(r.context["form"].errors["kind"]))
    r = client.post(
        f"/{lang}/events/{event.pk}/organise/questions/{q.pk}/", {**post, "options_0": "Logistics", "options_1": "物流"}
    )
    assert "options" in r.context["form"].errors
    r = client.post(f"/{lang}/events/{event.pk}/organise/questions/{q.pk}/", {**post, "options_1": "物流"})
    assert "options" in r.context["form"].errors  # 2 lines in English, 1 in Chinese
    r = client.post(f"/{lang}/events/{event.pk}/organise/questions/{q.pk}/delete/")
    assert r.status_code == 400
    assert _counts() == before
    # a change that keeps the answers is fine, and recorded
    r = client.post(
        f"/{lang}/events/{event.pk}/organise/questions/{q.pk}/",
        {**post, "options_0": "Logistics\nFinance\nLaw", "options_1": "物流\n金融\n法律"},
    )
    assert r.status_code == 302
    q.refresh_from_db()
    assert len(q.options) == 3 and q.history.first().history_user == officer_tdc


def test_a_choice_needs_two_options_and_only_a_choice_has_options(event, officer_tdc):
    before = _counts()
    with pytest.raises(InvalidInput) as exc:
        services.question_save(
            user=officer_tdc, event=event, data={"label": {"en": "Q"}, "kind": "choice", "options": [{"en": "only"}]}
        )
    assert "options" in exc.value.details
    with pytest.raises(InvalidInput):
        services.question_save(
            user=officer_tdc,
            event=event,
            data={"label": {"en": "Q"}, "kind": "text", "options": [{"en": "a"}, {"en": "b"}]},
        )
    with pytest.raises(InvalidInput) as exc:
        services.question_save(user=officer_tdc, event=event, data={"label": {"en": ""}, "kind": "text"})
    assert "label" in exc.value.details
    assert _counts() == before


def test_setup_through_the_api(client, officer_tdc, secretariat_hk):
    from hkcq.accounts.services import api_token_create

    _, raw = api_token_create(user=officer_tdc, name="t")
    h = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = client.post(
        "/api/v1/events",
        {
            "kind": "summit",
            "title": {"en": "Health summit"},
            "starts_on": "2027-09-01",
            "ends_on": "2027-09-01",
            "areas": [],
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    event = Event.objects.get(pk=body["id"])
    assert [u.ext_id for u in event.organiser_units.all()] == ["hk_tdc"]  # the officer's own units
    r = client.post(
        f"/api/v1/events/{event.pk}/sessions",
        {
            "title": {"zh_hant": "開幕"},
            "starts_at": "2027-09-01T09:00:00+08:00",
            "ends_at": "2027-09-01T10:00:00+08:00",
        },
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    sid = r.json()["id"]
    assert r.json()["title"]["zh_hans"] == "开幕"
    r = client.post(
        f"/api/v1/events/{event.pk}/questions",
        {"label": {"en": "Sector"}, "kind": "choice", "options": [{"en": "A"}, {"en": "B"}], "required": True},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201, r.content
    qid = r.json()["id"]
    r = client.patch(
        f"/api/v1/events/{event.pk}/questions/{qid}", {"required": False}, content_type="application/json", **h
    )
    assert r.status_code == 200 and r.json()["required"] is False and len(r.json()["options"]) == 2
    r = client.patch(
        f"/api/v1/events/{event.pk}", {"capacity": 40, "venue": {"en": "Hall 3"}}, content_type="application/json", **h
    )
    assert r.status_code == 200, r.content
    assert r.json()["venue"]["en"] == "Hall 3"
    assert [s["id"] for s in r.json()["sessions"]] == [sid]
    # bad input: a clear error, nothing changed
    before = _counts()
    r = client.patch(
        f"/api/v1/events/{event.pk}/sessions/{sid}",
        {"starts_at": "2027-10-01T09:00:00+08:00", "ends_at": "2027-10-01T10:00:00+08:00"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hant",
        **h,
    )
    assert r.status_code == 422 and "starts_at" in r.json()["error"]["details"]
    assert _has_cjk(r.json()["error"]["details"]["starts_at"][0])
    r = client.patch(
        f"/api/v1/events/{event.pk}", {"organiser_units": ["no-such-unit"]}, content_type="application/json", **h
    )
    assert r.status_code == 422 and "organiser_units" in r.json()["error"]["details"]
    assert _counts() == before
    assert client.get(f"/api/v1/events/{event.pk}").json()["questions"][0]["id"] == qid
    for url in (
        f"/api/v1/events/{event.pk}/questions/{qid}",
        f"/api/v1/events/{event.pk}/sessions/{sid}",
        f"/api/v1/events/{event.pk}",
    ):
        assert client.delete(url, **h).status_code == 204
    assert not Event.objects.filter(pk=event.pk).exists()


def test_setup_services_refuse_everyone_but_organisers(event, officer_other, secretariat_hk):
    who = member()
    for user in (officer_other, who[0]):
        with pytest.raises(NotPermitted):
            services.event_update(user=user, event=event, data={"capacity": 9})
        with pytest.raises(NotPermitted):
            services.session_save(user=user, event=event, data={"title": {"en": "x"}})
        with pytest.raises(NotPermitted):
            services.question_save(user=user, event=event, data={"label": {"en": "x"}, "kind": "text"})
    with pytest.raises(NotPermitted):
        services.event_create(user=who[0], data={"kind": "forum", "title": {"en": "x"}})
    services.event_update(user=secretariat_hk, event=event, data={"capacity": 9})
    assert not Registration.objects.filter(event=event).exists()
