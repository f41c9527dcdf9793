"""Public pages kept ready for visitors, and thrown away the moment what they show changes.

A view marked :func:`public_page` is served from the cache (``settings.CACHES["default"]``: Redis
when ``REDIS_URL`` is set, each process's memory otherwise) to a visitor who is not signed in, one
copy per address (the address carries the language, ``/en/…``, and the query: filters and page
numbers), per host and per day (pages that say "late" or "stale" change at midnight).

What is never cached or served from the cache:

- a request carrying a session cookie (a signed-in person, or a visitor with something kept in
  the session) or a messages cookie, an htmx request, anything but ``GET``;
- a response that is not a plain 200, that sets a cookie or changes the session, that adds a
  message, or whose page holds a form with a CSRF token (the token belongs to one browser).

**Invalidation.** One number is the version of everything the pages show. It lives where every
process and server sees it (``PAGE_CACHE_VERSION_IN``): in the shared cache with the copies when
Redis is the cache (``"cache"``: a visitor's page is then one Redis round trip and no database
query), else in the database (``"database"``, ``core.PageVersion``: each process's memory cache
would not see another process's change). A copy is stored with the
version read *before* the page was made and served only while the version is unchanged. Every
statement that writes one of the tables the pages read (``settings.PAGE_CACHE_WATCHED_TABLES``,
by table-name prefix: the registry, progress, the knowledge base, events, partnering, calendars)
adds one to the version once its transaction commits. The statements are watched on the database
connection itself (an execute wrapper), so bulk writes (``bulk_update``, ``QuerySet.update``,
raw SQL: the progress roll-up, a cycle's close, a spreadsheet import) count as much as a form's
save: a published update shows at once, on every server. A page made from data read before a
commit is stored under the older version and never served after the commit's bump.
``PAGE_CACHE_SECONDS`` bounds a copy's life (time alone changes little: deadlines passing within
a day; a bump lost because Redis failed at that moment); ``0`` turns the cache off (the test
settings do, so tests see their own data). A cache that is down is no page cache: pages are made
as if it were not there.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Callable
from contextlib import nullcontext
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

HEADER = "X-Page-Cache"  # "hit" or "miss" on a page that may be cached (tests and benchmarks read it)
TABLE = "core_pageversion"
VERSION_KEY = "hkcq:page:version"

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+"?(\w+)"?', re.IGNORECASE)


# -- the version --------------------------------------------------------------------------------
def _in_cache() -> bool:
    return bool(settings.PAGE_CACHE_VERSION_IN == "cache")


def current_version(using: str = DEFAULT_DB_ALIAS) -> int:
    if _in_cache():
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, time.time_ns(), None)  # a new start no stored copy carries
            version = cache.get(VERSION_KEY)
        return int(version)
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT value FROM {TABLE} WHERE id = 1")  # noqa: S608 (a constant)
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """Add one to the version: every cached page made before is stale."""
    if _in_cache():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # not there (flushed, evicted): any new start will do
            cache.add(VERSION_KEY, time.time_ns(), None)
        return
    conn = connections[using]
    # Inside a transaction (not the usual case: a bump runs after the commit), a savepoint keeps a
    # refused statement from spoiling it. Never a transaction of its own in autocommit: on SQLite
    # its COMMIT fails while a caller's SELECT is still being read ("SQL statements in progress").
    guard = transaction.atomic(using=using) if conn.in_atomic_block else nullcontext()
    try:
        with guard, conn.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {TABLE} (id, value) VALUES (1, 1) "  # noqa: S608 (a constant)
                f"ON CONFLICT (id) DO UPDATE SET value = {TABLE}.value + 1"
            )
    except DatabaseError:  # PostgreSQL: ProgrammingError; SQLite: OperationalError ("no such table")
        # A database being migrated from scratch, before the table exists: nothing is cached yet.
        if TABLE in connections[using].introspection.table_names():
            raise


def watched(table: str) -> bool:
    return table not in settings.PAGE_CACHE_IGNORED_TABLES and table.startswith(
        tuple(settings.PAGE_CACHE_WATCHED_TABLES)
    )


def _bump_after_commit(alias: str) -> None:
    conn = connections[alias]
    if conn.in_atomic_block:
        # Once per transaction (per savepoint: a rolled-back savepoint drops its callback, and
        # a write after it registers again), not once per row of a bulk write.
        savepoints = set(conn.savepoint_ids)
        if not any(entry[1] is bump and entry[0] == savepoints for entry in conn.run_on_commit):
            conn.on_commit(bump, robust=True)
        return
    try:  # autocommit: the write is already committed
        bump(alias)
    except Exception:  # the write stands; the copies expire by PAGE_CACHE_SECONDS
        logger.exception("page cache version not bumped")


def _watch_writes(execute: Callable[..., Any], sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    result = execute(sql, params, many, context)
    if settings.PAGE_CACHE_SECONDS and isinstance(sql, str):
        match = _WRITE.match(sql)
        if match and watched(match.group(1).lower()):
            _bump_after_commit(context["connection"].alias)
    return result


def _install(sender: Any, connection: Any, **kwargs: Any) -> None:
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def install() -> None:
    """Watch writes on every database connection (``CoreConfig.ready``)."""
    connection_created.connect(_install, dispatch_uid="hkcq.core.pagecache")
    for conn in connections.all(initialized_only=True):
        _install(None, conn)


# -- the pages ------------------------------------------------------------------------------------
def _cacheable_request(request: HttpRequest) -> bool:
    return bool(
        settings.PAGE_CACHE_SECONDS
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and getattr(settings, "MESSAGE_COOKIE_NAME", "messages") not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if getattr(response, "is_rendered", True) is False:
        return False
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):  # the page holds a CSRF token
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not (messages is not None and getattr(messages, "_queued_messages", None))


def _key(request: HttpRequest) -> str:
    address = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"hkcq:page:{timezone.localdate().isoformat()}:{digest}"


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve ``view`` to visitors from the cache (see the module's text for what is never cached)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        try:
            if _in_cache():  # the version and the copy in one round trip
                got = cache.get_many([VERSION_KEY, key])
                version = got[VERSION_KEY] if VERSION_KEY in got else current_version()
                kept = got.get(key)
            else:
                version, kept = current_version(), cache.get(key)
        except Exception:  # the cache is down: the page is made as if there were none
            logger.exception("page cache unavailable")
            return view(request, *args, **kwargs)
        if kept is not None and kept[0] == version:
            response = HttpResponse(kept[2], content_type=kept[1])
            # What a signed-in person sees differs: a shared cache must not hand this page to them.
            patch_vary_headers(response, ("Cookie",))
            response[HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if _storable(request, response):
            try:
                cache.set(key, (version, response["Content-Type"], response.content), settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.exception("page cache unavailable")
            response[HEADER] = "miss"
        return response

    return wrapped
