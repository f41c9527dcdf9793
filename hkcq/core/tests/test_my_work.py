"""Staff land on "my work" after signing in: each app's share of their work, each count linking
to the list it counts (hkcq.core.mywork)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.core.choices import Side
from hkcq.enquiries import knowledge, services
from hkcq.enquiries.models import Enquiry
from hkcq.kb.models import Gap
from hkcq.progress.selectors import late_measures
from hkcq.registry.models import Measure, Unit
from hkcq.registry.tests.factories import MeasureFactory, UnitFactory
from hkcq.suggestions import services as suggestion_services

pytestmark = pytest.mark.django_db


def _counts(html: str, section: str) -> dict[str, tuple[str, int]]:
    """{label: (link, count)} of one section of the page."""
    block = html.split(f'data-section="{section}"', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(r'<a class="text-break" href="([^"]+)">([^<]+)</a> <span [^>]*data-count="(\d+)"', block)
    return {label.replace("&#x27;", "'"): (link.replace("&amp;", "&"), int(n)) for link, label, n in pairs}


def _case(monkeypatch, unit: Unit, question: str, reply_in_days: float) -> Enquiry:
    monkeypatch.setattr(knowledge, "ask", lambda q, lang, details="": knowledge.Suggestion(unit=unit, answered=False))
    enquiry = services.enquiry_submit(
        filing=services.Filing(question=question, email="r@example.org", consent=True)
    ).enquiry
    Enquiry.objects.filter(pk=enquiry.pk).update(reply_due=timezone.now() + dt.timedelta(days=reply_in_days))
    return enquiry


def test_staff_land_on_my_work_and_residents_on_the_home_page(client):
    for username, role, side in (("w-officer", "officer", "chongqing"), ("w-resident", "resident", "")):
        User.objects.create_user(username, f"{username}@example.org", "a-long-password-1", role=role, side=side)
    response = client.post("/en/account/sign-in/", {"username": "w-officer", "password": "a-long-password-1"})
    assert response.status_code == 302 and response["Location"] == "/en/my-work/"
    client.post("/en/account/sign-out/")
    response = client.post("/zh-hant/account/sign-in/", {"username": "w-resident", "password": "a-long-password-1"})
    assert response["Location"] == "/zh-hant/my-work/"
    home = client.get("/zh-hant/my-work/")
    assert home.status_code == 302 and home["Location"] == "/zh-hant/"


def test_signed_out_visitors_are_asked_to_sign_in(client):
    response = client.get("/en/my-work/")
    assert response.status_code == 302 and response["Location"].startswith("/en/account/sign-in/?next=")


def test_an_officer_sees_their_units_cases_by_due_date(client, officer_cq, monkeypatch):
    officer = officer_cq
    unit, other_unit = officer.units.get(), UnitFactory.create(side=Side.CHONGQING)
    later = _case(monkeypatch, unit, "Renew my permit, case A", 5)
    sooner = _case(monkeypatch, unit, "Renew my permit, case B", 1)
    overdue = _case(monkeypatch, unit, "Renew my permit, case C", -1)
    elsewhere = _case(monkeypatch, other_unit, "Trade fair stand, case D", 0.5)
    client.force_login(officer)
    html = client.get("/en/my-work/").content.decode()
    positions = [html.index(e.reference) for e in (overdue, sooner, later)]
    assert positions == sorted(positions)
    assert elsewhere.reference not in html
    counts = _counts(html, "enquiries")
    link, count = counts["Open cases"]
    assert count == 3
    listed = client.get(link).content.decode()
    assert all(e.reference in listed for e in (later, sooner, overdue)) and elsewhere.reference not in listed
    link, count = counts["Overdue"]
    assert count == 1
    listed = client.get(link).content.decode()
    assert overdue.reference in listed and sooner.reference not in listed


def test_an_officer_sees_the_measures_their_unit_leads_and_their_updates(client, officer_hk):
    officer = officer_hk
    MeasureFactory.create_batch(2, lead_unit_hk=officer.units.get())
    MeasureFactory.create().supporting_units.add(officer.units.get())
    MeasureFactory.create()  # another unit's
    client.force_login(officer)
    html = client.get("/en/my-work/").content.decode()
    measures = _counts(html, "measures")
    assert len(measures) == 1
    ((link, count),) = measures.values()
    unit = officer.units.get()
    expected = Measure.objects.filter(lead_unit_hk=unit) | Measure.objects.filter(supporting_units=unit)
    assert count == expected.distinct().count() == 3
    listed = client.get(link).content.decode()
    for measure in expected.distinct():
        assert f'href="{measure.get_absolute_url()}"' in listed
    progress = _counts(html, "progress")
    assert set(progress) == {"Drafts", "Returned", "Awaiting the other side"}
    assert 'data-section="kb"' not in html  # gaps are the secretariat's


def test_the_secretariat_sees_moderation_updates_late_items_and_gaps(client, secretariat_hk):
    secretariat = secretariat_hk
    suggestion_services.suggestion_submit(
        title="Cross-border coaches", text="More coaches to Kowloon", user=None, language="en"
    )
    Gap.objects.create(question="Can I bring my cat to Chongqing?", language="en", source="ask")
    client.force_login(secretariat)
    html = client.get("/en/my-work/").content.decode()
    link, count = _counts(html, "suggestions")["Suggestions to moderate"]
    assert count == 1 and "Cross-border coaches" in client.get(link).content.decode()
    link, count = _counts(html, "kb")["Unanswered questions"]
    assert count == Gap.objects.filter(resolved=False).count() >= 1
    assert client.get(link).status_code == 200
    progress = _counts(html, "progress")
    assert {"To confirm (other side)", "To publish (my side)", "Late measures", "Stale measures"} <= set(progress)
    link, count = progress["Late measures"]
    assert count == late_measures().count()
    assert client.get(link).status_code == 200
    assert "Your units' open cases" not in html  # rows are for officers; the secretariat gets the counts


@pytest.mark.parametrize(
    ("lang", "heading", "english"),
    [("zh-hant", "我的工作", "Open cases"), ("zh-hans", "我的工作", "Open cases"), ("en", "My work", "未結束")],
)
def test_my_work_speaks_the_pages_language(client, officer_cq, lang, heading, english):
    client.force_login(officer_cq)
    html = client.get(f"/{lang}/my-work/").content.decode()
    assert f'<h1 class="h2">{heading}</h1>' in html
    main = html.split('id="main"', 1)[1]
    assert english not in main
    for label in ("Drafts", "Returned", "Awaiting the other side", "Measures"):
        if lang != "en":
            assert f">{label}<" not in main, (lang, label)
