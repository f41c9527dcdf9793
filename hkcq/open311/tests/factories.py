"""Open311 test data (factory_boy); see hkcq/registry/tests/factories.py."""

from __future__ import annotations

import factory

from hkcq.open311.models import RequestToken


class RequestTokenFactory(factory.django.DjangoModelFactory[RequestToken]):
    class Meta:
        model = RequestToken

    service_code = "enquiry"
    service_request_id = factory.Sequence(lambda n: f"HKCQ-2025-{n:06d}-0")
