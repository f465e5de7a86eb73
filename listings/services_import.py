"""The staff console's parcel import: a job row whose progress the page polls (Celery task)."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from marketplace import audit

from .importer import ImportFormatError, import_parcels
from .models import ParcelImport

PROGRESS_EVERY = 250


def parcel_import_start(*, upload, dry_run, actor) -> ParcelImport:
    """Store the file, create the job and queue its run after commit."""
    with transaction.atomic():
        job = ParcelImport.objects.create(
            file=upload, original_name=upload.name[:200], dry_run=dry_run, created_by=actor
        )
        audit.record(
            action="parcels.import_started",
            obj=job,
            actor=actor,
            payload={"file": job.original_name, "dry_run": dry_run},
        )
        from .tasks import run_parcel_import_task

        transaction.on_commit(partial(run_parcel_import_task.delay, job.pk))
    return job


def parcel_import_run(*, job_id) -> ParcelImport:
    """Check and (unless a trial run) import the job's file; idempotent once finished."""
    job = ParcelImport.objects.get(pk=job_id)
    if job.finished_at is not None:
        return job
    job.status = ParcelImport.Status.RUNNING
    job.save(update_fields=["status"])

    def progress(done, total):
        # Saved outside the import's own transaction so that the page sees it move.
        ParcelImport.objects.filter(pk=job.pk).update(processed=done, total=total)

    with job.file.open("rb") as fh:
        data = fh.read()
    try:
        result = import_parcels(
            job.original_name, data, dry_run=job.dry_run, actor=job.created_by, progress=progress
        )
    except ImportFormatError as exc:
        job.errors = [{"line": 0, "code": "", "reason": str(exc)}]
        job.status = ParcelImport.Status.FAILED
    else:
        job.total = job.processed = result.total
        job.errors = [e.as_dict() for e in result.errors]
        job.imported = result.imported
        if result.errors:
            job.status = ParcelImport.Status.FAILED
        elif job.dry_run:
            job.status = ParcelImport.Status.CHECKED
        else:
            job.status = ParcelImport.Status.DONE
    job.finished_at = timezone.now()
    job.save()
    return job
