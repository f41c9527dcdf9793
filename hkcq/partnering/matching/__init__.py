"""Reciprocal matching of published opportunities.

Never all pairs: every process keeps one BM25 index (``hkcq.core.search.Index``) per opportunity
type over the live opportunities, made of their analysed text (language-neutral concept terms,
see ``analysis``) plus structured terms for their sector, parent sector and co-operation areas.
For an opportunity A we query only the indexes of the types complementary to A's, take the best
``CANDIDATES`` of each, and score those exactly:

- each direction separately: how well B answers A (A's text covered by B, A's sector and areas,
  A's wish for a partner's side, a language both work in, other side first) and how well A
  answers B — then the harmonic mean, so a one-sided fit ranks low (RECON, RecSys 2010);
- declined pairs, the organisation's own opportunities and anything not live never appear (the
  declined pairs are held in the index too, taken in by the same change notes);
- two offers of the two sides answer each other too when each one's text names what the other
  offers ("mutual offers": a Chongqing rail-freight offer that says it wants supply-chain finance,
  a Hong Kong supply-chain finance offer for logistics firms). What an offer offers is read from
  its sector's names (and its parent sector's), its type and its professional service, as the
  glossary's concept terms (``MatchIndex.offers``); candidates come from the offer types' indexes
  (``MatchIndex.mutual_candidates``), each kept only if both directions name the other's offer
  (``MatchIndex.mutual``), scored like any pair and multiplied by ``MUTUAL`` (an answer read from
  the texts ranks just below a posted request of equal fit). docs/decisions/0014-partnering-mutual-offers.md;
- fair exposure: at most one opportunity per organisation in a list, and an organisation with
  many live opportunities has each of them dampened a little, so the same large organisations
  are not shown to everyone (``bench/partnering_match.py`` reports the Gini of impressions).

The index is built once per process and then kept current, never rebuilt per request: every
service that publishes, returns, rejects, withdraws, edits or renews an opportunity (or edits its
organisation's side or languages) notes it in ``MatchChange`` in the same transaction, and each
request first applies the notes its process has not applied yet (a few rows by primary key);
on a new day the expired opportunities leave. A type's retrieval index takes changes in a small
side index and is rebuilt from memory only after many of them (``TypeIndex``). So every
application server answers from the same data (SQLite or PostgreSQL alike).

A request costs one database round trip: the catch-up check (``_sync``), which reads the change
notes after the last one applied (nothing else when there are none). Declining an interest
writes a change note for its opportunity, so the declined pairs are applied like any change and
no request asks the database for them. Scoring reads the inverse document frequencies and each
opportunity's summed term weight from caches that a change empties (``MatchIndex``), and
computes the terms two opportunities share once for both directions.

The parts: ``index`` (``Doc``, ``TypeIndex``, ``MatchIndex`` and the constants), ``scoring``
(``direction``, ``rank``), ``live`` (the process's index: ``current_index``, ``changed``, the
catch-up ``_sync``, ``suggestions``) and ``reasons`` (``explained``, ``reasons``, ``why_none``).
Callers use ``matching.<name>`` from here; the process's state (``_state``) lives in ``live``.
"""

from hkcq.partnering.matching.index import (
    CANDIDATES,
    COMPACT_MIN,
    MUTUAL,
    MUTUAL_CANDIDATES,
    OFFERS,
    SAME_SIDE,
    SERVICE_OFFERS,
    TYPE_OFFERS,
    WEIGHTS,
    Declined,
    Doc,
    MatchIndex,
    TypeIndex,
    structured_terms,
)
from hkcq.partnering.matching.live import (
    PRUNE_AFTER,
    RESYNC_AFTER,
    WINDOW,
    changed,
    changes_prune,
    current_index,
    declined_rows,
    live_opportunities,
    load_docs,
    reset,
    sector_terms,
    suggestions,
)
from hkcq.partnering.matching.reasons import (
    Names,
    explained,
    matched_with,
    reasons,
    why_none,
)
from hkcq.partnering.matching.scoring import (
    Direction,
    Match,
    direction,
    harmonic,
    rank,
    text_total,
)

__all__ = [
    "CANDIDATES",
    "COMPACT_MIN",
    "MUTUAL",
    "MUTUAL_CANDIDATES",
    "OFFERS",
    "SAME_SIDE",
    "SERVICE_OFFERS",
    "TYPE_OFFERS",
    "WEIGHTS",
    "Declined",
    "Doc",
    "MatchIndex",
    "TypeIndex",
    "structured_terms",
    "PRUNE_AFTER",
    "RESYNC_AFTER",
    "WINDOW",
    "changed",
    "changes_prune",
    "current_index",
    "declined_rows",
    "live_opportunities",
    "load_docs",
    "reset",
    "sector_terms",
    "suggestions",
    "Names",
    "explained",
    "matched_with",
    "reasons",
    "why_none",
    "Direction",
    "Match",
    "direction",
    "harmonic",
    "rank",
    "text_total",
]
