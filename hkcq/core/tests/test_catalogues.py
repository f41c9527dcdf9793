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


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_the_reader_is_addressed_with_ni_not_nin(path):
    """The platform says 你 in both scripts, as every app does: no catalogue says 您."""
    polite = [
        entry.msgid[:60]
        for entry in polib.pofile(str(path))
        if "您" in entry.msgstr or any("您" in text for text in entry.msgstr_plural.values())
    ]
    assert not polite, polite


@pytest.mark.parametrize("path", CATALOGUES, ids=_catalogue_id)
def test_a_side_is_named_with_its_place(path):
    """ "Side" as a label reads 所屬方/所属方 ("the side it belongs to"), not 方 alone, which is
    half of a word (香港方, 重庆方) with its place name missing."""
    bare = [entry.msgid for entry in polib.pofile(str(path)) if entry.msgstr.strip() == "方"]
    assert not bare, bare


@pytest.mark.django_db
def test_pages_use_the_catalogue(client):
    html = client.get("/zh-hant/").content.decode()
    assert "登入" in html
    assert "登入" not in client.get("/en/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "name"),
    [("en", "Hong Kong/Chongqing Co-operation Platform"), ("zh-hant", "港渝合作平台"), ("zh-hans", "港渝合作平台")],
)
def test_the_platform_name_is_in_the_readers_language(client, lang, name):
    html = client.get(f"/{lang}/").content.decode()
    assert f'class="navbar-brand site-brand" href="/{lang}/">{name}</a>' in html


@pytest.mark.django_db
def test_models_and_migrations_agree():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "service", "statistics", "open311", "footer"),
    [
        ("en", "Consulting service", "Enquiry statistics", "Open311 interface", "Co-operation Platform serves the"),
        ("zh-hant", "諮詢服務", "查詢統計", "Open311 介面", "港渝合作平台服務港渝合作會議。"),
        ("zh-hans", "咨询服务", "咨询统计", "Open311 接口", "港渝合作平台服务港渝合作会议。"),
    ],
)
def test_every_page_leads_to_the_service_its_statistics_and_open311(client, lang, service, statistics, open311, footer):
    html = client.get(f"/{lang}/").content.decode()
    nav, rest = html.split('id="main-nav"', 1)[1].split("</nav>", 1)
    page_footer = rest.split("<footer", 1)[1]
    assert f'href="/{lang}/help/ask/">{service}</a>' in nav
    assert f'<a href="/{lang}/enquiries/statistics/">{statistics}</a>' in page_footer
    assert f'<a href="/{lang}/open311/">{open311}</a>' in page_footer
    assert footer in page_footer
