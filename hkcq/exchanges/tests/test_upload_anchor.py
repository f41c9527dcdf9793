"""The round upload's preview is answered with a page (not a redirect), so the form's action
decides the address the preview shows: it ended in ``#error-summary`` even when nothing was wrong
(found by the new-user trial). The action is the page's own address; errors, of the form or of the
rows, are the error summary that site.js focuses. The other upload previews (reporting's imports,
for progress and the rest) post to their own address and redirect to the job's page: no fragment.
Built with factories only (no default data)."""

from __future__ import annotations

import re

import pytest

from hkcq.exchanges.tests.factories import UserFactory, area_pk, round_sheet

pytestmark = pytest.mark.django_db

GOOD = [
    ["role", "id", "name", "places", "ranking", "language"],
    ["applicant", "s1", "Student 1", None, "p1", "en"],
    ["host", "p1", "Placement 1", 1, "s1", "en"],
]
BAD = [*GOOD[:2], ["host", "p1", "Placement 1", -3, "s1, s1", "en"]]


def _preview(client, lang: str, rows) -> str:
    client.force_login(UserFactory(role="officer", side="hong_kong"))
    data = {"kind": "internship", "title": "Interns", "area": area_pk("education"), "dry_run": "on"}
    answer = client.post(f"/{lang}/rounds/new/", {**data, "file": round_sheet(rows)})
    assert answer.status_code == 200
    return answer.content.decode()


def _action(html: str) -> str:
    return re.search(r'<form method="post" enctype="multipart/form-data" action="([^"]*)"', html).group(1)


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_preview_without_errors_has_no_error_summary_anchor(client, lang):
    html = _preview(client, lang, GOOD)
    assert 'name="create"' in html  # the preview, ready to create
    assert _action(html) == f"/{lang}/rounds/new/"
    assert "error-summary" not in html


@pytest.mark.parametrize("lang", ["en", "zh-hant", "zh-hans"])
def test_a_preview_with_bad_rows_is_the_error_summary(client, lang):
    html = _preview(client, lang, BAD)
    assert "#error-summary" not in _action(html)
    assert re.search(
        r'<div class="alert alert-danger" role="alert" id="error-summary" tabindex="-1" data-error-summary>', html
    )
    assert html.count('id="error-summary"') == 1
