"""History of registry records: many-to-many links are part of the record's history, shown as
a field diff to staff and as a dated change list to the public; one edit is one entry."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from hkcq.accounts.tests import personas
from hkcq.core.history import history_entries
from hkcq.core.loading import LoadReport, upsert
from hkcq.core.translated import TText
from hkcq.registry import services
from hkcq.registry.models import Decision, Measure
from hkcq.registry.tests.factories import (
    AgreementFactory,
    AreaFactory,
    DecisionFactory,
    MeasureFactory,
    OrganisationFactory,
    UnitFactory,
)

# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
secretariat_cq, secretariat_hk = personas.secretariat_cq, personas.secretariat_hk


def _html(client: Client, obj) -> str:
    return client.get(obj.get_absolute_url()).content.decode()


def supported_measure() -> Measure:
    """A measure with a supporting unit (a many-to-many link with history)."""
    measure = MeasureFactory.create()
    measure.supporting_units.set([UnitFactory.create()])
    return measure


def test_supporting_units_of_a_measure_show_in_its_history(secretariat_hk):
    measure = supported_measure()
    added = UnitFactory.create()
    before = history_entries(measure)
    services.measure_update(
        user=secretariat_hk,
        measure=measure,
        data={"supporting_units": [*measure.supporting_units.all(), added], "title": {"en": "Renamed measure"}},
    )
    entries = history_entries(measure)
    assert len(entries) == len(before) + 1, "one edit is one entry, however many records it wrote"
    latest = entries[0]
    assert latest.user == secretariat_hk
    labels = {c.field: c for c in latest.changes}
    assert "supporting_units" in labels and "title" in labels
    assert added.name.en in labels["supporting_units"].new
    assert added.name.en not in labels["supporting_units"].old

    staff = Client()
    staff.force_login(secretariat_hk)
    staff_html = _html(staff, measure)
    assert "Supporting units" in staff_html or "supporting units" in staff_html
    assert added.name.en in staff_html.split('id="history-heading"')[1]

    public_html = _html(Client(), measure).split('id="history-heading"')[1]
    assert "supporting units" in public_html and "diff-new" not in public_html
    # The public change list is dated.
    assert "<time datetime=" in public_html


def test_owner_units_and_linked_measures_of_a_decision_show_in_its_history(secretariat_hk):
    decision = DecisionFactory.create()
    unit, measure = UnitFactory.create(), MeasureFactory.create()
    services.decision_update(
        user=secretariat_hk, decision=decision, data={"owner_units": [unit], "measures": [measure]}
    )
    latest = history_entries(decision)[0]
    changed = {c.field: c for c in latest.changes}
    assert set(changed) == {"owner_units", "measures"}
    assert changed["owner_units"].new == unit.name.en
    assert str(measure) in changed["measures"].new
    public_html = _html(Client(), decision).split('id="history-heading"')[1]
    assert "owner units" in public_html and "linked measures" in public_html


def test_parties_of_an_agreement_show_in_its_history(secretariat_cq):
    agreement = AgreementFactory.create()
    agreement.parties.set(OrganisationFactory.create_batch(2))
    kept = list(agreement.parties.all())[:1]
    extra = OrganisationFactory.create()
    services.agreement_update(user=secretariat_cq, agreement=agreement, data={"parties": [*kept, extra]})
    latest = history_entries(agreement)[0]
    change = next(c for c in latest.changes if c.field == "parties")
    assert extra.name.en in change.new and extra.name.en not in change.old
    staff = Client()
    staff.force_login(secretariat_cq)
    assert extra.name.en in _html(staff, agreement).split('id="history-heading"')[1]


def test_setting_the_same_links_again_records_nothing(secretariat_hk):
    measure = supported_measure()
    entries_before = len(history_entries(measure))
    m2m_rows_before = Measure.history.model.supporting_units.model.objects.count()
    services.measure_update(
        user=secretariat_hk, measure=measure, data={"supporting_units": list(measure.supporting_units.all())}
    )
    assert len(history_entries(measure)) == entries_before
    # The save itself is recorded with a copy of the links, but no add/remove record follows.
    assert Measure.history.filter(id=measure.pk).count() >= 1
    added_rows = Measure.history.model.supporting_units.model.objects.count() - m2m_rows_before
    assert added_rows == measure.supporting_units.count()


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_history_section_renders_in_each_language(secretariat_hk, lang):
    measure = MeasureFactory.create()
    services.measure_update(user=secretariat_hk, measure=measure, data={"actual_start": "2023-07-01"})
    html = Client().get(f"/{lang}/measures/{measure.ext_id}/").content.decode()
    assert 'id="history-heading"' in html and "<time datetime=" in html


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("zh-hans", "（由香港秘书处（sec-hk-7））"),
        ("zh-hant", "（由香港秘書處（sec-hk-7））"),
        ("en", "(by Secretariat, Hong Kong (sec-hk-7))"),
    ],
)
def test_the_history_names_the_person_in_the_languages_brackets(db, lang, line):
    """The line "已创建 (由 demo-secretariat-hk)" said who by their user name, in half-width
    brackets; it names the person (their full name, else what they are) in the language's brackets."""
    from hkcq.accounts.tests.factories import SecretariatFactory

    nameless = SecretariatFactory(username="sec-hk-7")
    named = SecretariatFactory(username="sec-hk-8", first_name="Mei", last_name="Chan")
    measure = MeasureFactory.create()
    services.measure_update(user=nameless, measure=measure, data={"title": {"en": "Renamed once"}})
    services.measure_update(user=named, measure=measure, data={"title": {"en": "Renamed twice"}})
    staff = Client()
    staff.force_login(named)
    history = staff.get(f"/{lang}/measures/{measure.ext_id}/").content.decode().split('id="history-heading"')[1]
    assert line in history
    assert "Mei Chan" in history
    assert "sec-hk-8" not in history
    assert "(由" not in history and "由 " not in history


def _staff_history(user, obj, lang: str) -> str:
    staff = Client()
    staff.force_login(user)
    html = staff.get(f"/{lang}{obj.get_absolute_url()[3:]}").content.decode()
    return html.split('id="history-heading"')[1]


@pytest.mark.parametrize(
    ("lang", "old", "new"),
    [("en", "Open", "In progress"), ("zh-hant", "未展開", "進行中"), ("zh-hans", "未开始", "进行中")],
)
def test_a_changed_choice_shows_its_label_in_the_readers_language(secretariat_hk, lang, old, new):
    """The history showed what is stored ("open → in_progress", "booking → event"): a choice
    shows its label, in the language of the page, in the table and in the API."""
    decision = DecisionFactory.create()
    assert decision.status == Decision.Status.OPEN
    services.decision_update(user=secretariat_hk, decision=decision, data={"status": "in_progress"})
    history = _staff_history(secretariat_hk, decision, lang)
    row = history.split("diff-old")[1].split("</tr>")[0]
    assert f">{old}<" in row.replace("<del>", "").replace("</del>", "") or old in row
    assert new in row
    assert "in_progress" not in history

    staff = Client()
    staff.force_login(secretariat_hk)
    answer = staff.get(f"/api/v1/decisions/{decision.ext_id}/history", headers={"accept-language": lang}).json()
    change = next(c for c in answer["items"][0]["changes"] if c["field"] == "status")
    assert (change["old"], change["new"]) == (old, new)


@pytest.mark.parametrize(("lang", "yes"), [("en", "Yes"), ("zh-hant", "是"), ("zh-hans", "是")])
def test_a_changed_link_and_yes_or_no_show_as_names_and_words(secretariat_hk, lang, yes):
    """A linked record (a measure's lead unit) is named, not numbered; a yes/no is a word, not True."""
    measure = MeasureFactory.create(lead_unit_hk=UnitFactory.create(side="hong_kong"))
    other = UnitFactory.create(side="hong_kong", name={"en": "Other Office", "zh-hant": "另一辦事處"})
    services.measure_update(user=secretariat_hk, measure=measure, data={"lead_unit_hk": other})
    change = next(c for c in history_entries(measure)[0].changes if c.field == "lead_unit_hk")
    assert change.new == str(other) and change.old != str(measure.lead_unit_hk_id)
    history = _staff_history(secretariat_hk, measure, lang)
    assert str(other.pk) + "<" not in history.split("diff-new")[1].split("</td>")[0]

    unit = UnitFactory.create()
    assert unit.is_active
    unit.history.update(history_date=timezone.now() - dt.timedelta(days=1))  # a unit of yesterday, not one edit
    unit.is_active = False
    unit.save()
    with translation.override(lang):
        entry = history_entries(unit)[0]
        change = next(c for c in entry.changes if c.field == "is_active")
        assert (change.old, change.new) == (yes, {"Yes": "No", "是": "否"}[yes])


@pytest.mark.parametrize(
    ("lang", "line"), [("en", " — Changed: "), ("zh-hant", "，已更改："), ("zh-hans", "，已更改：")]
)
def test_the_date_of_a_history_line_is_set_apart_from_its_event(secretariat_hk, lang, line):
    """The trial read "00:27已建立", the time run into the event: each language sets them apart its way."""
    from hkcq.core.tests.test_punctuation import visible_lines

    measure = MeasureFactory.create()
    services.measure_update(user=secretariat_hk, measure=measure, data={"title": {"en": "Renamed"}})
    html = Client().get(f"/{lang}/measures/{measure.ext_id}/").content.decode()
    history = html.split('id="history-heading"')[1].split("</section>")[0]
    lines = [" ".join(x.split()) if lang == "en" else "".join(x.split()) for x in visible_lines("<body>" + history)]
    assert any(line.strip() in x and x.index(line.strip()) > 0 for x in lines), lines


@pytest.mark.parametrize(
    ("lang", "reason"), [("en", "— Default data"), ("zh-hant", "——預設資料"), ("zh-hans", "——默认数据")]
)
def test_the_platforms_own_reason_is_shown_in_the_readers_language(secretariat_hk, lang, reason):
    """Records the default data created said "已建立 — Default data" on Chinese history pages (found by
    the new-user trial on the demonstration event's page); the platform's own reasons are translated,
    a person's reason is shown as written. The measure is created as the loader creates a record
    of the default data (``core.loading.upsert``), with the loader's reason."""
    measure = upsert(
        Measure,
        LoadReport(),
        {"ext_id": "loaded-measure"},
        {"area": AreaFactory.create(), "code": "9.9", "title": TText.of(en="A loaded measure", zh_hant="載入的措施")},
    )
    services.measure_update(user=secretariat_hk, measure=measure, data={"actual_start": "2023-07-01"})
    history = _staff_history(secretariat_hk, measure, lang)
    assert reason in history
    if lang != "en":
        assert "Default data" not in history
    with translation.override(lang):
        reasons = [entry.reason for entry in history_entries(measure)]
    assert reason[2:] in reasons
