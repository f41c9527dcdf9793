"""The journey through the pages in each language: with the real knowledge base (the default
data) for the routing, and with factory-made cases for the rest."""

import re

import pytest
from django.core import mail
from django.test import Client

from hkcq.core.errors import InvalidInput
from hkcq.enquiries.models import CannedReply, Enquiry
from hkcq.enquiries.tests.conftest import CQ_UNIT
from hkcq.kb.models import Gap
from hkcq.kb.tests.factories import PERMIT_RENEWAL

LANGS = ["en", "zh-hant", "zh-hans"]
HEADINGS = {
    "en": ("Ask the consulting service", "Enquiry received", "Enquiry queue", "Reply to the resident"),
    "zh-hant": ("向諮詢服務查詢", "已收到查詢", "查詢個案列表", "回覆居民"),
    "zh-hans": ("向咨询服务提问", "已收到咨询", "咨询个案列表", "回复居民"),
}


def _submit(client, lang, question, **extra):
    html = client.get(f"/{lang}/enquiries/new/", {"q": question}).content.decode()
    key = html.split('name="idempotency_key" value="')[1].split('"')[0]
    data = {
        "question": question,
        "email": "wong@example.org",
        "language": lang,
        "consent": "on",
        "idempotency_key": key,
    }
    data.update(extra)
    return html, client.post(f"/{lang}/enquiries/new/", data)


@pytest.mark.seed  # routed by the real knowledge base
@pytest.mark.parametrize("lang", LANGS)
def test_resident_and_officer_journey_in_each_language(
    lang, defaults, officer_cq, django_user_model, django_capture_on_commit_callbacks
):
    # The exit-entry unit gets an officer for this test.
    officer = django_user_model.objects.create_user(
        "exit-entry-officer", "ee@example.org", "pw-123456789", role="officer", side="chongqing"
    )
    from hkcq.registry.models import Unit

    officer.units.add(Unit.objects.get(ext_id="cq_exit_entry"))
    resident = Client()
    with django_capture_on_commit_callbacks(execute=True):
        form_html, response = _submit(resident, lang, "我想renew個回鄉證")
    assert HEADINGS[lang][0] in form_html
    case = Enquiry.objects.get()
    # routed by the knowledge base
    assert case.suggested_unit.ext_id == "cq_exit_entry" and case.assigned_unit == case.suggested_unit
    assert case.kb_answered and not Gap.objects.exists()
    received = resident.get(response["Location"]).content.decode()
    assert HEADINGS[lang][1] in received and case.reference in received
    assert any(case.reference in m.subject and m.to == ["wong@example.org"] for m in mail.outbox)
    assert any(m.to == ["ee@example.org"] for m in mail.outbox)  # the unit is told

    staff = Client()
    staff.force_login(officer)
    queue = staff.get(f"/{lang}/enquiries/queue/").content.decode()
    assert HEADINGS[lang][2] in queue and case.reference in queue
    staff.post(f"/{lang}/enquiries/case/{case.reference}/accept/")
    page = staff.get(f"/{lang}/enquiries/case/{case.reference}/").content.decode()
    assert HEADINGS[lang][3] in page and "mtp-renewal" in page  # citable entries offered
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/{lang}/enquiries/case/{case.reference}/reply/",
            {"body": "Renew it at the exit-entry office.", "citations": ["mtp-renewal"]},
        )
    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.to == ["wong@example.org"] and f"/{lang}/enquiries/track/{case.token}/" in notice.body

    # the resident reads the reply with the cited entry linked in their language
    track = resident.get(f"/en/enquiries/track/{case.token}/").content.decode()
    assert "Renew it at the exit-entry office." in track
    assert f'href="/{lang}/help/entries/mtp-renewal/"' in track  # the resident's language, not the page's
    staff.post(f"/{lang}/enquiries/case/{case.reference}/close/", {"outcome": "answered", "confirm": "on"})
    track = resident.get(f"/{lang}/enquiries/track/{case.token}/").content.decode()
    assert 'name="service"' in track
    resident.post(f"/{lang}/enquiries/track/{case.token}/rate/", {"service": "4", "outcome": "5", "comment": ""})
    case.refresh_from_db()
    assert (case.status, case.service_rating, case.outcome_rating) == ("closed", 4, 5)
    track = resident.get(f"/{lang}/enquiries/track/{case.token}/").content.decode()
    assert 'name="service"' not in track


def test_citation_links_follow_the_readers_language(officer_cq, make_case, citable, client):
    from hkcq.enquiries import services

    case = make_case(unit=CQ_UNIT, language="zh-hans")
    services.enquiry_accept(user=officer_cq, enquiry=case)
    services.enquiry_reply(user=officer_cq, enquiry=case, body="见条目", citations=[PERMIT_RENEWAL])
    html = client.get(f"/zh-hans/enquiries/track/{case.token}/").content.decode()
    assert f'href="/zh-hans/help/entries/{PERMIT_RENEWAL}/"' in html
    api = client.get(f"/api/v1/enquiries/track/{case.token}").json()
    [citation] = api["messages"][0]["citations"]
    assert citation["url"] == f"/zh-hans/help/entries/{PERMIT_RENEWAL}/"
    assert citation["title"] == "续领港澳居民来往内地通行证（回乡证）"
    with pytest.raises(InvalidInput) as exc:
        services.enquiry_reply(user=officer_cq, enquiry=case, body="x", citations=["no-such-entry"])
    assert "no-such-entry" in str(exc.value.details["citations"])
    assert case.messages.count() == 1


def test_an_unanswered_question_becomes_a_gap(db, client):
    _submit(client, "en", "Can I bring my cat on the moon rocket?")
    case = Enquiry.objects.get()
    assert not case.kb_answered
    gap = Gap.objects.get()
    assert gap.source == "enquiry" and "cat" in gap.question


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_renders(lang, make_case, officer_hk, secretariat_hk, resident):
    case = make_case(user=resident)
    canned = CannedReply.objects.create(title={"en": "Permit", "zh-hant": "證件"}, body={"en": "Hello"})
    anonymous, officer, secretariat, owner = Client(), Client(), Client(), Client()
    officer.force_login(officer_hk)
    secretariat.force_login(secretariat_hk)
    owner.force_login(resident)
    pages = [
        (anonymous, "enquiries/new/"),
        (anonymous, "enquiries/find/"),
        (anonymous, f"enquiries/track/{case.token}/"),
        (anonymous, f"enquiries/track/{case.token}/received/"),
        (owner, "enquiries/mine/"),
        (officer, "enquiries/queue/"),
        (officer, "enquiries/queue/?status=open&due=overdue&language=en"),
        (officer, f"enquiries/case/{case.reference}/"),
        (secretariat, f"enquiries/case/{case.reference}/"),
        (secretariat, "enquiries/canned/"),
        (secretariat, "enquiries/canned/new/"),
        (secretariat, f"enquiries/canned/{canned.pk}/"),
    ]
    for client, path in pages:
        response = client.get(f"/{lang}/{path}")
        assert response.status_code == 200, path
        html_lang = {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}[lang]
        assert f' lang="{html_lang}">\n<head>' in response.content.decode()
    assert anonymous.get(f"/{lang}/enquiries/track/wrong-token/").status_code == 404


def test_the_queue_names_a_cases_language_as_its_filter_does(officer_cq, route_to):
    """Both the column and the filter say 英文 on a Chinese page (the column said English)."""
    route_to(CQ_UNIT)
    _submit(Client(), "zh-hant", "How do I open a bank account?", language="en")
    staff = Client()
    staff.force_login(officer_cq)
    queue = staff.get("/zh-hant/enquiries/queue/").content.decode()
    table = queue.split("<table", 1)[1].split("</table>", 1)[0]
    assert '<option value="en">英文</option>' in queue
    assert re.search(r"<td[^>]*>英文</td>", table) and "English" not in table
