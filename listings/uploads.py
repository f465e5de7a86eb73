"""Uploaded scans (entrustments, consents): PDF or image, ≤ 20 MB, content sniffed.

The content decides, not the file name: a file whose bytes are not what its extension claims
is refused with a message naming the field.
"""

from pathlib import Path

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_SCAN_BYTES = 20 * 1024 * 1024
ALLOWED = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
    "image/heic": {".heic"},
    "image/webp": {".webp"},
}


def sniff(head: bytes) -> str | None:
    """The MIME type the bytes show (PDF and common images), or None."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    kind = filetype.guess(head)
    return kind.mime if kind else None


def validate_scan(upload, *, field_label=None):
    """Refuse anything but a PDF or image of at most 20 MB whose content matches its name."""
    label = field_label or _("Scan")
    if upload.size > MAX_SCAN_BYTES:
        raise ValidationError(
            _("%(field)s: the file is larger than 20 MB; scan at a lower resolution.")
            % {"field": label}
        )
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = sniff(head)
    ext = Path(upload.name or "").suffix.lower()
    if mime not in ALLOWED:
        raise ValidationError(
            _("%(field)s: the file is not a PDF or an image (JPEG, PNG), whatever its name says.")
            % {"field": label}
        )
    if ext not in ALLOWED[mime]:
        raise ValidationError(
            _("%(field)s: the file is called “%(name)s” but its content is %(kind)s.")
            % {"field": label, "name": upload.name, "kind": mime}
        )
    return upload
