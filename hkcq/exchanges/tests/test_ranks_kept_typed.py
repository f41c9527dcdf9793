"""A ranking the round refuses (an id not on the other side, the same id twice) comes back in the
box as it was typed, with the reason, so the person corrects it rather than types it again (the
new-user trial of 2026-12-05 found the box emptied back to the kept ranking). Once: the next visit
shows the ranking kept."""

from __future__ import annotations

import html

import pytest

from hkcq.exchanges.models import Participant
from hkcq.exchanges.tests.factories import two_school_round

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
@pytest.mark.parametrize("typed", ["h2, h9", "h1, h1"])
def test_a_refused_ranking_comes_back_as_typed_once(client, organiser, people, lang, typed):
    round_ = two_school_round(organiser, people)
    entry = Participant.objects.get(round=round_, ext_id="a1")
    client.force_login(people["a1"][0])
    response = client.post(f"/{lang}/rounds/{round_.pk}/ranks/{entry.pk}/", {f"p{entry.pk}-ranks": typed}, follow=True)
    page = html.unescape(response.content.decode())
    assert f'value="{typed}"' in page  # what was typed, not the kept "h1, h2"
    entry.refresh_from_db()
    assert entry.ranks == ["h1", "h2"]  # nothing changed
    again = html.unescape(client.get(f"/{lang}/rounds/{round_.pk}/").content.decode())
    assert 'value="h1, h2"' in again and f'value="{typed}"' not in again
