import pytest

from hkcq.core.tests.factories import OutgoingEmailFactory
from hkcq.notifications import services
from hkcq.notifications.models import Notification
from hkcq.notifications.tests.factories import NotificationFactory

TEMPLATE = "notifications/test_message"


@pytest.fixture
def message_templates(tmp_path, settings):
    folder = tmp_path / "notifications"
    folder.mkdir()
    (folder / "test_message_subject.txt").write_text('{% load i18n %}{% translate "Meetings" %} {{ name }}\n')
    (folder / "test_message_body.txt").write_text('{% load i18n %}{% translate "Sign out" %}: {{ name }}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return TEMPLATE


@pytest.mark.parametrize(("language", "word"), [("en", "Meetings"), ("zh-hant", "會議"), ("zh-hans", "会议")])
def test_notify_renders_in_the_recipients_language_and_queues_one_email(
    resident, message_templates, mailoutbox, django_capture_on_commit_callbacks, language, word
):
    resident.preferred_language = language
    resident.save()
    with django_capture_on_commit_callbacks(execute=True):
        n = services.notify(resident, message_templates, {"name": "X"}, url="/en/areas/")
    assert n.title == f"{word} X"
    assert Notification.objects.get(recipient=resident).title == n.title
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject == f"{word} X"
    assert mailoutbox[0].to == [resident.email]
    # the link was made in the language of whoever acted (en); it opens in the reader's language
    assert mailoutbox[0].body.endswith(f"/{language}/areas/")
    assert n.url == f"/{language}/areas/"
    platform = {"en": "Hong Kong/Chongqing Co-operation Platform", "zh-hant": "港渝合作平台", "zh-hans": "港渝合作平台"}
    assert mailoutbox[0].from_email.startswith(f"{platform[language]} <")


def test_a_group_message_links_in_the_groups_language(
    secretariat_hk, message_templates, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = services.notify_group(
            [secretariat_hk], "zh-hans", message_templates, {"name": "Z"}, url="/zh-hant/areas/"
        )
    assert n.url == "/zh-hans/areas/" and mailoutbox[0].body.endswith("/zh-hans/areas/")
    # an address that is not one of the site's pages is left as it is
    assert services.localised_url("https://example.org/en/x", "zh-hans") == "https://example.org/en/x"


def test_email_is_not_sent_when_the_transaction_rolls_back(resident, message_templates, mailoutbox):
    services.notify(resident, message_templates, {"name": "X"})
    # No commit happened (the test transaction is rolled back): the e-mail is not queued.
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=resident).count() == 1


def test_notify_address_uses_the_given_language(db, message_templates, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_address("someone@example.org", "zh-hans", message_templates, {"name": "Y"})
    assert mailoutbox[0].subject == "会议 Y"
    assert mailoutbox[0].from_email.startswith("港渝合作平台 <")
    assert mailoutbox[0].to == ["someone@example.org"]


def test_group_gets_one_email_and_one_notification_each(
    secretariat_hk, secretariat_cq, message_templates, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_group([secretariat_hk, secretariat_cq], "zh-hant", message_templates, {"name": "Z"})
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([secretariat_hk.email, secretariat_cq.email])
    assert Notification.objects.filter(title="會議 Z").count() == 2


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_list_page_marks_read_and_nav_shows_unread_count(resident, client, lang):
    mine = NotificationFactory.create(recipient=resident, title="Hello there", url="/en/areas/")
    client.force_login(resident)
    html = client.get(f"/{lang}/notifications/").content.decode()
    assert "Hello there" in html
    assert 'badge text-bg-warning">1<' in html
    response = client.post(f"/{lang}/notifications/{mine.id}/read/", {"open": "1"})
    assert response.status_code == 302 and response["Location"] == f"/{lang}/areas/"  # the reader's language
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "badge text-bg-warning" not in client.get(f"/{lang}/notifications/").content.decode()


def test_someone_elses_notification_cannot_be_marked(resident, officer_hk, client):
    theirs = NotificationFactory.create(recipient=officer_hk, title="Private")
    client.force_login(resident)
    assert "Private" not in client.get("/en/notifications/").content.decode()
    assert client.post(f"/en/notifications/{theirs.id}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_empty_list_says_what_happens(resident, client):
    client.force_login(resident)
    assert "You have no notifications yet" in client.get("/en/notifications/").content.decode()
    assert client.get("/en/notifications/", follow=False).status_code == 200


def test_anonymous_is_sent_to_sign_in(db, client):
    assert client.get("/en/notifications/").status_code == 302


def test_api_lists_and_marks_own_notifications(resident, officer_hk, client):
    mine = NotificationFactory.create(recipient=resident, title="Mine")
    NotificationFactory.create(recipient=officer_hk, title="Theirs")
    client.force_login(resident)
    data = client.get("/api/v1/notifications").json()
    assert [n["title"] for n in data["items"]] == ["Mine"]
    assert client.post(f"/api/v1/notifications/{mine.id}/read").status_code == 200
    assert client.get("/api/v1/notifications?unread=true").json()["items"] == []
    theirs = Notification.objects.get(title="Theirs")
    assert client.post(f"/api/v1/notifications/{theirs.id}/read").status_code == 404


# -- the outbox page (hkcq.core.outbox) ---------------------------------------------------------
def _failed_email():
    from django.utils import timezone

    from hkcq.core.models import OutgoingEmail

    return OutgoingEmailFactory.create(
        state=OutgoingEmail.State.FAILED,
        attempts=10,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
        next_attempt_at=timezone.now(),
    )


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Outgoing e-mail"), ("zh-hant", "外寄電郵"), ("zh-hans", "外发电子邮件")]
)
def test_the_secretariat_sees_failed_emails_and_sends_them_again(
    client, secretariat_hk, mailoutbox, django_capture_on_commit_callbacks, language, title
):
    from hkcq.core.models import OutgoingEmail

    message = _failed_email()
    client.force_login(secretariat_hk)
    page = client.get(f"/{language}/notifications/outgoing/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<h1 class="h2">{title}</h1>' in html
    assert "resident@example.org" in html and "Connection refused" in html
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/{language}/notifications/outgoing/resend/", {"message": [str(message.pk)]})
    assert done.status_code == 302
    message.refresh_from_db()
    assert message.state == OutgoingEmail.State.SENT
    assert [m.subject for m in mailoutbox] == ["Your enquiry was received"]
    assert "resident@example.org" not in client.get(f"/{language}/notifications/outgoing/").content.decode()


def test_send_every_failed_email_again(client, secretariat_cq, mailoutbox, django_capture_on_commit_callbacks):
    _failed_email(), _failed_email()
    client.force_login(secretariat_cq)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/notifications/outgoing/resend/", {"all": "1"})
    assert len(mailoutbox) == 2


def test_only_the_secretariat_sees_the_outbox(client, officer_hk, resident):
    message = _failed_email()
    assert client.get("/en/notifications/outgoing/").status_code == 302  # to sign in
    for user in (officer_hk, resident):
        client.force_login(user)
        assert client.get("/en/notifications/outgoing/").status_code == 403
        assert client.post("/en/notifications/outgoing/resend/", {"all": "1"}).status_code == 403
    message.refresh_from_db()
    assert message.state == "failed"


# -- the text follows the reader's language at the time of reading --------------------------------
@pytest.fixture
def model_templates(tmp_path, settings):
    folder = tmp_path / "notifications"
    folder.mkdir(exist_ok=True)
    (folder / "about_user_subject.txt").write_text(
        '{% load i18n %}{% translate "Meetings" %} {{ person.username }} {{ label }}\n'
    )
    (folder / "about_user_body.txt").write_text('{% load i18n hkcq %}{% translate "Sign out" %} {{ when|day }}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    return "notifications/about_user"


def test_text_follows_the_readers_language_at_reading_time(resident, officer_hk, model_templates, client):
    import datetime as dt

    from django.utils.translation import gettext_lazy

    resident.preferred_language = "en"
    resident.save()
    n = services.notify(
        resident,
        model_templates,
        {"person": officer_hk, "label": gettext_lazy("Agreements"), "when": dt.date(2026, 12, 5)},
        url="/en/areas/",
    )
    assert n.title.startswith("Meetings ") and n.language == "en"
    # The resident switches the interface to Chinese: the stored message is shown in Chinese.
    client.force_login(resident)
    html = client.get("/zh-hant/notifications/").content.decode()
    assert f"會議 {officer_hk.username} 協議" in html
    assert "登出 2026年12月5日" in html
    assert "Meetings" not in html
    assert 'href="/zh-hant/' in html or "/zh-hant/areas/" in str(n.shown("zh-hant").url)
    html = client.get("/zh-hans/notifications/").content.decode()
    assert f"会议 {officer_hk.username} 协议" in html and "2026年12月5日" in html
    assert "5 December 2026" in client.get("/en/notifications/").content.decode()
    # Opening it goes to the page in the reader's language.
    response = client.post(f"/zh-hans/notifications/{n.id}/read/", {"open": "1"})
    assert response["Location"] == "/zh-hans/areas/"


def test_api_gives_the_text_in_the_requests_language(officer_hk, model_templates, client):
    officer_hk.preferred_language = "zh-hant"
    officer_hk.save()
    services.notify(officer_hk, model_templates, {"person": officer_hk, "label": "x", "when": None})
    client.force_login(officer_hk)
    items = client.get("/api/v1/notifications", HTTP_ACCEPT_LANGUAGE="en").json()["items"]
    assert items[0]["title"].startswith("Meetings ")


def test_a_message_whose_record_is_gone_shows_the_stored_text_marked_with_its_language(
    resident, officer_hk, model_templates, client
):
    resident.preferred_language = "zh-hans"
    resident.save()
    n = services.notify(resident, model_templates, {"person": officer_hk, "label": "", "when": None})
    assert n.template and n.params["person"]["$model"] == "accounts.user"
    officer_hk.delete()
    client.force_login(resident)
    html = client.get("/en/notifications/").content.decode()
    assert 'lang="zh-Hans">会议' in html


def test_old_rows_without_parameters_keep_their_text(resident, client):
    Notification.objects.create(recipient=resident, title="舊的通知", language="zh-hant")
    client.force_login(resident)
    html = client.get("/en/notifications/").content.decode()
    assert 'lang="zh-Hant">舊的通知' in html


def test_every_message_template_in_the_platform_can_be_stored(resident, officer_hk):
    """The class, not the example: each call site's parameters can be stored (no unstorable
    value that would freeze the text in the sender's language)."""
    import datetime as dt

    from hkcq.notifications.messages import dump_context, load

    stored = dump_context(
        {"who": officer_hk, "when": dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC), "n": 3, "items": [{"a": 1}]}
    )
    assert stored is not None
    assert load(stored["who"]) == officer_hk
    assert load(stored["when"]) == dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)
