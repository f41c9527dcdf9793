"""Every partnering page in each of the three languages: 200, the page's title (or, for a page
titled by its record, a heading) in the page's language, and no English interface text of the
partnering catalogue left untranslated on the Chinese pages. A page added to ``urls.py`` and
not listed here fails ``test_every_page_is_listed``."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import polib
import pytest
from django.utils import translation
from django.utils.translation import gettext

from hkcq.partnering import services
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.helpers import post, published, verified_member
from hkcq.partnering.urls import urlpatterns

pytestmark = pytest.mark.django_db

LANGS = ["en", "zh-hant", "zh-hans"]
# Pages that only take a POST (they redirect back to a page listed below).
POST_ONLY = {"profile_verify", "member_add", "member_leave", "interest_new", "opportunity_action", "interest_action"}


@pytest.fixture
def world(facilitator_cq, facilitator_hk, secretariat_hk, resident):
    cq_user, cq = verified_member("chongqing", facilitator_cq, sector="freight-forwarding")
    hk_user, hk = verified_member("hong_kong", facilitator_hk, sector="banking-supply-chain-finance")
    texts = {"title": {"en": "Rail freight to Europe"}, "description": {"en": "Rail freight capacity."}}
    need = published(facilitator_cq, post(cq_user, cq, type="business_request", sector="freight-forwarding", **texts))
    offer = published(
        facilitator_hk, post(hk_user, hk, type="business_offer", sector="banking-supply-chain-finance", **texts)
    )
    post(cq_user, cq, type="logistics_offered", sector="freight-forwarding", **texts)  # awaiting review
    interest = services.interest_express(user=cq_user, opportunity=offer, profile=cq, message="Hello")
    interest = services.interest_accept(user=hk_user, interest=interest)
    services.outcome_record(user=cq_user, interest=interest, kind="joint_venture", area=factories.area("logistics"))
    return {
        "member": cq_user,
        "facilitator": facilitator_cq,
        "secretariat": secretariat_hk,
        "resident": resident,
        "profile": cq,
        "need": need,
        "interest": interest,
    }


# (url name, path after the language, who looks, an interface text the page must show)
PAGES: list[tuple[str, Any, str | None, str]] = [
    ("market", lambda w: "partnering/", None, "Partnering marketplace"),
    ("sign_up", lambda w: "partnering/sign-up/", None, "Sign up for your organisation"),
    ("profiles", lambda w: "partnering/organisations/", None, "Organisations"),
    ("mine", lambda w: "partnering/mine/", "member", "My organisations"),
    ("review", lambda w: "partnering/review/", "facilitator", "Facilitator's desk"),
    ("desks", lambda w: "partnering/desks/", "secretariat", "Facilitator desks"),
    ("profile_new", lambda w: "partnering/organisations/new/", "resident", "Create your organisation's profile"),
    ("profile", lambda w: f"partnering/organisations/{w['profile'].pk}/", "member", "Contact people"),
    ("profile_edit", lambda w: f"partnering/organisations/{w['profile'].pk}/edit/", "member", "Edit the profile"),
    ("opportunity_new", lambda w: "partnering/opportunities/new/", "member", "Post an opportunity"),
    ("opportunity", lambda w: f"partnering/opportunities/{w['need'].pk}/", "member", "Suggested partners"),
    (
        "opportunity_edit",
        lambda w: f"partnering/opportunities/{w['need'].pk}/edit/",
        "member",
        "Edit the opportunity",
    ),
    ("interests", lambda w: "partnering/interests/", "member", "Expressions of interest"),
    ("interest", lambda w: f"partnering/interests/{w['interest'].pk}/", "member", "Introduction"),
]


def test_every_page_is_listed():
    names = {p.name for p in urlpatterns} - POST_ONLY
    assert names == {p[0] for p in PAGES}


def _interface_texts() -> set[str]:
    """English interface texts of the partnering catalogue worth looking for: whole sentences
    or labels of some length, without placeholders or markup."""
    catalogue = Path(__file__).resolve().parents[1] / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
    return {
        e.msgid
        for e in polib.pofile(str(catalogue))
        if len(e.msgid) >= 14 and "%" not in e.msgid and "<" not in e.msgid and "\n" not in e.msgid and not e.msgctxt
    }


TEXTS = _interface_texts()


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES, ids=[p[0] for p in PAGES])
def test_page_in_each_language(client, world, page, lang):
    name, path, who, text = page
    if who:
        client.force_login(world[who])
    response = client.get(f"/{lang}/{path(world)}")
    assert response.status_code == 200, (name, lang, response.status_code)
    body = html.unescape(response.content.decode())
    with translation.override(lang):
        expected = gettext(text)
    if lang != "en":
        assert expected != text, f"{text!r} has no {lang} translation"
    assert expected in body, (name, lang, expected)
    assert re.search(rf'<html[^>]* lang="{lang}"', body, flags=re.I), (name, lang)
    if lang != "en":
        visible = re.sub(r"<(script|style)\b.*?</\1>|<[^>]+>", " ", body, flags=re.S)
        left = sorted(t for t in TEXTS if t in visible)
        assert not left, f"{name} ({lang}) shows untranslated interface text: {left[:5]}"


BAD_INPUT = [
    ("expires_on", {"expires_on": "2020-01-01"}),
    ("areas", {"areas": ["999999"]}),
    ("description", {"description_0": "x" * 2_000_000}),
    ("title", {"title_0": "<b>Rail</b> freight"}),
]


@pytest.mark.parametrize("lang", ["zh-hant", "zh-hans"])
@pytest.mark.parametrize(("field", "bad"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_the_opportunity_form_refuses_bad_input_in_the_page_language(client, world, field, bad, lang):
    """An expiry in the past, an area that does not exist, a 2 MB description, HTML in text: the
    form comes back with a translated error on that field, and nothing is created."""
    from hkcq.partnering.models import Opportunity, OpportunityEvent

    client.force_login(world["member"])
    data = {
        "profile": world["profile"].pk,
        "type": "business_request",
        "title_0": "Rail freight to Europe",
        "description_0": "Rail freight capacity.",
        "sector": factories.sector("freight-forwarding").pk,
        "areas": [factories.area("logistics").pk],
        "target_side": "any",
        "visibility": "public",
        **bad,
    }
    before = (Opportunity.objects.count(), OpportunityEvent.objects.count())
    response = client.post(f"/{lang}/partnering/opportunities/new/", data)
    assert response.status_code == 200
    body = html.unescape(response.content.decode())
    error = re.search(rf'id="id_{field}_error"[^>]*>(.*?)</div>', body, flags=re.S)
    assert error, (field, "no error on the field")
    assert re.search(r"[\u4e00-\u9fff]", error.group(1)) and not re.search(r"[A-Za-z]{5,}", error.group(1)), (
        error.group(1)
    )
    assert (Opportunity.objects.count(), OpportunityEvent.objects.count()) == before
