"""Payment services: every write of the payments app. Deal code calls these names.

payable_create, payable_cancel, refund_create, deposit_forfeit, deposit_apply, payout_create,
payout_batch_create, payout_batch_export_xlsx, payout_batch_mark_sent,
payout_batch_mark_confirmed, reconcile_payments; the webhook dispatch calls
payable_settle_intent, payable_record_failure and refund_settle.
"""

from .deposits import DepositApplication, deposit_apply, deposit_forfeit
from .payables import (
    checkout_demo_pay,
    payable_cancel,
    payable_create,
    payable_ensure_intent,
    payable_record_failure,
    payable_settle_intent,
)
from .payouts import (
    payout_batch_create,
    payout_batch_export_xlsx,
    payout_batch_mark_confirmed,
    payout_batch_mark_sent,
    payout_create,
)
from .reconciliation import reconcile_payments
from .refunds import refund_create, refund_settle, refunds_settle_for_intent

__all__ = [
    "DepositApplication",
    "checkout_demo_pay",
    "deposit_apply",
    "deposit_forfeit",
    "payable_cancel",
    "payable_create",
    "payable_ensure_intent",
    "payable_record_failure",
    "payable_settle_intent",
    "payout_batch_create",
    "payout_batch_export_xlsx",
    "payout_batch_mark_confirmed",
    "payout_batch_mark_sent",
    "payout_create",
    "reconcile_payments",
    "refund_create",
    "refund_settle",
    "refunds_settle_for_intent",
]
