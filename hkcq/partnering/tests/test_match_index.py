"""The match index is kept current one opportunity at a time (issue 13: "candidate retrieval
through an index", "never score all pairs"): built once per process, then changed by the notes
the services write on publish, withdraw, edit and renewal, and by the date (expiry) — never
rebuilt by a request."""

from datetime import date, timedelta

import pytest

from hkcq.partnering import matching, services
from hkcq.partnering.matching import Doc, MatchIndex, TypeIndex
from hkcq.partnering.models import MatchChange, Opportunity
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db


def _doc(pk: int, kind: str = "business_offer", terms=("finance",), expires_on=date(2100, 1, 1), profile=1) -> Doc:
    return Doc(pk, profile, kind, "hong_kong", "any", 1, None, (1,), ("en",), "", tuple(terms), expires_on)


def test_type_index_answers_like_a_fresh_one_after_changes():
    docs = [_doc(i, terms=("finance", f"w{i % 7}")) for i in range(1, 400)]
    index = TypeIndex(docs)
    index.remove(5)
    index.add(_doc(1000, terms=("finance", "w3", "rare")))
    index.add(_doc(7, terms=("rare",)))  # a changed one: its old version must not answer
    found = index.search(["rare"], 10)
    assert set(found) == {1000, 7}
    assert 5 not in index.search(["finance", "w5"], 400)
    # many changes compact it (rebuilt from memory) with the same answers
    for i in range(1, 300):
        index.remove(i) if i % 2 else index.add(_doc(i, terms=("finance", "w1")))
    assert len(index.added) + len(index.removed) <= matching.COMPACT_MIN, "compacted"
    assert set(index.search(["finance"], 1000)) == set(index.docs)


def test_match_index_counts_follow_adds_and_removes():
    index = MatchIndex([_doc(1, profile=1), _doc(2, kind="business_request", profile=2)], date(2030, 1, 1))
    assert index.candidates(index.docs[1]) == [2]
    index.add(_doc(3, kind="business_request", terms=("finance", "trade"), profile=2))
    assert index.per_profile[2] == 2 and index.df["finance"] == 3
    index.remove(2)
    assert index.candidates(index.docs[1]) == [3] and index.per_profile[2] == 1 and index.df["finance"] == 2
    index.add(_doc(4, kind="business_request", expires_on=date(2030, 1, 5)))
    assert index.expire(date(2030, 1, 6)) == 1 and 4 not in index.docs


@pytest.fixture
def pair(facilitator_cq, facilitator_hk):
    cq_user, cq = verified_member("chongqing", facilitator_cq)
    hk_user, hk = verified_member("hong_kong", facilitator_hk)
    texts = {"title": {"en": "Rail freight forwarding to Europe"}, "description": {"en": "Freight forwarding."}}
    need = published(facilitator_cq, post(cq_user, cq, type="logistics_needed", sector="freight-forwarding", **texts))
    return cq_user, hk_user, hk, need, texts


def test_publish_and_withdraw_reach_the_built_index_without_a_rebuild(pair, facilitator_hk, monkeypatch):
    cq_user, hk_user, hk, need, texts = pair
    index = matching.current_index()
    assert need.pk in index.docs

    def no_rebuild(*a, **k):
        raise AssertionError("the index was rebuilt")

    monkeypatch.setattr(matching.live, "_build", no_rebuild)
    offer = published(facilitator_hk, post(hk_user, hk, type="logistics_offered", sector="freight-forwarding", **texts))
    assert matching.current_index() is index and offer.pk in index.docs
    assert matching.suggestions(need)[0].pk == offer.pk
    services.opportunity_withdraw(user=hk_user, opportunity=offer)
    assert offer.pk not in matching.current_index().docs
    assert offer.pk not in [m.pk for m in matching.suggestions(need)]
    # renewal moves the expiry date in the index
    services.opportunity_renew(user=cq_user, opportunity=need)
    need.refresh_from_db()
    assert matching.current_index().docs[need.pk].expires_on == need.expires_on


def test_a_note_committed_out_of_order_is_still_applied(pair, facilitator_hk):
    """Another process's change: the opportunity is published directly and its note carries a
    lower id than one already applied (ids are handed out before their transactions commit)."""
    cq_user, hk_user, hk, need, texts = pair
    offer = post(hk_user, hk, type="logistics_offered", sector="freight-forwarding", **texts)
    matching.current_index()  # built, with the notes so far applied
    late = MatchChange.objects.create(opportunity_id=offer.pk)
    later = MatchChange.objects.create(opportunity_id=need.pk)
    Opportunity.objects.filter(pk=offer.pk).update(status="published")
    MatchChange.objects.filter(pk=late.pk).delete()
    assert offer.pk not in matching.current_index().docs  # the later note alone
    MatchChange.objects.create(id=late.pk, opportunity_id=offer.pk)  # now "committed"
    assert later.pk > late.pk and offer.pk in matching.current_index().docs


def test_a_new_day_drops_what_expired(pair):
    cq_user, hk_user, hk, need, texts = pair
    index = matching.current_index()
    state = matching.live._state
    assert state is not None
    matching.live._sync(state, need.expires_on + timedelta(days=1))
    assert need.pk not in index.docs


def test_old_notes_are_pruned():
    from django.utils import timezone

    MatchChange.objects.create(opportunity_id=1)
    assert matching.changes_prune() == 0
    matching.changes_prune(now=timezone.now() + timedelta(days=3))
    assert not MatchChange.objects.exists()


def _offers(hk_user, hk, facilitator_hk, texts, n):
    """``n`` published offers answering the need, each from its own Hong Kong organisation."""
    from hkcq.partnering.tests.helpers import verified_member as member

    out = [published(facilitator_hk, post(hk_user, hk, type="logistics_offered", sector="freight-forwarding", **texts))]
    for _i in range(n - 1):
        user, profile = member("hong_kong", facilitator_hk)
        out.append(
            published(
                facilitator_hk, post(user, profile, type="logistics_offered", sector="freight-forwarding", **texts)
            )
        )
    return out


def test_a_request_for_suggestions_is_one_query(pair, facilitator_hk, django_assert_num_queries):
    """Issue 13's latency target on PostgreSQL: every round trip to the database counts, so a
    request with nothing to catch up reads the change notes and nothing else (the declined pairs
    are in the index), however many suggestions it returns."""
    cq_user, hk_user, hk, need, texts = pair
    offers = _offers(hk_user, hk, facilitator_hk, texts, 3)
    found = [m.pk for m in matching.suggestions(need)]  # built and caught up
    assert {o.pk for o in offers} <= set(found)
    with django_assert_num_queries(1):
        assert [m.pk for m in matching.suggestions(need)] == found


def test_a_decline_after_the_build_is_taken_in_by_the_next_request(pair, facilitator_hk, facilitator_cq):
    """Declining writes a change note; the index applies the declined pair like any change, in
    both directions, and the organisation that declined is no longer shown any opportunity of
    the one it declined."""
    cq_user, hk_user, hk, need, texts = pair
    offer = _offers(hk_user, hk, facilitator_hk, texts, 1)[0]
    other_need = published(
        facilitator_cq, post(cq_user, need.profile, type="logistics_needed", sector="freight-forwarding", **texts)
    )
    index = matching.current_index()
    assert offer.pk in [m.pk for m in matching.suggestions(need)]
    interest = services.interest_express(
        user=cq_user, opportunity=offer, profile=need.profile, message="Hello", from_opportunity=need
    )
    services.interest_decline(user=hk_user, interest=interest, reason="Not now")
    assert matching.current_index() is index, "taken in, not rebuilt"
    assert offer.pk not in [m.pk for m in matching.suggestions(need)]
    assert offer.pk not in [m.pk for m in matching.suggestions(other_need)]
    assert not {need.pk, other_need.pk} & {m.pk for m in matching.suggestions(offer)}
    # a fresh build reads the same pairs from the database
    matching.reset()
    assert offer.pk not in [m.pk for m in matching.suggestions(need)]
    assert not {need.pk, other_need.pk} & {m.pk for m in matching.suggestions(offer)}


def test_the_matches_api_reads_names_once_for_the_whole_list(pair, facilitator_hk, client):
    """The reasons name the sector and areas: read once for the list, not once per suggestion
    (the page and the API answered 2 queries more for every suggestion)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cq_user, hk_user, hk, need, texts = pair
    _offers(hk_user, hk, facilitator_hk, texts, 1)
    client.force_login(cq_user)
    url = f"/api/v1/opportunities/{need.pk}/matches"
    before = client.get(url).json()["items"]
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    _offers(hk_user, hk, facilitator_hk, texts, 4)
    client.get(url)  # caught up
    with CaptureQueriesContext(connection) as more:
        found = client.get(url).json()["items"]
    assert len(found) > len(before) and all(m["reasons"] for m in found)
    assert len(more.captured_queries) == len(few.captured_queries)
