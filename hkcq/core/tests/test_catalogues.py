import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
CATALOGUES = sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-3])
def test_every_interface_string_is_translated_with_the_same_placeholders(path):
    assert {p.parts[-3] for p in CATALOGUES} == {"zh_Hant", "zh_Hans"}
    for entry in polib.pofile(str(path)):
        translated = entry.msgstr or entry.msgstr_plural.get(0, "")
        assert translated and "fuzzy" not in entry.flags, entry.msgid
        assert set(PLACEHOLDER.findall(entry.msgid)) == set(PLACEHOLDER.findall(translated)), entry.msgid


@pytest.mark.django_db
def test_pages_use_the_catalogue(defaults, client):
    html = client.get("/zh-hant/").content.decode()
    assert "登入" in html
    assert "登入" not in client.get("/en/").content.decode()


@pytest.mark.django_db
def test_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
