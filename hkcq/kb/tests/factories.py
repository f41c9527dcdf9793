"""Knowledge-base test data (factory_boy); see hkcq/registry/tests/factories.py."""

from __future__ import annotations

import factory

from hkcq.kb.models import Entry, Topic
from hkcq.registry.tests.factories import UnitFactory


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    slug = factory.Sequence(lambda n: f"test-entry-{n}")
    topic = Topic.HOUSING
    title = factory.Sequence(lambda n: {"en": f"Test entry {n}", "zh-hant": f"測試條目{n}"})
    body = {"en": "An answer.", "zh-hant": "一個答案。"}
    unit = factory.SubFactory(UnitFactory)
    state = Entry.State.PUBLISHED
