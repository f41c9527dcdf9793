"""Adding a member to an organisation: its members, and the facilitators of its side (a firm asks
its desk to bring a colleague in). Recorded in the membership's history with who added them; the
person is told in their own language, and when a facilitator added them so are the organisation's
members; anyone else is refused and nothing changes."""

import pytest
from django.core import mail

from hkcq.core.errors import NotPermitted
from hkcq.core.tests.test_rendered_wording import problems, visible_text
from hkcq.notifications.models import Notification
from hkcq.partnering import selectors, services
from hkcq.partnering.models import Membership
from hkcq.partnering.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGS = ["en", "zh-hant", "zh-hans"]
ADDED_SUBJECT = {"en": "You are now a member of", "zh-hant": "你現在是", "zh-hans": "你现在是"}
OTHERS_SUBJECT = {"en": "A facilitator added a member to", "zh-hant": "配對服務單位為", "zh-hans": "对接服务单位为"}


def _state():
    return sorted(Membership.objects.values_list("pk", "profile_id", "user_id", "left_at"))


@pytest.mark.parametrize("lang", LANGS)
def test_a_facilitator_of_the_side_adds_a_member_told_in_their_language(
    lang, member, profile, facilitator_cq, django_capture_on_commit_callbacks
):
    member.preferred_language = "zh-hant" if lang == "en" else "en"  # the members read another language
    member.save()
    person = UserFactory(
        username=f"new-colleague-{lang}", first_name="Chan Siu Ming", role="resident", preferred_language=lang
    )
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.member_add(user=facilitator_cq, profile=profile, email_or_username=person.email)
    assert membership.user == person and membership.added_by == facilitator_cq
    assert set(selectors.current_members(profile).values_list("user_id", flat=True)) == {member.pk, person.pk}
    person.refresh_from_db()
    assert person.role == "org_member"
    record = membership.history.get()
    assert record.history_type == "+" and record.history_user == facilitator_cq
    # the person, in their language; the other member, in theirs
    told = Notification.objects.get(recipient=person)
    assert told.title.startswith(ADDED_SUBJECT[lang]) and told.language == lang
    assert told.url.startswith(f"/{lang}/partnering/organisations/{profile.pk}/")
    others = Notification.objects.get(recipient=member)
    assert others.title.startswith(OTHERS_SUBJECT[member.preferred_language])
    assert "Chan Siu Ming" in others.body
    for note in (told, others):
        if note.language != "en":  # the glossary's words and the language's punctuation
            assert not problems(f"{note.title}\n{note.body}", note.language)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([person.email, member.email])
    # adding them again changes nothing and tells nobody again
    before = _state()
    services.member_add(user=facilitator_cq, profile=profile, email_or_username=person.username)
    assert _state() == before and Notification.objects.filter(recipient=person).count() == 1


def test_a_member_adding_a_colleague_tells_the_colleague_only(member, profile, django_capture_on_commit_callbacks):
    colleague = UserFactory(username="colleague-zh", role="resident", preferred_language="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        services.member_add(user=member, profile=profile, email_or_username=colleague.username)
    told = Notification.objects.get(recipient=colleague)
    assert told.title.startswith("你现在是") and "已在合作对接服务中将你添加为" in told.body
    assert not Notification.objects.filter(recipient=member).exists()
    assert [m.to for m in mail.outbox] == [[colleague.email]]


def test_others_are_refused_and_nothing_changes(
    member, profile, other_member, facilitator_hk, plain_officer_cq, secretariat_hk, resident
):
    person = UserFactory(username="would-be-member", role="resident")
    before = _state()
    for user in (other_member, facilitator_hk, plain_officer_cq, secretariat_hk, resident):
        with pytest.raises(NotPermitted):
            services.member_add(user=user, profile=profile, email_or_username=person.username)
    assert _state() == before and not Notification.objects.exists()


@pytest.mark.parametrize("lang", LANGS)
def test_the_profile_page_offers_the_facilitator_the_form(client, lang, member, profile, facilitator_cq, settings):
    texts = {
        "en": ("Add a member", "As a facilitator of its side"),
        "zh-hant": ("加入成員", "你是這個機構所屬一方的配對服務單位"),
        "zh-hans": ("添加成员", "你是这个机构所属一方的对接服务单位"),
    }
    client.force_login(facilitator_cq)
    page = client.get(f"/{lang}/partnering/organisations/{profile.pk}/").content.decode()
    button, note = texts[lang]
    assert button in page and note in page
    if lang != "en":
        assert not problems(visible_text(page, lang), lang)
    assert member.username in page  # the current members are listed for the facilitator
    assert f"/partnering/organisations/{profile.pk}/edit/" not in page  # but not the edit button
    person = UserFactory(username=f"page-colleague-{lang}", role="resident")
    r = client.post(f"/{lang}/partnering/organisations/{profile.pk}/members/", {"member": person.username})
    assert r.status_code == 302 and r["Location"] == f"/{lang}/partnering/organisations/{profile.pk}/"
    assert Membership.objects.filter(profile=profile, user=person, added_by=facilitator_cq).exists()


def test_the_api_lets_the_facilitator_add_a_member(client, profile, facilitator_cq):
    person = UserFactory(username="api-colleague", role="resident")
    client.force_login(facilitator_cq)
    r = client.post(
        f"/api/v1/organisation-profiles/{profile.pk}/members",
        {"member": person.username},
        content_type="application/json",
    )
    assert r.status_code == 201
    assert r.json()["organisation"] == profile.pk and r.json()["user"] == "api-colleague"


def test_the_facilitator_of_the_other_side_sees_no_form(client, profile, facilitator_hk):
    profile.verified_at = profile.created_at
    profile.save()
    client.force_login(facilitator_hk)
    page = client.get(f"/en/partnering/organisations/{profile.pk}/").content.decode()
    assert "Add a member" not in page
