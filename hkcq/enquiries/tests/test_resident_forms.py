"""What a resident sees on the enquiry pages: the personal-data notice in their language, the
reply language they are using, errors they can find and understand, and what happens next."""

import re

import pytest
from django.utils import translation

from hkcq.core.dates import show_due
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.tests.conftest import HK_UNIT

LANGS = ["en", "zh-hant", "zh-hans"]
NOTICE = {
    "en": "The information you give here is used only to handle your enquiry.",
    "zh-hant": "你在此提供的資料只會用於處理你的查詢。",
    "zh-hans": "你在此提供的信息只会用于处理你的咨询。",
}
HEADING = {"en": "Personal-data notice", "zh-hant": "個人資料收集聲明", "zh-hans": "个人信息收集声明"}
CONSENT_ERROR = {
    "en": "Please agree to the personal-data notice; we cannot handle the enquiry otherwise.",
    "zh-hant": "請同意個人資料收集聲明，否則我們無法處理你的查詢。",
    "zh-hans": "请同意个人信息收集声明，否则我们无法处理你的咨询。",
}
EMAIL_ERROR = {
    "en": "Enter a valid e-mail address, so we can reply to you.",
    "zh-hant": "請輸入有效的電郵地址，以便我們回覆你。",
    "zh-hans": "请输入有效的电子邮箱，以便我们回复你。",
}
# Django's own messages, which mixed languages on the form ("输入一个有效的 Email 地址。").
DJANGO_MESSAGES = [
    "This field is required.",
    "Enter a valid email address.",
    "Email",
    "这个字段是必填项",
    "這個欄位是必須的",
]


def _tag(html: str, name: str) -> str:
    """The opening tag of the input or textarea called ``name``."""
    match = re.search(rf'<(?:input|textarea|select)[^>]*name="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


def _key(client, lang: str) -> str:
    html = client.get(f"/{lang}/enquiries/new/").content.decode()
    return html.split('name="idempotency_key" value="')[1].split('"')[0]


@pytest.mark.parametrize("lang", LANGS)
def test_the_notice_is_in_the_page_language_with_the_others_folded_away(db, client, lang):
    html = client.get(f"/{lang}/enquiries/new/").content.decode()
    shown, _sep, rest = html.partition("<details")
    folded = rest.partition("</details>")[0]
    assert NOTICE[lang] in shown and shown.count(HEADING[lang]) == 1
    for other in set(LANGS) - {lang}:
        assert NOTICE[other] not in shown and NOTICE[other] in folded
    assert not folded.startswith(" open")  # closed until asked for
    # The heading is not repeated in front of the text.
    assert f"{HEADING[lang]}:" not in html and f"{HEADING[lang]}：" not in html


@pytest.mark.parametrize("lang", LANGS)
def test_reply_language_is_the_language_the_resident_is_using(db, client, resident, lang):
    resident.preferred_language = "en" if lang != "en" else "zh-hans"
    resident.save(update_fields=["preferred_language"])
    client.force_login(resident)
    html = client.get(f"/{lang}/enquiries/new/").content.decode()
    assert re.search(rf'<option value="{lang}" selected>', html)
    assert 'name="email"' in html and resident.email in html  # the account's address is still offered


@pytest.mark.parametrize("lang", LANGS)
def test_errors_are_clear_translated_marked_on_the_fields_and_summarised(db, client, route_to, lang):
    route_to(None)
    response = client.post(
        f"/{lang}/enquiries/new/",
        {"question": "My question", "email": "not-an-email", "language": lang, "idempotency_key": _key(client, lang)},
    )
    assert response.status_code == 200 and not Enquiry.objects.exists()
    html = response.content.decode()
    main = html.partition('<main id="main"')[2]
    for message in DJANGO_MESSAGES:
        assert message not in main, message
    assert CONSENT_ERROR[lang] in html and EMAIL_ERROR[lang] in html
    assert "My question" in html  # what was typed is kept

    email = _tag(html, "email")
    assert "is-invalid" in email and 'aria-invalid="true"' in email
    # the help text and the error, both
    assert 'aria-describedby="id_email_helptext id_email_error"' in email
    assert 'id="id_email_helptext"' in html and f'id="id_email_error">{EMAIL_ERROR[lang]}<' in html
    consent = _tag(html, "consent")
    assert (
        "is-invalid" in consent
        and 'aria-invalid="true"' in consent
        and 'aria-describedby="id_consent_error"' in consent
    )
    question = _tag(html, "question")
    assert "is-invalid" not in question and "aria-invalid" not in question

    # The summary comes first, can take the focus, and links each problem to its field; the
    # form sends the browser to it.
    assert f'<form method="post" action="/{lang}/enquiries/new/#error-summary"' in html
    summary = html.partition('id="error-summary"')[2].partition("</div>")[0]
    assert html.index('id="error-summary"') < html.index('name="question"')
    assert re.search(r'<div [^>]*id="error-summary" tabindex="-1"', html)
    assert 'href="#id_email"' in summary and EMAIL_ERROR[lang] in summary
    assert 'href="#id_consent"' in summary and CONSENT_ERROR[lang] in summary


def test_a_question_too_long_says_so_in_the_residents_words(db, client):
    html = client.post(
        "/zh-hant/enquiries/new/",
        {"question": "問" * 1001, "email": "a@example.org", "language": "zh-hant", "consent": "on"},
    ).content.decode()
    assert "問題請少於 1000 個字元；其他內容可寫在詳情。" in html


@pytest.mark.parametrize(
    ("lang", "saved", "sent"),
    [
        ("en", "Nothing has been saved yet.", "we have sent its tracking link to that address"),
        ("zh-hant", "資料尚未儲存", "我們已把追蹤連結發送到該電郵地址"),
        ("zh-hans", "内容尚未保存", "我们已把追踪链接发送到该电子邮箱"),
    ],
)
def test_the_find_form_is_a_search_and_does_not_talk_of_saving(db, client, make_case, lang, saved, sent):
    case = make_case()
    html = client.post(
        f"/{lang}/enquiries/find/", {"reference": case.reference, "email": "x@example.org"}, follow=True
    ).content.decode()
    assert sent in html and case.token not in html
    assert saved not in html
    bad = case.reference[:-1] + str((int(case.reference[-1]) + 1) % 10)
    html = client.post(f"/{lang}/enquiries/find/", {"reference": bad, "email": "x@example.org"}).content.decode()
    assert 'id="error-summary"' in html
    assert f'action="/{lang}/enquiries/find/#error-summary"' in html
    html = client.post(f"/{lang}/enquiries/find/", {"reference": "", "email": "nope"}).content.decode()
    assert 'href="#id_reference"' in html and 'href="#id_email"' in html and saved not in html


@pytest.mark.parametrize(
    ("lang", "due"), [("en", "Reply expected by"), ("zh-hant", "預計回覆日期"), ("zh-hans", "预计回复日期")]
)
def test_the_received_page_says_who_handles_it_and_when_a_reply_is_due(db, client, make_case, lang, due):
    case = make_case(unit=HK_UNIT)
    html = client.get(f"/{lang}/enquiries/track/{case.token}/received/").content.decode()
    with translation.override(lang):
        name = case.assigned_unit.name.show(lang).text
        # A deadline is the day it falls on (a Friday's is "Saturday 00:00", shown as Friday).
        date = show_due(case.reply_due)
    assert name in html and date in html and due in html


def test_the_received_page_without_a_unit_says_the_secretariat_passes_it_on(db, client, make_case):
    case = make_case(unit=None)
    html = client.get(f"/zh-hant/enquiries/track/{case.token}/received/").content.decode()
    assert "合作秘書處會把你的查詢轉交負責的政府單位" in html
    assert "預計回覆日期" in html  # the deadline still holds


def test_the_track_forms_send_the_browser_to_their_errors(db, client, make_case, officer_hk):
    from hkcq.enquiries import services

    case = make_case()
    response = client.post(f"/en/enquiries/track/{case.token}/reply/", {"body": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert f'action="/en/enquiries/track/{case.token}/reply/#error-summary"' in html
    assert 'id="error-summary"' in html and "Type your message." in html
    services.enquiry_accept(user=officer_hk, enquiry=case)
    services.enquiry_close(user=officer_hk, enquiry=case, outcome="answered", note="Renew it at the bureau.")
    response = client.post(f"/zh-hans/enquiries/track/{case.token}/rate/", {"service": "", "outcome": "9"})
    html = response.content.decode()
    assert html.count("请选择 1 至 5 分。") >= 2 and 'href="#id_service"' in html and 'id="id_service"' in html
    assert re.search(r'<fieldset class="mb-3" id="id_outcome" aria-describedby="id_outcome_error">', html)


def test_after_success_the_page_opens_at_its_top_not_at_the_error_summary(db, client, route_to, make_case):
    # Browsers keep a form action's #error-summary across a redirect without a fragment of its own.
    response = client.post(
        "/en/enquiries/new/",
        {
            "question": "How do I renew my Home Return Permit?",
            "email": "a@example.org",
            "language": "en",
            "consent": "on",
            "idempotency_key": _key(client, "en"),
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/received/#main")
    case = make_case()
    response = client.post(f"/en/enquiries/track/{case.token}/reply/", {"body": "More details"})
    assert response.status_code == 302 and response["Location"] == f"/en/enquiries/track/{case.token}/#main"
