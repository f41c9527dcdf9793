"""Personal data kept out of log lines.

The ask box is a GET form (a search can be shared as a link), so what people type reaches the
request line of every access log; and the application's own lines may quote an enquiry. Every
handler in ``config/settings.py`` runs :class:`MaskPersonalDataFilter`, which masks identity
card numbers, phone numbers and e-mail addresses (``hkcq.core.text.mask_personal_data``) in the
finished message, including the URL-encoded values of query strings. It masks the secrets of
links too, which open personal data to whoever has them: the token of a tracking link
(``…/track/<token>/``, pages and API), of a password reset (``/password-reset/<uid>/<token>/``)
and any query parameter named ``token`` (Open311's ``requests/{id}.json?token=``).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote_plus, unquote_plus

from hkcq.core.text import MASK, mask_personal_data

# A query string inside a log line: from "?" to the next space or quote.
_QUERY = re.compile(r"\?([^\s\"'<>]*)")
_SECRET_IN_PATH = re.compile(r"(/track/|/password-reset/[A-Za-z0-9_-]+/)([A-Za-z0-9_-]{16,})")
_ENCODED_MASK = quote_plus(MASK)


def _mask_query(match: re.Match[str]) -> str:
    pairs = []
    for pair in match.group(1).split("&"):
        name, sep, value = pair.partition("=")
        decoded = unquote_plus(value)
        masked = MASK if "token" in name.lower() and decoded else mask_personal_data(decoded)
        if masked != decoded:
            value = quote_plus(masked).replace(_ENCODED_MASK, MASK)
        pairs.append(f"{name}{sep}{value}")
    return "?" + "&".join(pairs)


def mask_log_message(message: str) -> str:
    """``message`` with personal data masked, in plain text and in URL-encoded query values
    (``?q=call+me+9123+4567`` or ``email=chan%40example.org``), and the secrets of links."""
    if not message:
        return message
    message = _SECRET_IN_PATH.sub(lambda m: m.group(1) + MASK, message)
    return mask_personal_data(_QUERY.sub(_mask_query, message))


class MaskPersonalDataFilter(logging.Filter):
    """Masks personal data in a record's message. Attach it to handlers, not loggers: a
    logger's filters do not see the records its children pass up."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record is the logging module's to report
        masked = mask_log_message(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
