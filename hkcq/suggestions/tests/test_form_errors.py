"""A suggestion refused for a mistake sends the browser to a summary of what to correct, and
marks each field for sight and for screen readers."""

import re

from hkcq.suggestions.models import Suggestion

from .conftest import form_data


def test_errors_are_summarised_linked_and_marked_on_the_fields(defaults, client):
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


def test_an_empty_form_says_only_what_to_fill_in(defaults, client):
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
