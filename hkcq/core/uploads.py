"""Uploaded files: what they are is read from their bytes (``filetype``), never taken from the
browser's Content-Type or the file's name, and checked against the kinds each field accepts; they
are served back as attachments with that checked type (and ``nosniff``). An upload larger than
``settings.UPLOAD_MAX_BYTES`` is cut off by :class:`SizeLimitUploadHandler` before its body is read,
and answered with a 413 in the interface's own shape (:class:`UploadTooLargeMiddleware`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from hkcq.core import badinput
from hkcq.core.errors import InvalidInput

PDF = "application/pdf"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG, JPEG = "image/png", "image/jpeg"
TEXT, CSV = "text/plain", "text/csv"

# The types each kind of upload accepts, and the extension a stored file gets for each type.
KINDS: dict[str, tuple[str, ...]] = {
    "document": (PDF, DOC, DOCX, TEXT),
    "evidence": (PDF, DOC, DOCX, XLSX, PNG, JPEG, TEXT, CSV),
    "import": (XLSX, CSV),
}
EXTENSIONS = {
    PDF: ".pdf",
    DOC: ".doc",
    DOCX: ".docx",
    XLSX: ".xlsx",
    PNG: ".png",
    JPEG: ".jpg",
    TEXT: ".txt",
    CSV: ".csv",
}
# The names a file of each type may carry: the name and the bytes must agree.
NAMES = {**{t: (e,) for t, e in EXTENSIONS.items()}, JPEG: (".jpg", ".jpeg"), TEXT: (".txt", ".text")}
TOO_LARGE = "HKCQ_UPLOAD_TOO_LARGE"
HEAD = 8192


def _message(kind: str) -> str:
    return {
        "document": _("Upload a PDF, Word or plain-text file."),
        "evidence": _("Upload a PDF, Word, Excel, PNG, JPEG, plain-text or CSV file."),
        "import": _("Upload an Excel workbook (.xlsx) or a CSV file."),
    }[kind]


def limit(kind: str = "") -> int:
    """The largest upload, in bytes: documents and evidence may be held to less than the rest."""
    if kind in ("document", "evidence"):
        return min(settings.UPLOAD_MAX_BYTES, settings.DOCUMENT_MAX_BYTES)
    return int(settings.UPLOAD_MAX_BYTES)


def too_large_message(kind: str = "") -> str:
    return _("The file is too large (at most %(mb)d MB).") % {"mb": max(1, limit(kind) // 2**20)}


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def detect(upload: UploadedFile) -> str | None:
    """The file's type from its bytes: a binary format by its signature (Word 97 files share
    theirs with other OLE files, so an .doc name is required too), else UTF-8 text (CSV when its
    name says so), else None."""
    upload.seek(0)
    head = upload.read(HEAD)
    upload.seek(0)
    found = filetype.guess(head)
    ext = os.path.splitext(upload.name or "")[1].lower()
    if found is not None:
        mime = str(found.mime)
        if mime == "application/x-ole-storage" or (mime == "application/octet-stream" and ext == ".doc"):
            return DOC if ext == ".doc" else None
        if mime == "application/zip":  # an Office file whose signature filetype did not see in the sample
            return {".docx": DOCX, ".xlsx": XLSX}.get(ext)
        return mime
    if _is_text(head) and not head.lstrip().lower().startswith((b"<!doctype", b"<html", b"<script", b"<svg")):
        return CSV if ext == ".csv" else TEXT
    return None


def upload_check(upload: UploadedFile, *, kind: str, field: str = "file") -> str:
    """The upload's checked type, or ``InvalidInput`` (on ``field``) when it is too large or not a
    kind this field accepts, or its name does not agree with its bytes (``evil.html`` holding a
    PDF, ``tool.exe`` holding text). The stored name ends in its type's usual extension."""
    if upload.size and upload.size > limit(kind):
        raise InvalidInput(details={field: [too_large_message(kind)]})
    mime = detect(upload)
    ext = os.path.splitext(upload.name or "")[1].lower()
    if mime not in KINDS[kind] or ext not in NAMES[mime]:
        raise InvalidInput(details={field: [_message(kind)]})
    stem = os.path.splitext(os.path.basename(upload.name or kind))[0][:80] or kind
    upload.name = stem + EXTENSIONS[mime]
    return mime


class UploadTooLargeMiddleware:
    """A request whose upload :class:`SizeLimitUploadHandler` cut off gets a 413 before any view
    runs (nothing of it is stored), in the shape of the interface it was sent to: the API's
    ``{"error": …}``, Open311's errors, else a translated page (``badinput.refuse``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, *args: Any) -> HttpResponse | None:
        if request.method != "POST" or not (request.content_type or "").startswith("multipart/"):
            return None
        request.POST  # noqa: B018 - parse the body now (the handler marks a cut-off upload)
        if not request.META.get(TOO_LARGE):
            return None
        return badinput.refuse(request, 413, too_large_message())


def serve(file: Any, *, content_type: str, filename: str) -> FileResponse:
    """A stored file as an attachment with its checked type (anything else as a byte stream);
    ``X-Content-Type-Options: nosniff`` comes from SecurityMiddleware on every response."""
    known = {t for types in KINDS.values() for t in types}
    safe = content_type if content_type in known else "application/octet-stream"
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=safe)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_stored(field_file: Any, *, content_type: str) -> FileResponse:
    """A file field's stored file, served by :func:`serve` under its own base name; the page and
    the API answer a download with this one call."""
    return serve(field_file.open("rb"), content_type=content_type, filename=field_file.name.rsplit("/", 1)[-1])


class SizeLimitUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: a file in a body that says it is longer than
    ``UPLOAD_MAX_BYTES`` (plus room for the form's other fields) is stopped at its first chunk,
    and one in a body that lies about its length once it passes the limit; the rest of the body
    is not read. :class:`UploadTooLargeMiddleware` then answers with a 413."""

    body_length = 0

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        self.body_length = content_length or 0
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        declared_too_long = self.body_length > settings.UPLOAD_MAX_BYTES + 64 * 1024
        if declared_too_long or start + len(raw_data) > settings.UPLOAD_MAX_BYTES:
            if self.request is not None:
                self.request.META[TOO_LARGE] = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
