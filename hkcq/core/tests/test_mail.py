"""The sender of every e-mail is named in the language the e-mail is written in."""

from email.header import decode_header, make_header

import pytest

from hkcq.core.outbox import email_queue
from hkcq.core.tasks import sender

NAMES = {"en": "Hong Kong/Chongqing Co-operation Platform", "zh-hant": "港渝合作平台", "zh-hans": "港渝合作平台"}


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
@pytest.mark.django_db
def test_the_sender_is_the_platform_in_the_readers_language(
    settings, mailoutbox, django_capture_on_commit_callbacks, language
):
    settings.DEFAULT_FROM_EMAIL = "HK/CQ Co-operation Platform <noreply@platform.example.org>"
    assert sender(language) == f"{NAMES[language]} <noreply@platform.example.org>"
    with django_capture_on_commit_callbacks(execute=True):
        email_queue(subject="S", body="B", to=["someone@example.org"], language=language)
    [message] = mailoutbox
    # The header as it leaves (RFC 2047 for Chinese) reads back as the name and the address.
    assert str(make_header(decode_header(message.message()["From"]))) == sender(language)


def test_no_language_and_a_bare_address(settings):
    settings.DEFAULT_FROM_EMAIL = "noreply@platform.example.org"
    assert sender(None) == f"{NAMES['en']} <noreply@platform.example.org>"
    assert sender("zh-hans") == "港渝合作平台 <noreply@platform.example.org>"
