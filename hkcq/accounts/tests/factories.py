"""Accounts test data (factory_boy); see hkcq/registry/tests/factories.py. The personas the
tests share (the demo accounts: ``secretariat_hk``, ``resident`` …) stay fixtures of the root
``hkcq/conftest.py``; a test that needs a person of its own makes one here."""

from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from hkcq.accounts.models import ApiToken, User
from hkcq.core.choices import Role, Side

# The password of the people a test signs in with through the form (stored hashed).
PASSWORD = "a-test-password-2026"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"test-user-{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = Role.RESIDENT
    side = ""
    preferred_language = "en"
    # Stored unusable (a post-generation ``set_unusable_password`` was never saved, so a
    # ``force_login`` session did not survive the next request).
    password = factory.LazyFunction(lambda: make_password(None))


class OfficerFactory(UserFactory):
    role = Role.OFFICER
    side = Side.HONG_KONG


class SecretariatFactory(UserFactory):
    role = Role.SECRETARIAT
    side = Side.HONG_KONG


class ApiTokenFactory(factory.django.DjangoModelFactory[ApiToken]):
    class Meta:
        model = ApiToken

    user = factory.SubFactory(OfficerFactory)
    name = "test token"
    digest = factory.Sequence(lambda n: f"{n:064d}")
    prefix = factory.Sequence(lambda n: f"{n:08d}")
