"""Celery tasks: each loads by id and calls one service; all may run twice safely."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, name="contract_documents.generate_contract")
def generate_contract_task(deal_id):
    """At award (deal_awarded) and after a runner-up award: the contract PDF (R-DEAL-2)."""
    services.contract_generate(deal_id=deal_id)


@shared_task(acks_late=True, name="contract_documents.render_signed_contract")
def render_signed_contract_task(contract_id):
    services.contract_render_signed(contract_id=contract_id)


@shared_task(acks_late=True, name="contract_documents.render_certificate")
def render_certificate_task(certificate_id, batch_id=None):
    from .services.certificates import certificate_batch_failed, certificate_batch_progress

    try:
        services.certificate_render(certificate_id=certificate_id)
    except Exception:
        if batch_id:  # the progress bar must finish and show it, not hang
            certificate_batch_failed(batch_id=batch_id, certificate_id=certificate_id)
        raise
    if batch_id:
        certificate_batch_progress(batch_id=batch_id, certificate_id=certificate_id)


@shared_task(acks_late=True, name="contract_documents.issue_certificates")
def issue_certificates_task(batch_id):
    services.certificate_batch_run(batch_id=batch_id)


@shared_task(name="contract_documents.sweep_deadlines")
def sweep_deadlines_task():
    """Beat: R-DEAL-2/3 deadlines missed → defaulted, deposit forfeited (R-DEAL-5)."""
    services.deadlines_sweep()


@shared_task(name="contract_documents.rent_reminders")
def rent_reminders_task():
    """Beat (daily): rent reminders 30 and 7 days ahead."""
    services.rent_reminders_send()
