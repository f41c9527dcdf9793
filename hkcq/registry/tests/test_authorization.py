"""The authorization matrix: every staff form and every registry write endpoint × every role
→ allowed or refused as hkcq/registry/permissions.py intends. A refused attempt must change
nothing; an allowed one must change the record."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from hkcq.accounts.models import User
from hkcq.accounts.services import api_token_create
from hkcq.accounts.tests import personas
from hkcq.accounts.tests.factories import UserFactory
from hkcq.core.choices import Role, Side
from hkcq.registry.models import (
    Agreement,
    AgreementDocument,
    Attendance,
    Decision,
    Measure,
    Meeting,
    Milestone,
    Person,
    Signatory,
)
from hkcq.registry.tests.factories import (
    AgreementFactory,
    AreaFactory,
    DecisionFactory,
    MeasureFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    UnitFactory,
)
from hkcq.registry.tests.helpers import form_data, registry_fingerprint

# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
resident, officer_hk, secretariat_hk, secretariat_cq, admin_user, unit_hk = (
    personas.resident,
    personas.officer_hk,
    personas.secretariat_hk,
    personas.secretariat_cq,
    personas.admin_user,
    personas.unit_hk,
)

ANONYMOUS = "anonymous"
ORGANISATION = "organisation-member"
ROLES = [ANONYMOUS, "resident", ORGANISATION, "officer-hk", "secretariat-hk", "secretariat-cq", "admin"]
EDITORS = {"secretariat-hk", "secretariat-cq", "admin"}
# officer-hk belongs to unit_hk, which supports OFFICER_MEASURE and owns OFFICER_DECISION (``rows``).
AREA = "auth-area"
OFFICER_MEASURE, OTHER_MEASURE = "auth-measure-supported", "auth-measure-other"
OFFICER_DECISION, OTHER_DECISION = "auth-decision-owned", "auth-decision-other"
MEETING, AGREEMENT = "auth-plenary", "auth-memorandum"


@dataclass
class Case:
    name: str
    url: str
    overrides: dict[str, Any] = field(default_factory=dict)
    allowed: set[str] = field(default_factory=lambda: set(EDITORS))
    get: bool = True
    files: bool = False


@pytest.fixture
def people(resident, officer_hk, secretariat_hk, secretariat_cq, admin_user) -> None:  # noqa: F811 - the personas
    """Every role of ROLES, by user name: the personas and a member of an organisation."""
    member = UserFactory.create(username=ORGANISATION, role=Role.ORG_MEMBER)
    member.organisations.add(OrganisationFactory.create(side=Side.HONG_KONG))


@pytest.fixture
def rows(people, unit_hk) -> dict[str, Any]:  # noqa: F811 - the persona above
    """The records the cases act on, made by factories: an area; a measure led by other units and
    supported by officer-hk's unit, and one of other units only, each with a milestone; a plenary
    with an attendee and two decisions (officer-hk's unit owns the first); a memorandum signed
    there by one party's signatory, with a document listed without a file; a person who attended
    nothing and one who signed nothing."""
    cq_lead = UnitFactory.create(side=Side.CHONGQING)
    area = AreaFactory.create(ext_id=AREA, name={"en": "Finance", "zh-hant": "金融"})
    supported = MeasureFactory.create(
        ext_id=OFFICER_MEASURE, area=area, code="1.1", lead_unit_hk=UnitFactory.create(), lead_unit_cq=cq_lead
    )
    supported.supporting_units.set([unit_hk, UnitFactory.create()])
    other = MeasureFactory.create(
        ext_id=OTHER_MEASURE,
        area=area,
        code="3.1",
        lead_unit_hk=UnitFactory.create(),
        lead_unit_cq=UnitFactory.create(side=Side.CHONGQING),
    )
    other.supporting_units.set([UnitFactory.create()])
    ms1 = Milestone.objects.create(measure=supported, title={"en": "Officer's milestone"})
    ms5 = Milestone.objects.create(measure=other, title={"en": "Other milestone"})
    meeting = MeetingFactory.create(ext_id=MEETING, kind=Meeting.Kind.PLENARY)
    attendee = Attendance.objects.create(meeting=meeting, person=PersonFactory.create(), side="hong_kong")
    DecisionFactory.create(ext_id=OTHER_DECISION, meeting=meeting).owner_units.set([UnitFactory.create()])
    DecisionFactory.create(ext_id=OFFICER_DECISION, meeting=meeting).owner_units.set([unit_hk])
    agreement = AgreementFactory.create(ext_id=AGREEMENT, kind=Agreement.Kind.MEMORANDUM, meeting=meeting)
    party = OrganisationFactory.create(side=Side.CHONGQING)
    agreement.parties.set([party, OrganisationFactory.create(side=Side.HONG_KONG)])
    Signatory.objects.create(agreement=agreement, person=PersonFactory.create(), organisation=party)
    document = AgreementDocument.objects.create(
        agreement=agreement, title={"en": "Annex listed without a file"}, language="en"
    )
    return {
        "ms1": ms1,
        "ms5": ms5,
        "attendee": attendee,
        "new_person": PersonFactory.create(),
        "document": document,
        "signer": PersonFactory.create(),
        "organisation": party,
        "area": area,
    }


def _cases(rows: dict[str, Any]) -> list[Case]:
    upload = {"upload": SimpleUploadedFile("annex.txt", b"Annex text", content_type="text/plain")}
    officer = EDITORS | {"officer-hk"}
    return [
        Case("area create", "/en/areas/new/", {"ext_id": "new-area", "position": "12", "name_0": "New area"}),
        Case("area edit", f"/en/areas/{AREA}/edit/", {"name_0": "Finance (edited)"}),
        Case(
            "measure create",
            "/en/measures/new/",
            {"ext_id": "m-new", "area": str(rows["area"].pk), "position": "9", "title_0": "New measure"},
        ),
        Case(
            "measure edit (other unit's)",
            f"/en/measures/{OTHER_MEASURE}/edit/",
            {"title_0": "Edited", "actual_start": "2023-06-01"},
        ),
        Case(
            "measure edit (officer's unit supports it)",
            f"/en/measures/{OFFICER_MEASURE}/edit/",
            {"title_0": "Edited", "actual_start": "2023-06-01"},
            allowed=officer,
        ),
        Case("milestone create (other unit's)", f"/en/measures/{OTHER_MEASURE}/milestones/new/", {"title_0": "M"}),
        Case(
            "milestone create (officer's unit)",
            f"/en/measures/{OFFICER_MEASURE}/milestones/new/",
            {"title_0": "M", "planned_on": "2024-01-01"},
            allowed=officer,
        ),
        Case(
            "milestone edit (other unit's)",
            f"/en/measures/{OTHER_MEASURE}/milestones/{rows['ms5'].pk}/edit/",
            {"achieved_on": "2024-02-01"},
        ),
        Case(
            "milestone edit (officer's unit)",
            f"/en/measures/{OFFICER_MEASURE}/milestones/{rows['ms1'].pk}/edit/",
            {"achieved_on": "2024-02-01"},
            allowed=officer,
        ),
        Case(
            "meeting create",
            "/en/meetings/new/",
            {"ext_id": "wm-new", "kind": "working", "title_0": "Working meeting", "date": "2024-03-01"},
        ),
        Case("meeting edit", f"/en/meetings/{MEETING}/edit/", {"minutes_0": "Minutes published."}),
        Case(
            "attendance add",
            f"/en/meetings/{MEETING}/attendees/new/",
            {"person": str(rows["new_person"].pk), "side": "hong_kong", "role": "member"},
        ),
        Case(
            "attendance remove",
            f"/en/meetings/{MEETING}/attendees/{rows['attendee'].pk}/delete/",
            get=False,
        ),
        Case("decision create", f"/en/meetings/{MEETING}/decisions/new/", {"text_0": "A new decision."}),
        Case("decision edit (other unit's)", f"/en/decisions/{OTHER_DECISION}/edit/", {"follow_up_0": "Done so far."}),
        Case(
            "decision follow-up (officer's unit owns it)",
            f"/en/decisions/{OFFICER_DECISION}/edit/",
            {"follow_up_0": "Done so far.", "status": "in_progress"},
            allowed=officer,
        ),
        Case(
            "agreement create",
            "/en/agreements/new/",
            {"ext_id": "agr-new", "kind": "memorandum", "title_0": "New memorandum"},
        ),
        Case("agreement edit", f"/en/agreements/{AGREEMENT}/edit/", {"summary_0": "Edited summary."}),
        Case(
            "agreement event add",
            f"/en/agreements/{AGREEMENT}/events/new/",
            {"kind": "in_force", "date": "2023-06-01"},
        ),
        Case(
            "signatory add",
            f"/en/agreements/{AGREEMENT}/signatories/new/",
            {
                "person": str(rows["signer"].pk),
                "organisation": str(rows["organisation"].pk),
            },
        ),
        Case("clause add", f"/en/agreements/{AGREEMENT}/clauses/new/", {"number": "99", "text_0": "A clause."}),
        Case(
            "document add",
            f"/en/agreements/{AGREEMENT}/documents/new/",
            {"title_0": "Annex", "language": "en", "version": "1", **upload},
            files=True,
        ),
        Case(
            "document update",
            f"/en/agreements/{AGREEMENT}/documents/{rows['document'].pk}/update/",
            {"version": "7", **upload},
            files=True,
        ),
    ]


CASE_NAMES = [
    "area create",
    "area edit",
    "measure create",
    "measure edit (other unit's)",
    "measure edit (officer's unit supports it)",
    "milestone create (other unit's)",
    "milestone create (officer's unit)",
    "milestone edit (other unit's)",
    "milestone edit (officer's unit)",
    "meeting create",
    "meeting edit",
    "attendance add",
    "attendance remove",
    "decision create",
    "decision edit (other unit's)",
    "decision follow-up (officer's unit owns it)",
    "agreement create",
    "agreement edit",
    "agreement event add",
    "signatory add",
    "clause add",
    "document add",
    "document update",
]


def _client(username: str) -> Client:
    client = Client()
    if username != ANONYMOUS:
        client.force_login(User.objects.get(username=username))
    return client


@contextmanager
def _rolled_back() -> Iterator[None]:
    """Each role acts on the same data: its writes are undone before the next role's turn
    (loading the default data once per case keeps the matrix quick)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("case_name", CASE_NAMES)
def test_staff_forms(rows, settings, tmp_path, case_name):
    settings.MEDIA_ROOT = tmp_path
    for role in ROLES:
        with _rolled_back():
            _check_staff_form(next(c for c in _cases(rows) if c.name == case_name), role)


def _check_staff_form(case: Case, role: str) -> None:
    client = _client(role)
    editor = _client("secretariat-hk")
    allowed = role in case.allowed

    get = client.get(case.url) if case.get else None
    if get is not None:
        if allowed:
            assert get.status_code == 200, (case.name, role)
        elif role == ANONYMOUS:
            assert get.status_code == 302 and "/account/sign-in/" in get["Location"], (case.name, role)
        else:
            assert get.status_code == 403, (case.name, role)
    # The data a browser would send: from the form this user sees, or the secretariat's form.
    source = get if get is not None and get.status_code == 200 else (editor.get(case.url) if case.get else None)
    data = form_data(source.content.decode(), case.overrides) if source is not None else {}

    before = registry_fingerprint()
    response = client.post(case.url, data)
    after = registry_fingerprint()
    if allowed:
        assert response.status_code == 302, (case.name, role, response.content.decode()[-3000:])
        assert after != before, (case.name, role, "allowed but nothing changed")
    else:
        expected = 302 if role == ANONYMOUS else 403
        assert response.status_code == expected, (case.name, role, response.status_code)
        assert after == before, (case.name, role, "refused but something changed")


def test_every_staff_url_is_in_the_matrix():
    """A new staff form without a row in the matrix fails here."""
    from django.urls import get_resolver

    staff_views = {
        "area_create", "area_edit", "measure_create", "measure_edit", "milestone_create", "milestone_edit",
        "meeting_create", "meeting_edit", "attendance_create", "attendance_delete", "decision_create",
        "decision_edit", "agreement_create", "agreement_edit", "agreement_event_create", "signatory_create",
        "clause_create", "document_create", "document_replace",
    }  # fmt: skip
    registry_names = {
        p.name for p in get_resolver().url_patterns for p in getattr(p, "url_patterns", []) if getattr(p, "name", None)
    }
    public = {"home", "areas", "area", "measures", "measure", "meetings", "meeting", "decisions",
              "decision", "agreements", "agreement", "document_download", "organisations", "organisation",
              "people", "person", "units", "unit"}  # fmt: skip
    from hkcq.registry import urls

    names = {p.name for p in urls.urlpatterns}
    assert names == staff_views | public, names ^ (staff_views | public)
    assert registry_names  # the resolver was read
    assert len(CASE_NAMES) == len({*CASE_NAMES}) >= len(staff_views)


# -- API ------------------------------------------------------------------------------------------
@dataclass
class ApiCase:
    name: str
    method: str
    path: str
    body: dict[str, Any]
    allowed: set[str] = field(default_factory=lambda: set(EDITORS))
    status: int = 200


API_CASES = [
    ApiCase(
        "create area",
        "post",
        "/api/v1/areas",
        {"id": "api-area", "position": 12, "name": {"en": "API area"}},
        status=201,
    ),
    ApiCase("update area", "patch", f"/api/v1/areas/{AREA}", {"name": {"en": "Finance (API)"}}),
    ApiCase(
        "create measure",
        "post",
        "/api/v1/measures",
        {"id": "m-api", "area": AREA, "title": {"en": "API measure"}},
        status=201,
    ),
    ApiCase(
        "update measure (other unit's)", "patch", f"/api/v1/measures/{OTHER_MEASURE}", {"actual_start": "2023-06-01"}
    ),
    ApiCase(
        "update measure delivery (officer's unit)",
        "patch",
        f"/api/v1/measures/{OFFICER_MEASURE}",
        {"actual_start": "2023-06-01"},
        allowed=EDITORS | {"officer-hk"},
    ),
    ApiCase(
        "update measure title (officer's unit)", "patch", f"/api/v1/measures/{OFFICER_MEASURE}", {"title": {"en": "X"}}
    ),
    ApiCase(
        "add milestone (officer's unit)",
        "post",
        f"/api/v1/measures/{OFFICER_MEASURE}/milestones",
        {"title": {"en": "API milestone"}},
        allowed=EDITORS | {"officer-hk"},
        status=201,
    ),
    ApiCase(
        "add milestone (other unit's)",
        "post",
        f"/api/v1/measures/{OTHER_MEASURE}/milestones",
        {"title": {"en": "M"}},
        status=201,
    ),
    ApiCase(
        "create meeting",
        "post",
        "/api/v1/meetings",
        {"id": "wm-api", "kind": "working", "title": {"en": "API meeting"}, "date": "2024-03-01"},
        status=201,
    ),
    ApiCase("update meeting", "patch", f"/api/v1/meetings/{MEETING}", {"minutes": {"en": "Minutes."}}),
    ApiCase(
        "create decision", "post", f"/api/v1/meetings/{MEETING}/decisions", {"text": {"en": "API decision"}}, status=201
    ),
    ApiCase("update decision (other unit's)", "patch", f"/api/v1/decisions/{OTHER_DECISION}", {"status": "done"}),
    ApiCase(
        "follow up decision (officer's unit)",
        "patch",
        f"/api/v1/decisions/{OFFICER_DECISION}",
        {"status": "in_progress", "follow_up": {"en": "Under way."}},
        allowed=EDITORS | {"officer-hk"},
    ),
    ApiCase(
        "re-assign decision (officer's unit)", "patch", f"/api/v1/decisions/{OFFICER_DECISION}", {"owner_units": []}
    ),
    ApiCase(
        "create agreement",
        "post",
        "/api/v1/agreements",
        {"id": "agr-api", "kind": "memorandum", "title": {"en": "API memorandum"}},
        status=201,
    ),
    ApiCase("update agreement", "patch", f"/api/v1/agreements/{AGREEMENT}", {"summary": {"en": "Summary."}}),
    ApiCase(
        "add agreement event",
        "post",
        f"/api/v1/agreements/{AGREEMENT}/events",
        {"kind": "in_force", "date": "2023-06-01"},
        status=201,
    ),
]


@pytest.mark.parametrize("case", API_CASES, ids=[c.name for c in API_CASES])
def test_api_writes(rows, case):
    for role in ROLES:
        with _rolled_back():
            _check_api_write(case, role)


def _check_api_write(case: ApiCase, role: str) -> None:
    headers = {}
    if role != ANONYMOUS:
        _token, raw = api_token_create(user=User.objects.get(username=role), name="matrix")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    before = registry_fingerprint()
    response = getattr(Client(), case.method)(case.path, case.body, content_type="application/json", **headers)
    after = registry_fingerprint()
    if role in case.allowed:
        assert response.status_code == case.status, (case.name, role, response.content)
        assert after != before, (case.name, role)
    else:
        assert response.status_code == (401 if role == ANONYMOUS else 403), (case.name, role, response.content)
        body = response.json()
        assert body["error"]["code"] in {"not_authenticated", "permission_denied"}, (case.name, role)
        assert after == before, (case.name, role)


def test_api_session_write_needs_the_same_permission(rows, secretariat_hk, resident):  # noqa: F811
    client = Client()
    client.force_login(resident)
    assert (
        client.patch(f"/api/v1/areas/{AREA}", {"name": {"en": "X"}}, content_type="application/json").status_code == 403
    )
    client.force_login(secretariat_hk)
    r = client.patch(f"/api/v1/areas/{AREA}", {"name": {"en": "Finance (session)"}}, content_type="application/json")
    assert r.status_code == 200 and r.json()["name"]["en"] == "Finance (session)"


def test_lead_unit_of_the_other_side_is_refused_in_forms_and_api(rows, secretariat_hk):  # noqa: F811
    from hkcq.registry.models import Unit

    measure = Measure.objects.get(ext_id=OTHER_MEASURE)
    other_cq = Unit.objects.filter(side="chongqing").exclude(pk=measure.lead_unit_cq_id).first()
    client = _client("secretariat-hk")
    data = form_data(
        client.get(f"/en/measures/{OTHER_MEASURE}/edit/").content.decode(), {"lead_unit_cq": str(other_cq.pk)}
    )
    before = registry_fingerprint()
    r = client.post(f"/en/measures/{OTHER_MEASURE}/edit/", data)
    assert r.status_code == 200 and "Only the secretariat of that side" in r.content.decode()
    _token, raw = api_token_create(user=secretariat_hk, name="t")
    r = Client().patch(
        f"/api/v1/measures/{OTHER_MEASURE}",
        {"lead_unit_cq": other_cq.ext_id},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert r.status_code == 403
    assert registry_fingerprint() == before
    measure.refresh_from_db()
    assert measure.lead_unit_cq_id != other_cq.pk


def test_django_admin_is_for_administrators_only(people):
    for role in ROLES:
        response = _client(role).get("/en/admin/")
        if role == "admin":
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302 and "login" in response["Location"], role


def test_attendance_and_signatory_fixtures_exist(rows):
    # The matrix relies on ``rows`` holding an attendee and an unsigned person.
    assert Attendance.objects.filter(meeting__ext_id=MEETING).exists()
    assert Person.objects.exclude(signatures__agreement__ext_id=AGREEMENT).exists()
    assert Signatory.objects.filter(agreement__ext_id=AGREEMENT).exists()
    assert Decision.objects.filter(ext_id=OFFICER_DECISION, owner_units__ext_id=personas.HK_UNIT).exists()
