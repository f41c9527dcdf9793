"""The calendars' tests need none of the default data: their people are the factory-made
personas (hkcq/accounts/tests/personas.py); the calendars' own default days are loaded by the
tests that read them (``calendars_load``)."""

from hkcq.accounts.tests.personas import *  # noqa: F403 - fixtures
