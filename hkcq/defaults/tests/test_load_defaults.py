"""``load_defaults`` loads every app's default data; loading it again changes nothing, and it never
undoes what a person changed (hkcq.core.loading)."""

import shutil
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.utils import translation

from hkcq.calendars import services as calendar_services
from hkcq.calendars.loading import calendars_load
from hkcq.calendars.models import Holiday
from hkcq.core.loading import REASON
from hkcq.core.models import LoadedDefault
from hkcq.defaults.loading import defaults_load, service_levels_load
from hkcq.enquiries import service_levels
from hkcq.enquiries.models import SlaPolicy
from hkcq.kb import services as kb_services
from hkcq.kb.models import Entry
from hkcq.registry import services as registry_services
from hkcq.registry.loading import SEED_DIR
from hkcq.registry.models import Attendance, Measure

# load_defaults itself: loading the default data (seed/) and loading it again over people's edits
pytestmark = pytest.mark.seed


@pytest.fixture(autouse=True)
def _english():
    # The report's labels are translated, and a request made by an earlier test can leave its
    # language active in this thread (e.g. core/tests/test_catalogues.py leaves zh-hans).
    with translation.override("en"):
        yield


def _edit_measure_11_2(user) -> Measure:
    measure = Measure.objects.get(code="11.2", parent=None)
    registry_services.measure_update(
        user=user,
        measure=measure,
        data={
            "title": {"en": "Our own title"},
            "text": {"en": "Our own text."},
            "planned_end": date(2027, 6, 30),
        },
    )
    return measure


def _assert_edit_kept(measure: Measure, *, other_fields_loaded: bool = False) -> None:
    measure.refresh_from_db()
    assert measure.title.en == "Our own title"
    assert measure.text.en == "Our own text."
    assert measure.planned_end == date(2027, 6, 30)
    latest = measure.history.order_by("-history_date", "-history_id").first()
    if not other_fields_loaded:
        assert latest.history_change_reason != REASON  # no "Default data" entry undoing the edit
    assert latest.title.en == "Our own title" and latest.planned_end == date(2027, 6, 30)


def test_reloading_everything_changes_nothing(defaults):
    # The test database starts with the default data (hkcq/conftest.py).
    history_before = Measure.history.count() + Entry.history.count()
    report = defaults_load()
    assert not report.changed, report.summary()
    assert Measure.history.count() + Entry.history.count() == history_before


def test_a_reload_in_a_test_after_midnight_changes_nothing(defaults, monkeypatch):
    """The demonstration event is dated from the day of the load; a test that reloads after
    midnight in Hong Kong (a run crossing 16:00 UTC) reloads as on the day the session loaded
    the seed (hkcq/conftest.py), so the demonstration does not move under it."""
    from hkcq.exchanges import loading

    tomorrow = loading.timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(loading.timezone, "localdate", lambda: tomorrow)
    report = defaults_load()
    assert not report.changed, report.summary()


def test_a_reload_keeps_a_secretariat_edit_of_a_measure(defaults, secretariat_hk, capsys):
    measure = _edit_measure_11_2(secretariat_hk)
    call_command("load_defaults")
    out = capsys.readouterr().out
    _assert_edit_kept(measure)
    assert "nothing changed" in out
    assert "Kept as people changed them" in out and "planned_end" in out and "title" in out
    call_command("load_defaults")  # and again: still kept
    _assert_edit_kept(measure)


def test_the_rule_holds_for_records_loaded_before_the_bookkeeping(defaults, secretariat_hk):
    LoadedDefault.objects.all().delete()  # a database loaded by the loader that overwrote edits
    measure = _edit_measure_11_2(secretariat_hk)
    report = defaults_load()
    _assert_edit_kept(measure)
    assert not report.changed, report.summary()


def _seed_copy(tmp_path, change) -> object:
    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    data = yaml.safe_load((seed / "registry.yaml").read_text(encoding="utf-8"))
    change(data)
    (seed / "registry.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return seed


def _measure_row(data, code):
    return next(m for m in data["measures"] if str(m.get("code")) == code)


def test_new_default_data_updates_untouched_fields_only(defaults, secretariat_hk, tmp_path):
    measure = _edit_measure_11_2(secretariat_hk)

    def change(data):
        _measure_row(data, "11.2")["title"]["en"] = "A new default title"
        _measure_row(data, "11.2")["planned_start"] = "2023-06-01"  # nobody edited this field
        _measure_row(data, "11.1")["title"]["en"] = "Another new default title"

    report = defaults_load(_seed_copy(tmp_path, change))
    _assert_edit_kept(measure, other_fields_loaded=True)
    assert measure.planned_start == date(2023, 6, 1)
    assert Measure.objects.get(code="11.1", parent=None).title.en == "Another new default title"
    assert report.updated == {"measures": 2}
    assert any("title" in line for line in report.kept)


def test_force_overwrites_and_says_what_it_overwrote_dry_run_changes_nothing(defaults, secretariat_hk, capsys):
    measure = _edit_measure_11_2(secretariat_hk)
    call_command("load_defaults", "--dry-run", "--force")
    out = capsys.readouterr().out
    assert "planned_end" in out and "overwritten" in out and "Nothing was changed" in out
    _assert_edit_kept(measure)

    call_command("load_defaults", "--force")
    out = capsys.readouterr().out
    assert "overwritten" in out
    measure.refresh_from_db()
    assert measure.title.en.startswith("Regular communication mechanism")
    assert measure.planned_end is None


def test_a_removed_attendee_is_not_added_again(defaults, secretariat_hk):
    attendance = Attendance.objects.order_by("pk").first()
    meeting, person = attendance.meeting_id, attendance.person_id
    registry_services.attendance_remove(user=secretariat_hk, attendance=attendance)
    report = defaults_load()
    assert not Attendance.objects.filter(meeting_id=meeting, person_id=person).exists()
    assert any("deleted by a person" in line for line in report.kept)


def test_supporting_units_a_person_set_are_kept(defaults, secretariat_hk):
    measure = Measure.objects.get(code="11.2", parent=None)
    registry_services.measure_update(user=secretariat_hk, measure=measure, data={"supporting_units": []})
    defaults_load()
    assert not measure.supporting_units.exists()


def test_a_reload_keeps_a_knowledge_base_edit(defaults, secretariat_hk):
    entry = Entry.objects.get(slug="legal-aid")
    kb_services.entry_update(user=secretariat_hk, entry=entry, data={"title": {"en": "Legal aid: our words"}})
    defaults_load()
    entry.refresh_from_db()
    assert entry.title.en == "Legal aid: our words"


def test_a_reload_keeps_calendar_and_service_level_edits(defaults, secretariat_hk):
    calendars_load()
    SlaPolicy.objects.all().delete()
    service_levels_load()
    holiday = Holiday.objects.filter(side="hong_kong", from_defaults=True).order_by("date").first()
    calendar_services.holiday_update(user=secretariat_hk, holiday=holiday, data={"name": {"en": "Our holiday name"}})
    deleted = Holiday.objects.filter(side="hong_kong", from_defaults=True).order_by("date").last()
    day = deleted.date
    calendar_services.holiday_delete(user=secretariat_hk, holiday=deleted)
    policy = SlaPolicy.objects.get(code="normal")
    service_levels.sla_policy_update(user=secretariat_hk, policy=policy, data={"reply_days": Decimal("12")})
    service_levels_load()
    holiday.refresh_from_db()
    assert holiday.name.en == "Our holiday name"
    assert not Holiday.objects.filter(side="hong_kong", date=day).exists()
    assert SlaPolicy.objects.get(code="normal").reply_days == Decimal("12")


def test_load_defaults_command_reports_entries_and_service_levels(db, capsys):
    # As on a new installation: no entries, and nothing the loader remembers having written.
    Entry.objects.all().delete()  # the test database starts with the default data (hkcq/conftest.py)
    LoadedDefault.objects.filter(model="kb.entry").delete()
    call_command("load_defaults")
    out = capsys.readouterr().out
    assert "55 knowledge-base entries" in out
    assert "Service levels: created" in out
    assert Holiday.objects.exists() and SlaPolicy.objects.filter(is_default=True).exists()
    call_command("load_defaults")
    out = capsys.readouterr().out
    assert "nothing changed" in out and "Service levels: created 0." in out
