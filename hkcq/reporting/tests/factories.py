"""Reporting test data (factory_boy); see hkcq/registry/tests/factories.py. Snapshots are made
by closing a cycle (``services.close_cycle``), never by hand: their JSON is the service's."""

from __future__ import annotations

import factory

from hkcq.accounts.tests.factories import SecretariatFactory
from hkcq.reporting.models import Job


class JobFactory(factory.django.DjangoModelFactory[Job]):
    """A finished plenary-report job of a Hong Kong secretariat member."""

    class Meta:
        model = Job

    kind = Job.Kind.REPORT
    state = Job.State.DONE
    created_by = factory.SubFactory(SecretariatFactory)
    language = "en"


class ImportJobFactory(JobFactory):
    kind = Job.Kind.IMPORT_MEASURES
    state = Job.State.PREVIEW
    upload_name = "measures.csv"
