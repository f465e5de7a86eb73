"""Private files (issue 14, item 5; docs/security.md "Private files").

Everything that names a person or is a deal document — entrustment and consent scans, signature
scans, contract/certificate/notice PDFs, valuation reports, parcel import files — is stored in a
second storage under `PRIVATE_MEDIA_ROOT` (default `var/private`), outside `MEDIA_ROOT`, which
the web server publishes at `MEDIA_URL` for the public listing documents only. Private files
have random names (`<folder>/<year>/<uuid4 hex><extension>`), no URL, and are served only by
views that checked the access policy first (`private_file_response`): streamed by Django, or
handed to nginx with `X-Accel-Redirect` when `PRIVATE_MEDIA_ACCEL_PREFIX` is set (an
`internal;` location aliased to `PRIVATE_MEDIA_ROOT`).
"""

import logging
import os
import posixpath
import uuid
from pathlib import PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.deconstruct import deconstructible

log = logging.getLogger(__name__)


class PrivateStorage(FileSystemStorage):
    """The file system under PRIVATE_MEDIA_ROOT (read at each use); a private file has no URL."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        # Never a public address: the serving views check the policy and stream the file.
        return ""


private_storage = PrivateStorage()


def get_private_storage():
    """The `storage=` callable of private FileFields (migrations keep the callable, not a path)."""
    return private_storage


@deconstructible
class RandomName:
    """`upload_to`: `<folder>/<year>/<uuid4 hex><extension of the given name>`."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        suffix = PurePosixPath(filename or "").suffix.lower()[:10]
        return posixpath.join(self.folder, f"{timezone.now():%Y}", f"{uuid.uuid4().hex}{suffix}")

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder


def private_file_response(field, *, filename, content_type=None, as_attachment=True):
    """The response for a private file, after the caller checked the access policy."""
    if not field:
        raise Http404
    prefix = getattr(settings, "PRIVATE_MEDIA_ACCEL_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field.name)
        disposition = "attachment" if as_attachment else "inline"
        response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
        return response
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    kwargs = {"as_attachment": as_attachment, "filename": filename}
    if content_type:
        kwargs["content_type"] = content_type
    return FileResponse(handle, **kwargs)


def move_to_private(apps, model_label, field_name):
    """Data migration body: move a field's files from the public storage to the private one,
    under new random names. Idempotent (a file already in the private storage is left alone)
    and tolerant (a missing file is logged and its row left as it is)."""
    model = apps.get_model(model_label)
    field = model._meta.get_field(field_name)
    upload_to = field.upload_to
    target = private_storage
    moved = 0
    for row in model._default_manager.exclude(**{field_name: ""}).exclude(
        **{f"{field_name}__isnull": True}
    ):
        old = getattr(row, field_name).name
        if target.exists(old):
            continue  # moved already
        if not default_storage.exists(old):
            log.warning("%s %s: file %s is missing; left as it is", model_label, row.pk, old)
            continue
        with default_storage.open(old, "rb") as fh:
            new = target.save(upload_to(row, old), fh)
        model._default_manager.filter(pk=row.pk).update(**{field_name: new})
        default_storage.delete(old)
        moved += 1
    return moved
