"""The process's index: built once from the live opportunities, then kept current from the change
notes (``changed``) every request applies first; the suggestions of an opportunity."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Max
from django.utils import timezone

from hkcq.core.search import CONCEPT_PREFIX
from hkcq.core.translated import TText
from hkcq.partnering import analysis
from hkcq.partnering.matching.index import (
    Declined,
    Doc,
    MatchIndex,
)
from hkcq.partnering.matching.scoring import Match, rank
from hkcq.partnering.models import (
    Interest,
    MatchChange,
    Opportunity,
    OrganisationProfile,
    Sector,
)


# -- the process's index ---------------------------------------------------------------------------
def live_opportunities(today: date | None = None) -> Any:
    today = today or timezone.localdate()
    return Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED, expires_on__gte=today)


def load_docs(today: date | None = None, batch: int = 5000, pks: Iterable[int] | None = None) -> list[Doc]:
    """Every live opportunity (or those of ``pks`` that are live) as a Doc, read in batches
    (areas through one query per batch)."""
    parents = dict(Sector.objects.values_list("pk", "parent_id"))
    rows_qs = live_opportunities(today).order_by("pk")
    if pks is not None:
        rows_qs = rows_qs.filter(pk__in=list(pks))
    rows = list(
        rows_qs.values_list(
            "pk", "profile_id", "type", "target_side", "sector_id", "service_kind", "index_terms", "expires_on"
        )
    )
    profile_rows = OrganisationProfile.objects.values_list("pk", "side", "languages")
    if pks is not None:
        profile_rows = profile_rows.filter(pk__in={r[1] for r in rows})
    profiles = {pk: (side, tuple(langs or ())) for pk, side, langs in profile_rows}
    through = Opportunity.areas.through
    docs: list[Doc] = []
    intern: dict[str, str] = {}
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        areas: dict[int, list[int]] = {}
        for opp_id, area_id in through.objects.filter(opportunity_id__in=[r[0] for r in chunk]).values_list(
            "opportunity_id", "area_id"
        ):
            areas.setdefault(opp_id, []).append(area_id)
        for pk, profile_id, kind, target, sector_id, service, terms, expires_on in chunk:
            side, langs = profiles[profile_id]
            docs.append(
                Doc(
                    pk=pk,
                    profile_id=profile_id,
                    type=kind,
                    side=side,
                    target_side=target,
                    sector_id=sector_id,
                    sector_parent_id=parents.get(sector_id),
                    areas=tuple(sorted(areas.get(pk, ()))),
                    languages=langs,
                    service_kind=service,
                    terms=tuple(intern.setdefault(t, t) for t in terms or ()),
                    expires_on=expires_on,
                )
            )
    return docs


def changed(opportunity_ids: Iterable[int]) -> None:
    """Tell every process's index that these opportunities may have changed (a service calls it
    in the transaction of the change, so the note commits with it)."""
    MatchChange.objects.bulk_create([MatchChange(opportunity_id=pk) for pk in dict.fromkeys(opportunity_ids)])


# Changes are applied by id. Ids are handed out when a row is written but become visible when
# its transaction commits, so a lower id can appear after a higher one: every sync looks again
# at the last WINDOW ids and applies those it has not seen.
WINDOW = 64
# A process that has not synced for this long rebuilds (the daily command prunes older rows).
RESYNC_AFTER = 24 * 3600.0  # seconds
PRUNE_AFTER = timedelta(days=2)


@dataclass
class _State:
    index: MatchIndex
    last_id: int
    seen: set[int]
    synced_at: float  # time.monotonic()


_lock = threading.Lock()
_state: _State | None = None


def reset() -> None:
    """Forget the process's index (tests call it between tests, whose data is rolled back)."""
    global _state
    with _lock:
        _state = None


def declined_rows(opportunity_ids: Iterable[int] | None = None) -> list[Declined]:
    """Every declined interest (or those in ``opportunity_ids``) as the index keeps it."""
    rows = Interest.objects.filter(status=Interest.Status.DECLINED)
    if opportunity_ids is not None:
        rows = rows.filter(opportunity_id__in=list(opportunity_ids))
    return list(
        rows.order_by().values_list(
            "opportunity_id", "opportunity__profile_id", "from_profile_id", "from_opportunity_id"
        )
    )


def sector_terms() -> dict[int, frozenset[str]]:
    """What each sector's names (all three languages) say it offers: their concept terms."""
    out: dict[int, frozenset[str]] = {}
    for sector in Sector.objects.only("pk", "name"):
        text = TText.from_json(sector.name).all_text()
        out[sector.pk] = frozenset(t for t in analysis.terms(text) if t.startswith(CONCEPT_PREFIX))
    return out


def _build(today: date) -> _State:
    last_id = MatchChange.objects.aggregate(m=Max("id"))["m"] or 0  # before reading: nothing is missed
    index = MatchIndex(load_docs(today), today, declined_rows(), sector_terms())
    recent = set(MatchChange.objects.filter(id__gt=last_id - WINDOW, id__lte=last_id).values_list("id", flat=True))
    return _State(index, last_id, recent, time.monotonic())


_CHANGES_SQL = "SELECT id, opportunity_id FROM {table} WHERE id > %s"


def _sync(state: _State, today: date) -> None:
    # The one query of a request with nothing to catch up: plain SQL over the primary key (the
    # ORM's compilation cost as much as the query on a quiet table).
    with connection.cursor() as cursor:
        cursor.execute(
            _CHANGES_SQL.format(table=connection.ops.quote_name(MatchChange._meta.db_table)),
            [state.last_id - WINDOW],
        )
        rows = cursor.fetchall()
    fresh = [(change_id, pk) for change_id, pk in rows if change_id not in state.seen]
    if fresh:
        pks = {pk for _change, pk in fresh}
        live = {doc.pk: doc for doc in load_docs(today, pks=pks)}
        for pk in pks:
            if pk in live:
                state.index.add(live[pk])
            else:
                state.index.remove(pk)
        for row in declined_rows(pks):
            state.index.decline(*row)
        state.last_id = max(state.last_id, *(change_id for change_id, _pk in fresh))
        state.seen.update(change_id for change_id, _pk in fresh)
        state.seen = {i for i in state.seen if i > state.last_id - WINDOW}
    if today != state.index.today:
        state.index.expire(today)
    state.synced_at = time.monotonic()


def current_index() -> MatchIndex:
    """The process's index of what is live today: built once, then kept current by applying the
    changes other requests and processes noted (``changed``) and dropping what expired."""
    global _state
    today = timezone.localdate()
    with _lock:
        if _state is None or time.monotonic() - _state.synced_at > RESYNC_AFTER:
            _state = _build(today)
        else:
            _sync(_state, today)
        return _state.index


def changes_prune(now: Any = None) -> int:
    """Delete change notes older than ``PRUNE_AFTER`` (the daily command); returns how many."""
    cutoff = (now or timezone.now()) - PRUNE_AFTER
    deleted, _ = MatchChange.objects.filter(at__lt=cutoff).delete()
    return deleted


def suggestions(opportunity: Opportunity, *, limit: int = 10) -> list[Match]:
    """Ranked counterparts of a live opportunity (an empty list for one that is not live)."""
    index = current_index()  # holds only what is live today
    me = index.docs.get(opportunity.pk)
    if me is None:
        return []
    return rank(index, me, limit=limit)
