"""The organiser's registration actions say they are done (the new-user trial trial14 found that
check-in changed the status in silence): approving, refusing and checking in each give a message
naming the person, in the page's language."""

from __future__ import annotations

import pytest

from hkcq.exchanges import services
from hkcq.exchanges.models import ExchangeRecord, Pair, Registration, RegistrationStatus
from hkcq.exchanges.tests.factories import RegistrationFactory, held, two_school_round

pytestmark = pytest.mark.django_db

DONE = {
    "approve": {
        "en": "{name}'s registration is approved; they are told.",
        "zh-hant": "{name}的登記已批准，並已通知對方。",
        "zh-hans": "{name}的报名已批准，并已通知对方。",
    },
    "refuse": {
        "en": "{name}'s registration is refused; they are told.",
        "zh-hant": "{name}的登記已被拒絕，並已通知對方。",
        "zh-hans": "{name}的报名已被拒绝，并已通知对方。",
    },
    "check-in": {"en": "{name} has checked in.", "zh-hant": "{name}已報到。", "zh-hans": "{name}已报到。"},
}


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize("action", ["approve", "refuse", "check-in"])
def test_each_action_says_it_is_done(client, event, officer_tdc, lang, action):
    status = RegistrationStatus.CONFIRMED if action == "check-in" else RegistrationStatus.PENDING
    reg = RegistrationFactory(event=event, status=status)
    with held(event):  # signed in at the event's time (a session from today would have expired)
        client.force_login(officer_tdc)
        response = client.post(f"/{lang}/events/registrations/{reg.pk}/{action}/", follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [DONE[action][lang].format(name=reg.person.display_name)]
    reg = Registration.objects.get(pk=reg.pk)
    if action == "check-in":
        assert reg.checked_in_at is not None
    else:
        assert reg.status == (RegistrationStatus.CONFIRMED if action == "approve" else RegistrationStatus.REFUSED)


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_exchange_record_page_shows_the_record_before_its_form(
    client, organiser, people, lang, django_capture_on_commit_callbacks
):
    """The record page put its form above the record's title and kept the note on texts in three
    languages, which none of its fields are (found by trial14)."""
    round_ = two_school_round(organiser, people)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_allocate(user=organiser, round_=round_)
        pair = Pair.objects.get(round=round_, applicant__ext_id="a1")
        services.pair_respond(user=people["a1"][0], pair=pair, accept=True)
        services.pair_respond(user=people["h1"][0], pair=pair, accept=True)
    record = ExchangeRecord.objects.get(pair=pair)
    client.force_login(organiser)
    page = client.get(f"/{lang}/rounds/records/{record.pk}/").content.decode()
    form = page.index('<form method="post" novalidate>')
    assert page.index(record.title) < form
    note = {"en": "Texts can be given in English", "zh-hant": "簡體中文", "zh-hans": "繁体中文"}[lang]
    assert note not in page[page.index("<main") : form]
    # a page whose form has a text in three languages (the round's title) keeps the note
    assert note in client.get(f"/{lang}/rounds/{round_.pk}/edit/").content.decode()
