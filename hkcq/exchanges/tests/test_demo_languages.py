"""What the default data shows to people is in the three languages: the demonstration event's
interpreter ("Demonstration interpreter A" stood in English on Chinese pages: found by the new-user
trial) and every other text of the exchanges' and the partnering's demonstration."""

import pytest

from hkcq.core.translated import EN, HANS, HANT, TText
from hkcq.exchanges import services
from hkcq.exchanges.models import Event, Meeting
from hkcq.partnering.models import Opportunity, OrganisationProfile

pytestmark = pytest.mark.django_db


def demonstration_texts():
    for event in Event.objects.filter(ext_id__isnull=False):
        yield f"event {event.ext_id} title", event.title
        for name in ("description", "venue"):
            if TText.from_json(getattr(event, name)):
                yield f"event {event.ext_id} {name}", getattr(event, name)
        for session in event.sessions.all():
            yield f"event {event.ext_id} session", session.title
        for question in event.questions.all():
            yield f"event {event.ext_id} question", question.label
            for option in question.options:
                yield f"event {event.ext_id} option", option
        for interpreter in event.interpreters.all():
            yield f"event {event.ext_id} interpreter", interpreter.name
    for profile in OrganisationProfile.objects.filter(is_demo=True):
        for name in ("name", "city", "description"):
            yield f"profile {profile.ext_id} {name}", getattr(profile, name)
    for opportunity in Opportunity.objects.filter(is_demo=True):
        for name in ("title", "description"):
            yield f"opportunity {opportunity.ext_id} {name}", getattr(opportunity, name)


@pytest.mark.seed  # the default data's demonstration texts
def test_the_demonstration_is_in_three_languages(defaults):
    texts = list(demonstration_texts())
    assert any("interpreter" in where for where, _ in texts)
    assert sum(1 for where, _ in texts if where.startswith("profile exchanges-")) == 3 * 4
    missing = [
        f"{where}: {TText.from_json(value).texts}"
        for where, value in texts
        if not all(TText.from_json(value).get(lang) for lang in (EN, HANT, HANS))
    ]
    assert not missing, "Shown to people in fewer than three languages:\n" + "\n".join(missing)


@pytest.mark.parametrize(
    ("lang", "name"),
    [("en", "Demonstration interpreter A"), ("zh-hant", "示範傳譯員甲"), ("zh-hans", "示范口译员甲")],
)
@pytest.mark.seed  # the default data's demonstration interpreter and meeting
def test_the_demonstration_interpreter_is_named_in_the_readers_language(client, defaults, officer_tdc, lang, name):
    event = Event.objects.get(demonstration=True)
    meeting = Meeting.objects.filter(event=event).exclude(language_pair="").first()
    assert meeting is not None
    meeting.interpreter = event.interpreters.get()
    meeting.save()
    client.force_login(officer_tdc)
    html = client.get(f"/{lang}/events/{event.pk}/organise/").content.decode()
    assert name in html
    if lang != "en":
        assert "Demonstration interpreter" not in html


def test_an_interpreter_added_by_name_is_kept_in_its_language(event, officer_tdc):
    chinese = services.interpreter_add(user=officer_tdc, event=event, name="陳大文", pairs=["en-yue"])
    assert (chinese.name.get(HANT), chinese.name.get(HANS), chinese.name.get(EN)) == ("陳大文", "陈大文", "")
    latin = services.interpreter_add(user=officer_tdc, event=event, name="Chan Tai-man", pairs=["en-yue"])
    assert latin.name.texts == {EN: "Chan Tai-man"}
