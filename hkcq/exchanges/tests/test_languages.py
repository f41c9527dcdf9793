"""Every exchanges page in the three languages: 200, the page's language declared, and its
heading and title translated (Chinese characters in both Chinese pages, not the English text)."""

from __future__ import annotations

import re

import pytest

from hkcq.exchanges import services, urls
from hkcq.exchanges.models import Session
from hkcq.exchanges.tests.test_matrix import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
LANGS = ["en", "zh-hant", "zh-hans"]
HTML_LANG = {"en": "en", "zh-hant": "zh-Hant", "zh-hans": "zh-Hans"}

# name -> (who looks, the path after the language prefix)
PAGES = {
    "events": ("public", lambda c: "events/"),
    "event": ("public", lambda c: f"events/{c['e'].pk}/"),
    "register": ("another", lambda c: f"events/{c['e'].pk}/register/"),
    "my_event": ("participant", lambda c: f"events/{c['e'].pk}/mine/"),
    "agenda": ("participant", lambda c: f"events/{c['e'].pk}/mine/agenda/"),
    "organise": ("organiser", lambda c: f"events/{c['e'].pk}/organise/"),
    "grid": ("organiser", lambda c: f"events/{c['e'].pk}/organise/grid/"),
    "cards": ("organiser", lambda c: f"events/{c['e'].pk}/organise/table-cards/"),
    "event_create": ("organiser", lambda c: "events/new/"),
    "event_edit": ("organiser", lambda c: f"events/{c['e'].pk}/organise/edit/"),
    "event_delete": ("organiser", lambda c: f"events/{c['empty'].pk}/organise/delete/"),
    "session_create": ("organiser", lambda c: f"events/{c['e'].pk}/organise/sessions/new/"),
    "session_edit": ("organiser", lambda c: f"events/{c['e'].pk}/organise/sessions/{c['s'].pk}/"),
    "session_delete": ("organiser", lambda c: f"events/{c['e'].pk}/organise/sessions/{c['s'].pk}/delete/"),
    "question_create": ("organiser", lambda c: f"events/{c['e'].pk}/organise/questions/new/"),
    "question_edit": ("organiser", lambda c: f"events/{c['e'].pk}/organise/questions/{c['q'].pk}/"),
    "question_delete": ("organiser", lambda c: f"events/{c['e'].pk}/organise/questions/{c['q'].pk}/delete/"),
    "rounds": ("organiser", lambda c: "rounds/"),
    "round": ("organiser", lambda c: f"rounds/{c['r'].pk}/"),
    "round_upload": ("organiser", lambda c: "rounds/new/"),
    "round_edit": ("organiser", lambda c: f"rounds/{c['r'].pk}/edit/"),
    "record": ("participant", lambda c: f"rounds/records/{c['record'].pk}/"),
}
CONTENT_HEADING = {"event", "my_event", "round"}
FILES = {"agenda_pdf", "agenda_ics"}  # the agenda as files: tested in test_pages
POST_ONLY = {
    "my_cancel",
    "my_availability",
    "meeting_request",
    "meeting_answer",
    "meeting_feedback",
    "registration_action",
    "schedule",
    "phase",
    "round_action",
    "round_ranks",
    "pair_answer",
}


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _strip(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_every_page_is_listed():
    assert {p.name for p in urls.urlpatterns} == set(PAGES) | FILES | POST_ONLY


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_in_three_languages(client, world, name, lang):  # noqa: F811 - the fixture
    who, path = PAGES[name]
    if name == "record":
        from hkcq.exchanges.tests.test_matrix import _record

        _record(world)
    if name in ("agenda", "round", "my_event"):
        # something to show: a scheduled meeting and an allocation
        services.event_schedule(user=world.users["organiser"], event=world.ctx["e"])
        services.round_allocate(user=world.users["organiser"], round_=world.ctx["r"])
    if world.users[who] is not None:
        client.force_login(world.users[who])
    response = client.get(f"/{lang}/{path(world.ctx)}")
    assert response.status_code == 200, (name, lang, response.status_code)
    assert response.headers["Content-Language"] == lang
    html = response.content.decode()
    assert f'lang="{HTML_LANG[lang]}">' in html.split("<head", 1)[0]
    heading = _strip(re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1))
    title = _strip(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
    if lang == "en":
        assert not _cjk(title), (name, title)
    elif name in CONTENT_HEADING:  # the heading is the event's or round's own (English) title
        main = _strip(html.split("<main", 1)[1].split("</main>", 1)[0])
        assert _cjk(main.replace(heading, "")), (name, lang, main[:200])
    else:
        assert _cjk(heading) and _cjk(title), (name, lang, heading, title)


@pytest.mark.parametrize(("lang", "shown"), [("en", " (Chongqing)"), ("zh-hant", "（重慶）"), ("zh-hans", "（重庆）")])
def test_public_participants_side_in_the_pages_brackets(client, event, lang, shown):
    # Found in the trial: "示範長江貨運公司 (重慶)" had ASCII brackets on Chinese pages.
    from hkcq.exchanges.tests.factories import ProfileFactory, RegistrationFactory

    RegistrationFactory(event=event, profile=ProfileFactory(side="chongqing"), consent_public=True)
    page = client.get(f"/{lang}/events/{event.pk}/").content.decode()
    assert shown in page


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "word"), [("zh-hant", "環節"), ("zh-hans", "环节")])
def test_sessions_are_an_events_sessions_in_chinese_and_the_title_is_plain(client, event, secretariat_hk, lang, word):
    """Django's own catalogue (contrib.sessions) said "Sessions" / 会话 (web sessions) here; the
    organise page's <title> carried the change-history block's HTML (found by a new-user trial)."""
    Session.objects.create(
        event=event,
        title={"en": "Opening"},
        starts_at=services.slot_start(event, 0),
        ends_at=services.slot_end(event, 0),
    )
    page = client.get(f"/{lang}/events/{event.pk}/").content.decode()
    assert f">{word}</h2>" in page
    client.force_login(secretariat_hk)
    organise = client.get(f"/{lang}/events/{event.pk}/organise/").content.decode()
    title = organise.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "section" not in title


# A half-width bracket or colon touching Chinese: "你的志願排序 (hk-a)", "狀態: 已接受".
HALF_WIDTH = re.compile(r"[\u3400-\u9fff]\s*[(:]|\(\s*[\u3400-\u9fff]|[\u3400-\u9fff]\s*\)")


@pytest.mark.parametrize("lang", ["zh-hant", "zh-hans"])
def test_chinese_pages_use_full_width_brackets_and_colons(client, world, lang):  # noqa: F811 - the fixture
    """Every exchanges page as its viewer sees it, and the round as a participant sees it (their
    ranking's heading), with meetings scheduled and a round allocated: no half-width bracket or
    colon next to Chinese. A review found "你的志願排序 (hk-a)" on the round page."""
    from hkcq.core.tests.test_rendered_wording import visible_text
    from hkcq.exchanges.tests.test_matrix import _record

    _record(world)  # allocates the round, with an accepted pair and its record
    services.event_schedule(user=world.users["organiser"], event=world.ctx["e"])
    views = [PAGES[name] for name in sorted(PAGES)] + [("participant", lambda c: f"rounds/{c['r'].pk}/")]
    wrong = []
    for who, path in views:
        client.logout()
        if world.users[who] is not None:
            client.force_login(world.users[who])
        response = client.get(f"/{lang}/{path(world.ctx)}")
        assert response.status_code == 200, path(world.ctx)
        text = visible_text(response.content.decode(), lang)
        wrong += [
            f"{path(world.ctx)}: {m.group(0)!r} in …{text[max(0, m.start() - 30) : m.end() + 30]}…"
            for m in HALF_WIDTH.finditer(text)
        ]
    assert not wrong, "\n".join(wrong)
