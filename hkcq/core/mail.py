"""An e-mail backend for development that writes no secret to the log: each message's sender,
recipients and subject, and its body with every link and long token hidden. Tracking links and
password-reset links are secrets (whoever has one reads the case or sets the password), and the
console is the worker's log. For full messages choose the file backend on purpose (docs/deploy.md).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

LINK = re.compile(r"https?://\S+|\b[A-Za-z0-9_\-]{20,}\b")


def redact(text: str) -> str:
    return LINK.sub("[hidden]", text)


class RedactedConsoleBackend(BaseEmailBackend):
    def __init__(self, *args: Any, stream: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            self.stream.write(
                f"E-mail from {message.from_email} to {', '.join(message.to)}: {message.subject}\n"
                f"{redact(str(message.body))}\n{'-' * 40}\n"
            )
        self.stream.flush()
        return len(email_messages)
