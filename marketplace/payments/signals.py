"""Signals for the deal code (the kernel must not import contracts; contracts listens here).

`payable_paid` is sent inside the transaction that marks the payable paid, after its row is
locked and saved: a receiver's writes commit or roll back with it (a failing receiver makes the
webhook answer 500, so the gateway retries).
"""

from django.dispatch import Signal

payable_paid = Signal()  # kwargs: payable
payable_refunded = Signal()  # kwargs: payable, refund
