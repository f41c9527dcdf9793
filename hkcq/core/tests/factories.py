"""Core test data (factory_boy): the outbox's e-mails; see hkcq/registry/tests/factories.py."""

from __future__ import annotations

import factory
from django.utils import timezone

from hkcq.core.models import OutgoingEmail


class OutgoingEmailFactory(factory.django.DjangoModelFactory[OutgoingEmail]):
    class Meta:
        model = OutgoingEmail

    subject = "Your enquiry was received"
    body = "B"
    to = factory.LazyFunction(lambda: ["resident@example.org"])
    next_attempt_at = factory.LazyFunction(timezone.now)
