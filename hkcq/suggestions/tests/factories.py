"""Suggestions test data (factory_boy); see hkcq/registry/tests/factories.py."""

from __future__ import annotations

import factory
from django.utils import timezone

from hkcq.registry.models import Area
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory
from hkcq.suggestions.models import Suggestion, Support
from hkcq.suggestions.references import reference_for


class SuggestionFactory(factory.django.DjangoModelFactory[Suggestion]):
    """A published suggestion with a reference; ``state="pending"`` for one awaiting moderation."""

    class Meta:
        model = Suggestion

    reference = factory.Sequence(lambda n: reference_for(90_000 + n))
    tracking_token = factory.Sequence(lambda n: f"test-token-{n}")
    title = factory.Sequence(lambda n: f"Test suggestion {n}")
    text = factory.LazyAttribute(lambda o: f"Something about {o.title.lower()}")
    public_title = factory.LazyAttribute(lambda o: o.title if o.state == Suggestion.State.PUBLISHED else "")
    public_text = factory.LazyAttribute(lambda o: o.text if o.state == Suggestion.State.PUBLISHED else "")
    state = Suggestion.State.PUBLISHED
    published_at = factory.LazyAttribute(lambda o: timezone.now() if o.state == Suggestion.State.PUBLISHED else None)


class SupportFactory(factory.django.DjangoModelFactory[Support]):
    class Meta:
        model = Support

    suggestion = factory.SubFactory(SuggestionFactory)
    session_key = factory.Sequence(lambda n: f"test-session-{n}")


def area_about(text: str) -> Area:
    """A co-operation area with two measures about ``text``: the area a suggestion saying ``text``
    is filed under (``selectors.area_suggest`` judges an area by its two closest measures), even
    beside the default data's areas."""
    area = AreaFactory.create()
    for n in (1, 2):
        MeasureFactory.create(area=area, title={"en": f"{text} ({n})"})
    return area
