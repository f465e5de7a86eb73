"""Celery tasks: load, call one service."""

from celery import shared_task

from .services import reconcile_payments


@shared_task(name="payments.reconcile_payments")
def reconcile_payments_task():
    run = reconcile_payments()
    return {"checked": run.checked, "repaired": run.repaired}
