"""Who may read and move money on the books pages (docs/security.md).

Payables (deposits, deal payments, rent) belong to the county of their deal: staff and auditors
of that county read them, its staff refund them. The ledger, payouts and reconciliation are the
exchange's own books: staff and auditors read them, prefecture staff run payout batches and
reconciliations. A payer reads their own payables. Registered from PaymentsConfig.ready().
"""

import rules

from marketplace.permissions import (
    is_active,
    is_prefecture_staff,
    is_staff_reader,
    reader_in_scope,
    staff_in_scope,
)


@rules.predicate
def is_payer(user, payable):
    return payable is not None and is_active(user) and payable.payer_id == user.pk


rules.add_perm("payments.read_books", is_staff_reader)
rules.add_perm("payments.write_books", is_prefecture_staff)
rules.add_perm("payments.read_payable", is_payer | reader_in_scope)
rules.add_perm("payments.refund_payable", staff_in_scope)
