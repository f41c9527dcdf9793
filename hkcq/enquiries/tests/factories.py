"""Enquiry test data (factory_boy); see hkcq/registry/tests/factories.py.

``EnquiryFactory`` writes a case row directly (reference, token, dates as given): for figures
and pages that read cases. A test of filing itself goes through ``enquiry_submit`` (the
``make_case`` fixture of ``conftest.py``), which numbers, routes and mails."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from hkcq.accounts.tests.factories import OfficerFactory
from hkcq.enquiries.models import CannedReply, Enquiry, Escalation, Message, SlaPolicy, UnitSupervisor
from hkcq.enquiries.references import reference_make
from hkcq.registry.tests.factories import UnitFactory


class EnquiryFactory(factory.django.DjangoModelFactory[Enquiry]):
    class Meta:
        model = Enquiry

    reference = factory.Sequence(lambda n: reference_make(2025, 900_000 + n))
    token = factory.Sequence(lambda n: f"test-token-{n}")
    question = factory.Sequence(lambda n: f"Question {n}?")
    email = factory.Sequence(lambda n: f"r{n}@example.org")
    received_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyAttribute(lambda o: o.received_at)
    content_digest = factory.Sequence(lambda n: f"digest-{n}")


class MessageFactory(factory.django.DjangoModelFactory[Message]):
    class Meta:
        model = Message

    enquiry = factory.SubFactory(EnquiryFactory)
    kind = Message.Kind.REPLY
    body = "See the entry."


class CannedReplyFactory(factory.django.DjangoModelFactory[CannedReply]):
    class Meta:
        model = CannedReply

    title = factory.Sequence(lambda n: {"en": f"Canned reply {n}"})
    body = {"en": "Thank you for your enquiry."}


class SlaPolicyFactory(factory.django.DjangoModelFactory[SlaPolicy]):
    class Meta:
        model = SlaPolicy

    code = factory.Sequence(lambda n: f"test-priority-{n}")
    name = factory.Sequence(lambda n: {"en": f"Test priority {n}"})
    position = factory.Sequence(lambda n: 10 + n)
    ack_days = Decimal("2")
    reply_days = Decimal("10")


class UnitSupervisorFactory(factory.django.DjangoModelFactory[UnitSupervisor]):
    class Meta:
        model = UnitSupervisor

    unit = factory.SubFactory(UnitFactory)
    user = factory.SubFactory(OfficerFactory)


class EscalationFactory(factory.django.DjangoModelFactory[Escalation]):
    class Meta:
        model = Escalation

    enquiry = factory.SubFactory(EnquiryFactory)
    kind = Escalation.Kind.REPLY
    deadline = factory.LazyFunction(timezone.now)
