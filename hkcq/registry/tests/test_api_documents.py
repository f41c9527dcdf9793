"""Agreement documents through the API: anyone lists and downloads them; staff who keep the
registry add a document and replace its file (checked by its bytes, as on the page); refusals and
bad files change nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hkcq.accounts.services import api_token_create
from hkcq.accounts.tests import personas
from hkcq.registry.models import AgreementDocument
from hkcq.registry.tests.factories import AgreementFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PDF2 = b"%PDF-1.4\n2 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
officer_hk, secretariat_hk = personas.officer_hk, personas.secretariat_hk


@pytest.fixture
def stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def bearer(user) -> Client:
    _token, raw = api_token_create(user=user, name="documents")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def upload(content: bytes, name: str = "annex.pdf", content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_staff_add_and_replace_a_document_and_anyone_downloads_it(stored, secretariat_hk):
    agreement = AgreementFactory.create()
    staff = bearer(secretariat_hk)
    url = f"/api/v1/agreements/{agreement.ext_id}/documents"
    added = staff.post(
        url, {"title_zh_hant": "附件一", "language": "zh-hant", "file": upload(PDF, content_type="text/html")}
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["content_type"] == "application/pdf" and body["title"]["zh_hans"] == "附件一" and body["version"] == "1"
    listed = Client().get(url).json()
    assert body["id"] in {d["id"] for d in listed["items"]} and listed["count"] == agreement.documents.count()
    served = Client().get(body["url"])
    assert served.status_code == 200 and served.getvalue() == PDF
    assert served["Content-Type"] == "application/pdf" and "attachment" in served["Content-Disposition"]
    replaced = staff.post(f"{url}/{body['id']}", {"file": upload(PDF2, "annex-2.pdf")})
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["version"] == "2"  # a new file without a version raises it
    assert Client().get(body["url"]).getvalue() == PDF2


def test_refusals_and_bad_files_change_nothing(stored, secretariat_hk, officer_hk):
    agreement = AgreementFactory.create()
    url = f"/api/v1/agreements/{agreement.ext_id}/documents"
    before = AgreementDocument.objects.count()
    staff = bearer(secretariat_hk)
    html = staff.post(url, {"title_en": "Annex", "language": "en", "file": upload(HTML, "evil.pdf")})
    assert html.status_code == 422
    no_title = staff.post(url, {"language": "en", "file": upload(PDF)})
    assert no_title.status_code == 422 and "title" in no_title.json()["error"]["details"]
    bad_language = staff.post(url, {"title_en": "Annex", "language": "fr", "file": upload(PDF)})
    assert bad_language.status_code == 422
    assert Client().post(url, {"title_en": "Annex", "language": "en", "file": upload(PDF)}).status_code == 401
    assert bearer(officer_hk).post(url, {"title_en": "Annex", "language": "en", "file": upload(PDF)}).status_code == 403
    assert AgreementDocument.objects.count() == before
    assert Client().get(f"{url}/999999/file").json()["error"]["code"] == "not_found"
    other = AgreementFactory.create()
    document = AgreementDocument.objects.create(agreement=other, title={"en": "Other"}, language="en")
    # Another agreement's document is not reached through this agreement's address.
    assert staff.post(f"{url}/{document.pk}", {"version": "9"}).status_code == 404
    document.refresh_from_db()
    assert document.version == "1"
