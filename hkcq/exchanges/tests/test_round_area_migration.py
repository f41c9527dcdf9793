"""A round's co-operation area is required in the database (exchanges 0005 and 0006): a round
saved without one before gets the area its kind serves, and the column refuses an empty area."""

from __future__ import annotations

import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from hkcq.exchanges.models import Round
from hkcq.exchanges.tests.factories import round_area
from hkcq.registry.tests.factories import AreaFactory

BEFORE = [("exchanges", "0004_interpreter_name_translated")]
AFTER = [("exchanges", "0006_round_area_required")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rounds_without_an_area_get_the_area_of_their_kind_then_it_is_required(monkeypatch):
    filling = importlib.import_module("hkcq.exchanges.migrations.0005_round_area_filled")
    monkeypatch.setitem(filling.AREA_OF_KIND, "exchange", "no-such-area")  # its area missing here
    education = round_area("education")
    first = AreaFactory(ext_id="aaa-first", position=0)
    old = _migrate(BEFORE)
    OldRound = old.get_model("exchanges", "Round")
    made = {kind: OldRound.objects.create(kind=kind, title={"en": kind}).pk for kind in ("sister_school", "exchange")}
    try:
        _migrate(AFTER)
        rounds = {r.kind: r for r in Round.objects.filter(pk__in=made.values())}
        assert rounds["sister_school"].area == education
        # the area of its kind missing: the first area by position
        assert rounds["exchange"].area == first
        with pytest.raises(IntegrityError), transaction.atomic():
            Round.objects.filter(pk=made["exchange"]).update(area=None)
    finally:
        _migrate(AFTER)
        Round.objects.filter(pk__in=made.values()).delete()
