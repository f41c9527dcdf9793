"""Public pages are served to visitors from the cache (hkcq/core/pagecache.py) and a change shows at
once: every path that writes what the pages show (a form's save in a service, a progress update's
publication, a roll-up's bulk write, a queryset update, a knowledge-base entry's publication, a
change made by another process) throws the copies away. Signed-in people, htmx requests and pages
holding a CSRF token are never served from the cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from hkcq.core import pagecache
from hkcq.core.pagecache import HEADER


@pytest.fixture(autouse=True, params=["database", "cache"])
def page_cache_on(request, settings):
    """Every test with the version in the database (each process's memory cache) and in the cache
    (Redis in production; this process's memory here)."""
    settings.PAGE_CACHE_SECONDS = 60
    settings.PAGE_CACHE_VERSION_IN = request.param
    cache.clear()
    yield
    cache.clear()


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


def _warm(client, url):
    """Open ``url`` twice: the second answer comes from the cache."""
    assert _get(client, url)[HEADER] == "miss"
    response = _get(client, url)
    assert response[HEADER] == "hit"
    return response


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a change as a committed transaction would: its after-commit callbacks run."""

    def run(change):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            return change()

    return run


# -- what is cached, and for whom ---------------------------------------------------------------
def test_a_visitor_gets_the_cached_page_with_at_most_one_query(db, client, settings):
    first = _get(client, "/en/")
    assert first[HEADER] == "miss"
    with CaptureQueriesContext(connection) as ctx:
        second = _get(client, "/en/")
    assert second[HEADER] == "hit"
    assert second.content == first.content
    # the version: a database query, or read from the cache with the page
    assert len(ctx.captured_queries) == (1 if settings.PAGE_CACHE_VERSION_IN == "database" else 0)
    assert "Cookie" in second["Vary"]


def test_one_copy_per_language_and_per_query(db, client):
    _warm(client, "/en/measures/")
    assert _get(client, "/zh-hant/measures/")[HEADER] == "miss"
    assert _get(client, "/zh-hant/measures/")["Content-Language"] == "zh-hant"
    assert _get(client, "/en/measures/?side=hong_kong")[HEADER] == "miss"
    assert _get(client, "/en/measures/?side=hong_kong")[HEADER] == "hit"


def test_signed_in_people_never_get_or_leave_a_copy(client, secretariat_hk):
    _warm(client, "/en/")
    client.force_login(secretariat_hk)
    response = _get(client, "/en/")
    assert HEADER not in response
    assert secretariat_hk.display_name.encode() in response.content
    client.logout()
    assert secretariat_hk.display_name.encode() not in _get(client, "/en/").content


def test_htmx_requests_are_not_served_from_the_cache(db, client):
    _warm(client, "/en/measures/")
    assert HEADER not in client.get("/en/measures/", HTTP_HX_REQUEST="true")


def test_a_page_holding_a_csrf_token_or_a_message_is_not_stored(db):
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    request = RequestFactory().get("/en/")
    request.session = SessionStore()
    assert pagecache._storable(request, HttpResponse("ok"))
    get_token(request)
    assert not pagecache._storable(request, HttpResponse("ok"))

    request = RequestFactory().get("/en/")
    request.session = SessionStore()
    storage = FallbackStorage(request)
    storage.add(20, "Saved.")
    request._messages = storage  # type: ignore[attr-defined]  # as MessageMiddleware does
    assert not pagecache._storable(request, HttpResponse("ok"))
    request = RequestFactory().get("/en/")
    response = HttpResponse("ok")
    response.set_cookie("x", "1")
    assert not pagecache._storable(request, response)
    assert not pagecache._storable(request, HttpResponse("gone", status=404))


# -- every change shows at once -------------------------------------------------------------------
def test_a_registry_edit_shows_at_once(client, secretariat_hk, commit):
    from hkcq.registry import services
    from hkcq.registry.tests.factories import MeasureFactory

    measure = MeasureFactory.create()
    url = f"/en/measures/{measure.ext_id}/"
    listing = f"/en/measures/?area={measure.area.ext_id}"  # the list that shows it on its first page
    _warm(client, url)
    _warm(client, listing)
    title = {"en": "A title nobody had before", "zh-hant": "新標題", "zh-hans": "新标题"}
    commit(lambda: services.measure_update(user=secretariat_hk, measure=measure, data={"title": title}))
    for page in (url, listing):
        response = _get(client, page)
        assert response[HEADER] == "miss", page
        assert b"A title nobody had before" in response.content


def test_a_published_progress_update_shows_at_once(client, officer_hk, commit):
    from hkcq.progress.tests.factories import update_published
    from hkcq.registry.tests.factories import MeasureFactory

    measure = MeasureFactory.create(lead_unit_hk=officer_hk.units.get())
    url = f"/en/measures/{measure.ext_id}/"
    before = _warm(client, url)
    dashboard = _warm(client, "/en/progress/")
    # Drafting, submitting and confirming change the progress tables too: only the publication
    # must show, but the copies may go at every step.
    commit(lambda: update_published(author=officer_hk, measure=measure, percent=40))
    after = _get(client, url)
    assert after[HEADER] == "miss"
    assert after.content != before.content
    assert b"40%" in after.content or b"40 %" in after.content
    assert _get(client, "/en/progress/").content != dashboard.content


def test_a_rollup_bulk_write_shows_at_once(db, client, commit):
    """The roll-up writes with bulk_create/bulk_update (no signals): the connection sees it."""
    from hkcq.progress.models import ProgressRollup

    ProgressRollup.objects.create(level=ProgressRollup.Level.MECHANISM, percent=10)

    _warm(client, "/en/progress/")
    commit(lambda: ProgressRollup.objects.update(percent=77))
    assert _get(client, "/en/progress/")[HEADER] == "miss"


def test_a_knowledge_base_entry_published_or_withdrawn_shows_at_once(client, secretariat_hk, commit):
    from hkcq.kb import services
    from hkcq.kb.models import Entry
    from hkcq.kb.tests.factories import EntryFactory

    entry = EntryFactory.create()
    url = f"/en/help/entries/{entry.slug}/"
    _warm(client, url)
    _warm(client, "/en/help/")
    commit(lambda: services.entry_unpublish(user=secretariat_hk, entry=entry))
    assert client.get(url).status_code == 404
    listing = _get(client, "/en/help/")
    assert listing[HEADER] == "miss"
    commit(lambda: services.entry_publish(user=secretariat_hk, entry=Entry.objects.get(pk=entry.pk)))
    assert _get(client, url)[HEADER] == "miss"


def test_an_event_change_shows_at_once(db, client, commit):
    from hkcq.exchanges.models import Event
    from hkcq.exchanges.tests.factories import EventFactory

    event = EventFactory.create()
    _warm(client, "/en/events/")
    commit(lambda: Event.objects.filter(pk=event.pk).update(capacity=event.capacity))
    assert _get(client, "/en/events/")[HEADER] == "miss"


def test_a_change_made_by_another_process_shows_at_once(db, client, settings):
    """The version is shared: a worker's or another server's bump is seen here."""
    _warm(client, "/en/")
    if settings.PAGE_CACHE_VERSION_IN == "cache":
        cache.incr(pagecache.VERSION_KEY)  # as another process would, through the shared cache
    else:
        with connection.cursor() as cursor:  # as another process would, without this one's help
            cursor.execute(
                "INSERT INTO core_pageversion (id, value) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET value = core_pageversion.value + 1"
            )
    assert _get(client, "/en/")[HEADER] == "miss"


def test_a_version_lost_from_the_cache_serves_no_old_copy(db, client, settings):
    _warm(client, "/en/")
    cache.delete(pagecache.VERSION_KEY)
    if settings.PAGE_CACHE_VERSION_IN == "cache":
        assert _get(client, "/en/")[HEADER] == "miss"


def test_a_cache_that_is_down_serves_pages_as_if_there_were_none(db, client, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get_many", down)
    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    response = _get(client, "/en/")
    assert HEADER not in response
    assert b"<main" in response.content


def test_a_rolled_back_change_keeps_the_copies(db, client, django_capture_on_commit_callbacks):
    from hkcq.registry.models import Area
    from hkcq.registry.tests.factories import AreaFactory

    AreaFactory.create()

    _warm(client, "/en/areas/")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                Area.objects.update(position=5)
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert _get(client, "/en/areas/")[HEADER] == "hit"


def test_writes_elsewhere_keep_the_copies(db, client, commit):
    from hkcq.enquiries.services import Filing, enquiry_submit

    _warm(client, "/en/")
    commit(
        lambda: enquiry_submit(filing=Filing(question="How do I renew my permit?", email="a@example.org", consent=True))
    )
    assert _get(client, "/en/")[HEADER] == "hit"


def test_one_bump_per_transaction(db, commit):
    from hkcq.registry.models import Area
    from hkcq.registry.tests.factories import AreaFactory

    AreaFactory.create()

    before = pagecache.current_version()
    commit(lambda: [Area.objects.update(position=1), Area.objects.update(position=2)])
    assert pagecache.current_version() == before + 1


@pytest.mark.django_db
def test_a_bump_before_the_version_table_exists_is_quiet(settings):
    """A database migrated from scratch writes watched tables (default data in migrations) before
    core's migration makes the version table: the bump then does nothing instead of a traceback
    in the first `make run` (SQLite says OperationalError, PostgreSQL ProgrammingError)."""
    from django.db import connection

    from hkcq.core import pagecache

    settings.PAGE_CACHE_VERSION_IN = "database"
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {pagecache.TABLE} RENAME TO core_pageversion_away")
    try:
        with transaction.atomic():  # on PostgreSQL a failed statement must not spoil the test's transaction
            pagecache.bump()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE core_pageversion_away RENAME TO {pagecache.TABLE}")
