"""Django's own messages (form validation, sign-in, passwords) reach our pages: where Django's
translation strays from docs/glossary.md (Taiwan wording, stray spaces, half-width punctuation,
Hong Kong words in Simplified Chinese) the project's catalogues override it (locale/ is read
before Django's own)."""

from __future__ import annotations

import re
from pathlib import Path

import django
import polib
import pytest
from django.utils import translation

from hkcq.core.tests.test_wording import HONG_KONG_WORDS

DJANGO = Path(django.__file__).parent
# Django's sources whose messages a resident or an officer can meet on a form of ours.
SOURCES = [
    "forms/fields.py",
    "forms/models.py",
    "forms/formsets.py",
    "core/validators.py",
    "db/models/base.py",
    "contrib/auth/forms.py",
    "contrib/auth/password_validation.py",
    "contrib/auth/validators.py",
]
CATALOGUES = ["conf/locale/{}/LC_MESSAGES/django.po", "contrib/auth/locale/{}/LC_MESSAGES/django.po"]
# Taiwan wording a Hong Kong reader should not meet (the platform says 用戶名稱, 帳戶, 電郵).
TAIWAN_WORDS = {"使用者": "用戶", "帳號": "帳戶", "電子郵件": "電郵", "網路": "網絡", "資訊": "資料"}
CJK = "\u3400-\u9fff"
STRAY_SPACE = re.compile(rf"[{CJK}] +[{CJK}]|[{CJK}] +%\([a-z_]+\)s|%\([a-z_]+\)s +[{CJK}]")
HALF_WIDTH_AFTER_CJK = re.compile(rf"[{CJK}][,:;()?!]")


def _messages() -> list[tuple[str, str | None]]:
    source = "".join((DJANGO / s).read_text(encoding="utf-8") for s in SOURCES)
    seen: dict[str, str | None] = {}
    for catalogue in CATALOGUES:
        for entry in polib.pofile(str(DJANGO / catalogue.format("zh_Hant"))):
            if entry.msgid and (f'"{entry.msgid}"' in source or f'"{entry.msgid[:50]}' in source):
                seen[entry.msgid] = entry.msgid_plural or None
    return sorted(seen.items())


MESSAGES = _messages()


def _problems(language: str, text: str) -> list[str]:
    words = HONG_KONG_WORDS if language == "zh-hans" else TAIWAN_WORDS
    found = [f"{word} → {instead}" for word, instead in words.items() if word in text]
    if STRAY_SPACE.search(text):
        found.append("a space inside Chinese text")
    if HALF_WIDTH_AFTER_CJK.search(text):
        found.append("half-width punctuation after Chinese")
    if "您" in text:
        found.append("您 → 你 (the platform addresses the reader with 你)")
    return found


def test_the_list_of_djangos_messages_is_found():
    msgids = [m for m, _p in MESSAGES]
    assert len(msgids) > 30
    assert "Please enter a correct %(username)s and password. Note that both fields may be case-sensitive." in msgids


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_djangos_form_and_sign_in_messages_follow_the_glossary(language):
    bad = []
    with translation.override(language):
        for msgid, plural in MESSAGES:
            text = translation.ngettext(msgid, plural, 2) if plural else translation.gettext(msgid)
            for problem in _problems(language, text):
                bad.append(f"{msgid[:60]!r} → {text!r}: {problem}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize(
    ("language", "expected", "label"),
    [
        ("zh-hant", "請輸入正確的用戶名稱和密碼。", "用戶名稱"),
        ("zh-hans", "请输入正确的用户名和密码。", "用户名"),
    ],
)
def test_wrong_password_message_on_the_sign_in_page(client, db, language, expected, label):
    html = client.post(f"/{language}/account/sign-in/", {"username": "nobody", "password": "wrong"}).content.decode()
    assert expected in html
    assert label in html
    assert "使用者" not in html and "输入正确的 " not in html and "輸入正確的 " not in html


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hant", "請輸入有效的電郵地址。"), ("zh-hans", "请输入有效的电子邮箱。")]
)
def test_invalid_email_message_on_the_password_reset_page(client, db, language, expected):
    html = client.post(f"/{language}/account/password-reset/", {"email": "not-an-address"}).content.decode()
    assert expected in html
    assert "電子郵件" not in html
