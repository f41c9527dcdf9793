"""The search index follows every write to the knowledge base through the version the database
bumps with it (not through a COUNT/MAX on every question, nor a process's own bookkeeping), and it
is built once and stored, then mapped by every process that asks."""

from __future__ import annotations

import os
import time
from unittest import mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from hkcq.core.loading import LoadReport
from hkcq.core.models import LoadedDefault
from hkcq.core.search import StoredIndex, default_analyzer
from hkcq.kb import search, services
from hkcq.kb.loading import kb_entries_load
from hkcq.kb.models import Entry, Feedback
from hkcq.kb.search import ask, current_index, search_version
from hkcq.kb.tests.factories import EntryFactory, citable_entries_make, everyday_entries_make
from hkcq.registry.tests.factories import UnitFactory


def top(query: str, lang: str = "en") -> str | None:
    result = ask(query, lang)
    return result.answers[0].slug if result.answers else None


KOI = {"en": "Keeping a koi pond: permit", "zh-hant": "養錦鯉魚池許可"}


@pytest.fixture
def entry(db):
    """A published entry (a matter the sample knowledge base does not cover) among a dozen others."""
    everyday_entries_make()
    return EntryFactory.create(slug="koi-pond-permit", title=KOI, body={"en": "Ask about a koi pond permit."})


@pytest.fixture
def koi_draft(secretariat_hk):
    return services.entry_create(
        user=secretariat_hk,
        data={
            "slug": "koi-pond-permit",
            "topic": "general",
            "title": KOI,
            "body": {"en": "Ask the district office about a koi pond permit."},
            "unit": UnitFactory.create(),
        },
    )


def test_every_write_to_an_entry_changes_the_version_in_its_transaction(entry):
    seen = [search_version()]

    def changed() -> None:
        now = search_version()
        assert now != seen[-1] and now[0] > seen[-1][0]
        seen.append(now)

    entry.save()
    changed()
    Entry.objects.filter(pk=entry.pk).update(state="draft")  # no save(), no updated_at
    changed()
    Entry.objects.bulk_create([Entry(slug="bulk-one", topic="general", title={"en": "x"}, unit=entry.unit)])
    changed()
    Entry.objects.filter(slug="bulk-one").delete()
    changed()
    # A write that is rolled back leaves the version as it was; the next one gets a new token.
    before = search_version()
    inside: list[tuple[int, str]] = []

    def write_then_fail() -> None:
        with transaction.atomic():
            entry.save()
            inside.append(search_version())
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert search_version() == before
    entry.save()
    assert search_version()[0] == inside[0][0] and search_version()[1] != inside[0][1]


def test_feedback_does_not_change_the_version(entry):
    # Feedback does not take part in the ranking: the index stays.
    before = search_version()
    Feedback.objects.create(entry=entry, question="q", language="en")
    assert search_version() == before


def test_a_warm_question_reads_the_version_with_one_primary_key_query(entry):
    ask("renew Home Return Permit", "en")
    with (
        mock.patch.object(search, "_load_or_build", side_effect=AssertionError("rebuilt")),
        CaptureQueriesContext(connection) as queries,
    ):
        ask("renew Home Return Permit", "en")
    sql = [q["sql"] for q in queries.captured_queries]
    assert any("kb_searchversion" in q for q in sql)
    assert not any("COUNT(" in q.upper() or "MAX(" in q.upper() for q in sql), sql


def test_create_review_publish_edit_unpublish_each_reach_the_next_question(secretariat_hk, koi_draft):
    everyday_entries_make()
    ask("koi pond permit", "en")  # an index is current before each change
    assert top("koi pond permit") != "koi-pond-permit"  # a draft is not offered
    entry = services.entry_submit(user=secretariat_hk, entry=koi_draft)
    assert top("koi pond permit") != "koi-pond-permit"
    entry = services.entry_publish(user=secretariat_hk, entry=entry)
    assert top("koi pond permit") == "koi-pond-permit"
    entry = services.entry_update(user=secretariat_hk, entry=entry, data={"title": {"en": "Goldfish tank licence"}})
    assert top("goldfish tank licence") == "koi-pond-permit"
    services.entry_unpublish(user=secretariat_hk, entry=entry)
    assert top("goldfish tank licence") != "koi-pond-permit"


def test_writes_without_a_service_reach_the_next_question(entry):
    """A QuerySet.update keeps updated_at and the count: a COUNT/MAX check missed it."""
    assert top("koi pond permit") == entry.slug
    Entry.objects.filter(slug=entry.slug).update(state="draft")
    assert top("koi pond permit") != entry.slug
    Entry.objects.filter(slug=entry.slug).update(state="published")
    assert top("koi pond permit") == entry.slug
    Entry.objects.get(slug=entry.slug).delete()
    assert top("koi pond permit") != entry.slug


@pytest.mark.seed  # the sample knowledge base's loader
def test_loading_the_defaults_reaches_the_next_question(defaults):
    # As on a new installation: the entry missing, and nothing the loader remembers writing.
    Entry.objects.filter(slug="mtp-renewal").delete()
    LoadedDefault.objects.filter(model="kb.entry").delete()
    assert top("renew Home Return Permit") != "mtp-renewal"
    kb_entries_load(LoadReport())
    assert top("renew Home Return Permit") == "mtp-renewal"


def test_the_index_is_stored_once_and_mapped_by_a_new_process(entry, tmp_path, settings):
    settings.KB_INDEX_DIR = tmp_path
    search.invalidate()
    built = current_index()
    assert isinstance(built.index, StoredIndex)
    folders = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert len(folders) == 1
    search.invalidate()  # as a worker that starts now: it maps the stored files, builds nothing
    with mock.patch.object(search, "build_index", side_effect=AssertionError("built again")):
        assert top("koi pond permit") == entry.slug
    Entry.objects.filter(slug=entry.slug).update(state="draft")
    assert top("koi pond permit") != entry.slug
    assert len([p for p in tmp_path.iterdir() if p.is_dir()]) == 2


QUESTIONS = [
    ("renew Home Return Permit", "en"),
    ("我想renew個回鄉證", "zh-hant"),
    ("重庆 社保 怎么 交", "zh-hans"),
    ("how do I convert my driving licnese", "en"),  # a misspelling: corrected from the vocabulary
    ("opening a bank acount in Chongqing", "en"),
    ("點樣喺重慶開銀行戶口", "zh-hant"),
    ("hotpot restaurant prices", "en"),
]


def test_the_stored_index_answers_exactly_as_the_one_built_in_memory(entry, tmp_path):
    citable_entries_make()
    built = search.build_index()
    search._store(built, tmp_path, tmp_path / "one")
    stored = search._load(tmp_path / "one", built.key)
    assert len(stored.index) == len(built.index)
    for query, _lang in QUESTIONS:
        a, b = search.rank(built, query), search.rank(stored, query)
        assert a.terms == b.terms, query
        assert [(h.key, h.score, h.matched) for h in a.hits] == [(h.key, h.score, h.matched) for h in b.hits], query
        assert (a.confidence, a.unit_id, a.topical) == (b.confidence, b.unit_id, b.topical), query
    analyzer = default_analyzer()
    for word in ["licnese", "acount", "permt", "chongqnig", "xyzzyq"]:
        assert built.index.correct(word) == stored.index.correct(word), word
    assert analyzer  # the analyzer is shared; only the index differs


def test_old_index_folders_are_removed_but_the_newest_few_kept(tmp_path):
    now = time.time()
    old = []
    for number in range(6):
        folder = tmp_path / f"old-{number}"
        folder.mkdir()
        os.utime(folder, (now - 3600 + number, now - 3600 + number))
        old.append(folder)
    recent = tmp_path / "recent"
    recent.mkdir()
    current = tmp_path / "current"
    current.mkdir()
    search._remove_old(tmp_path, current)
    left = {p.name for p in tmp_path.iterdir()}
    # The three newest other folders stay (the recent one and the two youngest old ones).
    assert left == {"current", "recent", "old-5", "old-4"}
