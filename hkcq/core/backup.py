"""Backup and restore of the whole platform: every row of the database (Django's serialisation, so
the same file restores on SQLite and PostgreSQL) and every stored file (the storage API, so the
same on a volume or an object store), in one ``.tar.gz`` with a manifest of row counts and SHA-256
checksums that ``restore`` verifies. docs/deploy.md "Backup and restore"."""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

FORMAT = 1
# Rebuilt by `migrate` from the code itself; their ids differ between databases, so the data
# refers to them by natural key instead.
EXCLUDED = ["contenttypes", "auth.permission", "sessions"]
# Version counters that database triggers or the page cache bump on every write: loading the
# backup's rows is itself such a write, so their values after a restore legitimately differ from
# the backup's (which is what tells the search index and cached pages to renew). Restored, counted,
# not compared by checksum.
VOLATILE = {"kb.searchversion", "core.pageversion"}


WHOLE_SECOND = re.compile(r"(T\d\d:\d\d:\d\d)\.000(?=Z|[+-]\d\d:\d\d|\")")


class BackupError(Exception):
    pass


def _sha256(stream: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        digest.update(chunk)
    return digest.hexdigest()


def stored_files(folder: str = "") -> Iterator[str]:
    """Every file name in the default storage."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield str(PurePosixPath(folder, name)) if folder else name
    for sub in folders:
        yield from stored_files(str(PurePosixPath(folder, sub)) if folder else sub)


def row_counts() -> dict[str, int]:
    """Rows per model of everything a backup holds."""
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in excluded_apps or label in excluded_models or not model._meta.managed:
            continue
        if model._meta.proxy:
            continue
        counts[label] = model._base_manager.count()
    return counts


def data_checksums() -> dict[str, str]:
    """A checksum of each model's rows, in a stable order (what ``restore`` must reproduce)."""
    buffer = io.StringIO()
    call_command(
        "dumpdata",
        *[f"--exclude={label}" for label in EXCLUDED],
        "--natural-foreign",
        "--natural-primary",
        "--format=json",
        stdout=buffer,
    )
    by_model: dict[str, list[str]] = {}
    for row in json.loads(buffer.getvalue() or "[]"):
        text = json.dumps(row, sort_keys=True, ensure_ascii=False)
        # Django's serialiser keeps milliseconds and writes a time with none as "…:27Z", one that had
        # only microseconds as "…:27.000Z": the same restored value, written the same here.
        by_model.setdefault(row["model"], []).append(WHOLE_SECOND.sub(r"\1", text))
    return {model: hashlib.sha256("\n".join(sorted(rows)).encode()).hexdigest() for model, rows in by_model.items()}


def data_checksum() -> str:
    """One checksum of every row (but the version counters, ``VOLATILE``)."""
    rows = {label: digest for label, digest in data_checksums().items() if label not in VOLATILE}
    return hashlib.sha256(json.dumps(rows, sort_keys=True).encode()).hexdigest()


def _migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backup_create(*, path: Path) -> dict[str, Any]:
    """Write the backup to ``path`` (a .tar.gz) and return its manifest. The rows are read in one
    transaction (a consistent view on PostgreSQL, REPEATABLE READ)."""
    with tempfile.TemporaryDirectory() as work:
        data = Path(work) / "data.json"
        # Only a transaction of our own can still choose its isolation level (its first statement);
        # inside a caller's transaction (a test, a larger job) the caller's snapshot is the view.
        own_transaction = not connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and own_transaction:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            call_command(
                "dumpdata",
                *[f"--exclude={label}" for label in EXCLUDED],
                "--natural-foreign",
                "--natural-primary",
                "--format=json",
                f"--output={data}",
                verbosity=0,
            )
            counts = row_counts()
            checksums = data_checksums()
            migrations = _migrations()
        files = {}
        with tarfile.open(path, "w:gz") as archive:
            archive.add(data, arcname="data.json")
            for name in sorted(stored_files()):
                with default_storage.open(name, "rb") as stream:
                    content = stream.read()
                files[name] = hashlib.sha256(content).hexdigest()
                info = tarfile.TarInfo(f"files/{name}")
                info.size = len(content)
                archive.addfile(info, io.BytesIO(content))
            manifest = {
                "format": FORMAT,
                "created": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": migrations,
                "rows": counts,
                "data_sha256": checksums,
                "data_file_sha256": _sha256(data.open("rb")),
                "files": files,
            }
            encoded = json.dumps(manifest, indent=1, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(encoded)
            archive.addfile(info, io.BytesIO(encoded))
    return manifest


def backup_restore(*, path: Path) -> dict[str, Any]:
    """Replace every row and every stored file with those of the backup at ``path``; the database
    must be migrated to the same migrations (run ``migrate`` first with the release that made the
    backup). Verifies the row counts and checksums afterwards; all or nothing for the rows."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as archive:
        archive.extractall(work, filter="data")  # refuses absolute paths, "..", links out
        root = Path(work)
        manifest = _manifest_checked(root)
        _rows_replace(root / "data.json", manifest)
        _files_replace(root / "files", manifest["files"])
    return manifest


def _manifest_checked(root: Path) -> dict[str, Any]:
    """The manifest of the backup unpacked at ``root``, once its format, its data's checksum,
    the database's migrations and its files' checksums are what it says."""
    manifest: dict[str, Any] = json.loads((root / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    if _sha256((root / "data.json").open("rb")) != manifest["data_file_sha256"]:
        raise BackupError("data.json does not match its checksum: the backup is damaged.")
    missing = {tuple(m) for m in manifest["migrations"]} - {tuple(m) for m in _migrations()}
    if missing:
        raise BackupError(
            "The database lacks migrations the backup was made with: run `migrate` with the same "
            f"release first ({', '.join('.'.join(m) for m in sorted(missing)[:5])}…)."
        )
    for name, digest in manifest["files"].items():
        if _sha256((root / "files" / name).open("rb")) != digest:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    return manifest


def _rows_replace(data: Path, manifest: dict[str, Any]) -> None:
    """Every row replaced by the backup's, in one transaction: undone when the restored rows'
    counts or checksums differ from the manifest's."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # TRUNCATE refuses tables with pending deferred foreign-key checks, which a caller's
            # transaction may hold (a test, a larger job): check them now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", "--noinput", verbosity=0)
        # The history rows are in the data: setting many-to-many links must not add more.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            call_command("loaddata", str(data), verbosity=0)
        differ = _rows_differing(manifest)
        if differ:
            raise BackupError(
                f"The restored rows differ from the backup; nothing was changed. Tables: {', '.join(sorted(differ))}."
            )


def _rows_differing(manifest: dict[str, Any]) -> set[str]:
    """The models whose row count or checksum now differs from the manifest's (the version
    counters, ``VOLATILE``, are counted but not compared by checksum)."""
    counts, checksums = row_counts(), data_checksums()
    differ = {label for label in {*counts, *manifest["rows"]} if counts.get(label) != manifest["rows"].get(label)}
    expected = manifest["data_sha256"]
    differ |= {
        label
        for label in {*checksums, *expected}
        if checksums.get(label) != expected.get(label) and label not in VOLATILE
    }
    return differ


def _files_replace(folder: Path, files: dict[str, str]) -> None:
    """The stored files made exactly the backup's (``files``: name → SHA-256), each checked once
    stored."""
    kept = set(files)
    for name in stored_files():
        if name not in kept:
            default_storage.delete(name)
    for name in sorted(kept):
        default_storage.delete(name)
        with (folder / name).open("rb") as stream:
            saved = default_storage.save(name, File(stream))
        if saved != name:
            raise BackupError(f"{name} was stored as {saved}.")
    for name, digest in files.items():
        with default_storage.open(name, "rb") as stream:
            if _sha256(stream) != digest:
                raise BackupError(f"{name} differs after the restore.")
