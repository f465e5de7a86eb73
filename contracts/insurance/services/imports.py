"""The insurer's policy import: a job row whose progress the page polls (Celery task)."""

from functools import partial

from django.db import transaction
from django.utils import timezone

from marketplace import audit

from ..importer import ImportFormatError, import_policies
from ..models import PolicyImport


def policy_import_start(*, upload, insurer, actor) -> PolicyImport:
    """Store the file (before any transaction), create the job, queue its run after commit."""
    job = PolicyImport(original_name=upload.name[:200], insurer=insurer, created_by=actor)
    job.file.save(upload.name, upload, save=False)
    with transaction.atomic():
        job.save()
        audit.record(
            action="insurance.policy_import_started",
            obj=job,
            actor=actor,
            payload={"file": job.original_name},
        )
        from ..tasks import run_policy_import_task

        transaction.on_commit(partial(run_policy_import_task.delay, job.pk))
    return job


def policy_import_run(*, job_id) -> PolicyImport:
    """Check and import the job's file, all or nothing; idempotent once finished."""
    job = PolicyImport.objects.select_related("insurer", "created_by").get(pk=job_id)
    if job.finished_at is not None:
        return job
    PolicyImport.objects.filter(pk=job.pk).update(status=PolicyImport.Status.RUNNING)

    def progress(done, total):
        PolicyImport.objects.filter(pk=job.pk).update(processed=done, total=total)

    with job.file.open("rb") as fh:
        data = fh.read()
    try:
        result = import_policies(data, insurer=job.insurer, actor=job.created_by, progress=progress)
    except ImportFormatError as exc:
        job.errors = [{"line": 0, "code": "", "reason": str(exc)}]
        job.status = PolicyImport.Status.FAILED
    else:
        job.total = job.processed = result.total
        job.errors = [e.as_dict() for e in result.errors]
        job.imported = result.imported
        job.status = PolicyImport.Status.FAILED if result.errors else PolicyImport.Status.DONE
    job.finished_at = timezone.now()
    job.save()
    return job
