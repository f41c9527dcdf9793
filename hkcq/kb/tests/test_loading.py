"""The sample knowledge base ships with the default data and reloads without changes."""

import pytest

from hkcq.core.loading import LoadReport
from hkcq.core.translated import CONVERTED, HANS, HANT, HUMAN
from hkcq.kb.loading import kb_entries_load
from hkcq.kb.models import Entry

pytestmark = pytest.mark.seed


def test_all_sample_entries_load_published_with_stable_ids(defaults):
    assert Entry.objects.count() == 55
    entry = Entry.objects.select_related("unit", "area").get(slug="mtp-renewal")
    assert entry.state == Entry.State.PUBLISHED
    assert entry.unit.ext_id == "cq_exit_entry"
    assert entry.area is not None and entry.area.ext_id == "facilitation-hk-people"
    assert entry.topic == "identity_travel"
    assert "verify with the responsible unit" in entry.review_note.en
    assert entry.source.en.startswith("National Immigration Administration")
    assert entry.index_terms["title"]


def test_simplified_is_derived_from_traditional_and_marked_as_converted(defaults):
    entry = Entry.objects.get(slug="mtp-renewal")
    assert entry.title.origin(HANT) == HUMAN
    assert entry.title.origin(HANS) == CONVERTED
    assert entry.title.zh_hans == "续领港澳居民来往内地通行证（回乡证）"
    assert entry.body.origin(HANS) == CONVERTED
    # Question forms: English ones under English; Chinese and mixed ones under Traditional.
    assert "How do I renew my Home Return Permit in Chongqing?" in entry.question_forms.en
    assert "回鄉證就快過期，喺重慶可唔可以換？" in entry.question_forms.zh_hant
    assert "renew 回鄉證 without going back to HK" in entry.question_forms.zh_hant
    assert "回乡证到期了在重庆哪里换" in entry.question_forms.zh_hans


def test_reloading_changes_nothing_and_writes_no_history(defaults):
    history_before = Entry.history.count()
    report = LoadReport()
    kb_entries_load(report)
    assert not report.changed, report.summary()
    assert Entry.objects.count() == 55
    assert Entry.history.count() == history_before


def test_reload_keeps_a_review_state_set_by_the_secretariat(defaults):
    Entry.objects.filter(slug="legal-aid").update(state=Entry.State.DRAFT)
    kb_entries_load(LoadReport())
    assert Entry.objects.get(slug="legal-aid").state == Entry.State.DRAFT


def test_reload_keeps_changed_sample_text(defaults):
    entry = Entry.objects.get(slug="legal-aid")
    entry.title = {"en": "Changed"}
    entry.save()
    report = LoadReport()
    kb_entries_load(report)
    assert not report.changed
    assert report.kept == ["knowledge-base entry Changed: title"]
    assert Entry.objects.get(slug="legal-aid").title.en == "Changed"
