"""Errors: the site's own translated pages in its layout for people; the API's and Open311's own
error shapes for programs; and the trial server (`make run`) never shows Django's debug pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings


@pytest.mark.parametrize(
    ("lang", "heading"), [("en", "Page not found"), ("zh-hant", "找不到網頁"), ("zh-hans", "页面不存在")]
)
def test_an_unknown_page_is_a_translated_404_in_the_sites_layout(db, client, lang, heading):
    response = client.get(f"/{lang}/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert heading in html and 'class="site-header' in html  # the site's frame, not a bare page
    assert "URLconf" not in html and "Using the URLconf" not in html


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("en", "Use the form on its page"), ("zh-hant", "請使用網頁上的表格"), ("zh-hans", "请使用页面上的表单")],
)
def test_opening_a_form_only_address_is_a_translated_405_in_the_sites_layout(db, client, lang, heading):
    """A view that takes only a form's POST (``require_POST``) answered GET with an empty body,
    which a browser shows as its own error page (found by the new-user trial)."""
    response = client.get(f"/{lang}/account/sign-out/")
    html = response.content.decode()
    assert response.status_code == 405 and "POST" in response["Allow"]
    assert heading in html and 'class="site-header' in html


def test_the_api_answers_an_unknown_path_in_its_error_shape(db, client):
    response = client.get("/api/v1/nope")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_open311_answers_an_unknown_path_in_its_error_shape(db, client):
    response = client.get("/open311/v2/nope.json")
    assert response.status_code == 404 and response.json()[0]["code"] == 404
    response = client.get("/open311/v2/nope.xml")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/xml")
    assert re.search(r"<error><code>404</code><description>[^<]+</description></error>", response.content.decode())


def test_a_server_error_page_is_translated_and_not_a_debug_page(db):
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from django.utils import translation

    from hkcq.core.views import server_error

    request = RequestFactory().get("/zh-hans/")
    request.user = AnonymousUser()
    with translation.override("zh-hans"):
        page = server_error(request).content.decode()
    assert 'lang="zh-Hans"' in page and "系统出错" in page


def test_make_run_serves_without_debug():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text(encoding="utf-8")
    recipes = makefile.split("\nrun:", 1)[1].split("\n## make worker", 1)[0]
    setup = makefile.split("\nsetup:", 1)[1].split("\n## make run", 1)[0]
    assert "DEBUG=1" not in recipes and "DEBUG=1" not in setup
    assert "collectstatic" in setup  # static files through WhiteNoise with DEBUG off
