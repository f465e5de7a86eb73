"""Every write of forest insurance: policies, claims, payments and inspections."""

from .claims import (
    claim_approve,
    claim_pay_second,
    claim_reject,
    claim_replanting_report,
    claim_report,
    claim_survey,
    claim_withdraw,
)
from .inspections import inspection_record
from .policies import policy_create, policy_holders_transfer

__all__ = [
    "claim_approve",
    "claim_pay_second",
    "claim_reject",
    "claim_replanting_report",
    "claim_report",
    "claim_survey",
    "claim_withdraw",
    "inspection_record",
    "policy_create",
    "policy_holders_transfer",
]
