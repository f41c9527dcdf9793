"""Uploads are judged by their bytes and served as attachments with a safe type; an upload over
the limit is refused before its body is read (hkcq/core/uploads.py). Agreement documents,
progress evidence and imports."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory

from hkcq.accounts.tests import personas
from hkcq.core import uploads
from hkcq.core.errors import InvalidInput
from hkcq.progress import services as progress_services
from hkcq.progress.models import Evidence, Status
from hkcq.registry.models import AgreementDocument
from hkcq.registry.tests.factories import AgreementFactory, MeasureFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"

# the factory-made people (hkcq/accounts/tests/personas.py), not the default data's demo accounts
officer_hk, secretariat_hk = personas.officer_hk, personas.secretariat_hk


@pytest.fixture
def signed_in(secretariat_hk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = Client()
    client.force_login(secretariat_hk)
    return client


def post_document(client, agreement, name, content, content_type, lang="en"):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    data = {"title_0": "Annex", "language": "en", "version": "1", "upload": upload}
    return client.post(f"/{lang}/agreements/{agreement.ext_id}/documents/new/", data)


@pytest.mark.parametrize(
    ("lang", "message"), [("en", "Upload a PDF, Word or plain-text file."), ("zh-hant", "PDF"), ("zh-hans", "PDF")]
)
def test_an_html_page_sent_as_a_pdf_is_refused(signed_in, lang, message):
    agreement = AgreementFactory.create()
    before = AgreementDocument.objects.count()
    response = post_document(signed_in, agreement, "evil.html", HTML, "application/pdf", lang)
    assert response.status_code == 200 and message in response.content.decode()
    assert AgreementDocument.objects.count() == before
    # The same bytes named .pdf are refused too: the name is not believed either.
    post_document(signed_in, agreement, "evil.pdf", HTML, "application/pdf", lang)
    assert AgreementDocument.objects.count() == before


def test_a_real_pdf_is_kept_and_served_as_an_attachment_with_its_checked_type(signed_in):
    agreement = AgreementFactory.create()
    # The browser says text/html; the bytes and the name say PDF: the browser is not asked.
    response = post_document(signed_in, agreement, "annex.pdf", PDF, "text/html")
    assert response.status_code == 302
    document = AgreementDocument.objects.filter(agreement=agreement).latest("pk")
    assert document.content_type == "application/pdf" and document.file.name.endswith(".pdf")
    served = signed_in.get(f"/en/agreements/{agreement.ext_id}/documents/{document.pk}/")
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment;")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PDF


def test_stored_files_of_an_unknown_type_are_served_as_bytes():
    response = uploads.serve(io.BytesIO(b"x"), content_type="text/html", filename="x.html")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;") and response["X-Content-Type-Options"] == "nosniff"


def test_evidence_refuses_programs_and_web_pages(officer_hk, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    measure = MeasureFactory.create(lead_unit_hk=officer_hk.units.get())
    status = Status.objects.get(key="in_progress")
    update = progress_services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 10})
    client.force_login(officer_hk)
    url = f"/en/progress/updates/{update.pk}/evidence/new/"
    for name, content, ctype in (("tool.exe", EXE, "application/octet-stream"), ("page.html", HTML, "text/html")):
        r = client.post(url, {"title": name, "upload": SimpleUploadedFile(name, content, content_type=ctype)})
        assert "Upload a PDF, Word, Excel, PNG, JPEG, plain-text or CSV file." in r.content.decode()
    assert not Evidence.objects.filter(update=update).exists()
    photo = SimpleUploadedFile("photo.png", PNG, content_type="application/pdf")
    client.post(url, {"title": "Photo", "upload": photo})
    evidence = Evidence.objects.get(update=update)
    assert evidence.content_type == "image/png"
    served = client.get(f"/en/progress/evidence/{evidence.pk}/")
    assert served["Content-Type"] == "image/png" and served["Content-Disposition"].startswith("attachment;")


def test_detect_reads_the_bytes():
    def up(name, content):
        return SimpleUploadedFile(name, content)

    assert uploads.detect(up("a.csv", "title,n\n港,1\n".encode())) == uploads.CSV
    assert uploads.detect(up("a.txt", b"plain words")) == uploads.TEXT
    assert uploads.detect(up("a.csv", HTML)) is None
    assert uploads.detect(up("a.csv", EXE)) not in uploads.KINDS["import"]
    assert uploads.detect(up("a.pdf", PDF)) == uploads.PDF
    # The name must agree with the bytes.
    with pytest.raises(InvalidInput):
        uploads.upload_check(up("a.html", PDF), kind="document")
    with pytest.raises(InvalidInput):
        uploads.upload_check(up("tool.exe", b"MZ"), kind="evidence")
    assert uploads.upload_check(up("Annex.PDF", PDF), kind="document") == uploads.PDF


@pytest.mark.parametrize(
    ("lang", "title"), [("en", "File too large"), ("zh-hant", "檔案太大"), ("zh-hans", "文件太大")]
)
def test_an_upload_over_the_limit_is_refused_before_it_is_read(signed_in, settings, lang, title):
    settings.UPLOAD_MAX_BYTES = 10_000
    agreement = AgreementFactory.create()
    before = AgreementDocument.objects.count()
    response = post_document(signed_in, agreement, "big.pdf", PDF + b"0" * 200_000, "application/pdf", lang)
    assert response.status_code == 413 and title in response.content.decode()
    assert AgreementDocument.objects.count() == before


def test_the_handler_stops_reading_the_body(settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    request = RequestFactory().post(
        "/x", {"csrfmiddlewaretoken": "t", "file": SimpleUploadedFile("big.pdf", PDF + b"0" * 500_000)}
    )
    stream = request._stream
    read = {"n": 0}

    class Counting:
        def read(self, size=-1):
            data = stream.read(size)
            read["n"] += len(data)
            return data

        def readline(self, size=-1):
            data = stream.readline(size)
            read["n"] += len(data)
            return data

    request._stream = Counting()  # type: ignore[assignment]
    request.upload_handlers = [uploads.SizeLimitUploadHandler(request), *request.upload_handlers]
    assert request.POST["csrfmiddlewaretoken"] == "t" and "file" not in request.FILES
    assert request.META[uploads.TOO_LARGE] and read["n"] < 200_000
