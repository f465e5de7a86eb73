"""Celery tasks of the valuation app: take ids, call one service, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(acks_late=True)
def render_valuation_report_pdf_task(report_id):
    services.valuation_report_attach_pdf(report_id=report_id)
