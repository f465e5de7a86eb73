"""Refund guards: apps that own a payable's subject may refuse a refund requested outside their flow.

A deposit held for a registration moves only through the deal's deposit flow (release,
application, forfeit; R-DEAL-4/5): refunding its payable from the books would leave the deposit
"held" and the bidder qualified with nothing at stake (issue 14). Payments cannot import the deal
app (dependencies point one way), so the owner registers a guard here; `refund_create` asks every
guard under the payable's lock and refuses with the guard's reason.
"""

from collections.abc import Callable

Guard = Callable[[object], str | None]
_GUARDS: list[Guard] = []


def register_refund_guard(guard: Guard) -> Guard:
    """Register `guard(payable) -> reason or None`; idempotent (apps.ready may run twice)."""
    if guard not in _GUARDS:
        _GUARDS.append(guard)
    return guard


def refund_refusal(payable) -> str | None:
    for guard in _GUARDS:
        reason = guard(payable)
        if reason:
            return reason
    return None
