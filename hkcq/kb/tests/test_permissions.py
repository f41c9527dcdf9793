"""Authorization matrix: every knowledge-base action × every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from hkcq.accounts.models import User
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.kb import services
from hkcq.kb.models import Entry, Gap
from hkcq.registry.models import Unit

ROLES = [
    "anonymous",
    "demo-resident",
    "demo-organisation",
    "demo-officer-hk",  # officer of hk_chengdu_eto
    "demo-officer-cq",  # officer of cq_commerce
    "demo-secretariat-hk",
    "demo-secretariat-cq",
    "demo-admin",
]
SECRETARIAT = {"demo-secretariat-hk", "demo-secretariat-cq", "demo-admin"}


def user_of(name):
    return AnonymousUser() if name == "anonymous" else User.objects.get(username=name)


def _create_for(unit_id):
    def run(user):
        return services.entry_create(
            user=user,
            data={
                "slug": f"new-{unit_id.replace('_', '-')}",
                "topic": "general",
                "title": {"en": "New"},
                "body": {"en": "Body"},
                "unit": Unit.objects.get(ext_id=unit_id),
            },
        )

    return run


def _edit(slug):
    def run(user):
        return services.entry_update(user=user, entry=Entry.objects.get(slug=slug), data={"title": {"en": "Edited"}})

    return run


def _submit(user):
    Entry.objects.filter(slug="chengdu-eto-services").update(state=Entry.State.DRAFT)
    return services.entry_submit(user=user, entry=Entry.objects.get(slug="chengdu-eto-services"))


def _publish(user):
    Entry.objects.filter(slug="legal-aid").update(state=Entry.State.IN_REVIEW)
    return services.entry_publish(user=user, entry=Entry.objects.get(slug="legal-aid"))


def _unpublish(user):
    return services.entry_unpublish(user=user, entry=Entry.objects.get(slug="legal-aid"))


def _move_unit(user):
    return services.entry_update(
        user=user,
        entry=Entry.objects.get(slug="chengdu-eto-services"),
        data={"unit": Unit.objects.get(ext_id="cq_hrss")},
    )


def _resolve_gaps(user):
    gap = Gap.objects.create(question="q", language="en", source="ask")
    return services.gap_resolve(user=user, gap_ids=[gap.pk])


ACTIONS = {
    "create entry for hk_chengdu_eto": (_create_for("hk_chengdu_eto"), SECRETARIAT | {"demo-officer-hk"}),
    "create entry for cq_commerce": (_create_for("cq_commerce"), SECRETARIAT | {"demo-officer-cq"}),
    "edit an hk_chengdu_eto entry": (_edit("chengdu-eto-services"), SECRETARIAT | {"demo-officer-hk"}),
    "edit a cq_commerce entry": (_edit("western-china-fair-trade-promotion"), SECRETARIAT | {"demo-officer-cq"}),
    "submit an hk_chengdu_eto draft": (_submit, SECRETARIAT | {"demo-officer-hk"}),
    "publish": (_publish, SECRETARIAT),
    "return to draft": (_unpublish, SECRETARIAT),
    "hand an entry to another unit": (_move_unit, SECRETARIAT),
    "resolve gaps": (_resolve_gaps, SECRETARIAT),
}


@pytest.mark.parametrize("role", ROLES)
def test_service_authorization_matrix(defaults, role):
    """Every action for this role, each in its own rolled-back savepoint."""
    from django.db import transaction

    user = user_of(role)
    for action, (run, allowed) in ACTIONS.items():
        with transaction.atomic():
            before = {e.slug: (e.title.en, e.unit_id) for e in Entry.objects.all()}
            if role in allowed:
                run(user)
            else:
                with pytest.raises(NotPermitted):
                    run(user)
                after = {e.slug: (e.title.en, e.unit_id) for e in Entry.objects.all()}
                assert after == before, action
            transaction.set_rollback(True)


def test_an_officers_edit_of_a_published_entry_goes_back_to_review(defaults, officer_hk, secretariat_hk):
    entry = services.entry_update(
        user=officer_hk, entry=Entry.objects.get(slug="chengdu-eto-services"), data={"title": {"en": "New title"}}
    )
    assert entry.state == Entry.State.IN_REVIEW
    entry = services.entry_update(user=secretariat_hk, entry=entry, data={"title": {"en": "Newer title"}})
    assert entry.state == Entry.State.IN_REVIEW  # the secretariat publishes explicitly
    assert services.entry_publish(user=secretariat_hk, entry=entry).state == Entry.State.PUBLISHED


def test_state_changes_that_make_no_sense_are_refused(defaults, secretariat_hk):
    entry = Entry.objects.get(slug="legal-aid")
    with pytest.raises(InvalidInput):
        services.entry_publish(user=secretariat_hk, entry=entry)
    with pytest.raises(InvalidInput):
        services.entry_submit(user=secretariat_hk, entry=entry)


PAGE_ROLES = ["anonymous", "demo-resident", "demo-officer-hk", "demo-officer-cq", "demo-secretariat-cq"]


PAGES = [
    ("/en/help/entries/chengdu-eto-services/edit/", "get", {"demo-officer-hk", "demo-secretariat-cq"}),
    ("/en/help/entries/western-china-fair-trade-promotion/edit/", "get", {"demo-officer-cq", "demo-secretariat-cq"}),
    ("/en/help/entries/new/", "get", {"demo-officer-hk", "demo-officer-cq", "demo-secretariat-cq"}),
    ("/en/help/gaps/", "get", {"demo-secretariat-cq"}),
    ("/en/help/entries/legal-aid/unpublish/", "post", {"demo-secretariat-cq"}),
]


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_page_authorization_matrix(defaults, role):
    client = Client()
    if role != "anonymous":
        client.force_login(User.objects.get(username=role))
    for url, method, allowed in PAGES:
        response = getattr(client, method)(url)
        if role in allowed:
            # A page answers 200; an action (POST) redirects to the entry, never to the sign-in.
            assert response.status_code == (200 if method == "get" else 302), (url, response.status_code)
            if method == "post":
                assert "/sign-in/" not in response["Location"], url
        elif role == "anonymous":
            assert response.status_code == 302 and "/sign-in/" in response["Location"], url
        else:
            assert response.status_code == 403, (url, response.status_code)
    expected = Entry.State.DRAFT if role == "demo-secretariat-cq" else Entry.State.PUBLISHED
    assert Entry.objects.get(slug="legal-aid").state == expected
