"""Celery tasks of floor-price storage: each loads by id and calls one service; safe to rerun."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, name="storage.render_contract")
def render_storage_contract_task(contract_id):
    services.storage_contract_render(contract_id=contract_id)


@shared_task(acks_late=True, name="storage.offer_for_failed_deal")
def storage_offer_for_failed_deal_task(deal_id):
    """R-FAIL-2: the offer after a relocated household's failed listing."""
    services.storage_offer_for_failed_deal(deal_id=deal_id)


@shared_task(acks_late=True, name="storage.instruct_due_guarantees")
def instruct_due_guarantees_task():
    """Daily (beat): instruct the payouts of every guarantee instalment due (R-STORE-3)."""
    return services.guarantees_instruct_due()
