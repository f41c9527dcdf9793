"""The staff queue's pages at any depth (issue 15, the 1,000,000-case queue): keyset cursors that
neither skip nor repeat a case when many share a timestamp, officers kept to their units on every
page, a bounded number of queries whatever the page size, the estimated total said as "about" in
the three languages. Speed itself is measured by bench/enquiry_queue.py, not here."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hkcq.core.pagination import Count
from hkcq.enquiries import selectors
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.tests.conftest import CQ_UNIT, HK_UNIT
from hkcq.enquiries.tests.factories import EnquiryFactory
from hkcq.enquiries.views import queue_page

pytestmark = pytest.mark.django_db

API = "/api/v1/enquiries"


@pytest.fixture
def cases(unit_hk, unit_cq):
    """31 cases in 5 received-at instants (so most share their timestamp with others), spread over
    two units, some open and past their reply deadline (with equal deadlines too)."""
    hk, cq = unit_hk, unit_cq
    base = timezone.now().replace(microsecond=0) - dt.timedelta(days=30)
    made = []
    for i in range(31):
        received = base + dt.timedelta(minutes=i % 5)
        made.append(
            EnquiryFactory(
                received_at=received,
                assigned_unit=hk if i % 3 else cq,
                status="closed" if i % 4 == 0 else "accepted",
                language=("en", "zh-hant", "zh-hans")[i % 3],
                acknowledged_at=received,
                acknowledge_due=received + dt.timedelta(days=2),
                reply_due=received + dt.timedelta(days=1 + i % 2),
            )
        )
    return made


def _newest(rows):
    return [e.reference for e in sorted(rows, key=lambda e: (e.received_at, e.id), reverse=True)]


def _by_due(rows):
    return [e.reference for e in sorted(rows, key=lambda e: (e.reply_due, e.received_at, e.id))]


def _walk_api(client, params):
    seen, cursor, pages = [], None, 0
    while True:
        query = dict(params, **({"cursor": cursor} if cursor else {}))
        body = client.get(API, query).json()
        seen += [item["reference"] for item in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return seen, pages, body


def test_api_cursor_pages_neither_skip_nor_repeat(client, secretariat_hk, cases):
    client.force_login(secretariat_hk)
    seen, pages, last = _walk_api(client, {"limit": 4})
    assert seen == _newest(cases)
    assert pages == 8
    assert last["count"] == 31 and last["count_exact"] is True


def test_api_cursor_pages_of_the_deadline_order(client, secretariat_hk, cases):
    client.force_login(secretariat_hk)
    seen, _pages, _last = _walk_api(client, {"limit": 3, "due": "overdue"})
    overdue = [e for e in cases if e.status != "closed"]
    assert seen == _by_due(overdue)


def test_api_offset_pages_agree_with_the_cursor_pages(client, secretariat_hk, cases):
    client.force_login(secretariat_hk)
    by_offset = []
    for offset in range(0, 31, 7):
        by_offset += [i["reference"] for i in client.get(API, {"limit": 7, "offset": offset}).json()["items"]]
    assert by_offset == _newest(cases)
    # An offset's page gives the cursor that goes on from it.
    page = client.get(API, {"limit": 7, "offset": 7}).json()
    after = client.get(API, {"limit": 7, "cursor": page["next"]}).json()
    assert [i["reference"] for i in after["items"]] == _newest(cases)[14:21]


def test_officer_cursor_pages_keep_to_their_units(client, officer_hk, cases):
    client.force_login(officer_hk)
    seen, _pages, _last = _walk_api(client, {"limit": 5})
    mine = [e for e in cases if e.assigned_unit.ext_id == HK_UNIT]
    assert seen == _newest(mine)
    # A cursor made from another unit's case shows only the officer's cases after it.
    theirs = next(e for e in cases if e.assigned_unit.ext_id == CQ_UNIT)
    cursor = selectors.QUEUE_NEWEST.cursor(theirs)
    items = client.get(API, {"limit": 50, "cursor": cursor}).json()["items"]
    assert {i["reference"] for i in items} <= {e.reference for e in mine}
    assert theirs.reference not in {i["reference"] for i in items}


@pytest.mark.parametrize(
    "params",
    [{"cursor": "not-a-cursor"}, {"cursor": "W10"}, {"cursor": "WyIyMDI2LTAxLTAxVDAwOjAwOjAwIiwxXQ"}],
    ids=["garbage", "empty-list", "naive-time"],
)
def test_api_refuses_a_bad_cursor(client, secretariat_hk, cases, params):
    client.force_login(secretariat_hk)
    response = client.get(API, params)
    assert response.status_code == 422
    assert "cursor" in response.json()["error"]["details"]


def test_api_refuses_cursor_with_offset(client, secretariat_hk, cases):
    client.force_login(secretariat_hk)
    cursor = client.get(API, {"limit": 2}).json()["next"]
    response = client.get(API, {"limit": 2, "cursor": cursor, "offset": 2})
    assert response.status_code == 422


def test_the_document_declares_the_cursor_and_the_page_shape(client):
    doc = client.get("/api/v1/openapi.json").json()
    get = doc["paths"][API]["get"]
    assert {"limit", "offset", "cursor"} <= {p["name"] for p in get["parameters"]}
    ref = get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    schema = doc["components"]["schemas"][ref]
    assert {"items", "count", "count_exact", "next"} <= set(schema["properties"])


def test_api_page_queries_do_not_grow_with_the_page(client, secretariat_hk, officer_hk, cases):
    for user in (secretariat_hk, officer_hk):
        client.force_login(user)
        client.get(API, {"limit": 1})
        with CaptureQueriesContext(connection) as one:
            client.get(API, {"limit": 1})
        cursor = client.get(API, {"limit": 3}).json()["next"]
        with CaptureQueriesContext(connection) as deep:
            body = client.get(API, {"limit": 10, "cursor": cursor}).json()
        assert len(body["items"]) == 10
        assert len(deep.captured_queries) == len(one.captured_queries) <= 8, [q["sql"] for q in deep.captured_queries]


# -- the queue page -------------------------------------------------------------------------------
def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    refs = re.findall(r'href="/[a-z-]+/enquiries/case/([^/"]+)/"', html)
    links = {
        name: unescape(m.group(1))
        if (m := re.search(rf'<a class="page-link" href="([^"]+)"[^>]*>{label}<', html))
        else None
        for name, label in (("next", "Next"), ("previous", "Previous"), ("first", "First page"), ("last", "Last page"))
    }
    return refs, links, html


def _absolute(link):
    return reverse("enquiries:queue") + link if link.startswith("?") else link


@pytest.fixture
def small_pages(settings):
    settings.PAGE_SIZE = 4


def test_queue_page_links_walk_every_case_once_forwards_and_back(client, secretariat_hk, cases, small_pages):
    client.force_login(secretariat_hk)
    url: str | None = reverse("enquiries:queue")
    forwards, pages = [], []
    while url:
        refs, links, html = _page(client, url)
        forwards.append(refs)
        pages.append(html)
        url = _absolute(links["next"]) if links["next"] else None
    assert sum(forwards, []) == _newest(cases)
    assert "Page 3 of 8" in pages[2] and "Page 8 of 8" in pages[-1]
    # Back from the last page by "Previous".
    refs, links, _html = _page(client, reverse("enquiries:queue") + "?last=1")
    backwards = [refs]
    while links["previous"]:
        refs, links, _html = _page(client, _absolute(links["previous"]))
        backwards.insert(0, refs)
    assert backwards == forwards


def test_queue_page_number_typed_in_and_past_the_end(client, secretariat_hk, cases, small_pages):
    client.force_login(secretariat_hk)
    refs, links, html = _page(client, reverse("enquiries:queue") + "?page=3")
    assert refs == _newest(cases)[8:12] and "Page 3 of 8" in html
    refs, _links, html = _page(client, _absolute(links["next"]))
    assert refs == _newest(cases)[12:16] and "Page 4 of 8" in html
    refs, links, html = _page(client, reverse("enquiries:queue") + "?page=1000")
    assert refs == _newest(cases)[28:] and "Page 8 of 8" in html and links["next"] is None
    # A cursor altered by hand names a position or nothing: the first page, never an error.
    refs, _links, _html = _page(client, reverse("enquiries:queue") + "?after=%%%")
    assert refs == _newest(cases)[:4]


def test_queue_page_keeps_the_filters_and_the_deadline_order(client, secretariat_hk, cases, small_pages):
    client.force_login(secretariat_hk)
    url: str | None = reverse("enquiries:queue") + "?due=overdue&language=zh-hant"
    seen = []
    while url:
        refs, links, _html = _page(client, url)
        seen += refs
        assert links["next"] is None or "due=overdue" in links["next"] and "language=zh-hant" in links["next"]
        url = _absolute(links["next"]) if links["next"] else None
    assert seen == _by_due([e for e in cases if e.status != "closed" and e.language == "zh-hant"])


def test_officer_queue_pages_keep_to_their_units(client, officer_hk, cases, small_pages):
    client.force_login(officer_hk)
    url: str | None = reverse("enquiries:queue")
    seen = []
    while url:
        refs, links, _html = _page(client, url)
        seen += refs
        url = _absolute(links["next"]) if links["next"] else None
    assert seen == _newest([e for e in cases if e.assigned_unit.ext_id == HK_UNIT])


def test_queue_page_queries_do_not_grow_with_the_page_or_its_depth(client, secretariat_hk, cases, settings):
    client.force_login(secretariat_hk)
    settings.PAGE_SIZE = 2
    client.get(reverse("enquiries:queue"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("enquiries:queue"))
    settings.PAGE_SIZE = 10
    _refs, links, _html = _page(client, reverse("enquiries:queue"))
    with CaptureQueriesContext(connection) as deep:
        refs, _links, _html = _page(client, _absolute(links["next"]))
    assert len(refs) == 10
    assert len(deep.captured_queries) == len(small.captured_queries) <= 15, [q["sql"] for q in deep.captured_queries]


def test_a_queue_page_with_cases_does_not_read_the_viewers_units(client, secretariat_hk, cases):
    # The units are named only on an officer's empty queue (issue 15: one query less per page).
    client.force_login(secretariat_hk)
    client.get(reverse("enquiries:queue"))
    with CaptureQueriesContext(connection) as ctx:
        refs, _links, _html = _page(client, reverse("enquiries:queue"))
    assert refs
    assert not [q["sql"] for q in ctx.captured_queries if "registry_unit_members" in q["sql"]]


@pytest.mark.parametrize(
    ("language", "count", "page"),
    [
        ("en", "About 120,000 enquiries", "Page 1 of about 6,000"),
        # Django's Chinese number formats group no digits.
        ("zh-hant", "約120000宗查詢", "第 1 頁，共約 6000 頁"),
        ("zh-hans", "约120000件咨询", "第 1 页，共约 6000 页"),
    ],
)
def test_an_estimated_total_is_said_to_be_one(client, secretariat_hk, cases, monkeypatch, language, count, page):
    monkeypatch.setattr(queue_page, "count_estimate", lambda qs: Count(123_456, exact=False))
    client.force_login(secretariat_hk)
    text = unescape(client.get(f"/{language}/enquiries/queue/").content.decode())
    assert count in text and page in text


@pytest.mark.parametrize(
    ("language", "count", "first", "last"),
    [
        ("en", "31 enquiries", "First page", "Last page"),
        ("zh-hant", "31宗查詢", "第一頁", "最後一頁"),
        ("zh-hans", "31件咨询", "首页", "末页"),
    ],
)
def test_an_exact_total_and_the_page_links_in_three_languages(
    client, secretariat_hk, cases, small_pages, language, count, first, last
):
    client.force_login(secretariat_hk)
    html = unescape(client.get(f"/{language}/enquiries/queue/?page=2").content.decode())
    assert count in html and first in html and last in html


def test_the_queue_order_is_total_on_every_filter():
    for due in (None, "overdue", "due_soon", "paused"):
        keys = selectors.enquiry_queue_keyset(due=due).keys
        assert keys[-1].field == "id"
    assert Enquiry._meta.ordering == ["-received_at", "-id"]


def test_cases_without_a_deadline_come_last_in_the_deadline_order(client, secretariat_hk, unit_hk, small_pages):
    """``reply_due`` may be empty: those cases come after the others, in both directions."""
    hk = unit_hk
    base = timezone.now().replace(microsecond=0) - dt.timedelta(days=3)
    made: list[Enquiry] = [
        EnquiryFactory(
            received_at=base + dt.timedelta(minutes=i % 2),
            assigned_unit=hk,
            status="waiting",
            paused_since=base,
            reply_due=None if i % 3 == 0 else base + dt.timedelta(days=i % 2),
        )
        for i in range(11)
    ]
    with_due = sorted((e for e in made if e.reply_due), key=lambda e: (e.reply_due, e.received_at, e.id))
    without = sorted((e for e in made if not e.reply_due), key=lambda e: (e.received_at, e.id))
    expected = [e.reference for e in with_due + without]
    client.force_login(secretariat_hk)
    seen, _pages, _last = _walk_api(client, {"limit": 2, "due": "paused"})
    assert seen == expected
    # The page: forwards by "Next", then back from the last page by "Previous".
    url: str | None = reverse("enquiries:queue") + "?due=paused"
    forwards = []
    while url:
        refs, links, _html = _page(client, url)
        forwards.append(refs)
        url = _absolute(links["next"]) if links["next"] else None
    assert sum(forwards, []) == expected
    refs, links, _html = _page(client, reverse("enquiries:queue") + "?due=paused&last=1")
    backwards = [refs]
    while links["previous"]:
        refs, links, _html = _page(client, _absolute(links["previous"]))
        backwards.insert(0, refs)
    assert backwards == forwards


@pytest.mark.parametrize(
    ("language", "count", "page"),
    [
        ("en", "More than 10000 enquiries", "Page 1<"),
        ("zh-hant", "超過10000宗查詢", "第 1 頁<"),
        ("zh-hans", "超过10000件咨询", "第 1 页<"),
    ],
)
def test_a_count_stopped_at_its_limit_says_more_than(client, secretariat_hk, cases, monkeypatch, language, count, page):
    monkeypatch.setattr(queue_page, "count_estimate", lambda qs: Count(10_000, exact=False, at_least=True))
    client.force_login(secretariat_hk)
    text = unescape(client.get(f"/{language}/enquiries/queue/").content.decode()).replace(",", "")
    assert count in text and page in text


def test_a_count_goes_no_further_than_its_limit(db):
    from hkcq.core import pagination

    made = EnquiryFactory.create_batch(5)
    five = Enquiry.objects.filter(pk__in=[e.pk for e in made])
    with CaptureQueriesContext(connection) as ctx:
        assert pagination.bounded_count(five, 3) == Count(3, exact=False, at_least=True)
    assert len(ctx.captured_queries) == 1 and "LIMIT 4" in ctx.captured_queries[0]["sql"]
    assert pagination.bounded_count(five, 5) == Count(5, exact=True)
