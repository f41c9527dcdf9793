"""A few rows of every kind the API's lists and the site's list pages show, each with the rows
hung on it (a report with its generated files, a round with its participants, a suggestion with
the ones merged into it …), made by the apps' factories (``tests/factories.py``), not taken from
the default data: a list that reads a related row per row is then caught by counting its queries
for a page of one and for a page of five (``test_api_lists.py``, ``test_list_pages.py``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.accounts.tests.factories import ApiTokenFactory, OfficerFactory, SecretariatFactory, UserFactory
from hkcq.calendars.tests.factories import HolidayFactory
from hkcq.core.choices import Side
from hkcq.core.models import OutgoingEmail
from hkcq.core.tests.factories import OutgoingEmailFactory
from hkcq.core.translated import TText
from hkcq.enquiries.models import Message
from hkcq.enquiries.tests.factories import CannedReplyFactory, EnquiryFactory, MessageFactory, SlaPolicyFactory
from hkcq.exchanges.models import ExchangeRecord, Pair, PairStatus, Participant, Round, RoundKind
from hkcq.exchanges.tests.factories import EventFactory, MeetingFactory, RegistrationFactory
from hkcq.kb.models import Gap
from hkcq.kb.tests.factories import EntryFactory
from hkcq.notifications.tests.factories import NotificationFactory
from hkcq.partnering.models import FacilitatorDesk, OutcomeKind
from hkcq.partnering.tests.factories import (
    ContactFactory,
    InterestFactory,
    MembershipFactory,
    OpportunityFactory,
    OutcomeFactory,
    ProfileFactory,
)
from hkcq.progress.models import Evidence, ProgressUpdate
from hkcq.progress.tests.factories import ProgressUpdateFactory, PublishedUpdateFactory, ReportingCycleFactory
from hkcq.registry.models import AgreementEvent, Attendance, Meeting, Post, Signatory
from hkcq.registry.tests import factories as registry
from hkcq.reporting.models import Snapshot
from hkcq.reporting.tests.factories import ImportJobFactory, JobFactory
from hkcq.suggestions.models import Suggestion
from hkcq.suggestions.tests.factories import SuggestionFactory

# Rows of each kind: more than a page of five, so that the page of five is full.
ROWS = 6

# Unanswered questions about different things: each one a group of its own.
GAPS = [
    "Can my cat travel with me on the high-speed train?",
    "Where is the nearest Cantonese opera school?",
    "How do I register a drone for aerial photography?",
    "Is there a public swimming pool open at night?",
    "Who repairs antique watches in Yuzhong?",
    "When does the hotpot festival take place?",
]


def _registry(n: int) -> dict[str, list[Any]]:
    units = registry.UnitFactory.create_batch(n)
    areas = registry.AreaFactory.create_batch(n)
    measures = []
    for i, area in enumerate(areas):
        measure = registry.MeasureFactory.create(area=area, lead_unit_hk=units[i])
        measure.supporting_units.add(units[(i + 1) % n])
        measures.append(measure)
    organisations = registry.OrganisationFactory.create_batch(n)
    people = []
    meetings = []
    for i in range(n):
        person = registry.PersonFactory.create()
        people.append(person)
        meeting = registry.MeetingFactory.create(kind=Meeting.Kind.PLENARY)
        meetings.append(meeting)
        Attendance.objects.create(meeting=meeting, person=person, side=Side.HONG_KONG)
        Post.objects.create(person=person, organisation=organisations[i])
        decision = registry.DecisionFactory.create(meeting=meeting)
        decision.owner_units.add(units[i])
        decision.measures.add(measures[i])
        agreement = registry.AgreementFactory.create()
        agreement.parties.add(organisations[i])
        Signatory.objects.create(agreement=agreement, person=person, organisation=organisations[i])
        AgreementEvent.objects.create(agreement=agreement, kind=AgreementEvent.Kind.SIGNED, date=dt.date(2026, 1, 1))
    return {"units": units, "areas": areas, "measures": measures, "meetings": meetings}


def _reports(n: int, meetings: list[Meeting], secretariat: User) -> None:
    """Closed cycles' snapshots, each with its report generated in two languages."""
    for i, meeting in enumerate(meetings[:n]):
        snapshot = Snapshot.objects.create(
            cycle=ReportingCycleFactory.create(),
            meeting=meeting,
            taken_at=timezone.now() - dt.timedelta(days=i),
            taken_by=secretariat,
            data={},
        )
        for language in ("en", "zh-hant"):
            JobFactory.create(
                created_by=secretariat,
                language=language,
                params={"snapshot": snapshot.pk},
                result={"files": {"pdf": "report.pdf", "docx": "report.docx"}},
            )
    ImportJobFactory.create_batch(n, created_by=secretariat)


def _rounds(n: int, units: list[Any], areas: list[Any], secretariat: User) -> None:
    """Rounds with applicants and hosts, and the exchange records of the pairs that formed."""
    for i in range(n):
        round_ = Round.objects.create(
            kind=RoundKind.SISTER_SCHOOL,
            title=TText.of(en=f"Round {i}").to_json(),
            applicant_side=Side.HONG_KONG,
            area=areas[i],
            created_by=secretariat,
        )
        round_.organiser_units.add(units[i])
        for j in range(2):
            applicant = Participant.objects.create(
                round=round_, role=Participant.APPLICANT, ext_id=f"a{j}", name=f"School A{j}"
            )
            host = Participant.objects.create(round=round_, role=Participant.HOST, ext_id=f"h{j}", name=f"School H{j}")
        pair = Pair.objects.create(round=round_, applicant=applicant, host=host, status=PairStatus.ACCEPTED)
        ExchangeRecord.objects.create(pair=pair, kind=RoundKind.SISTER_SCHOOL, title=f"Pair {i}")


def _events(n: int, areas: list[Any]) -> None:
    for i in range(n):
        event = EventFactory.create()
        event.areas.add(areas[i])
        MeetingFactory.create(event=event)
        RegistrationFactory.create(event=event)


def _partnering(n: int, units: list[Any], areas: list[Any], member: User) -> None:
    """Verified profiles with their contacts, offers, introductions and outcomes; ``member`` acts
    for every one of them (their own lists: memberships, interests, outcomes)."""
    for i in range(n):
        profile = ProfileFactory.create(verified_at=timezone.now())
        profile.areas.add(areas[i])
        ContactFactory.create(profile=profile)
        MembershipFactory.create(profile=profile)
        MembershipFactory.create(profile=profile, user=member)
        opportunity = OpportunityFactory.create(profile=profile)
        opportunity.areas.add(areas[i])
        interest = InterestFactory.create(opportunity=opportunity)
        OutcomeFactory.create(interest=interest, area=areas[i], kind=OutcomeKind.JOINT_VENTURE)
        FacilitatorDesk.objects.create(unit=units[i], side=Side.HONG_KONG)


def _suggestions(n: int, areas: list[Any]) -> None:
    """Published suggestions (answered ones among them), each with two merged into it, and some
    waiting for moderation."""
    for i in range(n):
        published = SuggestionFactory.create(area=areas[i])
        answered = SuggestionFactory.create(
            area=areas[i], response={"en": "We did it."}, responded_at=timezone.now(), status="implemented"
        )
        for target in (published, answered):
            SuggestionFactory.create_batch(2, state=Suggestion.State.MERGED, merged_into=target)
        SuggestionFactory.create(state=Suggestion.State.PENDING, suggested_area=areas[i])


def _progress(n: int, measures: list[Any], units: list[Any], secretariat: User) -> None:
    for i in range(n):
        officer = OfficerFactory.create()
        units[i].members.add(officer)
        update = PublishedUpdateFactory.create(measure=measures[i], author=officer)
        Evidence.objects.create(update=update, title="Minutes", link="https://example.org/", added_by=officer)
        ProgressUpdateFactory.create(author=secretariat, state=ProgressUpdate.State.DRAFT)


def _enquiries(n: int, units: list[Any], secretariat: User) -> None:
    for i in range(n):
        for resident in (secretariat, None):
            enquiry = EnquiryFactory.create(assigned_unit=units[i], resident=resident)
            MessageFactory.create(enquiry=enquiry, kind=Message.Kind.REPLY)
        Gap.objects.create(question=GAPS[i % len(GAPS)], language="en", source=Gap.Source.ASK)
    CannedReplyFactory.create_batch(n)
    SlaPolicyFactory.create_batch(n)


def every_list_filled(*, secretariat: User, member: User, n: int = ROWS) -> None:
    """``n`` rows of every listed kind; ``secretariat``'s own lists (tokens, notifications, cases
    filed, drafts) get theirs too, and ``member`` (an organisation's member) acts for every
    organisation profile made."""
    made = _registry(n)
    units, areas, measures = made["units"], made["areas"], made["measures"]
    _reports(n, made["meetings"], secretariat)
    _rounds(n, units, areas, secretariat)
    _events(n, areas)
    _partnering(n, units, areas, member)
    _suggestions(n, areas)
    _progress(n, measures, units, secretariat)
    _enquiries(n, units, secretariat)
    EntryFactory.create_batch(n)
    year = timezone.localdate().year
    HolidayFactory.create_batch(n, date=factory.Sequence(lambda k: dt.date(year, 1 + k % 12, 1 + k // 12 % 28)))
    ApiTokenFactory.create_batch(n, user=secretariat)
    NotificationFactory.create_batch(n, recipient=secretariat)
    OutgoingEmailFactory.create_batch(n, state=OutgoingEmail.State.FAILED, last_error="refused")
    UserFactory.create_batch(2)
    SecretariatFactory.create(side=Side.CHONGQING)
