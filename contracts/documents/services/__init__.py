"""Every write of contracts and settlement. Views, tasks and other apps call these names."""

from .certificates import (
    certificate_batch_run,
    certificate_batch_start,
    certificate_issue,
    certificate_notice,
    certificate_notice_kinds,
    certificate_refusal,
    certificate_render,
    deals_ready_for_certificate,
    document_verify,
    verification_upload_read,
)
from .certificates import notice_snapshot as certificate_notice_snapshot
from .defaults import (
    deadlines_sweep,
    deal_award_runner_up,
    deal_default,
    deal_relist_after_default,
    runner_up_for,
)
from .generation import contract_generate, contract_render_signed
from .payment import (
    deal_payment_received,
    payment_start,
    rent_instalment_paid,
    rent_overdue,
    rent_reminders_send,
)
from .schedule import rent_schedule
from .signing import (
    can_sign_online,
    can_witness,
    centre_held,
    contract_sign_online,
    contract_sign_witnessed,
    online_party,
    signed_parties,
    signing_code_send,
)

__all__ = [
    "can_sign_online",
    "online_party",
    "can_witness",
    "centre_held",
    "certificate_batch_run",
    "certificate_batch_start",
    "certificate_issue",
    "certificate_notice",
    "certificate_notice_kinds",
    "certificate_notice_snapshot",
    "certificate_refusal",
    "certificate_render",
    "contract_generate",
    "contract_render_signed",
    "contract_sign_online",
    "contract_sign_witnessed",
    "deadlines_sweep",
    "deal_award_runner_up",
    "deal_default",
    "deal_payment_received",
    "deal_relist_after_default",
    "deals_ready_for_certificate",
    "document_verify",
    "verification_upload_read",
    "payment_start",
    "rent_instalment_paid",
    "rent_overdue",
    "rent_reminders_send",
    "rent_schedule",
    "runner_up_for",
    "signed_parties",
    "signing_code_send",
]
