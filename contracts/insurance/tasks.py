"""Celery tasks of forest insurance: load by id, call one service (safe to run twice)."""

from celery import shared_task


@shared_task
def run_policy_import_task(job_id):
    from .services.imports import policy_import_run

    policy_import_run(job_id=job_id)
