"""Celery tasks of the listings app: load by id, call one service (safe to run twice)."""

from celery import shared_task


@shared_task
def run_parcel_import_task(job_id):
    from .services_import import parcel_import_run

    parcel_import_run(job_id=job_id)
