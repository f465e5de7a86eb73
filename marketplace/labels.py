"""Humane labels for what the machinery records (issue 16, item 6): audit actions
(`listing.created`), actors (`system`), payment webhook events (`payment_intent.succeeded`) and
dates in running text. A raw name is never shown alone; staff pages may add it small.

Apps add the labels of their own actions with `register_action_labels({...})` (the kernel
imports no app); an action nobody labelled is named from its object and verb, e.g. 挂牌项目·提交.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

_ACTIONS: dict[str, object] = {
    "listing.created": _("Listing filed"),
    "listing.updated": _("Listing terms corrected"),
    "listing.submitted": _("Submitted for review"),
    "listing.returned": _("Returned for correction"),
    "listing.approved": _("Approved by the exchange"),
    "listing.published": _("Published (announcement period starts)"),
    "listing.closed": _("Announcement period closed"),
    "listing.withdrawn": _("Listing withdrawn"),
    "listing.relisted": _("Listed again"),
    "listing.valuation_attached": _("Valuation report attached"),
    "listing.reserve_set": _("Reserve price set"),
    "listing.county_media_changed": _("County media announcement changed"),
    "entrustment.recorded": _("Entrustment recorded"),
    "encumbrance.lease_recorded": _("Lease recorded on the parcels"),
    "parcels.import_started": _("Parcel import started"),
    "parcels.imported": _("Parcels imported"),
    "payments.payable_created": _("Payment requested"),
    "payments.payable_paid": _("Payment received"),
    "payments.payable_failed": _("Payment failed"),
    "payments.payable_cancelled": _("Payment request cancelled"),
    "payments.payable_flagged": _("Payment flagged for checking"),
    "payments.intent_attached": _("Payment started at the gateway"),
    "payments.deposit_applied": _("Deposit applied to the price"),
    "payments.deposit_forfeited": _("Deposit forfeited"),
    "payments.refund_requested": _("Refund requested"),
    "payments.refund_succeeded": _("Refund paid"),
    "payments.refund_failed": _("Refund failed"),
    "payments.refund_flagged": _("Refund flagged for checking"),
    "payments.payout_created": _("Payout prepared"),
    "payments.payout_batch_created": _("Payout batch prepared"),
    "payments.payout_batch_sent": _("Payout batch sent to the bank"),
    "payments.payout_batch_confirmed": _("Payout batch confirmed by the bank"),
    # A notification delivery's moves (docs/delivery-states.md).
    "delivery.claim": _("Notification taken for sending"),
    "delivery.mark_sent": _("Notification sent"),
    "delivery.retry_later": _("Notification not sent, to be retried"),
    "delivery.mark_failed": _("Notification failed"),
    "rulebook.changed": _("Rulebook value changed"),
    "rulebook.reset": _("Rulebook value reset"),
}

# Fallback: object and verb of an action nobody labelled.
_OBJECTS = {
    "listing": pgettext_lazy("audit object", "Listing"),
    "deal": pgettext_lazy("audit object", "Deal"),
    "auction": pgettext_lazy("audit object", "Auction"),
    "bid": pgettext_lazy("audit object", "Bid"),
    "registration": pgettext_lazy("audit object", "Registration"),
    "deposit": pgettext_lazy("audit object", "Deposit"),
    "contract": pgettext_lazy("audit object", "Contract"),
    "certificate": pgettext_lazy("audit object", "Transaction certificate"),
    "settlement": pgettext_lazy("audit object", "Settlement"),
    "objection": pgettext_lazy("audit object", "Objection"),
    "payments": pgettext_lazy("audit object", "Payment"),
    "valuation": pgettext_lazy("audit object", "Valuation"),
    "insurance": pgettext_lazy("audit object", "Insurance"),
    "desk": pgettext_lazy("audit object", "Service desk"),
    "storagecontract": pgettext_lazy("audit object", "Storage contract"),
    "storageoffer": pgettext_lazy("audit object", "Storage offer"),
    "block": pgettext_lazy("audit object", "Storage block"),
    "rent_instalment": pgettext_lazy("audit object", "Rent instalment"),
}
_VERBS = {
    "created": pgettext_lazy("audit verb", "created"),
    "opened": pgettext_lazy("audit verb", "opened"),
    "closed": pgettext_lazy("audit verb", "closed"),
    "approved": pgettext_lazy("audit verb", "approved"),
    "approve": pgettext_lazy("audit verb", "approved"),
    "submit": pgettext_lazy("audit verb", "submitted"),
    "submitted": pgettext_lazy("audit verb", "submitted"),
    "returned": pgettext_lazy("audit verb", "returned"),
    "withdrawn": pgettext_lazy("audit verb", "withdrawn"),
    "withdraw": pgettext_lazy("audit verb", "withdrawn"),
    "published": pgettext_lazy("audit verb", "published"),
    "signed": pgettext_lazy("audit verb", "signed"),
    "issued": pgettext_lazy("audit verb", "issued"),
    "paid": pgettext_lazy("audit verb", "paid"),
    "filed": pgettext_lazy("audit verb", "filed"),
    "resolved": pgettext_lazy("audit verb", "resolved"),
    "scheduled": pgettext_lazy("audit verb", "scheduled"),
    "placed": pgettext_lazy("audit verb", "placed"),
    "generated": pgettext_lazy("audit verb", "generated"),
    "award": pgettext_lazy("audit verb", "awarded"),
    "fail": pgettext_lazy("audit verb", "failed"),
    "complete": pgettext_lazy("audit verb", "completed"),
    "settle": pgettext_lazy("audit verb", "settled"),
    "refund": pgettext_lazy("audit verb", "refund requested"),
    "hold": pgettext_lazy("audit verb", "received"),
}


def register_action_labels(labels: dict) -> None:
    """Labels of an app's audit actions ({"deal.award": _("Awarded")}); called from ready()."""
    _ACTIONS.update(labels)


def action_label(action: str) -> str:
    """What happened, in words: `listing.created` → 挂牌项目已登记."""
    if action in _ACTIONS:
        return str(_ACTIONS[action])
    obj, _sep, verb = (action or "").partition(".")
    obj_label = _OBJECTS.get(obj)
    verb_label = _VERBS.get(verb)
    if obj_label and verb_label:
        return f"{obj_label}{verb_label}"
    if obj_label:
        return str(_("%(object)s: recorded") % {"object": obj_label})
    return str(_("Recorded event"))


# Who did it: the machinery's names for itself.
_ACTORS = {
    "system": pgettext_lazy("audit actor", "System"),
    "demo": pgettext_lazy("audit actor", "System"),
    "celery": pgettext_lazy("audit actor", "System (scheduled task)"),
    "beat": pgettext_lazy("audit actor", "System (scheduled task)"),
    "gateway": pgettext_lazy("audit actor", "Payment gateway"),
    "webhook": pgettext_lazy("audit actor", "Payment gateway"),
}


def actor_label(label: str) -> str:
    """`system` → 系统; a person's or company's name as it is."""
    if not label:
        return str(_ACTORS["system"])
    return str(_ACTORS.get(label, label))


_WEBHOOK_EVENTS = {
    "payment_intent.succeeded": _("Payment succeeded"),
    "payment_intent.payment_failed": _("Payment failed"),
    "payment_intent.canceled": _("Payment cancelled"),
    "payment_intent.processing": _("Payment being processed"),
    "payment_intent.created": _("Payment started"),
    "charge.refunded": _("Refund paid"),
    "charge.refund.updated": _("Refund updated"),
    "refund.updated": _("Refund updated"),
    "refund.failed": _("Refund failed"),
    "charge.succeeded": _("Charge succeeded"),
    "charge.failed": _("Charge failed"),
    "charge.dispute.created": _("Payment disputed by the payer"),
    "payout.paid": _("Payout paid"),
    "payout.failed": _("Payout failed"),
    "transfer.created": _("Transfer created"),
}


def webhook_event_label(event_type: str) -> str:
    """`payment_intent.succeeded` → 支付成功; an unknown type → 支付平台通知."""
    return str(_WEBHOOK_EVENTS.get(event_type, _("Payment gateway notice")))


def cn_date_text(value) -> str:
    """A date in running text as 2027年1月1日 (never 2027-01-01), local time for datetimes."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return f"{value.year}年{value.month}月{value.day}日"
