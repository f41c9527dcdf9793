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


def test_the_desks_page_shows_each_desks_last_changes_as_one_desk_alone_would(secretariat_hk, secretariat_cq):
    """The desks' histories are read in one query (``selectors.desks_with_history``) and say the
    same as each desk's own ``history_entries``: the same lines in the same order, a desk with more
    changes than the limit cut at ten, changes within seconds by one person one line, and records
    written at the same moment in the order they were written."""
    import datetime as dt

    from django.utils import timezone

    from hkcq.core.history import history_entries
    from hkcq.partnering import selectors, services
    from hkcq.partnering.models import FacilitatorDesk
    from hkcq.registry.tests.factories import UnitFactory

    busy, quiet, new = (UnitFactory.create(side=side) for side in ("hong_kong", "chongqing", "hong_kong"))
    for i in range(14):  # fourteen changes by turns of the two secretariats: more than ten lines
        services.desk_mark(user=(secretariat_hk, secretariat_cq)[i % 2], unit=busy, kind="trade", active=i % 2 == 0)
    for active, kind in ((True, "trade"), (True, "education"), (False, "education")):
        services.desk_mark(user=secretariat_cq, unit=quiet, kind=kind, active=active)
    services.desk_mark(user=secretariat_hk, unit=new, kind="education")
    records = FacilitatorDesk.history.model.objects
    start = timezone.now() - dt.timedelta(days=30)
    for n, record in enumerate(records.order_by("history_id")):
        # A minute apart, except the quiet desk's last two (one change) and two of the busy
        # desk's, written at one moment.
        at = start + dt.timedelta(minutes=n)
        records.filter(pk=record.pk).update(history_date=at)
    quiet_last = list(records.filter(id=quiet.facilitator_desk.pk).order_by("-history_id")[:2])
    records.filter(pk=quiet_last[0].pk).update(history_date=quiet_last[1].history_date + dt.timedelta(seconds=2))
    busy_two = list(records.filter(id=busy.facilitator_desk.pk).order_by("-history_id")[3:5])
    records.filter(pk=busy_two[0].pk).update(history_date=busy_two[1].history_date)

    def lines(entries):
        return [(e.when, e.kind, e.user, e.reason, e.changed_labels) for e in entries]

    desks = list(FacilitatorDesk.objects.order_by("side", "kind", "id"))
    for limit in (2, 10):  # two lines: the busy desk's older records are left out of the read
        rows = selectors.desks_with_history(limit=limit)
        assert [row["desk"] for row in rows] == desks
        for row in rows:
            assert lines(row["history"]) == lines(history_entries(row["desk"], limit=limit))
    shown = {row["desk"].unit: lines(row["history"]) for row in rows}
    assert len(shown[busy]) == 10 and len(shown[quiet]) == 2 and len(shown[new]) == 1
    assert [line[0] for line in shown[busy]] == sorted((line[0] for line in shown[busy]), reverse=True)
