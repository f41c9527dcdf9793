"""``load_defaults`` loads every app's default data, and loading it again changes nothing."""

import pytest
from django.core.management import call_command
from django.utils import translation

from hkcq.calendars.models import Holiday, SlaPolicy
from hkcq.defaults.loading import defaults_load
from hkcq.kb.models import Entry
from hkcq.registry.models import Area, Measure


@pytest.fixture(autouse=True)
def _english():
    # The report's labels are translated, and a request made by an earlier test can leave its
    # language active in this thread (e.g. core/tests/test_catalogues.py leaves zh-hans).
    with translation.override("en"):
        yield


def test_reloading_everything_changes_nothing(defaults):
    # The test database starts with the default data (hkcq/conftest.py).
    history_before = Measure.history.count() + Entry.history.count()
    report = defaults_load()
    assert not report.changed, report.summary()
    assert Measure.history.count() + Entry.history.count() == history_before


def test_registry_and_knowledge_base_load_in_one_report(defaults):
    Area.objects.filter(ext_id="facilitation-hk-people").update(name={"en": "Spoilt", "zh-hant": "", "zh-hans": ""})
    Entry.objects.filter(slug="legal-aid").update(title={"en": "Changed", "zh-hant": "", "zh-hans": ""})
    report = defaults_load()
    assert report.updated.get("knowledge-base entries") == 1
    assert sum(report.updated.values()) >= 2, report.summary()
    assert Area.objects.get(ext_id="facilitation-hk-people").name.en != "Spoilt"


def test_load_defaults_command_reports_entries_and_service_levels(db, capsys):
    Entry.objects.all().delete()  # the test database starts with the default data (hkcq/conftest.py)
    call_command("load_defaults")
    out = capsys.readouterr().out
    assert "55 knowledge-base entries" in out
    assert "Service levels: created" in out
    assert Holiday.objects.exists() and SlaPolicy.objects.filter(is_default=True).exists()
    call_command("load_defaults")
    out = capsys.readouterr().out
    assert "nothing changed" in out and "Service levels: created 0." in out
