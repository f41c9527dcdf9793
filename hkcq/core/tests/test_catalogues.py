import re
from pathlib import Path

import polib
import pytest

from hkcq.core.management.commands.compile_translations import catalogue_paths

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
CATALOGUES = catalogue_paths()


def _catalogue_id(path: Path) -> str:
    return f"{path.parts[-5]}-{path.parts[-3]}"


def test_every_catalogue_folder_has_both_chinese_scripts():
    folders: dict[Path, set[str]] = {}
    for path in CATALOGUES:
        folders.setdefault(path.parents[2], set()).add(path.parts[-3])
    assert folders, "no catalogues found"
    for folder, languages in folders.items():
        assert languages == {"zh_Hant", "zh_Hans"}, folder


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_every_interface_string_is_translated_with_the_same_placeholders(path):
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
@pytest.mark.parametrize(
    ("lang", "name"),
    [("en", "Hong Kong/Chongqing Co-operation Platform"), ("zh-hant", "港渝合作平台"), ("zh-hans", "港渝合作平台")],
)
def test_the_platform_name_is_in_the_readers_language(defaults, client, lang, name):
    html = client.get(f"/{lang}/").content.decode()
    assert f'class="navbar-brand site-brand" href="/{lang}/">{name}</a>' in html


@pytest.mark.django_db
def test_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
