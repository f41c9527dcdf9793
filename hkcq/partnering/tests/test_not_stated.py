"""An optional field left empty is said in words, never an empty label-value pair (found by the
new-user trial: a profile's "工作語言" showed nothing when no working language was given)."""

import re

import pytest
from django.utils import timezone

from hkcq.partnering.tests.factories import OpportunityFactory, ProfileFactory

pytestmark = pytest.mark.django_db

NOT_STATED = {"en": "Not stated", "zh-hant": "未註明", "zh-hans": "未注明"}
LANGUAGES = {"en": "Languages it works in", "zh-hant": "工作語言", "zh-hans": "工作语言"}


def value_of(html: str, label: str) -> str:
    found = re.search(rf"<dt[^>]*>{re.escape(label)}</dt><dd[^>]*>(.*?)</dd>", html, re.S)
    assert found, label
    return found.group(1).strip()


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_profile_without_working_languages_says_not_stated(client, lang):
    profile = ProfileFactory(languages=[], verified_at=timezone.now())
    html = client.get(f"/{lang}/partnering/organisations/{profile.pk}/").content.decode()
    assert value_of(html, LANGUAGES[lang]) == NOT_STATED[lang]


@pytest.mark.django_db
def test_a_profile_without_areas_says_not_stated(client):
    profile = ProfileFactory(verified_at=timezone.now())
    html = client.get(f"/en/partnering/organisations/{profile.pk}/").content.decode()
    assert value_of(html, "Co-operation areas of interest") == "Not stated"
    assert value_of(html, "Languages it works in") != "Not stated"  # cmn, en


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_an_opportunity_without_areas_says_not_stated(client, lang):
    opportunity = OpportunityFactory(profile=ProfileFactory(verified_at=timezone.now()))
    html = client.get(f"/{lang}/partnering/opportunities/{opportunity.pk}/").content.decode()
    assert NOT_STATED[lang] in html
    assert not re.search(r"<dd[^>]*>\s*</dd>", html)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_no_empty_value_on_a_bare_profile(client, lang):
    profile = ProfileFactory(languages=[], verified_at=timezone.now())
    html = client.get(f"/{lang}/partnering/organisations/{profile.pk}/").content.decode()
    assert not re.search(r"<dd[^>]*>\s*</dd>", html)
