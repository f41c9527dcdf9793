"""The organisation sign-up page (partnering.views.sign_up, services.account_sign_up): three
languages, an error summary that names every field, what was typed kept, one e-mail per sign-up
through the outbox, throttling, and the organisation named at sign-up carried into the profile
form (a registry organisation is linked; facilitators verify it with the profile)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.core.models import OutgoingEmail
from hkcq.partnering import services
from hkcq.partnering.models import Membership, OrganisationProfile
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.factories import ProfileFactory, UserFactory
from hkcq.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

GOOD = "harbour-lantern-2026"


def form(**kw):
    return {
        "name": "Li Ming",
        "email": "li.ming@cq-logistics.example",
        "password": GOOD,
        "password_again": GOOD,
        "language": "zh-hans",
        "organisation": "",
        "organisation_name": "Example Chongqing Logistics",
        "organisation_side": "chongqing",
    } | kw


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Sign up for your organisation", "Your e-mail address", "The organisation you act for"]),
        ("zh-hant", ["為你的機構註冊", "你的電郵地址", "你代表的機構"]),
        ("zh-hans", ["为你的机构注册", "你的电子邮箱", "你代表的机构"]),
    ],
)
def test_the_sign_up_page_in_each_language(lang, words):
    r = Client().get(f"/{lang}/partnering/sign-up/")
    html = r.content.decode()
    assert r.status_code == 200 and all(w in html for w in words)
    # the page's language is the one chosen until the person picks another
    [checked] = re.findall(r'<input type="radio" name="language" value="([^"]+)"[^>]*checked', html)
    assert checked == lang
    assert "您" not in html


@pytest.mark.parametrize(
    ("lang", "labelled"),
    [
        ("en", ["Your name: Enter your name.", "Choose a password: Choose a password."]),
        ("zh-hant", ["你的姓名：請輸入你的姓名。", "設定密碼：請設定密碼。"]),
        ("zh-hans", ["你的姓名：请输入你的姓名。", "设置密码：请设置密码。"]),
    ],
)
def test_errors_are_listed_with_their_labels_and_what_was_typed_is_kept(lang, labelled):
    r = Client().post(
        f"/{lang}/partnering/sign-up/",
        form(name="", password="", password_again="", organisation_name="", organisation_side=""),
    )
    html = r.content.decode()
    summary = html[html.index('id="error-summary"') : html.index("</ul>", html.index('id="error-summary"'))]
    text = re.sub(r"<[^>]+>", "", summary)
    assert r.status_code == 400 and all(label in text for label in labelled), text
    assert "This field is required" not in html and "必填" not in html
    # every error is in the summary, the organisation's too (5 fields)
    assert len(re.findall(r"<li>", summary)) == 5, text
    assert 'value="li.ming@cq-logistics.example"' in html  # kept
    assert not User.objects.filter(email="li.ming@cq-logistics.example").exists()


def test_password_validators_and_mismatch_are_reported(db):
    r = Client().post("/en/partnering/sign-up/", form(password="12345678", password_again="12345670"))
    html = r.content.decode()
    assert r.status_code == 400
    assert "too common" in html and "entirely numeric" in html and "Type the same password again." in html
    assert 'value="Example Chongqing Logistics"' in html and GOOD not in html


def test_exactly_one_mail_is_queued_per_sign_up_new_or_not(django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=False):
        r = client.post("/zh-hans/partnering/sign-up/", form())
    assert r.status_code == 302 and r["Location"] == "/zh-hans/account/sign-up/sent/"
    [mail] = OutgoingEmail.objects.all()
    assert mail.to == ["li.ming@cq-logistics.example"] and mail.language == "zh-hans"
    assert "/zh-hans/account/sign-up/confirm/" in mail.body
    user = User.objects.get(email="li.ming@cq-logistics.example")
    assert not user.is_active and user.signup_organisation == {
        "name": "Example Chongqing Logistics",
        "side": "chongqing",
    }
    # an address that has an account: the same answer, one "you already have an account" mail
    UserFactory(email="chan@hk-finance.example", preferred_language="zh-hant")
    again = Client().post("/en/partnering/sign-up/", form(email="chan@hk-finance.example"))
    assert again.status_code == 302 and again["Location"] == "/en/account/sign-up/sent/"
    assert OutgoingEmail.objects.count() == 2
    assert "已有帳戶" in OutgoingEmail.objects.order_by("pk").last().subject


def test_sign_up_is_throttled_per_address_and_keeps_what_was_typed(db):
    client = Client()
    for n in range(3):
        assert client.post("/en/partnering/sign-up/", form(email="same@example.org")).status_code == 302, n
    refused = client.post("/en/partnering/sign-up/", form(email="same@example.org"))
    assert refused.status_code == 429 and "Retry-After" in refused
    assert 'value="Example Chongqing Logistics"' in refused.content.decode()
    assert OutgoingEmail.objects.filter(to=["same@example.org"]).count() == 3


def test_a_new_organisation_named_at_sign_up_pre_fills_the_profile_form(db):
    client = Client()
    client.post("/en/partnering/sign-up/", form(language="en"))
    user = User.objects.get(email="li.ming@cq-logistics.example")
    user.is_active = True
    user.save()
    client.force_login(user)
    html = client.get("/en/partnering/organisations/new/").content.decode()
    assert 'value="Example Chongqing Logistics"' in html
    assert re.search(r'value="chongqing"[^>]*checked|checked[^>]*value="chongqing"', html)


def test_a_registry_organisation_is_linked_to_the_profile_and_verified_with_it(db):
    organisation = OrganisationFactory(side=Side.CHONGQING, name={"en": "Example Registry Logistics"})
    client = Client()
    r = client.post("/en/partnering/sign-up/", form(organisation=str(organisation.pk), organisation_name=""))
    assert r.status_code == 302
    user = User.objects.get(email="li.ming@cq-logistics.example")
    assert user.signup_organisation == {"registry": organisation.pk}
    User.objects.filter(pk=user.pk).update(is_active=True)
    client.force_login(user)
    page = client.get("/en/partnering/organisations/new/").content.decode()
    assert "Example Registry Logistics" in page and "co-operation registry" in page
    sector = factories.sector("freight-forwarding")
    created = client.post(
        "/en/partnering/organisations/new/",
        {
            "name_0": "Example Registry Logistics",
            "side": "chongqing",
            "kind": "enterprise",
            "sector": sector.pk,
            "size": "small",
            "city_0": "Chongqing",
            "description_0": "Freight forwarding.",
            "languages": ["cmn"],
        },
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    profile = OrganisationProfile.objects.get(organisation=organisation)
    assert not profile.is_verified
    assert Membership.objects.filter(profile=profile, user=user, left_at__isnull=True).exists()


def test_a_registry_organisation_that_has_a_profile_is_not_taken_over(db):
    organisation = OrganisationFactory(side=Side.HONG_KONG, name={"en": "Example HK Finance"})
    ProfileFactory(side=Side.HONG_KONG, organisation=organisation)
    user = services.account_sign_up(
        name="Chan Tai Man",
        email="chan@hk-finance.example",
        password=GOOD,
        password_again=GOOD,
        language="en",
        organisation=organisation,
    )
    User.objects.filter(pk=user.pk).update(is_active=True)
    client = Client()
    client.force_login(user)
    page = client.get("/en/partnering/organisations/new/").content.decode()
    assert "already has a profile here" in page
    assert not Membership.objects.filter(user=user).exists()


def test_a_government_body_of_the_registry_cannot_be_claimed(db):
    bureau = OrganisationFactory(side=Side.HONG_KONG, kind="bureau")
    r = Client().post("/en/partnering/sign-up/", form(organisation=str(bureau.pk), organisation_name=""))
    assert r.status_code == 400 and "Choose an organisation from the list." in r.content.decode()
    assert not User.objects.filter(email="li.ming@cq-logistics.example").exists()


@pytest.mark.seed
def test_the_seeds_governing_bodies_are_not_offered_at_sign_up(defaults):
    """The default registry's party committee is a governing body (its people are staff, as a
    government's are): the sign-up list does not offer it (the new-user trial found it there)."""
    from hkcq.partnering.selectors import sign_up_registry_organisations

    offered = set(sign_up_registry_organisations().values_list("ext_id", flat=True))
    assert offered and "cpc-chongqing-committee" not in offered


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_pages_that_ask_people_to_sign_in_link_to_sign_up(lang):
    link = f'href="/{lang}/partnering/sign-up/"'
    for path in ("/partnering/", "/account/sign-in/"):
        html = Client().get(f"/{lang}{path}").content.decode()
        assert link in html, path
    signed_in = Client()
    signed_in.force_login(UserFactory())
    assert link not in signed_in.get(f"/{lang}/partnering/").content.decode()
