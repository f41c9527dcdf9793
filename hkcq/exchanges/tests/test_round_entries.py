"""A round's entry named by its side and id (the API's paths, the organisers' forms) is fetched
through one selector, ``participant_get_for_user``: an entry the person may neither act for nor
organise answers as an unknown one, and the organisers' writes are refused before any entry is
looked at, so no answer tells which ids a round holds."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from hkcq.accounts.services import api_token_create
from hkcq.core.errors import NotFound
from hkcq.exchanges import selectors, services
from hkcq.exchanges.models import Participant
from hkcq.exchanges.tests.factories import UserFactory, round_areas  # noqa: F401 - round_areas: the fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("round_areas")]  # areas the rounds name

DOC = {
    "kind": "internship",
    "title": "Summer internships 2027",
    "area": "education",
    "applicants": [{"id": "a1", "ranks": ["h1"]}, {"id": "a2", "ranks": ["h1"]}],
    "hosts": [{"id": "h1", "capacity": 1, "ranks": ["a1", "a2"]}],
}


def auth(user):
    _, raw = api_token_create(user=user, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def round_(officer_tdc):
    return services.round_create(user=officer_tdc, data=DOC)


@pytest.fixture
def a1_user(round_):
    """The person behind entry a1 (a participant of the round, not its organiser)."""
    user = UserFactory()
    round_.participants.filter(ext_id="a1").update(user=user)
    return user


def test_selector_by_side_and_id(round_, officer_tdc, a1_user):
    a1 = selectors.participant_get_for_user(user=a1_user, round_=round_, role=Participant.APPLICANT, ext_id="a1")
    assert (a1.role, a1.ext_id) == ("applicant", "a1")
    h1 = selectors.participant_get_for_user(user=officer_tdc, round_=round_, role=Participant.HOST, ext_id="h1")
    assert (h1.role, h1.ext_id) == ("host", "h1")
    for role, ext_id in ((Participant.HOST, "a1"), (Participant.APPLICANT, "zz"), (Participant.APPLICANT, "a2")):
        with pytest.raises(NotFound):  # another side's id, an unknown id, another person's entry
            selectors.participant_get_for_user(user=a1_user, round_=round_, role=role, ext_id=ext_id)


def test_api_ranks_of_another_entry_answers_as_an_unknown_one(client, round_, a1_user):
    for ext_id in ("a2", "zz"):
        r = client.put(
            f"/api/v1/rounds/{round_.pk}/participants/{ext_id}/ranks",
            {"ranks": ["h1"]},
            content_type="application/json",
            **auth(a1_user),
        )
        assert r.status_code == 404, (ext_id, r.content)
        assert r.json()["error"]["code"] == "not_found"


def test_api_link_refused_to_a_participant_whatever_the_id(client, round_, a1_user):
    """Before: an unknown id answered 404 and an existing one 403, which told a participant the
    round's other ids."""
    for ext_id in ("a1", "a2", "zz"):
        r = client.put(
            f"/api/v1/rounds/{round_.pk}/participants/{ext_id}/link",
            {"email": a1_user.email, "reason": "Mine"},
            content_type="application/json",
            **auth(a1_user),
        )
        assert r.status_code == 403, (ext_id, r.content)
        assert r.json()["error"]["code"] == "permission_denied"
    assert set(round_.participants.exclude(ext_id="a1").values_list("user", flat=True)) == {None}


def test_api_organiser_naming_unknown_entries(client, round_, officer_tdc):
    r = client.put(
        f"/api/v1/rounds/{round_.pk}/hosts/zz/capacity",
        {"capacity": 2, "reason": "A second desk"},
        content_type="application/json",
        **auth(officer_tdc),
    )
    assert r.status_code == 404
    message = "Choose an applicant and a host of this round."
    for body, field in (({"applicant": "zz", "host": "h1"}, "applicant"), ({"applicant": "a1", "host": "a2"}, "host")):
        r = client.post(
            f"/api/v1/rounds/{round_.pk}/pairs",
            {**body, "reason": "Agreed at the ceremony"},
            content_type="application/json",
            **auth(officer_tdc),
        )
        assert r.status_code == 422, r.content
        assert r.json()["error"]["details"] == {field: [message]}
    r = client.post(
        f"/api/v1/rounds/{round_.pk}/pairs",
        {"applicant": "a2", "host": "h1", "reason": "Agreed at the ceremony"},
        content_type="application/json",
        **auth(officer_tdc),
    )
    assert r.status_code == 201
    assert (r.json()["applicant"], r.json()["host"]) == ("a2", "h1")


def test_page_forms_refused_to_a_participant_whatever_the_ids(client, round_, a1_user):
    """Before: unknown ids came back with "Choose an applicant and a host of this round." and
    existing ones with 404, which told a participant the round's other ids. A participant sees
    the round, so the organisers' actions answer 403 (docs/architecture.md), whatever the ids."""
    client.force_login(a1_user)
    for applicant, host in (("a2", "h1"), ("zz", "h9")):
        r = client.post(
            f"/en/rounds/{round_.pk}/do/fix/",
            {"fix-applicant": applicant, "fix-host": host, "fix-reason": "Agreed"},
        )
        assert r.status_code == 403, (applicant, host)
    for host in ("h1", "h9"):
        r = client.post(
            f"/en/rounds/{round_.pk}/do/capacity/", {"cap-host": host, "cap-capacity": "3", "cap-reason": "More"}
        )
        assert r.status_code == 403, host
    assert round_.pairs.count() == 0
    assert round_.participants.get(ext_id="h1").capacity == 1


def test_page_round_actions_refuse_by_what_the_person_sees(client, round_, a1_user):
    """docs/architecture.md: a round hidden from the person is 404, a round they see (a
    participant's) whose action is not theirs is 403; neither depends on the ids the form names."""
    bodies = {
        "allocate": [{}],
        "fix": [{"fix-applicant": a, "fix-host": h, "fix-reason": "x"} for a, h in (("a2", "h1"), ("zz", "h9"))],
        "capacity": [{"cap-host": h, "cap-capacity": "3", "cap-reason": "x"} for h in ("h1", "h9")],
        "link": [{"link-role": "applicant", "link-participant": e, "link-reason": "x"} for e in ("a2", "zz")],
    }
    changes = round_.changes.count()
    for user, status in ((a1_user, 403), (UserFactory(), 404)):
        client.force_login(user)
        for action, data in bodies.items():
            assert {client.post(f"/en/rounds/{round_.pk}/do/{action}/", d).status_code for d in data} == {status}
        assert client.post(f"/en/rounds/{round_.pk}/do/nothing/").status_code == 404
    assert round_.pairs.count() == 0 and round_.changes.count() == changes


def test_page_forms_of_the_organiser_naming_unknown_entries(client, round_, officer_tdc):
    client.force_login(officer_tdc)
    cases = [
        ("fix", {"fix-applicant": "zz", "fix-host": "h1", "fix-reason": "Agreed"}, "Choose an applicant and a host of this round."),
        ("fix", {"fix-applicant": "a1", "fix-host": "a2", "fix-reason": "Agreed"}, "Choose an applicant and a host of this round."),
        ("capacity", {"cap-host": "a1", "cap-capacity": "3", "cap-reason": "More"}, "Choose a host of this round."),
        ("link", {"link-role": "host", "link-participant": "a1", "link-reason": "x"}, "No entry of this round has this id on that side."),
    ]  # fmt: skip
    for action, data, message in cases:
        r = client.post(f"/en/rounds/{round_.pk}/do/{action}/", data)
        assert r.status_code == 302 and r.headers["Location"] == f"/en/rounds/{round_.pk}/"
        shown = [str(m) for m in get_messages(client.get(r.headers["Location"]).wsgi_request)]
        assert shown == [message], (action, data)  # the round page shows it, once
    r = client.post(
        f"/en/rounds/{round_.pk}/do/fix/", {"fix-applicant": "a2", "fix-host": "h1", "fix-reason": "Agreed"}
    )
    assert r.status_code == 302
    assert [(p.applicant.ext_id, p.host.ext_id) for p in round_.pairs.all()] == [("a2", "h1")]
