"""Registry rows the tests share, made by factories (not the default data's). A module that uses
them names its people as the personas (hkcq/accounts/tests/personas.py) too, so that nothing it
does asks for the default data."""

from typing import Any

import pytest

from hkcq.core.translated import TText
from hkcq.registry.models import Agreement, AgreementDocument, Attendance, Meeting, Signatory
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


@pytest.fixture
def world(request) -> dict[str, Any]:
    """One of each registry record, linked as the registry links them: an area ("Finance") whose
    measure (led for Hong Kong by officer_hk's unit, for Chongqing by officer_cq's, supported by a
    third unit) has an item and a milestone; another measure of no officer's unit, in a second
    area; a plenary with an attendee and two decisions (officer_hk's unit owns the first); a
    memorandum signed there with two parties, a signatory and a document, and a second agreement;
    a person who attended and signed nothing."""
    officer_hk, officer_cq = request.getfixturevalue("officer_hk"), request.getfixturevalue("officer_cq")
    unit = officer_hk.units.get()
    area = AreaFactory.create(name=TText.of(en="Finance", zh_hant="金融"))
    organisation = OrganisationFactory.create(side="central")
    measure = MeasureFactory.create(
        area=area,
        code="1.1",
        title=TText.of(en="Arbitration summit", zh_hant="仲裁峰會"),
        lead_unit_hk=unit,
        lead_unit_cq=officer_cq.units.get(),
    )
    measure.supporting_units.set([UnitFactory.create()])
    MeasureFactory.create(area=area, parent=measure)
    measure.milestones.create(title={"en": "Summit held"})
    other = MeasureFactory.create(code="2.1", lead_unit_hk=UnitFactory.create())
    meeting = MeetingFactory.create(kind=Meeting.Kind.PLENARY)
    Attendance.objects.create(meeting=meeting, person=PersonFactory.create(), side="hong_kong")
    mine, theirs = DecisionFactory.create(meeting=meeting), DecisionFactory.create(meeting=meeting)
    mine.owner_units.set([unit])
    theirs.owner_units.set([UnitFactory.create()])
    agreement = AgreementFactory.create(kind=Agreement.Kind.MEMORANDUM, meeting=meeting)
    agreement.parties.set([organisation, OrganisationFactory.create(side="hong_kong")])
    Signatory.objects.create(agreement=agreement, person=PersonFactory.create())
    document = AgreementDocument.objects.create(agreement=agreement, title={"en": "Annex"}, language="en")
    return {
        "area": area,
        "measure": measure,
        "other": other,
        "unit": unit,
        "meeting": meeting,
        "mine": mine,
        "theirs": theirs,
        "agreement": agreement,
        "second_agreement": AgreementFactory.create(),
        "document": document,
        "newcomer": PersonFactory.create(),
    }
