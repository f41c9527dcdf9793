"""The issue's journey through the services: a Chongqing logistics firm and a Hong Kong
supply-chain finance firm, each verified and published, find each other, one expresses interest,
the other accepts, both get the introduction, an outcome is recorded and counted under Logistics."""

import pytest
from django.core import mail

from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.partnering import matching, selectors, services
from hkcq.partnering.models import Interest
from hkcq.partnering.tests import factories
from hkcq.partnering.tests.helpers import post, published, verified_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(facilitator_cq, facilitator_hk):
    cq_user, cq = verified_member("chongqing", facilitator_cq, sector="freight-forwarding", languages=["cmn", "en"])
    hk_user, hk = verified_member(
        "hong_kong", facilitator_hk, sector="banking-supply-chain-finance", languages=["yue", "en"]
    )
    cq_user.preferred_language = "zh-hans"
    cq_user.save()
    need = post(
        cq_user,
        cq,
        type="business_request",
        title={"zh-hans": "寻找供应链金融合作伙伴"},
        description={"zh-hans": "重庆物流企业，经营中欧班列和陆海新通道货运，需要供应链金融和贸易融资。"},
        sector="freight-forwarding",
        areas=("logistics", "finance"),
    )
    offer = post(
        hk_user,
        hk,
        type="business_offer",
        title={"en": "Supply-chain finance for logistics firms"},
        description={"en": "Hong Kong firm offering supply chain finance and trade finance to rail freight operators."},
        sector="banking-supply-chain-finance",
        areas=("logistics", "finance"),
    )
    return cq_user, cq, need, hk_user, hk, offer


def test_the_journey(pair, facilitator_cq, facilitator_hk, django_capture_on_commit_callbacks):
    cq_user, cq, need, hk_user, hk, offer = pair
    assert need.status == "submitted" and not need.is_live()
    # nothing is public before it is published; facilitators of the other side cannot publish
    with pytest.raises(NotPermitted):
        services.opportunity_publish(user=facilitator_hk, opportunity=need)
    published(facilitator_cq, need)
    published(facilitator_hk, offer)
    assert set(selectors.live().values_list("pk", flat=True)) >= {need.pk, offer.pk}

    # each sees the other among its suggestions, with reasons
    need_matches = matching.suggestions(need)
    assert need_matches and need_matches[0].pk == offer.pk
    offer_matches = matching.suggestions(offer)
    assert offer_matches and offer_matches[0].pk == need.pk
    index = matching.current_index()
    reasons_en = matching.reasons(offer_matches[0], index.docs[offer.pk], lang="en")
    assert any("supply chain finance" in r for r in reasons_en)
    assert any("Logistics" in r for r in reasons_en)

    # one expresses interest, the other accepts, both get the introduction with contacts
    hk.contacts.create(name="Wong Siu Ming", email="wong@hk.example.org")
    cq.contacts.create(name="Li Ming", email="li@cq.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        interest = services.interest_express(
            user=cq_user, opportunity=offer, profile=cq, message="我们希望合作。", from_opportunity=need
        )
    assert [m.to for m in mail.outbox] == [[hk_user.email]]
    mail.outbox.clear()
    with pytest.raises(NotPermitted):
        services.interest_accept(user=cq_user, interest=interest)
    with django_capture_on_commit_callbacks(execute=True):
        services.interest_accept(user=hk_user, interest=interest)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert "li@cq.example.org" in by_address[hk_user.email].body
    assert "wong@hk.example.org" in by_address[cq_user.email].body
    assert "wong@hk.example.org" not in by_address[hk_user.email].body
    # the Chongqing member reads it in Simplified Chinese
    assert "介绍" in by_address[cq_user.email].subject or "对接" in by_address[cq_user.email].subject

    # an outcome, counted under Logistics
    interest.refresh_from_db()
    services.outcome_record(user=cq_user, interest=interest, kind="joint_venture", area=factories.area("logistics"))
    rows = selectors.partnerships_per_area()
    assert [(r["area"].ext_id, r["total"], r["by_kind"]) for r in rows] == [("logistics", 1, {"joint_venture": 1})]


def test_one_sided_fit_ranks_below_a_reciprocal_one(pair, facilitator_cq, facilitator_hk):
    cq_user, cq, need, hk_user, hk, offer = pair
    published(facilitator_cq, need)
    published(facilitator_hk, offer)
    # another offer that answers the need on text but wants only Hong Kong partners (one-sided)
    _user, other = verified_member("hong_kong", facilitator_hk, sector="banking-supply-chain-finance")
    lopsided = post(
        _user,
        other,
        type="business_offer",
        title={"en": "Supply chain finance, trade finance, rail freight"},
        description={"en": "Supply chain finance and trade finance for rail freight, only for Hong Kong firms."},
        sector="banking-supply-chain-finance",
        areas=("finance",),
        target_side="hong_kong",
    )
    published(facilitator_hk, lopsided)
    ranked = [m.pk for m in matching.suggestions(need)]
    assert ranked.index(offer.pk) < ranked.index(lopsided.pk)


def test_declined_pairs_expired_and_withdrawn_never_appear(pair, facilitator_cq, facilitator_hk):
    cq_user, cq, need, hk_user, hk, offer = pair
    published(facilitator_cq, need)
    published(facilitator_hk, offer)
    interest = services.interest_express(
        user=cq_user, opportunity=offer, profile=cq, message="Hello", from_opportunity=need
    )
    services.interest_decline(user=hk_user, interest=interest, reason="Not now")
    assert offer.pk not in [m.pk for m in matching.suggestions(need)]
    assert need.pk not in [m.pk for m in matching.suggestions(offer)]


def test_withdrawn_and_expired_leave_the_suggestions(pair, facilitator_cq, facilitator_hk):
    from datetime import timedelta

    from freezegun import freeze_time

    cq_user, cq, need, hk_user, hk, offer = pair
    published(facilitator_cq, need)
    published(facilitator_hk, offer)
    assert offer.pk in [m.pk for m in matching.suggestions(need)]
    services.opportunity_withdraw(user=hk_user, opportunity=offer)
    assert offer.pk not in [m.pk for m in matching.suggestions(need)]
    need.refresh_from_db()
    with freeze_time(need.expires_on + timedelta(days=1)):
        assert not selectors.live().filter(pk=need.pk).exists()
        assert matching.suggestions(need) == []
        assert need.pk not in matching.current_index().docs


def test_interest_rules(pair, facilitator_cq, facilitator_hk, settings):
    cq_user, cq, need, hk_user, hk, offer = pair
    with pytest.raises(InvalidInput):  # not published yet
        services.interest_express(user=cq_user, opportunity=offer, profile=cq, message="Hello")
    published(facilitator_hk, offer)
    with pytest.raises(InvalidInput) as error:
        services.interest_express(user=cq_user, opportunity=offer, profile=cq, message="<b>hi</b>")
    assert "message" in error.value.details
    with pytest.raises(NotPermitted):  # own opportunity
        services.interest_express(user=hk_user, opportunity=offer, profile=hk, message="Hello")
    services.interest_express(user=cq_user, opportunity=offer, profile=cq, message="Hello")
    with pytest.raises(InvalidInput):  # one open interest per pair
        services.interest_express(user=cq_user, opportunity=offer, profile=cq, message="Again")
    settings.PARTNERING_OPEN_INTERESTS_CAP = 1
    _u, third = verified_member("hong_kong", facilitator_hk)
    other = published(
        facilitator_hk,
        post(
            _u,
            third,
            type="logistics_needed",
            title={"en": "Need a forwarder"},
            description={"en": "x"},
            sector="freight-forwarding",
        ),
    )
    with pytest.raises(InvalidInput) as error:
        services.interest_express(user=cq_user, opportunity=other, profile=cq, message="Hello")
    assert "open expressions of interest" in str(error.value.message)
    assert Interest.objects.filter(from_profile=cq).count() == 1


def test_an_outcome_saved_again_unchanged_tells_nobody_again(
    pair, facilitator_cq, facilitator_hk, django_capture_on_commit_callbacks
):
    """A review found the other side e-mailed again each time an unchanged outcome was saved:
    a message the platform promises is sent once per outcome; a change is told again."""
    cq_user, cq, need, hk_user, hk, offer = pair
    published(facilitator_cq, need)
    published(facilitator_hk, offer)
    interest = services.interest_express(user=cq_user, opportunity=offer, profile=cq, message="合作")
    services.interest_accept(user=hk_user, interest=interest)
    interest.refresh_from_db()
    logistics = factories.area("logistics")
    mail.outbox.clear()
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            services.outcome_record(user=cq_user, interest=interest, kind="joint_venture", area=logistics, note="JV")
    assert [m.to for m in mail.outbox] == [[hk_user.email]]
    assert interest.outcome.history.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.outcome_record(user=hk_user, interest=interest, kind="joint_venture", area=logistics, note="JV, 2027")
    assert [m.to for m in mail.outbox] == [[hk_user.email], [cq_user.email]]
