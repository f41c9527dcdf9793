"""Pages of the knowledge base in the three languages, the ask flow with and without htmx,
staff editing, and the gaps page."""

import math

import pytest
from django.test import Client

from hkcq.core.translated import TText
from hkcq.kb.loading import review_note_text
from hkcq.kb.models import Entry, Feedback, Gap, Topic
from hkcq.kb.services import gap_record
from hkcq.kb.tests.factories import LEGAL_AID, PERMIT_RENEWAL, EntryFactory, citable_entries_make
from hkcq.registry.tests.factories import UnitFactory

LANGS = ["en", "zh-hant", "zh-hans"]
# As the sample entries have it (hkcq.kb.loading): in English, with a labelled machine translation.
SAMPLE_NOTE = "Sample content for demonstration; verify with the responsible unit before publication."
SOURCE = "National Immigration Administration, guidance on renewal of Mainland Travel Permits"


@pytest.fixture
def entries(db):
    """The permit renewal and legal aid entries, of an exit-entry bureau, with a review note and a
    source as the sample entries have them."""
    unit = UnitFactory.create(
        name={
            "en": "Exit and Entry Administration Bureau",
            "zh-hant": "重慶市公安局出入境管理局",
            "zh-hans": "重庆市公安局出入境管理局",
        }
    )
    made = citable_entries_make(unit)
    Entry.objects.filter(pk=made[PERMIT_RENEWAL].pk).update(
        review_note=review_note_text(SAMPLE_NOTE), source=TText.of(en=SOURCE)
    )
    return made


@pytest.mark.parametrize(
    ("lang", "heading", "title"),
    [
        ("en", "Consulting service for Hong Kong residents in Chongqing", "Renewing your Mainland Travel Permit"),
        ("zh-hant", "在渝香港居民諮詢服務", "續領港澳居民來往內地通行證"),
        ("zh-hans", "在渝香港居民咨询服务", "续领港澳居民来往内地通行证"),
    ],
)
def test_entry_list_in_each_language(entries, client, lang, heading, title):
    html = client.get(f"/{lang}/help/?topic=identity_travel").content.decode()
    assert heading in html
    assert title in html


def test_entry_list_is_paginated(db, client, settings):
    settings.PAGE_SIZE = 10
    EntryFactory.create_batch(21)
    pages = math.ceil(Entry.objects.filter(state=Entry.State.PUBLISHED).count() / 10)  # 3 without the default data
    html = client.get("/en/help/").content.decode()
    assert f"Page 1 of {pages}" in html
    assert client.get(f"/en/help/?page={pages}").status_code == 200


def test_empty_list_says_what_to_do(db, client, secretariat_hk):
    client.force_login(secretariat_hk)
    html = client.get("/en/help/?state=draft").content.decode()
    assert "No entries here yet." in html


@pytest.mark.parametrize(
    ("lang", "note", "unit"),
    [
        (
            "en",
            "<strong>Review note:</strong> Sample content for demonstration",
            "Exit and Entry Administration Bureau",
        ),
        (
            "zh-hant",
            "<strong>審核備註：</strong>此為示範用的樣本內容；正式發布前請向負責單位核實。",
            "重慶市公安局出入境管理局",
        ),
        (
            "zh-hans",
            "<strong>审核备注：</strong>此为示范用的样本内容；正式发布前请向负责单位核实。",
            "重庆市公安局出入境管理局",
        ),
    ],
)
def test_entry_page_shows_review_note_unit_dates_and_history(entries, client, lang, note, unit):
    html = client.get(f"/{lang}/help/entries/{PERMIT_RENEWAL}/").content.decode()
    assert note in html
    assert (lang == "en") == ("Sample content for demonstration" in html)
    assert unit in html
    assert 'id="history-heading"' in html
    assert (
        "How do I renew my Home Return Permit in Chongqing?" in html
        or "回鄉證點樣續領？" in html
        or "回乡证点样续领？" in html
    )


def test_simplified_page_labels_converted_text(db, client):
    # As the sample entries are loaded (hkcq.kb.loading): written in English and Traditional
    # Chinese, the Simplified converted; the review note a labelled machine translation.
    entry = EntryFactory.create(
        title=TText.of(en="Renewing your Home Return Permit", zh_hant="續領回鄉證"),
        body=TText.of(
            en="The Mainland Travel Permit for Hong Kong and Macao Residents, commonly called the Home Return Permit.",
            zh_hant="港澳居民來往內地通行證（俗稱回鄉證）成人有效期為10年。",
        ),
        review_note=review_note_text(SAMPLE_NOTE),
    )
    html = client.get(f"/zh-hans/help/entries/{entry.slug}/").content.decode()
    assert "港澳居民来往内地通行证（俗称回乡证）" in html
    assert "translation-note" in html
    # The body was converted from human Traditional Chinese; the review note from a machine
    # translation, which is what its note says (not a second "converted" note).
    assert html.count("由繁体中文自动转换") == 1
    review_note = html[html.index('aria-label="审核备注"') : html.index("</aside>")]
    assert "机器翻译，有待审阅。" in review_note and "自动转换" not in review_note


def test_unpublished_and_unknown_entries_are_not_found_by_the_public(entries, client):
    assert client.get(f"/en/help/entries/{LEGAL_AID}/").status_code == 200
    Entry.objects.filter(slug=LEGAL_AID).update(state=Entry.State.DRAFT)
    assert client.get(f"/en/help/entries/{LEGAL_AID}/").status_code == 404
    assert client.get("/en/help/entries/nope/").status_code == 404


def test_expired_entry_page_says_it_is_no_longer_in_force(entries, client):
    import datetime as dt

    Entry.objects.filter(slug=LEGAL_AID).update(effective_to=dt.date(2020, 1, 1))
    html = client.get(f"/en/help/entries/{LEGAL_AID}/").content.decode()
    assert "no longer in force" in html


@pytest.mark.parametrize("lang", LANGS)
def test_ask_page_without_javascript_in_each_language(entries, client, lang):
    html = client.get(f"/{lang}/help/ask/").content.decode()
    assert 'name="q"' in html and 'hx-get="' in html
    html = client.get(f"/{lang}/help/ask/", {"q": "我想renew個回鄉證"}).content.decode()
    assert f"/help/entries/{PERMIT_RENEWAL}/" in html
    assert f"/{lang}/enquiries/new/?q=" in html
    assert f'name="entry" value="{PERMIT_RENEWAL}"' in html


def test_ask_partial_for_htmx(db, client):
    entry = EntryFactory.create(
        topic=Topic.TRANSPORT_DRIVING,
        title={"en": "Converting your Hong Kong driving licence", "zh-hant": "換領香港駕駛執照"},
        body={"en": "Convert your driving licence at the vehicle administration office."},
    )
    response = client.get("/en/help/ask/", {"q": "driving licence"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert f"/en/help/entries/{entry.slug}/" in html


def test_empty_question_shows_a_translated_error(db, client):
    html = client.get("/zh-hant/help/ask/", {"q": ""}).content.decode()
    assert "請輸入問題。" in html


def test_unanswered_question_is_recorded_once_and_offers_an_enquiry(db, client):
    q = "Which hotpot restaurant in Chongqing is the most authentic?"
    html = client.get("/en/help/ask/", {"q": q}).content.decode()
    assert "We could not find an answer" in html
    assert "/en/enquiries/new/?q=Which+hotpot" in html
    client.get("/en/help/ask/", {"q": q})
    assert Gap.objects.filter(question=q, source="ask").count() == 1


def test_this_answered_my_question_is_recorded(entries, client):
    response = client.post("/zh-hant/help/ask/answered/", {"entry": PERMIT_RENEWAL, "q": "回鄉證續期"})
    assert response.status_code == 302 and response["Location"] == f"/zh-hant/help/entries/{PERMIT_RENEWAL}/"
    feedback = Feedback.objects.get()
    assert feedback.entry.slug == PERMIT_RENEWAL and feedback.language == "zh-hant" and feedback.helpful
    response = client.post("/en/help/ask/answered/", {"entry": PERMIT_RENEWAL, "q": "x"}, HTTP_HX_REQUEST="true")
    assert "Thank you" in response.content.decode()
    assert client.post("/en/help/ask/answered/", {"entry": "nope"}).status_code == 404


def test_officer_edits_an_entry_of_their_unit_and_it_goes_to_review(officer_hk, unit_hk):
    EntryFactory.create(slug="test-office-services", topic=Topic.GENERAL, unit=unit_hk)
    client = Client()
    client.force_login(officer_hk)
    html = client.get("/en/help/entries/test-office-services/edit/").content.decode()
    assert 'name="title_0"' in html
    data = {
        "slug": "test-office-services",
        "topic": "general",
        "title_0": "The Chengdu office",
        "title_1": "駐成都辦",
        "title_2": "",
        "question_forms_0": "",
        "question_forms_1": "",
        "question_forms_2": "",
        "body_0": "It serves Chongqing.",
        "body_1": "",
        "body_2": "",
        "unit": Entry.objects.get(slug="test-office-services").unit_id,
        "area": "",
        "source_0": "",
        "source_1": "",
        "source_2": "",
        "effective_from": "",
        "effective_to": "",
        "review_note_0": "Checked.",
        "review_note_1": "",
        "review_note_2": "",
    }
    response = client.post("/en/help/entries/test-office-services/edit/", data)
    assert response.status_code == 302
    entry = Entry.objects.get(slug="test-office-services")
    assert entry.title.en == "The Chengdu office" and entry.title.zh_hans == "驻成都办"
    assert entry.state == Entry.State.IN_REVIEW
    html = client.get("/en/help/entries/test-office-services/").content.decode()
    assert "In review" in html and "Checked." in html

    # Bad dates: the form keeps what was typed, shows the error, saves nothing.
    data.update({"title_0": "Typed title", "effective_from": "2025-05-01", "effective_to": "2025-01-01"})
    html = client.post("/en/help/entries/test-office-services/edit/", data).content.decode()
    assert "The end date must not be before the start date." in html
    assert "Typed title" in html
    assert Entry.objects.get(slug="test-office-services").title.en == "The Chengdu office"


def test_secretariat_publishes_and_history_records_it(entries, secretariat_cq):
    Entry.objects.filter(slug=LEGAL_AID).update(state=Entry.State.IN_REVIEW)
    client = Client()
    client.force_login(secretariat_cq)
    response = client.post(f"/zh-hans/help/entries/{LEGAL_AID}/publish/")
    assert response.status_code == 302
    assert Entry.objects.get(slug=LEGAL_AID).state == Entry.State.PUBLISHED
    html = client.get(f"/zh-hans/help/entries/{LEGAL_AID}/").content.decode()
    assert "Published" in html  # the change reason, shown to staff


@pytest.mark.parametrize("lang", LANGS)
def test_gaps_page_groups_similar_questions(secretariat_hk, lang):
    gap_record("Can I bring my dog to Chongqing?", "en", "ask")
    gap_record("dog quarantine when moving to Chongqing", "en", "enquiry")
    gap_record("重慶邊度睇演唱會", "zh-hant", "ask")
    client = Client()
    client.force_login(secretariat_hk)
    html = client.get(f"/{lang}/help/gaps/").content.decode()
    assert "Can I bring my dog to Chongqing?" in html and "重慶邊度睇演唱會" in html
    assert html.count('class="card mb-3"') == 2
    gap_ids = ",".join(str(g.pk) for g in Gap.objects.filter(question__icontains="dog"))
    client.post(f"/{lang}/help/gaps/resolve/", {"ids": gap_ids})
    assert Gap.objects.filter(resolved=False).count() == 1


def test_gap_record_validates_its_input(db):
    from hkcq.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        gap_record("", "en", "ask")
    with pytest.raises(InvalidInput):
        gap_record("question", "en", "elsewhere")
    gap_record("question", "zh_Hant", "enquiry")
    assert Gap.objects.get().language == "zh-hant"


def test_help_link_in_navigation(db, client):
    html = client.get("/en/").content.decode()
    assert 'href="/en/help/ask/"' in html


@pytest.mark.parametrize(
    ("lang", "provenance", "source_note"),
    [
        ("en", None, None),
        ("zh-hant", "機器翻譯，有待審閱。", "沒有繁體中文版本；現以英文顯示。"),
        ("zh-hans", "机器翻译，有待审阅。", "没有简体中文版本；现以英文显示。"),
    ],
)
def test_review_note_and_source_say_where_their_text_comes_from(entries, client, lang, provenance, source_note):
    """The review note is stored in three languages (Traditional a labelled machine translation,
    Simplified converted from it, so still labelled a machine translation); the source, a citation in English only, is marked as such."""
    entry = Entry.objects.get(slug=PERMIT_RENEWAL)
    assert entry.review_note.origins == {"en": "human", "zh-hant": "machine", "zh-hans": "converted"}
    html = client.get(f"/{lang}/help/entries/{PERMIT_RENEWAL}/").content.decode()
    note = html.split('aria-label="', 1)[1].split("</aside>")[0]
    source = html.split("National Immigration Administration", 1)[1].split("</dd>")[0]
    if provenance is None:
        assert "translation-note" not in note and "translation-note" not in source
    else:
        assert provenance in note
        assert source_note in source and '<span lang="en">National Immigration' in html
