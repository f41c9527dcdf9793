"""An event page says "Not stated" for what its organiser left empty (organisers, co-operation
areas, measures), never an empty label-value pair (the class of the new-user trial's empty
"工作語言" on a profile)."""

import re

import pytest

from hkcq.exchanges.tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("lang", "words"), [("en", "Not stated"), ("zh-hant", "未註明"), ("zh-hans", "未注明")])
def test_an_event_without_organisers_areas_or_measures_says_not_stated(client, db, lang, words):
    event = EventFactory()
    html = client.get(f"/{lang}/events/{event.pk}/").content.decode()
    assert html.count(f'<dd class="col-sm-9">{words}</dd>') == 3
    assert not re.search(r"<dd[^>]*>\s*</dd>", html)
