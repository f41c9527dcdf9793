"""An empty choice is said in words, never as Python's None: the expression-of-interest form's
"Your related opportunity" offered "None" ("Your related opportunity: None")."""

import pytest
from django.utils import translation

from hkcq.partnering.forms import InterestForm
from hkcq.partnering.models import Opportunity, OrganisationProfile

pytestmark = pytest.mark.django_db

WORDS = {"en": "No related opportunity", "zh-hant": "沒有相關的合作機會", "zh-hans": "没有相关的合作机会"}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_the_related_opportunity_is_offered_as_none_in_words(lang):
    with translation.override(lang):
        form = InterestForm(profiles=OrganisationProfile.objects.all(), own_opportunities=Opportunity.objects.none())
        html = str(form["from_opportunity"])
    assert f">{WORDS[lang]}</option>" in html
    assert ">None<" not in html
