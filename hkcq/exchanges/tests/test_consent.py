"""A meeting request reaches only a participant who agreed to appear on the participant list (the
list the pages and the API show): the service refuses anyone else with a translated error and
creates nothing, and says the same for an id that names no registration of the event, on the page
and in the API (the platform's error shape). A review found the service accepting them."""

from __future__ import annotations

import re

import pytest

from hkcq.accounts.services import api_token_create
from hkcq.core.errors import InvalidInput
from hkcq.exchanges import services
from hkcq.exchanges.models import Meeting
from hkcq.exchanges.tests.factories import member, registered
from hkcq.notifications.models import Notification

pytestmark = pytest.mark.django_db
REFUSAL = {
    "en": "Choose a participant from the event's participant list: only those who agreed to appear on it can be "
    "asked for a meeting.",
    "zh-hant": "請從活動的參加者名單中選擇：只可向同意列入名單的參加者提出會面請求。",
    "zh-hans": "请从活动的参加者名单中选择：只能向同意列入名单的参加者提出会面请求。",
}


@pytest.fixture
def people(event):
    hk, listed, unlisted = member("hong_kong"), member(), member()
    return {
        "hk": hk,
        "a": registered(event, hk, listed=False),  # the requester need not be listed
        "listed": registered(event, listed),
        "unlisted": registered(event, unlisted, listed=False),
    }


def _auth(user, lang: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}", "HTTP_ACCEPT_LANGUAGE": lang}


def test_the_service_refuses_a_recipient_not_on_the_list(people):
    before = Notification.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.meeting_request(user=people["hk"][0], requester=people["a"], recipient=people["unlisted"])
    assert refused.value.details == {"recipient": [REFUSAL["en"]]}
    assert not Meeting.objects.filter(event=people["a"].event).exists() and Notification.objects.count() == before
    meeting = services.meeting_request(user=people["hk"][0], requester=people["a"], recipient=people["listed"])
    assert meeting.recipient == people["listed"]


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_page_refuses_them_and_an_unknown_id_alike(client, event, people, lang):
    client.force_login(people["hk"][0])
    for recipient in (people["unlisted"].pk, 999_999):
        response = client.post(f"/{lang}/events/{event.pk}/mine/request/", {"recipient": recipient}, follow=True)
        assert response.status_code == 200
        assert [str(m) for m in response.context["messages"]] == [REFUSAL[lang]]
    assert not Meeting.objects.filter(event=event).exists()
    page = client.get(f"/{lang}/events/{event.pk}/mine/").content.decode()
    offered = re.findall(r'name="recipient" value="(\d+)"', page)
    assert offered == [str(people["listed"].pk)]


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_api_refuses_them_and_an_unknown_id_alike(client, event, people, lang):
    url = f"/api/v1/events/{event.pk}/meetings"
    listed = client.get(f"/api/v1/events/{event.pk}/participants").json()
    assert [p["registration"] for p in listed["items"]] == [people["listed"].pk]
    answers = [
        client.post(url, {"recipient": recipient}, content_type="application/json", **_auth(people["hk"][0], lang))
        for recipient in (people["unlisted"].pk, 999_999)
    ]
    for response in answers:
        assert response.status_code == 422
        assert response.json()["error"]["message"] == REFUSAL[lang]
        assert response.json()["error"]["details"] == {"recipient": [REFUSAL[lang]]}
    assert answers[0].json() == answers[1].json()
    assert not Meeting.objects.filter(event=event).exists()
    response = client.post(
        url, {"recipient": people["listed"].pk}, content_type="application/json", **_auth(people["hk"][0], lang)
    )
    assert response.status_code == 201
