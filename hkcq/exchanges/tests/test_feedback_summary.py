"""A meeting's feedback on "my event", as the new-user trial found it (issue 14):

- before feedback opens, the hint says what is true: it opens at the meeting's start (the time it
  shows), not "once it has taken place"; the refusal of an early feedback says the same;
- once sent, the participant sees what they recorded (took place, useful, kind and details of
  the outcome), not only the buttons gone;
- the form's labels read distinctly in each language: in Chinese two labels both began with 成果.

Built with factories only (no default data)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from hkcq.core.errors import InvalidInput
from hkcq.exchanges import services
from hkcq.exchanges.tests.factories import EventFactory, MeetingFactory, RegistrationFactory, held, member

pytestmark = pytest.mark.django_db

LANGS = ["en", "zh-hant", "zh-hans"]


def _meeting(**kw):
    event = EventFactory()
    a_user, a_profile = member("hong_kong")
    b_user, b_profile = member("chongqing")
    requester = RegistrationFactory(event=event, person=a_user, profile=a_profile)
    recipient = RegistrationFactory(event=event, person=b_user, profile=b_profile)
    return MeetingFactory(event=event, requester=requester, recipient=recipient, **kw)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


# -- 1. the hint before feedback opens --------------------------------------------------------------
HINT = {
    "en": ("from the start of the meeting, 4 May 2027, 09:30", "taken place"),
    "zh-hant": ("由會面開始（2027年5月4日 09:30）起", "進行後"),
    "zh-hans": ("自会面开始（2027年5月4日 09:30）起", "进行后"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_hint_says_feedback_opens_at_the_meetings_start(client, lang):
    meeting = _meeting(slot=5, table=0)  # day 2 (4 slots a day), 09:30
    with held(meeting.event, day=0, at=dt.time(12, 0)):
        client.force_login(
            meeting.requester.person
        )  # signed in on the frozen clock (a session from now would have expired)
        text = _text(client.get(f"/{lang}/events/{meeting.event_id}/mine/").content.decode())
    said, untrue = HINT[lang]
    assert said in text
    assert untrue not in text


UNSCHEDULED = {
    "en": "from the event's first day, 3 May 2027",
    "zh-hant": "由活動首日（2027年5月3日）起",
    "zh-hans": "自活动首日（2027年5月3日）起",
}


@pytest.mark.parametrize("lang", LANGS)
def test_an_unscheduled_meeting_names_the_events_first_day_not_a_time(client, lang):
    meeting = _meeting()
    with held(meeting.event, day=0, at=dt.time(0, 0)) as clock:
        clock.tick(dt.timedelta(days=-1))  # the day before the event
        client.force_login(meeting.requester.person)
        text = _text(client.get(f"/{lang}/events/{meeting.event_id}/mine/").content.decode())
    assert UNSCHEDULED[lang] in text
    assert "00:00" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_an_early_feedback_is_refused_with_the_same_words(lang):
    from django.utils import translation

    meeting = _meeting(slot=5, table=0)
    with held(meeting.event, day=1, at=dt.time(9, 29)), translation.override(lang):
        with pytest.raises(InvalidInput) as refused:
            services.meeting_feedback(user=meeting.requester.person, meeting=meeting, happened=True)
        assert HINT[lang][0] in str(refused.value.message)
        assert HINT[lang][1] not in str(refused.value.message)


# -- 2. what was sent is shown back ----------------------------------------------------------------
SUMMARY = {
    "en": [
        "Your feedback",
        "The meeting took place",
        "It was useful",
        "Kind of outcome: Joint venture",
        "Details of the outcome: A joint venture in Liangjiang",
    ],
    "zh-hant": [
        "你提供的意見",
        "會面已進行",
        "會面有幫助",
        "成果類別：合資",
        "詳細說明：A joint venture in Liangjiang",
    ],
    "zh-hans": [
        "你提交的反馈",
        "会面已进行",
        "会面有帮助",
        "成果类别：合资",
        "详细说明：A joint venture in Liangjiang",
    ],
}


@pytest.mark.parametrize("lang", LANGS)
def test_after_feedback_the_participant_sees_what_they_recorded(client, lang):
    meeting = _meeting(slot=5, table=0)
    with held(meeting.event, day=1, at=dt.time(10, 0)):
        client.force_login(
            meeting.requester.person
        )  # signed in on the frozen clock (a session from now would have expired)
        answer = client.post(
            f"/{lang}/events/meetings/{meeting.pk}/feedback/",
            {
                "happened": "yes",
                "useful": "on",
                "outcome_kind": "joint_venture",
                "outcome": "A joint venture in Liangjiang",
            },
        )
        assert answer.status_code == 302
        text = _text(client.get(f"/{lang}/events/{meeting.event_id}/mine/").content.decode())
    for part in SUMMARY[lang]:
        assert part in text, part
    assert 'name="happened"' not in text  # the form is not offered again


NOT_HELD = {
    "en": ["Your feedback", "It did not take place"],
    "zh-hant": ["你提供的意見", "會面沒有進行"],
    "zh-hans": ["你提交的反馈", "会面没有进行"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_meeting_that_did_not_take_place_is_shown_as_such_and_nothing_more(client, lang):
    meeting = _meeting(slot=5, table=0)
    with held(meeting.event, day=1, at=dt.time(10, 0)):
        client.force_login(
            meeting.recipient.person
        )  # signed in on the frozen clock (a session from now would have expired)
        services.meeting_feedback(user=meeting.recipient.person, meeting=meeting, happened=False)
        html = client.get(f"/{lang}/events/{meeting.event_id}/mine/").content.decode()
    summary = _text(html.split('class="mt-2 small feedback-given"', 1)[1].split("</div>", 1)[0])
    for part in NOT_HELD[lang]:
        assert part in summary
    assert SUMMARY[lang][2] not in summary  # not "useful"


def test_each_side_sees_only_its_own_feedback(client):
    meeting = _meeting(slot=5, table=0)
    with held(meeting.event, day=1, at=dt.time(10, 0)):
        services.meeting_feedback(
            user=meeting.requester.person, meeting=meeting, happened=True, outcome="Requester's note"
        )
        client.force_login(meeting.recipient.person)
        html = client.get(f"/en/events/{meeting.event_id}/mine/").content.decode()
    assert "Requester's note" not in unescape(html)
    assert "Your feedback" not in html
    assert 'name="happened"' in html  # the other side still gives its own


# -- 7. labels that read distinctly ----------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_the_feedback_forms_labels_do_not_begin_alike(client, lang):
    meeting = _meeting(slot=5, table=0)
    with held(meeting.event, day=1, at=dt.time(10, 0)):
        client.force_login(
            meeting.requester.person
        )  # signed in on the frozen clock (a session from now would have expired)
        html = client.get(f"/{lang}/events/{meeting.event_id}/mine/").content.decode()
    form = html.split(f'action="/{lang}/events/meetings/{meeting.pk}/feedback/"', 1)[1].split("</form>", 1)[0]
    # the labels of the fields (the kind of outcome, its details), not the answers of a radio group
    labels = [_text(label).strip() for label in re.findall(r'<label class="form-label"[^>]*>(.*?)</label>', form)]
    assert len(labels) == 2
    width = 2 if lang != "en" else 8  # two characters in Chinese; a word or two in English
    starts = [label[:width] for label in labels]
    assert len(set(starts)) == len(starts), labels
    if lang != "en":
        # the glossary's 成果 for "outcome" is kept, in one label only
        assert sum(label.startswith("成果") for label in labels) == 1, labels
