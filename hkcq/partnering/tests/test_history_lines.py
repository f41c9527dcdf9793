"""An opportunity's history line sets its time apart from what happened, in each language's way:
"5 December 2026, 00:27 — Created", "2026年12月5日 00:27，已建立" (the new-user trial read
"00:27已建立", the time run into the event)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from hkcq.core.tests.test_punctuation import visible_lines
from hkcq.partnering.tests.helpers import post, verified_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("lang", "pattern"),
    [
        ("en", r"\d{2}:\d{2} — Created$"),
        ("zh-hant", r"\d{2}:\d{2}，已建立$"),
        ("zh-hans", r"\d{2}:\d{2}，已创建$"),
    ],
)
def test_the_time_of_an_opportunity_event_is_set_apart_from_it(facilitator_cq, lang, pattern):
    user, profile = verified_member("chongqing", facilitator_cq)
    texts = {"title": {"en": "Rail freight to Europe"}, "description": {"en": "Rail freight capacity."}}
    opportunity = post(user, profile, type="business_request", sector="freight-forwarding", **texts)
    client = Client()
    client.force_login(user)
    html = client.get(f"/{lang}/partnering/opportunities/{opportunity.pk}/").content.decode()
    history = html.split('id="history-h"')[1].split("</section>")[0]
    lines = [line.strip() for line in visible_lines("<body>" + history)]
    assert any(re.search(pattern, line) for line in lines), lines
