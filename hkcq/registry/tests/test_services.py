"""Every registry service: what it writes, what it refuses, and that a refusal writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hkcq.accounts.tests import personas
from hkcq.core.errors import InvalidInput, NotPermitted
from hkcq.core.translated import CONVERTED, HUMAN
from hkcq.registry import services
from hkcq.registry.models import (
    AgreementDocument,
    AgreementEvent,
    Attendance,
    Clause,
    Milestone,
    Signatory,
)
from hkcq.registry.tests.factories import AreaFactory, OrganisationFactory, PersonFactory, UnitFactory, one_mechanism
from hkcq.registry.tests.helpers import registry_fingerprint

# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
officer_cq, officer_hk, resident = personas.officer_cq, personas.officer_hk, personas.resident
secretariat_cq, secretariat_hk = personas.secretariat_cq, personas.secretariat_hk


def _refused(call, exc=NotPermitted) -> None:
    before = registry_fingerprint()
    with pytest.raises(exc):
        call()
    assert registry_fingerprint() == before


# -- areas ----------------------------------------------------------------------------------------
def test_area_create_derives_the_missing_chinese_script_and_records_who(secretariat_hk):
    area = services.area_create(
        user=secretariat_hk, data={"ext_id": "new-area", "position": 12, "name": {"en": "Sport", "zh-hant": "體育"}}
    )
    area.refresh_from_db()
    assert area.name.zh_hans == "体育"
    assert area.name.origin("zh-hans") == CONVERTED and area.name.origin("zh-hant") == HUMAN
    assert area.history.first().history_user == secretariat_hk
    assert "sport" in area.search_text


def test_area_create_and_update_refuse_non_editors_and_bad_input(secretariat_hk, officer_hk, resident):
    _refused(lambda: services.area_create(user=officer_hk, data={"ext_id": "x", "position": 1, "name": {"en": "X"}}))
    _refused(lambda: services.area_create(user=None, data={"ext_id": "x", "position": 1, "name": {"en": "X"}}))
    area = AreaFactory.create(name={"en": "Finance"})
    _refused(lambda: services.area_update(user=resident, area=area, data={"name": {"en": "X"}}))
    _refused(
        lambda: services.area_create(
            user=secretariat_hk, data={"ext_id": area.ext_id, "position": 1, "name": {"en": "X"}}
        ),
        InvalidInput,
    )
    services.area_update(user=secretariat_hk, area=area, data={"description": {"en": "Money."}})
    area.refresh_from_db()
    assert area.description.en == "Money." and area.name.en.startswith("Finance")


# -- measures -------------------------------------------------------------------------------------
def test_measure_create_item_takes_its_parents_area(secretariat_hk, world):
    parent = world["measure"]
    item = services.measure_create(
        user=secretariat_hk,
        data={
            "ext_id": "m-01-z",
            "area": AreaFactory.create(),
            "parent": parent,
            "title": {"en": "Item"},
        },
    )
    assert item.area == parent.area and item.is_item


def test_measure_update_moves_items_with_their_measure_and_refuses_cycles(secretariat_hk, world):
    parent = world["measure"]
    item = services.measure_create(
        user=secretariat_hk, data={"ext_id": "m-01-z", "area": parent.area, "parent": parent, "title": {"en": "Item"}}
    )
    finance = AreaFactory.create()
    services.measure_update(user=secretariat_hk, measure=parent, data={"area": finance})
    item.refresh_from_db()
    assert item.area == finance
    _refused(lambda: services.measure_update(user=secretariat_hk, measure=parent, data={"parent": item}), InvalidInput)
    _refused(
        lambda: services.measure_update(user=secretariat_hk, measure=parent, data={"parent": parent}), InvalidInput
    )


def test_measure_lead_units_must_be_on_their_side_and_dates_in_order(secretariat_hk, world):
    measure = world["other"]
    cq_unit = UnitFactory.create(side="chongqing")
    _refused(
        lambda: services.measure_update(user=secretariat_hk, measure=measure, data={"lead_unit_hk": cq_unit}),
        InvalidInput,
    )
    _refused(
        lambda: services.measure_update(
            user=secretariat_hk,
            measure=measure,
            data={"actual_start": dt.date(2024, 5, 1), "actual_end": dt.date(2024, 1, 1)},
        ),
        InvalidInput,
    )


def test_measure_lead_unit_is_each_sides_own(secretariat_hk, secretariat_cq, world):
    measure = world["other"]
    hk = UnitFactory.create(side="hong_kong")
    _refused(lambda: services.measure_update(user=secretariat_cq, measure=measure, data={"lead_unit_hk": hk}))
    services.measure_update(user=secretariat_hk, measure=measure, data={"lead_unit_hk": hk})
    measure.refresh_from_db()
    assert measure.lead_unit_hk == hk


# -- officers: delivery of measures their unit leads or supports, follow-up of decisions it owns --
def test_officer_updates_delivery_dates_of_their_units_measure_only(officer_hk, world):
    mine, other = world["measure"], world["other"]
    services.measure_update(user=officer_hk, measure=mine, data={"actual_start": dt.date(2023, 6, 1)})
    mine.refresh_from_db()
    assert mine.actual_start == dt.date(2023, 6, 1)
    assert mine.history.first().history_user == officer_hk
    _refused(
        lambda: services.measure_update(user=officer_hk, measure=other, data={"actual_start": dt.date(2023, 6, 1)})
    )
    _refused(lambda: services.measure_update(user=officer_hk, measure=mine, data={"title": {"en": "Mine now"}}))
    _refused(lambda: services.measure_update(user=officer_hk, measure=mine, data={"planned_end": dt.date(2030, 1, 1)}))


def test_officer_of_a_lead_unit_may_update_delivery(officer_cq, world):
    """officer_cq's unit leads the measure for Chongqing: it may keep the measure's delivery facts."""
    led = world["measure"]
    assert led.lead_unit_cq == officer_cq.units.get()
    services.milestone_save(
        user=officer_cq, measure=led, data={"title": {"en": "Fair held"}, "achieved_on": dt.date(2023, 9, 1)}
    )
    assert led.milestones.filter(achieved_on=dt.date(2023, 9, 1)).exists()


def test_milestone_save_creates_updates_and_refuses(secretariat_hk, officer_hk, resident, world):
    mine, other = world["measure"], world["other"]
    milestone = services.milestone_save(
        user=officer_hk, measure=mine, data={"title": {"en": "Launch"}, "planned_on": dt.date(2024, 1, 1)}
    )
    services.milestone_save(
        user=officer_hk, measure=mine, milestone=milestone, data={"achieved_on": dt.date(2024, 2, 1)}
    )
    milestone.refresh_from_db()
    assert milestone.achieved_on == dt.date(2024, 2, 1) and milestone.title.en == "Launch"
    _refused(lambda: services.milestone_save(user=officer_hk, measure=other, data={"title": {"en": "X"}}))
    _refused(lambda: services.milestone_save(user=resident, measure=mine, data={"title": {"en": "X"}}))
    # A milestone cannot be moved to another measure through the measure one may edit.
    foreign = Milestone.objects.create(measure=other, title={"en": "Other"})
    _refused(lambda: services.milestone_save(user=secretariat_hk, measure=mine, milestone=foreign, data={}))


def test_officer_follows_up_decisions_their_unit_owns(officer_hk, world):
    mine, other = world["mine"], world["theirs"]
    services.decision_update(
        user=officer_hk, decision=mine, data={"status": "in_progress", "follow_up": {"en": "Talks under way."}}
    )
    mine.refresh_from_db()
    assert mine.status == "in_progress" and mine.follow_up.en == "Talks under way."
    _refused(lambda: services.decision_update(user=officer_hk, decision=other, data={"status": "done"}))
    _refused(lambda: services.decision_update(user=officer_hk, decision=mine, data={"due_on": dt.date(2030, 1, 1)}))
    _refused(lambda: services.decision_update(user=officer_hk, decision=mine, data={"owner_units": []}))


def test_officer_follow_up_shows_on_the_next_meetings_page(secretariat_hk, officer_hk, client, world):
    decision = world["mine"]
    services.decision_update(user=officer_hk, decision=decision, data={"follow_up": {"en": "Exchange visit held."}})
    nxt = services.meeting_create(
        user=secretariat_hk,
        data={
            "ext_id": "plenary-2",
            "kind": "plenary",
            "title": {"en": "Second plenary"},
            "date": world["meeting"].date + dt.timedelta(days=30),
        },
    )
    html = client.get(f"/en/meetings/{nxt.ext_id}/").content.decode()
    assert "Exchange visit held." in html


# -- meetings, attendance, decisions --------------------------------------------------------------
def test_meeting_create_and_update(secretariat_cq, resident):
    mechanism = one_mechanism()  # a new meeting belongs to the platform's one mechanism
    meeting = services.meeting_create(
        user=secretariat_cq,
        data={"ext_id": "wm-1", "kind": "working", "title": {"zh-hans": "工作会议"}, "date": dt.date(2024, 1, 5)},
    )
    assert meeting.mechanism == mechanism and meeting.title.zh_hant == "工作會議"
    services.meeting_update(user=secretariat_cq, meeting=meeting, data={"agenda": {"en": "One\nTwo"}})
    meeting.refresh_from_db()
    assert meeting.agenda.en == "One\nTwo"
    _refused(lambda: services.meeting_update(user=resident, meeting=meeting, data={"agenda": {"en": "X"}}))
    _refused(
        lambda: services.meeting_create(
            user=secretariat_cq, data={"ext_id": "wm-2", "kind": "working", "title": {"en": "No date"}}
        ),
        InvalidInput,
    )


def test_attendance_add_and_remove(secretariat_hk, officer_hk, world):
    meeting, person = world["meeting"], world["newcomer"]
    attendance = services.attendance_add(
        user=secretariat_hk, meeting=meeting, data={"person": person, "side": "hong_kong", "role": "member"}
    )
    assert attendance.position == meeting.attendances.count()
    _refused(
        lambda: services.attendance_add(
            user=secretariat_hk, meeting=meeting, data={"person": person, "side": "hong_kong"}
        ),
        InvalidInput,
    )
    _refused(lambda: services.attendance_remove(user=officer_hk, attendance=attendance))
    services.attendance_remove(user=secretariat_hk, attendance=attendance)
    assert not Attendance.objects.filter(pk=attendance.pk).exists()


def test_decision_create_numbers_decisions_of_the_meeting(secretariat_hk, officer_hk, world):
    meeting = world["meeting"]
    count = meeting.decisions.count()
    unit = UnitFactory.create()
    decision = services.decision_create(
        user=secretariat_hk, meeting=meeting, data={"text": {"en": "Set up a task force."}, "owner_units": [unit]}
    )
    assert decision.number == count + 1
    assert decision.ext_id == f"d-{meeting.date.isoformat()}-{count + 1:02d}"
    assert list(decision.owner_units.all()) == [unit]
    _refused(lambda: services.decision_create(user=officer_hk, meeting=meeting, data={"text": {"en": "X"}}))


# -- agreements -----------------------------------------------------------------------------------
def test_agreement_create_update_and_lifecycle(secretariat_hk, resident, world):
    meeting = world["meeting"]
    parties = [OrganisationFactory.create(side="hong_kong"), OrganisationFactory.create(side="chongqing")]
    agreement = services.agreement_create(
        user=secretariat_hk,
        data={"ext_id": "agr-x", "kind": "memorandum", "title": {"en": "MoU"}, "parties": parties, "meeting": meeting},
    )
    assert set(agreement.parties.all()) == set(parties)
    services.agreement_update(user=secretariat_hk, agreement=agreement, data={"signed_on": dt.date(2023, 5, 11)})
    _refused(lambda: services.agreement_update(user=resident, agreement=agreement, data={"signed_on": None}))
    event = services.agreement_event_add(
        user=secretariat_hk, agreement=agreement, data={"kind": "signed", "date": dt.date(2023, 5, 11)}
    )
    assert event.agreement == agreement
    _refused(
        lambda: services.agreement_event_add(
            user=secretariat_hk, agreement=agreement, data={"kind": "superseded", "date": dt.date(2024, 1, 1)}
        ),
        InvalidInput,
    )
    _refused(
        lambda: services.agreement_event_add(
            user=secretariat_hk,
            agreement=agreement,
            data={"kind": "superseded", "date": dt.date(2024, 1, 1), "superseded_by": agreement},
        ),
        InvalidInput,
    )
    newer = world["second_agreement"]
    services.agreement_event_add(
        user=secretariat_hk,
        agreement=agreement,
        data={"kind": "superseded", "date": dt.date(2024, 1, 1), "superseded_by": newer},
    )
    assert AgreementEvent.objects.filter(agreement=agreement).count() == 2


def test_signatory_add_once_per_person(secretariat_hk, officer_hk, world):
    agreement, person = world["agreement"], world["newcomer"]
    services.signatory_add(
        user=secretariat_hk, agreement=agreement, data={"person": person, "capacity": {"en": "Witness"}}
    )
    assert Signatory.objects.filter(agreement=agreement, person=person).exists()
    _refused(
        lambda: services.signatory_add(user=secretariat_hk, agreement=agreement, data={"person": person}), InvalidInput
    )
    other = PersonFactory.create()
    _refused(lambda: services.signatory_add(user=officer_hk, agreement=agreement, data={"person": other}))


def test_clause_save_links_measures_and_keeps_numbers_unique(secretariat_hk, world):
    agreement, measure = world["agreement"], world["measure"]
    clause = services.clause_save(
        user=secretariat_hk,
        agreement=agreement,
        data={"number": "1", "text": {"en": "Meet yearly."}, "measures": [measure]},
    )
    assert list(measure.clauses.all()) == [clause]
    _refused(
        lambda: services.clause_save(
            user=secretariat_hk, agreement=agreement, data={"number": "1", "text": {"en": "Again"}}
        ),
        InvalidInput,
    )
    services.clause_save(
        user=secretariat_hk, agreement=agreement, clause=clause, data={"text": {"en": "Meet twice a year."}}
    )
    clause.refresh_from_db()
    assert clause.text.en == "Meet twice a year."
    other_agreement = world["second_agreement"]
    _refused(lambda: services.clause_save(user=secretariat_hk, agreement=other_agreement, clause=clause, data={}))
    assert Clause.objects.count() == 1


def test_document_upload_checks_type_and_size_and_bumps_the_version(
    secretariat_hk, officer_hk, settings, tmp_path, world
):
    settings.MEDIA_ROOT = tmp_path
    agreement = world["agreement"]
    data = {"title": {"en": "Annex 9"}, "language": "zh-hant", "version": "1"}
    document = services.document_upload(
        user=secretariat_hk, agreement=agreement, data=data, upload=SimpleUploadedFile("a.txt", b"v1", "text/plain")
    )
    assert document.size == 2 and document.content_type == "text/plain" and document.version == "1"
    services.document_upload(
        user=secretariat_hk,
        agreement=agreement,
        data={},
        document=document,
        upload=SimpleUploadedFile("a2.txt", b"v2!", "text/plain"),
    )
    document.refresh_from_db()
    assert document.version == "2" and document.size == 3
    _refused(
        lambda: services.document_upload(
            user=secretariat_hk,
            agreement=agreement,
            data=data,
            upload=SimpleUploadedFile("x.exe", b"MZ", "application/x-msdownload"),
        ),
        InvalidInput,
    )
    settings.DOCUMENT_MAX_BYTES = 4
    _refused(
        lambda: services.document_upload(
            user=secretariat_hk,
            agreement=agreement,
            data=data,
            upload=SimpleUploadedFile("b.txt", b"12345", "text/plain"),
        ),
        InvalidInput,
    )
    _refused(
        lambda: services.document_upload(
            user=officer_hk, agreement=agreement, data=data, upload=SimpleUploadedFile("c.txt", b"1", "text/plain")
        )
    )
    assert [d.title.en for d in AgreementDocument.objects.filter(agreement=agreement)].count("Annex 9") == 1
