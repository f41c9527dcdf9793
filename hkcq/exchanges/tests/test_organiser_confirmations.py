"""The organiser's registration actions say they are done (the new-user trial trial14 found that
check-in changed the status in silence): approving, refusing and checking in each give a message
naming the person, in the page's language."""

from __future__ import annotations

import pytest

from hkcq.exchanges.models import Registration, RegistrationStatus
from hkcq.exchanges.tests.factories import RegistrationFactory, held

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
