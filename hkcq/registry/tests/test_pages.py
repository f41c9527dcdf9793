"""Every public registry page and every staff form, in English, Traditional and Simplified Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from hkcq.accounts.tests import personas
from hkcq.core.translated import TText
from hkcq.registry import services
from hkcq.registry.models import (
    Agreement,
    AgreementDocument,
    Area,
    Decision,
    Measure,
    Meeting,
    Organisation,
    Person,
    Unit,
)
from hkcq.registry.tests.factories import (
    AgreementFactory,
    MeasureFactory,
    MeetingFactory,
)

LANGS = ["en", "zh-hant", "zh-hans"]
HTML_LANG = {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}
# One interface string per language that every page carries (the search button).
SEARCH = {"en": "Search", "zh-hant": "搜尋", "zh-hans": "搜索"}
# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
officer_cq, officer_hk, secretariat_hk = personas.officer_cq, personas.officer_hk, personas.secretariat_hk


def _public_paths(world: dict[str, Any]) -> list[str]:
    with translation.override("en"):
        return _paths(world)


def _paths(world: dict[str, Any]) -> list[str]:
    paths = [
        "/",
        "/areas/",
        "/measures/",
        f"/measures/?area={world['area'].ext_id}",
        "/measures/?side=chongqing",
        f"/measures/?unit={world['unit'].ext_id}",
        "/meetings/",
        "/meetings/?kind=plenary",
        "/decisions/",
        "/decisions/?status=open",
        "/agreements/",
        "/agreements/?kind=memorandum",
        "/organisations/",
        "/organisations/?side=central",
        "/people/",
        "/units/",
        "/units/?side=hong_kong",
        "/search/?q=arbitration",
        "/search/?q=仲裁",
        "/search/?q=nothing-matches-this",
    ]
    for model in (Measure, Meeting, Decision, Agreement, Organisation, Person, Unit):
        for obj in model.objects.all()[:3]:
            paths.append(obj.get_absolute_url()[len("/en") :])
    paths += [area.get_absolute_url()[len("/en") :] for area in Area.objects.all()]
    return paths


@pytest.mark.parametrize("lang", LANGS)
def test_every_public_page_renders_in_each_language(world, client, lang):
    for path in _public_paths(world):
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, (lang, path)
        html = response.content.decode()
        assert f'<html class="no-js" lang="{HTML_LANG[lang]}">' in html, (lang, path)
        assert SEARCH[lang] in html, (lang, path)
        assert html.count("<h1") == 1, (lang, path)
        # The language switcher keeps you on the same page.
        for other in LANGS:
            if other != lang:
                assert f'href="/{other}{path.split("?")[0]}' in html, (lang, other, path)


@pytest.mark.parametrize("lang", LANGS)
def test_empty_lists_say_what_to_do(db, client, lang):
    for path in ("/measures/?unit=no-such-unit", "/meetings/?kind=communication", "/agreements/?kind=agreement"):
        html = client.get(f"/{lang}{path}").content.decode()
        assert "alert-info" in html and 'href="/' + lang in html.split("alert-info", 1)[1][:800], (lang, path)


def test_lists_are_paginated(db, client, settings):
    settings.PAGE_SIZE = 5
    MeasureFactory.create_batch(8)
    first = client.get("/en/measures/").content.decode()
    second = client.get("/en/measures/?page=2").content.decode()
    assert 'aria-label="Pagination"' in first or "pagination" in first
    links_1 = set(re.findall(r'href="/en/measures/([\w-]+)/"', first))
    links_2 = set(re.findall(r'href="/en/measures/([\w-]+)/"', second))
    assert len(links_1) == 5
    assert links_2 and not (links_1 & links_2)
    assert client.get("/en/measures/?page=999").status_code == 200


@pytest.mark.parametrize("lang", LANGS)
def test_staff_forms_render_in_each_language(world, secretariat_hk, lang):
    client = Client()
    client.force_login(secretariat_hk)
    area, measure, meeting = world["area"].ext_id, world["measure"].ext_id, world["meeting"]
    agreement, document = world["agreement"], world["document"]
    paths = [
        "/areas/new/",
        f"/areas/{area}/edit/",
        "/measures/new/",
        f"/measures/new/?area={area}",
        f"/measures/{measure}/edit/",
        f"/measures/{measure}/milestones/new/",
        "/meetings/new/",
        f"/meetings/{meeting.ext_id}/edit/",
        f"/meetings/{meeting.ext_id}/attendees/new/",
        f"/meetings/{meeting.ext_id}/decisions/new/",
        f"/decisions/{world['mine'].ext_id}/edit/",
        "/agreements/new/",
        f"/agreements/{agreement.ext_id}/edit/",
        f"/agreements/{agreement.ext_id}/events/new/",
        f"/agreements/{agreement.ext_id}/signatories/new/",
        f"/agreements/{agreement.ext_id}/clauses/new/",
        f"/agreements/{agreement.ext_id}/documents/new/",
        f"/agreements/{document.agreement.ext_id}/documents/{document.pk}/update/",
    ]
    for path in paths:
        response = client.get(f"/{lang}{path}")
        assert response.status_code == 200, (lang, path)
        html = response.content.decode()
        assert f'lang="{HTML_LANG[lang]}"' in html
        # Every visible input has a label.
        for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
            if input_id != "site-search":
                assert f'for="{input_id}"' in html, (lang, path, input_id)


@pytest.mark.parametrize(
    ("lang", "error"),
    [("en", "This field is required."), ("zh-hant", "必須填寫此欄。"), ("zh-hans", "此项为必填项。")],
)
def test_form_errors_are_translated_and_keep_what_was_typed(secretariat_hk, lang, error):
    client = Client()
    client.force_login(secretariat_hk)
    response = client.post(f"/{lang}/meetings/new/", {"ext_id": "wm-9", "kind": "working", "title_0": "Typed"})
    html = response.content.decode()
    assert response.status_code == 200
    assert error in html and 'value="Typed"' in html and 'value="wm-9"' in html
    assert not Meeting.objects.filter(ext_id="wm-9").exists()
    # The error summary lists each problem, linked to its field (it used to list nothing).
    summary = html.partition('id="error-summary"')[2].partition("</div>")[0]
    assert error in summary and re.search(r'href="#id_\w+"', summary)


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_title_shown_in_another_language_says_so(db, client, lang):
    """An English title left blank: the Chinese one is shown, marked with its language and a note."""
    measure = MeasureFactory.create(title=TText.of(zh_hant="只有中文的標題"))
    html = client.get(f"/{lang}/measures/{measure.ext_id}/").content.decode()
    head = html.partition("<h1")[2].partition("<dl")[0]
    if lang == "en":
        assert 'lang="zh-Hant">只有中文的標題' in head and "Not available in English" in head


@pytest.mark.parametrize(("lang", "other_lang"), [("zh-hant", "en"), ("zh-hans", "en"), ("en", "zh-Hant")])
def test_agenda_falling_back_to_another_language_carries_its_lang(db, client, lang, other_lang):
    meeting = MeetingFactory.create()
    agenda = {"en": "Opening\nSigning"} if other_lang == "en" else {"zh-hant": "開幕\n簽署"}
    meeting.agenda = agenda
    meeting.save()
    html = client.get(f"/{lang}/meetings/{meeting.ext_id}/").content.decode()
    assert f'<ol lang="{other_lang}"><li>' in html
    assert "translation-note" in html.split(f'<ol lang="{other_lang}">', 1)[1][:600]


def test_agenda_in_the_pages_language_has_no_lang_override(secretariat_hk, client):
    meeting = MeetingFactory.create()
    services.meeting_update(
        user=secretariat_hk, meeting=meeting, data={"agenda": {"en": "Opening\nSigning", "zh-hant": "開幕\n簽署"}}
    )
    html = client.get(f"/zh-hant/meetings/{meeting.ext_id}/").content.decode()
    assert "<ol><li>開幕</li><li>簽署</li></ol>" in html


def test_staff_see_edit_buttons_and_public_does_not(world, secretariat_hk, officer_hk):
    staff, officer, public = Client(), Client(), Client()
    staff.force_login(secretariat_hk)
    officer.force_login(officer_hk)
    area = world["area"].get_absolute_url()
    assert f"{area[3:]}edit/" in staff.get(area).content.decode()
    assert "/areas/new/" in staff.get("/en/areas/").content.decode()
    assert "/meetings/new/" in staff.get("/en/meetings/").content.decode()
    assert f"{area[3:]}edit/" not in public.get(area).content.decode()
    assert "/areas/new/" not in officer.get("/en/areas/").content.decode()
    # The officer sees the delivery edit on their unit's measure, not on another's.
    mine, other = world["measure"].ext_id, world["other"].ext_id
    assert f"/measures/{mine}/edit/" in officer.get(f"/en/measures/{mine}/").content.decode()
    assert f"/measures/{other}/edit/" not in officer.get(f"/en/measures/{other}/").content.decode()
    assert "Update follow-up" in officer.get(world["mine"].get_absolute_url()).content.decode()
    assert "Update follow-up" not in officer.get(world["theirs"].get_absolute_url()).content.decode()


def test_officer_records_a_milestone_as_achieved_through_the_pages(world, officer_hk):
    client = Client()
    client.force_login(officer_hk)
    measure = world["measure"]
    base = f"/en/measures/{measure.ext_id}"
    r = client.post(f"{base}/milestones/new/", {"title_0": "Pilot launched", "planned_on": "2024-03-01"})
    assert r.status_code == 302
    milestone = measure.milestones.get(planned_on="2024-03-01")
    html = client.get(f"{base}/").content.decode()
    assert f"/measures/{measure.ext_id}/milestones/{milestone.pk}/edit/" in html
    r = client.post(
        f"{base}/milestones/{milestone.pk}/edit/",
        {"title_0": "Pilot launched", "planned_on": "2024-03-01", "achieved_on": "2024-03-05"},
    )
    assert r.status_code == 302
    milestone.refresh_from_db()
    assert str(milestone.achieved_on) == "2024-03-05"
    # Another measure's milestone cannot be reached through this measure's address.
    other = world["other"].milestones.create(title={"en": "x"})
    assert client.get(f"{base}/milestones/{other.pk}/edit/").status_code == 404


def test_document_download(secretariat_hk, client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    agreement = AgreementFactory.create()
    document = services.document_upload(
        user=secretariat_hk,
        agreement=agreement,
        data={"title": {"en": "Annex"}, "language": "en"},
        upload=SimpleUploadedFile("annex.txt", b"Annex body", "text/plain"),
    )
    response = client.get(f"/en/agreements/{agreement.ext_id}/documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"Annex body"
    empty = AgreementDocument.objects.create(agreement=agreement, title={"en": "Not uploaded"}, language="en")
    assert client.get(f"/en/agreements/{agreement.ext_id}/documents/{empty.pk}/").status_code == 404


@pytest.mark.django_db
def test_the_header_search_box_keeps_only_a_registry_search(client):
    assert 'id="site-search" name="q" value="arbitration"' in client.get("/en/search/?q=arbitration").content.decode()
    assert 'id="site-search" name="q" value=""' in client.get("/en/help/ask/?q=permit").content.decode()
