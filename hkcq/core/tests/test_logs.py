"""Personal data is masked in every log line the configured handlers write."""

import io
import logging
from contextlib import contextmanager
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client

from hkcq.core.logs import MaskPersonalDataFilter, mask_log_message
from hkcq.core.text import MASK, mask_personal_data

ASK_LINE = "GET /en/help/ask/?q=call+me+%2B852+9123+4567+or+A123456%287%29&page=2 HTTP/1.1"
FIND_LINE = "GET /en/enquiries/find/?reference=HKCQ-2026-000123-4&email=chan.tai-man%40example.org HTTP/1.1"


@contextmanager
def written_by(logger_name: str):
    """What the handlers configured for ``logger_name`` (or the first ancestor that has any)
    write while the block runs."""
    logger: logging.Logger | None = logging.getLogger(logger_name)
    while logger is not None and not logger.handlers:
        logger = logger.parent if logger.propagate else None
    assert logger is not None, f"no handler reaches {logger_name}"
    handlers = [
        h for h in logger.handlers if isinstance(h, logging.StreamHandler) and type(h).__module__ == "logging"
    ]  # not pytest's
    assert handlers
    buffer = io.StringIO()
    previous = [h.setStream(buffer) for h in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)


@pytest.mark.parametrize(
    ("line", "hidden", "kept"),
    [
        (ASK_LINE, ["9123", "A123456", "%2B852"], ["/en/help/ask/?q=call+me+", "&page=2"]),
        (FIND_LINE, ["chan.tai-man", "example.org"], ["reference=HKCQ-2026-000123-4", "&email=" + MASK]),
        ("enquiry HKCQ-2026-000123-4 received: HKID A123456(7), 13800138000", ["A123456", "13800"], ["HKCQ-2026"]),
        (
            "GET /zh-hant/enquiries/track/Xy3_kP9-aQ2zR7mN0vB4cD8eF1gH5jK6lL2oS3tU4wV/ HTTP/1.1",
            ["Xy3_kP9"],
            ["/zh-hant/enquiries/track/" + MASK + "/ HTTP/1.1"],
        ),
        (
            "GET /open311/v2/requests/HKCQ-2026-000123-4.json?token=Xy3_kP9-aQ2zR7mN0vB4cD8e&lang=en HTTP/1.1",
            ["Xy3_kP9"],
            ["?token=" + MASK + "&lang=en"],
        ),
        ("GET /en/account/password-reset/MQ/cz7k1x-0c5f9e1a2b3c4d5e6f7a8b9c0d1e2f3a/ HTTP/1.1", ["cz7k1x"], ["/MQ/"]),
    ],
)
def test_log_messages_are_masked_in_plain_text_and_in_query_strings(line, hidden, kept):
    masked = mask_log_message(line)
    assert MASK in masked
    for text in hidden:
        assert text not in masked
    for text in kept:
        assert text in masked


def test_a_line_without_personal_data_is_unchanged():
    line = "GET /en/help/ask/?q=home+return+permit&page=2 HTTP/1.1"
    assert mask_log_message(line) == line
    for line in (
        "GET /en/help/entries/renewing-the-home-return-permit-in-chongqing/ HTTP/1.1",
        "GET /en/account/password-reset/MQ/set-password/ HTTP/1.1",
    ):
        assert mask_log_message(line) == line
    record = logging.LogRecord("x", logging.INFO, __file__, 1, '"%s" %s %s', (line, "200", "12"), None)
    assert MaskPersonalDataFilter().filter(record)
    assert record.args == (line, "200", "12")


def test_every_configured_handler_masks():
    configured = cast(dict[str, Any], settings.LOGGING["handlers"])
    assert configured
    for name, handler in configured.items():
        assert "mask_personal_data" in handler.get("filters", []), name
    for name in ("", "django", "django.request", "django.server", "hkcq.enquiries"):
        logger = logging.getLogger(name)
        # pytest's own capture handlers aside, every handler a record can reach masks.
        for handler in [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]:
            assert any(isinstance(f, MaskPersonalDataFilter) for f in handler.filters), (name, handler)


def test_the_development_server_access_log_is_masked():
    # The record runserver's request handler writes for each request (django.core.servers.basehttp).
    with written_by("django.server") as out:
        logging.getLogger("django.server").info(
            '"%s" %s %s', ASK_LINE, "200", "5120", extra={"status_code": 200, "server_time": "24/Nov/2026 10:00:00"}
        )
        logging.getLogger("django.server").warning(
            '"%s" %s %s', FIND_LINE, "400", "10", extra={"status_code": 400, "server_time": "24/Nov/2026 10:00:01"}
        )
    written = out.getvalue()
    assert "[24/Nov/2026 10:00:00]" in written and "/en/help/ask/?q=call+me+" in written
    assert written.count(MASK) == 3
    for text in ("9123", "A123456", "chan.tai-man"):
        assert text not in written


def test_request_warnings_are_masked(db):
    with written_by("django.request") as out:
        response = Client().get("/en/help/entries/call-me-91234567/")
    assert response.status_code == 404
    written = out.getvalue()
    assert "Not Found: /en/help/entries/call-me-" + MASK in written
    assert "91234567" not in written


@pytest.mark.parametrize(
    "line",
    [
        "Task 0a349123-4567-4b36-9d2e-91234567abcd finished",  # UUID with phone-like groups
        "task_id=5f0a3c2e-9123-4567-8b36-d13800138000 status=ok",
        "worker job 0a34-9123-4567-b36d picked up",
        "hex id deadbeef91234567cafe and e3b0c44291234567",
        "GET /api/v1/tasks/91234567ab/ HTTP/1.1",
        "HKCQ-2026-000123-4 and 12345678-9123-4567-8901-234567890123",
        "job-0a34-9123-4567-b36d",
    ],
)
def test_ids_that_contain_phone_like_digits_are_not_masked(line):
    assert mask_personal_data(line) == line
    assert mask_log_message(line) == line


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("call 9123 4567 please", "9123 4567"),
        ("call +852 91234567.", "91234567"),
        ("電話：+852-9123-4567，謝謝", "9123-4567"),
        ("联系电话138 0013 8000。", "138 0013 8000"),
        ("tel (+86) 13800138000", "13800138000"),
        ("phone:13800138000,email later", "13800138000"),
        ("enquiry 0a34-b36d from 2345 6789", "2345 6789"),
        ("GET /en/help/entries/call-me-91234567/ and 9123-4567", "91234567"),
    ],
)
def test_real_hong_kong_and_mainland_numbers_are_still_masked(line, number):
    masked = mask_personal_data(line)
    assert number not in masked and MASK in masked
