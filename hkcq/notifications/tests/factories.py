"""Notification test data (factory_boy); see hkcq/registry/tests/factories.py."""

from __future__ import annotations

import factory

from hkcq.accounts.tests.factories import UserFactory
from hkcq.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory[Notification]):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Test notification {n}")
