"""Bad input on the organisation profile, on the pages (new and edit, in the three languages) and
in the API: each gets a clear error in the reader's language on the field it concerns, keeps what
was typed, and changes nothing (no profile, no membership, no history row). A missing Chinese
script is filled by OpenCC and marked converted."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from hkcq.core.translated import CONVERTED, HANS, HANT, HUMAN
from hkcq.partnering.models import Membership, OrganisationProfile
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGS = ["en", "zh-hant", "zh-hans"]
TWO_MB = "貨" * (2 * 1024 * 1024 // 3)  # about 2 MB of UTF-8


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name_0": "Fog City Logistics",
        "name_1": "霧都物流",
        "name_2": "",
        "side": "chongqing",
        "kind": "enterprise",
        "sector": str(factories.sector("freight-forwarding").pk),
        "size": "small",
        "city_0": "Chongqing",
        "city_1": "重慶",
        "languages": ["cmn", "en"],
        "description_0": "Rail freight between Chongqing and Europe.",
        "areas": [str(factories.area("logistics").pk)],
        "contact_name": "Li Ming",
        "contact_email": "li@example.org",
    }
    data.update(overrides)
    return data


BAD = {
    "name": {"name_0": "", "name_1": "", "name_2": ""},
    "description": {"description_0": TWO_MB},
    "description-html": {"description_0": "<script>alert('x')</script> freight"},
    "areas": {"areas": ["999999"]},
    "sector": {"sector": "999999"},
    "contact_email": {"contact_email": "not-an-address"},
    # Chinese typed into the English box: refused, not stored as English (it would convert to nothing)
    "description-chinese": {"description_0": "我们提供重庆至欧洲的铁路货运服务。"},
}


def _summary(html: str) -> str:
    match = re.search(r'id="error-summary".*?</(?:div|section)>', html, re.S)
    assert match, "no error summary on the page"
    return re.sub(r"<[^>]+>", " ", match.group(0))


def _in_language(text: str, lang: str) -> None:
    """The error summary reads in the page's language: Chinese characters of the page's script on a
    Chinese page, no English sentence; English on an English page."""
    if lang == "en":
        assert re.search(r"[A-Za-z]{4,}", text) and not re.search(r"[\u4e00-\u9fff]", text), text
        return
    assert re.search(r"[\u4e00-\u9fff]", text), text
    assert not re.search(r"\b(?:the|this|field|required|enter|valid|choose|select)\b", text, re.I), text
    wrong_script = "这请选择输项" if lang == "zh-hant" else "這請選擇輸項"
    assert not set(text) & set(wrong_script), text


def _counts() -> tuple[int, int, int]:
    return (
        OrganisationProfile.objects.count(),
        Membership.objects.count(),
        OrganisationProfile.history.count(),
    )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_new_profile_is_refused_in_the_readers_language_and_nothing_is_stored(
    client: Client, resident: Any, lang: str, case: str
) -> None:
    client.force_login(resident)
    before = _counts()
    response = client.post(f"/{lang}/partnering/organisations/new/", _form(**BAD[case]))
    assert response.status_code == 200
    html = response.content.decode()
    _in_language(_summary(html), lang)
    field = case.split("-")[0]
    assert field in response.context["form"].errors
    assert _counts() == before
    resident.refresh_from_db()
    assert resident.role == "resident"
    # what was typed is kept
    assert 'value="Li Ming"' in html and "重慶" in html


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_edit_changes_nothing(client: Client, member: Any, profile: OrganisationProfile, lang: str, case: str):
    client.force_login(member)
    before = _counts()
    name, description = profile.name, profile.description
    data = _form(**BAD[case])
    data.pop("side")
    response = client.post(f"/{lang}/partnering/organisations/{profile.pk}/edit/", data)
    assert response.status_code == 200
    _in_language(_summary(response.content.decode()), lang)
    assert _counts() == before
    profile.refresh_from_db()
    assert (profile.name, profile.description) == (name, description)


def test_a_missing_chinese_script_is_filled_and_marked_converted(client: Client, resident: Any) -> None:
    client.force_login(resident)
    response = client.post(
        "/zh-hant/partnering/organisations/new/",
        _form(name_0="", description_0="", **{"description_1": "重慶鐵路貨運公司。"}),
    )
    assert response.status_code == 302
    profile = OrganisationProfile.objects.latest("pk")
    assert profile.name.zh_hans == "雾都物流" and profile.name.origin(HANS) == CONVERTED
    assert profile.name.origin(HANT) == HUMAN
    assert profile.description.zh_hans == "重庆铁路货运公司。"
    page = client.get(f"/zh-hans/partnering/organisations/{profile.pk}/").content.decode()
    assert "由繁体中文自动转换" in page


def _api_profile(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": {"en": "Fog City Logistics"},
        "side": "chongqing",
        "kind": "enterprise",
        "sector": "freight-forwarding",
        "size": "small",
        "city": {"en": "Chongqing"},
        "languages": ["cmn", "en"],
        "description": {"en": "Rail freight between Chongqing and Europe."},
        "areas": ["logistics"],
        "contacts": [{"name": "Li Ming", "email": "li@example.org"}],
    }
    body.update(overrides)
    return body


API_BAD = {
    "name": {"name": {"en": ""}},
    "description": {"description": {"en": "x" * 2_000_000}},  # 2 MB (a JSON-escaped CJK one is a 413)
    "description-html": {"description": {"en": "<b>freight</b>"}},
    "areas": {"areas": ["no-such-area"]},
    "sector": {"sector": "no-such-sector"},
    "description-chinese": {"description": {"en": "我们提供重庆至欧洲的铁路货运服务。"}},
}


@pytest.mark.parametrize("case", list(API_BAD))
def test_the_api_refuses_bad_profiles_and_stores_nothing(client: Client, case: str) -> None:
    client.force_login(UserFactory.create(role="resident"))
    before = _counts()
    response = client.post(
        "/api/v1/organisation-profiles",
        json.dumps(_api_profile(**API_BAD[case])),
        content_type="application/json",
        headers={"accept-language": "zh-hant"},
    )
    assert response.status_code == 422, response.content[:300]
    error = response.json()["error"]
    assert error["message"]
    assert _counts() == before


@pytest.mark.parametrize("case", list(API_BAD))
def test_the_api_refuses_a_bad_edit_and_changes_nothing(
    client: Client, member: Any, profile: OrganisationProfile, case: str
) -> None:
    client.force_login(member)
    before = _counts()
    name, description = profile.name, profile.description
    body = _api_profile(**API_BAD[case])
    body.pop("side")
    response = client.put(
        f"/api/v1/organisation-profiles/{profile.pk}", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422, response.content[:300]
    assert _counts() == before
    profile.refresh_from_db()
    assert (profile.name, profile.description) == (name, description)
