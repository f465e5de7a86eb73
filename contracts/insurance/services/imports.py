"""The insurer's policy import: a job row whose progress the page polls (Celery task).

The job's state moves only by `marketplace.fsm.transition` (saved and audited) in short atomic
blocks: the file is stored before the job's row is written and read after the job is started,
never inside a transaction (STYLE.md; `marketplace.io_guard`).
"""

import logging
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.fsm import transition
from marketplace.io_guard import refuse_in_transaction

from ..importer import ImportFormatError, import_policies
from ..models import PolicyImport

logger = logging.getLogger(__name__)


def policy_import_start(*, upload, insurer, actor) -> PolicyImport:
    """Store the file (before any transaction), create the job, queue its run after commit."""
    job = PolicyImport(original_name=upload.name[:200], insurer=insurer, created_by=actor)
    refuse_in_transaction("policy import file write")
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
    with transaction.atomic():
        job = (
            PolicyImport.objects.select_for_update(of=("self",))
            .select_related("insurer", "created_by")
            .get(pk=job_id)
        )
        if job.finished:
            return job
        transition(job, "start", actor=job.created_by, action="insurance.policy_import_running")

    def progress(done, total):
        PolicyImport.objects.filter(pk=job.pk).update(processed=done, total=total)

    refuse_in_transaction("policy import file read")
    try:
        with job.file.open("rb") as fh:
            data = fh.read()
    except OSError:
        # The stored file is gone or unreadable: the job fails with a reason the page shows,
        # rather than staying "running" for ever (the task is not retried).
        logger.exception("%s import %s: the stored file cannot be read", "policy", job.pk)
        reason = _("The uploaded file could not be read. Upload it again.")
        return _finish(
            job_id, total=0, imported=0, errors=[{"line": 0, "code": "", "reason": reason}]
        )
    try:
        result = import_policies(data, insurer=job.insurer, actor=job.created_by, progress=progress)
    except ImportFormatError as exc:
        total = imported = 0
        errors = [{"line": 0, "code": "", "reason": str(exc)}]
    else:
        total, imported = result.total, result.imported
        errors = [e.as_dict() for e in result.errors]
    return _finish(job_id, total=total, imported=imported, errors=errors)


def _finish(job_id, *, total, imported, errors) -> PolicyImport:
    """Record the report and move the job to failed or done, unless a redelivered run of the
    same job finished it meanwhile (its report stands)."""
    with transaction.atomic():
        job = PolicyImport.objects.select_for_update().get(pk=job_id)
        if job.finished:
            return job
        job.total = job.processed = total
        job.imported, job.errors = imported, errors
        method = "fail" if errors else "finish"
        return transition(
            job,
            method,
            actor=job.created_by,
            action=f"insurance.policy_import_{'failed' if errors else 'done'}",
            payload={"total": total, "imported": imported, "errors": len(errors)},
            fields=["total", "processed", "imported", "errors", "finished_at"],
            at=timezone.now(),
        )
