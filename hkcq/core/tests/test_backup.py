"""Backup and restore: every row and every stored file come back identical (row counts and
checksums), and the platform works on the restored data."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError

from hkcq.core.backup import data_checksum, row_counts


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return default_storage


def _a_row_of(app: str) -> Any:
    """A row of ``app``, with translated text where the app has any."""
    from hkcq.calendars.tests.factories import HolidayFactory
    from hkcq.enquiries.tests.factories import CannedReplyFactory
    from hkcq.kb.tests.factories import EntryFactory
    from hkcq.progress.tests.factories import StatusFactory
    from hkcq.registry.tests.factories import MeasureFactory
    from hkcq.reporting.tests.factories import JobFactory
    from hkcq.suggestions.tests.factories import SuggestionFactory

    make: Any = {
        "registry": MeasureFactory,
        "kb": EntryFactory,
        "progress": StatusFactory,
        "enquiries": CannedReplyFactory,
        "suggestions": lambda: SuggestionFactory(response={"en": "Adopted.", "zh-hant": "已採納。"}),
        "calendars": HolidayFactory,
        "reporting": JobFactory,
    }[app]
    return make()


@pytest.mark.django_db
@pytest.mark.parametrize("app", ["registry", "kb", "progress", "enquiries", "suggestions", "calendars", "reporting"])
def test_dumpdata_serialises_every_app_with_translated_text(app):
    row = _a_row_of(app)
    out = StringIO()
    call_command("dumpdata", app, stdout=out)  # failed: "Object of type TText is not JSON serializable"
    dumped = json.loads(out.getvalue())
    assert (row._meta.label_lower, str(row.pk)) in [(o["model"], str(o["pk"])) for o in dumped]


@pytest.mark.django_db
def test_a_restore_is_identical_and_the_platform_works_after_it(storage, tmp_path, client, resident, secretariat_hk):
    from hkcq.accounts.models import User
    from hkcq.registry.models import Mechanism
    from hkcq.registry.tests.factories import MeasureFactory

    MeasureFactory.create()

    storage.save("imports/kept.csv", ContentFile(b"id,area\n1,2\n"))
    storage.save("documents/agreement.pdf", ContentFile(b"%PDF-1.4 agreement"))
    counts, checksum = row_counts(), data_checksum()
    assert counts["registry.measure"] > 0 and counts["accounts.user"] > 0
    path = tmp_path / "platform.tar.gz"
    call_command("backup", str(path), stdout=StringIO())

    # Things change after the backup: rows removed and added, a file changed, one added.
    User.objects.filter(pk=resident.pk).delete()
    Mechanism.objects.create(ext_id="added-later", name={"en": "Added after the backup"})
    storage.delete("documents/agreement.pdf")
    storage.save("documents/agreement.pdf", ContentFile(b"changed"))
    storage.save("stray.txt", ContentFile(b"not in the backup"))
    assert data_checksum() != checksum

    out = StringIO()
    call_command("restore", str(path), "--yes", stdout=out)
    assert "counts and checksums verified" in out.getvalue()
    assert row_counts() == counts
    assert data_checksum() == checksum
    assert storage.open("documents/agreement.pdf").read() == b"%PDF-1.4 agreement"
    assert storage.open("imports/kept.csv").read() == b"id,area\n1,2\n"
    assert not storage.exists("stray.txt")

    # The platform works: public pages, a staff page, and a new enquiry gets a new id.
    assert client.get("/en/").status_code == 200
    assert client.get("/zh-hant/areas/").status_code == 200
    # by user name: a backup keeps people by their natural key, and a restore on PostgreSQL may give
    # them other ids (the sequence starts again; the whole run's rolled-back tests had moved it on)
    client.force_login(User.objects.get(username=secretariat_hk.username))
    assert client.get("/en/enquiries/queue/").status_code == 200
    client.logout()
    created = client.post(
        "/api/v1/enquiries",
        {"question": "Driving licence", "email": "after@example.org", "consent": True, "language": "en"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content


@pytest.mark.django_db
def test_a_damaged_backup_changes_nothing(storage, tmp_path):
    import tarfile

    from hkcq.accounts.tests.factories import UserFactory

    UserFactory.create(username="kept-resident")

    path = tmp_path / "platform.tar.gz"
    call_command("backup", str(path), stdout=StringIO())
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(path) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "data.json":
                content = content.replace(b"kept-resident", b"intruder")
                member.size = len(content)
            import io

            target.addfile(member, io.BytesIO(content))
    before = row_counts()
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), "--yes", stdout=StringIO())
    assert row_counts() == before
