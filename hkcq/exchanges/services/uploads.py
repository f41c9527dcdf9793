"""An uploaded round's workbook, kept between its preview and its creation."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core import signing
from django.core.files.storage import default_storage
from django.utils import timezone

from hkcq.accounts.models import User
from hkcq.core.permissions import require
from hkcq.exchanges import permissions

UPLOAD_FOLDER = "round-uploads"


UPLOAD_KEPT_FOR = dt.timedelta(days=1)


_UPLOAD_SALT = "hkcq.exchanges.round-upload"


@dataclass(frozen=True)
class KeptUpload:
    token: str  # signed: the stored name and who uploaded it (a page sends it back, never a path)
    name: str  # in the default storage
    filename: str  # as the person's computer called it


def round_upload_keep(*, user: User, upload: Any) -> KeptUpload:
    """Keep an uploaded round workbook in the storage so that its preview can be confirmed
    without choosing the file again. The token is for this person only and for a day; files kept
    longer are removed here (a preview nobody confirmed)."""
    require(permissions.can_create_round(user))
    _round_uploads_expire()
    upload.seek(0)
    name = default_storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.xlsx", upload)
    filename = Path(getattr(upload, "name", "") or "").name[:200]
    token = signing.dumps({"name": name, "user": user.pk, "filename": filename}, salt=_UPLOAD_SALT)
    return KeptUpload(token, name, filename)


def round_upload_kept(*, user: User, token: str) -> KeptUpload | None:
    """The kept workbook a page's token names, if it is this person's, within its day, and
    still there."""
    if not token:
        return None
    try:
        data = signing.loads(token, salt=_UPLOAD_SALT, max_age=UPLOAD_KEPT_FOR)
    except signing.BadSignature:
        return None
    name = str(data.get("name", ""))
    if data.get("user") != user.pk or not name.startswith(f"{UPLOAD_FOLDER}/") or not default_storage.exists(name):
        return None
    return KeptUpload(token, name, str(data.get("filename", "")))


def round_upload_discard(kept: KeptUpload) -> None:
    default_storage.delete(kept.name)


def _round_uploads_expire() -> None:
    cutoff = timezone.now() - UPLOAD_KEPT_FOR
    try:
        _folders, files = default_storage.listdir(UPLOAD_FOLDER)
    except FileNotFoundError:
        return
    for file in files:
        name = f"{UPLOAD_FOLDER}/{file}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except (FileNotFoundError, NotImplementedError):  # removed meanwhile; a storage without times
            continue
