"""Moderation rules: nothing public before approval; redaction; merging keeps every voice;
official responses and their status rules; every action recorded; submitters told."""

import pytest
from django.core import mail

from hkcq.accounts.tests.personas import HK_UNIT
from hkcq.core.errors import InvalidInput
from hkcq.core.text import MASK
from hkcq.registry.tests.factories import AreaFactory, MeasureFactory
from hkcq.suggestions import selectors, services
from hkcq.suggestions.models import ModerationAction, Suggestion, Support
from hkcq.suggestions.references import reference_normalise
from hkcq.suggestions.tests.factories import SuggestionFactory

from .conftest import publish, submit

PERSONAL = "Call me on 9123 4567 or see my HKID A123456(7)."


def test_a_pending_suggestion_is_nowhere_public(db, client, secretariat_hk):
    s = submit(title="Bus lanes near Jiefangbei", text="More buses to Jiefangbei at night. " + PERSONAL)
    assert s.state == Suggestion.State.PENDING
    assert reference_normalise(s.reference) == s.reference
    assert client.get("/en/suggestions/").content.decode().count(s.reference) == 0
    assert client.get(f"/en/suggestions/{s.reference}/").status_code == 404
    assert client.get(f"/api/v1/suggestions/{s.reference}").status_code == 404
    assert client.get("/api/v1/suggestions").json()["count"] == 0
    assert selectors.similar_published("buses Jiefangbei night") == []
    # The private tracking link shows the person what they wrote.
    assert "Jiefangbei" in client.get(s.get_tracking_url()).content.decode()
    # Rejected: still not public.
    services.suggestion_reject(user=secretariat_hk, suggestion=s, reason="off_topic")
    assert client.get(f"/en/suggestions/{s.reference}/").status_code == 404
    assert "Jiefangbei" not in client.get("/en/suggestions/").content.decode()


def test_approval_publishes_only_the_redacted_text(db, client, secretariat_hk):
    area = AreaFactory.create()
    s = submit(title="Night buses", text="More buses to Jiefangbei at night. " + PERSONAL)
    proposed_title, proposed_text = services.redaction_proposal(s)
    assert "9123 4567" not in proposed_text and "A123456" not in proposed_text and MASK in proposed_text
    services.suggestion_approve(
        user=secretariat_hk,
        suggestion=s,
        public_title=proposed_title,
        public_text=proposed_text.replace(MASK, "[removed]"),
        area=area,
    )
    s.refresh_from_db()
    assert s.text.endswith(PERSONAL)  # the original is kept
    html = client.get(f"/en/suggestions/{s.reference}/").content.decode()
    assert "[removed]" in html and "9123 4567" not in html and "A123456" not in html
    api = client.get(f"/api/v1/suggestions/{s.reference}").json()
    assert "9123" not in api["text"] and api["area"] == area.ext_id
    kinds = list(s.actions.values_list("kind", flat=True))
    assert kinds == ["submitted", "approved", "redacted"]
    approved = s.actions.get(kind="approved")
    assert approved.actor == secretariat_hk and approved.created_at is not None


def test_reject_needs_a_known_reason_and_changes_nothing_otherwise(db, secretariat_hk):
    s = submit()
    with pytest.raises(InvalidInput):
        services.suggestion_reject(user=secretariat_hk, suggestion=s, reason="boring")
    s.refresh_from_db()
    assert s.state == Suggestion.State.PENDING and not s.actions.filter(kind="rejected").exists()
    services.suggestion_reject(user=secretariat_hk, suggestion=s, reason="spam", note="advert")
    action = s.actions.get(kind="rejected")
    assert (action.reason, action.detail, action.actor) == ("spam", "advert", secretariat_hk)


def test_support_counts_each_person_once(db, client, secretariat_hk, resident):
    s = publish(submit(), secretariat_hk)
    assert services.suggestion_support(suggestion=s, user=resident)
    assert not services.suggestion_support(suggestion=s, user=resident)
    assert services.suggestion_support(suggestion=s, user=None, email="a@example.org")
    assert not services.suggestion_support(suggestion=s, user=None, email="A@example.org")
    assert services.suggestion_support(suggestion=s, user=None, session_key="sess-1")
    assert not services.suggestion_support(suggestion=s, user=None, session_key="sess-1")
    s.refresh_from_db()
    assert s.supporter_count == 3 and s.voices == 4
    # Through the page: a browser session counts once.
    url = f"/en/suggestions/{s.reference}/support/"
    client.post(url, {})
    client.post(url, {})
    s.refresh_from_db()
    assert s.supporter_count == 4
    # A pending suggestion cannot be supported.
    with pytest.raises(InvalidInput):
        services.suggestion_support(suggestion=submit(), user=None, session_key="x")


def test_merge_keeps_every_text_and_submitter_and_carries_the_count(db, client, secretariat_hk, resident):
    target = publish(submit(title="Permit renewal", text="Renew the Home Return Permit in Chongqing"), secretariat_hk)
    dup = publish(
        submit(
            title="回鄉證續期",
            text="希望在重慶辦理回鄉證續期",
            language="zh-hant",
            anonymous=False,
            name="Chan",
            email="chan@example.org",
        ),
        secretariat_hk,
    )
    pending_dup = submit(title="Permit again", text="Permit renewal locally " + PERSONAL)
    for i in range(3):
        services.suggestion_support(suggestion=dup, user=None, session_key=f"dup-{i}")
    services.suggestion_support(suggestion=target, user=None, session_key="dup-0")  # also on target: once
    services.suggestion_support(suggestion=target, user=resident)
    target.refresh_from_db()
    dup.refresh_from_db()
    assert (target.supporter_count, dup.supporter_count) == (2, 3)

    services.suggestion_merge(user=secretariat_hk, duplicate=dup, target=target)
    services.suggestion_merge(user=secretariat_hk, duplicate=pending_dup, target=target)
    target.refresh_from_db()
    dup.refresh_from_db()
    pending_dup.refresh_from_db()
    # target: resident, dup-0, dup-1, dup-2, Chan (dup's submitter), pending_dup's anonymous submitter
    assert target.supporter_count == 6 and target.voices == 7
    assert dup.state == pending_dup.state == Suggestion.State.MERGED
    assert dup.merged_into == target and dup.text == "希望在重慶辦理回鄉證續期" and dup.email == "chan@example.org"
    assert Support.objects.filter(suggestion=target, via_merge=dup, email="chan@example.org").exists()
    html = client.get(target.get_absolute_url()).content.decode()
    assert "希望在重慶辦理回鄉證續期" in html and "Permit renewal locally" in html
    assert "9123 4567" not in html  # a pending duplicate's text is masked before it is shown
    # The duplicate's own address leads to the target.
    assert client.get(f"/en/suggestions/{dup.reference}/").status_code == 302
    assert client.get(f"/api/v1/suggestions/{dup.reference}").json()["reference"] == target.reference
    assert set(client.get(f"/api/v1/suggestions/{target.reference}").json()["merged"]) == {
        dup.reference,
        pending_dup.reference,
    }
    assert target.actions.filter(kind="merged").count() == 2
    with pytest.raises(InvalidInput):
        services.suggestion_merge(user=secretariat_hk, duplicate=target, target=target)


def test_merge_needs_a_published_target(db, secretariat_hk):
    a, b = submit(), submit(title="Other")
    with pytest.raises(InvalidInput):
        services.suggestion_merge(user=secretariat_hk, duplicate=a, target=b)
    assert Suggestion.objects.get(pk=a.pk).state == Suggestion.State.PENDING


def test_not_adopted_needs_a_reason(db, secretariat_hk):
    s = publish(submit(), secretariat_hk)
    with pytest.raises(InvalidInput) as info:
        services.suggestion_respond(
            user=secretariat_hk, suggestion=s, status="not_adopted", response={"en": "We looked at it."}
        )
    assert "reason" in info.value.details
    s.refresh_from_db()
    assert s.status == "received" and not s.response
    services.suggestion_respond(
        user=secretariat_hk,
        suggestion=s,
        status="not_adopted",
        response={"en": "We looked at it."},
        reason={"zh-hant": "現行法規不容許。"},
    )
    s.refresh_from_db()
    assert s.status == "not_adopted" and s.status_reason.zh_hans == "现行法规不容许。"
    assert s.responded_at is not None and s.status_changed_at is not None


def test_response_in_three_languages_linked_to_a_measure_shows_on_you_said_we_did(db, client, secretariat_hk):
    s = publish(submit(), secretariat_hk)
    measure = MeasureFactory.create()
    services.suggestion_respond(
        user=secretariat_hk,
        suggestion=s,
        status="adopted",
        response={"en": "Adopted: a renewal counter opens.", "zh-hant": "採納：設立續期櫃檯。"},
        measure=measure,
    )
    for lang, expected in (("en", "renewal counter"), ("zh-hant", "設立續期櫃檯"), ("zh-hans", "设立续期柜台")):
        html = client.get(f"/{lang}/suggestions/you-said-we-did/").content.decode()
        assert expected in html, lang
        assert s.public_title in html
    assert measure.get_absolute_url() in client.get(s.get_absolute_url()).content.decode()


def test_cannot_answer_an_unpublished_suggestion(db, secretariat_hk):
    with pytest.raises(InvalidInput):
        services.suggestion_respond(user=secretariat_hk, suggestion=submit(), status="adopted")


def test_named_submitter_is_told_in_their_language(db, secretariat_hk, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        s = submit(anonymous=False, name="Lee", email="lee@example.org", language="zh-hant")
    assert len(mail.outbox) == 1 and s.reference in mail.outbox[0].subject and "已收到" in mail.outbox[0].subject
    assert f"/zh-hant/suggestions/track/{s.tracking_token}/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        publish(s, secretariat_hk)
    assert len(mail.outbox) == 2 and "已發布" in mail.outbox[1].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.suggestion_respond(
            user=secretariat_hk, suggestion=s, status="under_consideration", response={"en": "Looking into it"}
        )
    assert len(mail.outbox) == 3 and "研究中" in mail.outbox[2].body and "Looking into it" in mail.outbox[2].body
    # An anonymous submitter gets nothing.
    with django_capture_on_commit_callbacks(execute=True):
        publish(submit(), secretariat_hk)
    assert len(mail.outbox) == 3


@pytest.mark.seed  # suggested among the real co-operation areas
def test_area_is_suggested_from_the_text(defaults):
    s = submit(title="Arbitration", text="More arbitration and mediation services for commercial disputes")
    assert s.suggested_area is not None and "Legal" in s.suggested_area.name.en
    s2 = submit(title="學校", text="希望多些姊妹學校交流")
    assert s2.suggested_area is not None and "Education" in s2.suggested_area.name.en


def test_area_change_is_recorded(db, secretariat_hk, unit_hk):
    s = submit()
    services.suggestion_set_area(user=secretariat_hk, suggestion=s, area=AreaFactory.create(), unit=unit_hk)
    action = ModerationAction.objects.get(suggestion=s, kind="area_changed")
    assert HK_UNIT in action.detail and action.actor == secretariat_hk


def test_account_holder_is_notified_in_the_application_in_their_language(
    db, resident, secretariat_hk, django_capture_on_commit_callbacks
):
    from hkcq.notifications.models import Notification

    resident.preferred_language = "zh-hans"
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        s = submit(user=resident, anonymous=False, language="en")
        publish(s, secretariat_hk)
    titles = list(Notification.objects.filter(recipient=resident).order_by("id").values_list("title", flat=True))
    assert len(titles) == 2 and "已收到" in titles[0] and "已发布" in titles[1]
    assert mail.outbox[-1].to == [resident.email]


def test_similar_suggestions_meet_across_languages(db, secretariat_hk):
    s = publish(submit(title="回鄉證續期", text="希望可以在重慶辦理回鄉證續期", language="zh-hant"), secretariat_hk)
    publish(submit(title="Night buses", text="More buses at night to Jiefangbei"), secretariat_hk)
    assert selectors.similar_published("Renew my Home Return Permit in Chongqing") == [s]
    assert selectors.similar_published("回乡证续期") == [s]


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en", "Legal and Dispute Resolution (suggested)"), ("zh-hant", "（系統建議）"), ("zh-hans", "（系统建议）")],
)
def test_queue_marks_a_suggested_area_with_the_pages_brackets(db, client, secretariat_hk, language, shown):
    # Chinese pages put full-width brackets around "suggested", English ones a space and ASCII brackets.
    name = {"en": "Legal and Dispute Resolution", "zh-hant": "法律及爭議解決", "zh-hans": "法律及争议解决"}
    SuggestionFactory.create(state=Suggestion.State.PENDING, suggested_area=AreaFactory.create(name=name))
    client.force_login(secretariat_hk)
    page = client.get(f"/{language}/suggestions/moderation/").content.decode()
    assert shown in page
    if language != "en":
        assert " (系" not in page
