"""A suggestion refused for a mistake sends the browser to a summary of what to correct, and
marks each field for sight and for screen readers."""

import re

from hkcq.suggestions.models import Suggestion

from .conftest import form_data


def test_errors_are_summarised_linked_and_marked_on_the_fields(db, client):
    response = client.post("/zh-hant/suggestions/new/", form_data(identity="named", email="", consent=""))
    html = response.content.decode()
    assert response.status_code == 200 and not Suggestion.objects.exists()
    assert '<form method="post" action="/zh-hant/suggestions/new/#error-summary"' in html
    summary = html.partition('id="error-summary" tabindex="-1"')[2].partition("</div>")[0]
    assert 'href="#id_email"' in summary and 'href="#id_consent"' in summary
    email = re.search(r'<input [^>]*name="email"[^>]*>', html).group(0)
    assert "is-invalid" in email and 'aria-invalid="true"' in email and 'aria-describedby="id_email_error"' in email
    assert 'id="id_email_error"' in html
    # The help text stays described next to the error.
    text = re.search(r"<textarea [^>]*name=\"text\"[^>]*>", html).group(0)
    assert 'aria-describedby="id_text_helptext"' in text and "is-invalid" not in text


def test_an_empty_form_says_only_what_to_fill_in(db, client):
    """Sent at once and empty: the fields' errors, not also "that was very quick" (one relevant
    error per mistake)."""
    from .conftest import started

    response = client.post(
        "/en/suggestions/new/", {"started": started(seconds_ago=1), "title": "", "text": "", "identity": "anonymous"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and not Suggestion.objects.exists()
    assert "very quick" not in html and "expired" not in html
    assert 'href="#id_text"' in html


def _started_in(html: str) -> str:
    return re.search(r'name="started" value="([^"]*)"', html).group(1)


def test_a_quick_correction_is_timed_from_the_first_render(db, client, settings, monkeypatch):
    """Shown at t0, sent at t0+3 s without consent (refused for that alone), corrected and sent
    again at t0+5 s: the minimum fill time (4 s) counts from the first render, carried signed
    across the re-render, so the correction is accepted, not "very quick"."""
    import time as real_time

    from hkcq.suggestions import forms as sforms

    settings.SUGGESTION_MIN_FILL_SECONDS = 4
    now = [real_time.time()]

    class Clock:
        @staticmethod
        def time() -> float:
            return now[0]

    monkeypatch.setattr(sforms, "time", Clock)
    first = _started_in(client.get("/en/suggestions/new/").content.decode())
    now[0] += 3
    refused = client.post("/en/suggestions/new/", form_data(started=first, consent=""))
    html = refused.content.decode()
    assert refused.status_code == 200 and 'href="#id_consent"' in html and "very quick" not in html
    carried = _started_in(html)
    now[0] += 2
    accepted = client.post("/en/suggestions/new/", form_data(started=carried))
    assert accepted.status_code == 302, "very quick" in accepted.content.decode()
    assert Suggestion.objects.count() == 1


def test_a_form_shown_again_at_once_is_still_timed(db, client, settings):
    """The carried time stamp is the first render's: a bot that sends at once, gets the errors and
    sends again at once is still "very quick"; a forged stamp is replaced by a fresh one."""
    from .conftest import started

    settings.SUGGESTION_MIN_FILL_SECONDS = 4
    refused = client.post("/en/suggestions/new/", form_data(started=started(seconds_ago=1), consent=""))
    again = client.post("/en/suggestions/new/", form_data(started=_started_in(refused.content.decode())))
    assert again.status_code == 200 and "very quick" in again.content.decode()
    forged = client.post("/en/suggestions/new/", form_data(started="forged", consent=""))
    again = client.post("/en/suggestions/new/", form_data(started=_started_in(forged.content.decode())))
    assert again.status_code == 200 and "very quick" in again.content.decode()
    assert not Suggestion.objects.exists()


def test_an_expired_form_sent_again_at_once_is_accepted(db, client, settings):
    """A form left open past a day says "expired"; sent again straight away it is accepted (the
    person has been at it for a day, not 2 seconds)."""
    from .conftest import started

    settings.SUGGESTION_MIN_FILL_SECONDS = 4
    expired = client.post("/en/suggestions/new/", form_data(started=started(seconds_ago=2 * 86400)))
    assert expired.status_code == 200 and "expired" in expired.content.decode()
    again = client.post("/en/suggestions/new/", form_data(started=_started_in(expired.content.decode())))
    assert again.status_code == 302
    assert Suggestion.objects.count() == 1
