"""Defects a new user found on the event pages in the three-language trial, each held here."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hkcq.accounts.services import api_token_create
from hkcq.exchanges import services
from hkcq.exchanges.models import Meeting, Registration, Round
from hkcq.exchanges.tests.factories import EventFactory, area_pk, held, member, registered
from hkcq.exchanges.tests.test_matrix import _xlsx

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("lang", "spoken", "pair"),
    [
        ("en", "English, Cantonese", "(Putonghua and English)"),
        ("zh-hant", "英文、粵語", "（普通話與英文）"),
        ("zh-hans", "英文、粤语", "（普通话与英文）"),
    ],
)
def test_organise_page_names_languages_in_the_readers_language(client, event, officer_tdc, lang, spoken, pair):
    # Found in the trial: "en、yue" and "(cmn-en)" on the Chinese organise page.
    hk, cq = member("hong_kong"), member()
    a = registered(event, hk, languages=["en", "yue"])
    b = registered(event, cq, languages=["cmn"])
    Meeting.objects.create(
        event=event, requester=a, recipient=b, status="accepted", language_pair="cmn-en", expires_at=timezone.now()
    )
    client.force_login(officer_tdc)
    page = _page(client, f"/{lang}/events/{event.pk}/organise/")
    assert spoken in page and pair in page
    for code in ("en、yue", "en, yue", "cmn-en"):
        assert code not in page


@pytest.mark.parametrize(("lang", "label"), [("en", " (Forum)"), ("zh-hant", "（論壇）"), ("zh-hans", "（论坛）")])
def test_recurring_programmes_kind_in_the_pages_brackets(client, db, lang, label):
    EventFactory(recurring=True, starts_on=None, ends_on=None, kind="forum")
    # Found in the trial: "(論壇)" with half-width brackets on the Chinese list.
    page = _page(client, f"/{lang}/events/")
    assert label in page
    assert f"({label.strip(' ()（）')})" not in page or lang == "en"


@pytest.mark.parametrize(
    ("lang", "any_time", "who"),
    [
        ("en", "you are free at any meeting time", "Only participants who agreed"),
        ("zh-hant", "你在所有會面時段均可會面", "只有同意列入公開參加者名單"),
        ("zh-hans", "你在所有会面时段均可会面", "只有同意列入公开参加者名单"),
    ],
)
def test_my_event_explains_empty_availability_and_who_can_be_asked(client, event, lang, any_time, who):
    user, profile = member()
    reg = services.registration_submit(user=user, event=event, profile=profile, languages=["en"])
    client.force_login(user)
    page = _page(client, f"/{lang}/events/{event.pk}/mine/")
    assert any_time in page and who in page
    assert page.count(any_time) == 2  # the field's help and the state now (nothing ticked)
    services.availability_set(user=user, registration=reg, slots=[0, 1])
    page = _page(client, f"/{lang}/events/{event.pk}/mine/")
    assert page.count(any_time) == 1  # the help only: two times are ticked


def test_no_cancelling_after_check_in(client, event, officer_tdc):
    user, profile = member()
    reg = services.registration_submit(user=user, event=event, profile=profile, languages=["en"])
    client.force_login(user)
    assert "Cancel my registration" in _page(client, f"/en/events/{event.pk}/mine/")
    with held(event):
        services.registration_check_in(user=officer_tdc, registration=reg)
    assert "Cancel my registration" not in _page(client, f"/en/events/{event.pk}/mine/")
    response = client.post(f"/en/events/{event.pk}/mine/cancel/")
    assert response.status_code == 302
    assert Registration.objects.get(pk=reg.pk).status == "confirmed"
    token = api_token_create(user=officer_tdc, name="t")[1]
    response = client.delete(f"/api/v1/registrations/{reg.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422 and "checked in" in response.json()["error"]["message"]
    assert Registration.objects.get(pk=reg.pk).status == "confirmed"


@pytest.mark.parametrize(
    ("lang", "said"), [("en", "You are registered."), ("zh-hant", "你已完成登記。"), ("zh-hans", "你已完成报名。")]
)
def test_registering_goes_to_the_page_top_with_a_message(client, event, lang, said):
    # Found in the trial: the form's action ends in #error-summary, and after success the
    # browser kept that fragment on the next page (no error summary there, no message).
    user, profile = member()
    client.force_login(user)
    url = f"/{lang}/events/{event.pk}/register/"
    response = client.post(url, {"profile": profile.pk, "languages": ["en"]})
    assert response.status_code == 302 and response["Location"].endswith("#main")
    assert said in _page(client, response["Location"].split("#")[0])


def test_a_round_upload_goes_to_the_page_top(client, officer_tdc):
    client.force_login(officer_tdc)
    response = client.post(
        "/en/rounds/new/", {"kind": "internship", "title": "Interns", "area": area_pk(), "file": _xlsx()}
    )
    assert response.status_code == 302 and response["Location"].endswith("#main")
    assert Round.objects.count() == 1


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["administrators opened for them", "act for an organisation", "Residents need no account"]),
        ("zh-hant", ["平台管理員為他們開設的帳戶", "代表兩地機構", "居民無須開設帳戶"]),
        ("zh-hans", ["平台管理员为其开设的账户", "代表两地机构", "居民无须开设账户"]),
    ],
)
def test_sign_in_speaks_to_everyone_who_has_an_account(client, db, lang, words):
    page = _page(client, f"/{lang}/account/sign-in/")
    for w in words:
        assert w in page, w


@pytest.mark.parametrize(
    ("lang", "legend"), [("en", "Languages you speak"), ("zh-hant", "你使用的語言"), ("zh-hans", "你使用的语言")]
)
def test_a_group_of_checkboxes_is_a_fieldset_named_by_its_legend(client, event, lang, legend):
    """Found by the new-user trial: the registration form's languages and sessions were checkbox
    groups under a <label for=""> tied to nothing, placed after the options."""
    user, _profile = member()
    client.force_login(user)
    page = _page(client, f"/{lang}/events/{event.pk}/register/")
    assert 'for=""' not in page
    assert f'<legend class="form-label fs-6 fw-semibold mb-1">{legend}</legend>' in page
    assert 'type="checkbox" name="languages"' in page
