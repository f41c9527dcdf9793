"""Evidence through the API, as on the update pages: add a file (checked as the page checks it) or
a link, list, download, remove; with the pages' refusals."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hkcq.progress import services
from hkcq.progress.models import Evidence

pytestmark = pytest.mark.django_db


def test_evidence_added_listed_downloaded_removed(client, officer_hk, measure, status, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    update = services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 10})
    url = f"/api/v1/progress/work/{update.pk}/evidence"
    client.force_login(officer_hk)
    pdf = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    added = client.post(url, {"title": "Minutes", "file": pdf, "is_public": "true"})
    assert added.status_code == 201, added.content
    body = added.json()
    assert body["content_type"] == "application/pdf" and body["download_url"]
    link = client.post(url, {"title": "Press", "link": "https://example.org/x"})
    assert link.status_code == 201 and link.json()["download_url"] is None
    nothing = client.post(url, {"title": "Nothing"})
    assert nothing.status_code == 422 and "upload" in nothing.json()["error"]["details"]
    fake = SimpleUploadedFile("page.pdf", b"<html><script>x</script>", content_type="application/pdf")
    assert client.post(url, {"title": "Fake", "file": fake}).status_code == 422
    assert client.get(url).json()["count"] == 2
    download = client.get(body["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 minutes"
    client.logout()
    assert client.get(body["download_url"]).status_code == 404  # not published yet
    client.force_login(officer_hk)
    assert client.delete(f"/api/v1/progress/evidence/{body['id']}").status_code == 204
    assert not Evidence.objects.filter(pk=body["id"]).exists()


def test_evidence_refusals(client, officer_hk, officer_cq, resident, measure, status, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    update = services.update_save(user=officer_hk, measure=measure, data={"status": status, "percent": 10})
    evidence = services.evidence_add(user=officer_hk, update=update, title="Press", link="https://example.org/x")
    url = f"/api/v1/progress/work/{update.pk}/evidence"
    assert client.post(url, {"title": "x", "link": "https://example.org/y"}).status_code == 401
    assert client.delete(f"/api/v1/progress/evidence/{evidence.pk}").status_code == 401
    client.force_login(resident)
    assert client.post(url, {"title": "x", "link": "https://example.org/y"}).status_code == 404  # a draft is hidden
    assert client.delete(f"/api/v1/progress/evidence/{evidence.pk}").status_code == 404
    client.force_login(officer_cq)
    refused = client.post(url, {"title": "x", "link": "https://example.org/y"})
    assert refused.status_code == 404  # another side's draft is hidden
    assert client.delete(f"/api/v1/progress/evidence/{evidence.pk}").status_code == 404
    services.update_submit(user=officer_hk, update=update)
    client.force_login(officer_hk)  # sees the submitted update, may no longer change it
    assert client.post(url, {"title": "x", "link": "https://example.org/y"}).status_code == 403
    assert client.delete(f"/api/v1/progress/evidence/{evidence.pk}").status_code == 403
    assert Evidence.objects.filter(update=update).count() == 1
