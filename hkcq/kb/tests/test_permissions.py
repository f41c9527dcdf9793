"""Authorization matrix: every knowledge-base action × every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from hkcq.accounts.tests.factories import UserFactory
from hkcq.accounts.tests.personas import CQ_UNIT, HK_UNIT
from hkcq.core.choices import Role, Side
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.kb import services
from hkcq.kb.models import Entry, Gap
from hkcq.kb.tests.factories import EntryFactory
from hkcq.registry.models import Unit
from hkcq.registry.tests.factories import UnitFactory

ROLES = [
    "anonymous",
    "resident",
    "org_member",
    "officer_hk",  # officer of HK_UNIT
    "officer_cq",  # officer of CQ_UNIT
    "secretariat_hk",
    "secretariat_cq",
    "admin",
]
SECRETARIAT = {"secretariat_hk", "secretariat_cq", "admin"}
# The entries of the test: one of each officer's unit, one published of a third unit.
HK_ENTRY, CQ_ENTRY, PUBLISHED = "test-hk-entry", "test-cq-entry", "test-published-entry"
OTHER_UNIT = "test-unit-other"


@pytest.fixture
def users(request):
    """Every role's person, by role: the personas, and a member of an organisation."""
    fixtures = {"admin": "admin_user"}
    people = {
        role: request.getfixturevalue(fixtures.get(role, role))
        for role in ROLES
        if role not in ("anonymous", "org_member")
    }
    return {"anonymous": AnonymousUser(), "org_member": UserFactory.create(role=Role.ORG_MEMBER), **people}


@pytest.fixture
def entries(unit_hk, unit_cq):
    other = UnitFactory.create(ext_id=OTHER_UNIT, side=Side.CHONGQING)
    return {
        HK_ENTRY: EntryFactory.create(slug=HK_ENTRY, unit=unit_hk),
        CQ_ENTRY: EntryFactory.create(slug=CQ_ENTRY, unit=unit_cq),
        PUBLISHED: EntryFactory.create(slug=PUBLISHED, unit=other),
    }


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
    Entry.objects.filter(slug=HK_ENTRY).update(state=Entry.State.DRAFT)
    return services.entry_submit(user=user, entry=Entry.objects.get(slug=HK_ENTRY))


def _publish(user):
    Entry.objects.filter(slug=PUBLISHED).update(state=Entry.State.IN_REVIEW)
    return services.entry_publish(user=user, entry=Entry.objects.get(slug=PUBLISHED))


def _unpublish(user):
    return services.entry_unpublish(user=user, entry=Entry.objects.get(slug=PUBLISHED))


def _move_unit(user):
    return services.entry_update(
        user=user,
        entry=Entry.objects.get(slug=HK_ENTRY),
        data={"unit": Unit.objects.get(ext_id=OTHER_UNIT)},
    )


def _resolve_gaps(user):
    gap = Gap.objects.create(question="q", language="en", source="ask")
    return services.gap_resolve(user=user, gap_ids=[gap.pk])


ACTIONS = {
    "create entry for the Hong Kong unit": (_create_for(HK_UNIT), SECRETARIAT | {"officer_hk"}),
    "create entry for the Chongqing unit": (_create_for(CQ_UNIT), SECRETARIAT | {"officer_cq"}),
    "edit a Hong Kong unit's entry": (_edit(HK_ENTRY), SECRETARIAT | {"officer_hk"}),
    "edit a Chongqing unit's entry": (_edit(CQ_ENTRY), SECRETARIAT | {"officer_cq"}),
    "submit a Hong Kong unit's draft": (_submit, SECRETARIAT | {"officer_hk"}),
    "publish": (_publish, SECRETARIAT),
    "return to draft": (_unpublish, SECRETARIAT),
    "hand an entry to another unit": (_move_unit, SECRETARIAT),
    "resolve gaps": (_resolve_gaps, SECRETARIAT),
}


@pytest.mark.parametrize("role", ROLES)
def test_service_authorization_matrix(users, entries, role):
    """Every action for this role, each in its own rolled-back savepoint."""
    from django.db import transaction

    user = users[role]
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


def test_an_officers_edit_of_a_published_entry_goes_back_to_review(entries, officer_hk, secretariat_hk):
    entry = services.entry_update(user=officer_hk, entry=entries[HK_ENTRY], data={"title": {"en": "New title"}})
    assert entry.state == Entry.State.IN_REVIEW
    entry = services.entry_update(user=secretariat_hk, entry=entry, data={"title": {"en": "Newer title"}})
    assert entry.state == Entry.State.IN_REVIEW  # the secretariat publishes explicitly
    assert services.entry_publish(user=secretariat_hk, entry=entry).state == Entry.State.PUBLISHED


def test_state_changes_that_make_no_sense_are_refused(entries, secretariat_hk):
    entry = entries[PUBLISHED]
    with pytest.raises(InvalidInput):
        services.entry_publish(user=secretariat_hk, entry=entry)
    with pytest.raises(InvalidInput):
        services.entry_submit(user=secretariat_hk, entry=entry)


PAGE_ROLES = ["anonymous", "resident", "officer_hk", "officer_cq", "secretariat_cq"]


PAGES = [
    (f"/en/help/entries/{HK_ENTRY}/edit/", "get", {"officer_hk", "secretariat_cq"}),
    (f"/en/help/entries/{CQ_ENTRY}/edit/", "get", {"officer_cq", "secretariat_cq"}),
    ("/en/help/entries/new/", "get", {"officer_hk", "officer_cq", "secretariat_cq"}),
    ("/en/help/gaps/", "get", {"secretariat_cq"}),
    (f"/en/help/entries/{PUBLISHED}/unpublish/", "post", {"secretariat_cq"}),
]


@pytest.mark.parametrize("role", PAGE_ROLES)
def test_page_authorization_matrix(users, entries, role):
    client = Client()
    if role != "anonymous":
        client.force_login(users[role])
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
    expected = Entry.State.DRAFT if role == "secretariat_cq" else Entry.State.PUBLISHED
    assert Entry.objects.get(slug=PUBLISHED).state == expected
