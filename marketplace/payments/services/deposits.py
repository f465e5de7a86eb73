"""Deposits after the close: forfeit (R-DEAL-5) or apply to the fee and the price (R-DEAL-4).

Alipay and WeChat Pay cannot hold (authorise-then-capture) funds, so a deposit is charged in full
and later refunded, forfeited or applied; `deposit_held:payable:<id>` tracks what is still held.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace.fsm import transition

from .. import ledger
from ..errors import DepositNotHeld, InvalidAmount
from ..models import Payable, Refund
from .refunds import refund_create


def _lock_held_deposit(payable):
    payable = Payable.objects.select_for_update().get(pk=payable.pk)
    if payable.kind != Payable.Kind.DEPOSIT:
        raise DepositNotHeld()
    return payable


def _check_held(payable):
    if payable.disposition or payable.refunds.filter(state=Refund.State.PENDING).exists():
        raise DepositNotHeld()
    held = ledger.balance(payable.held_account_key)
    if held <= 0:
        raise DepositNotHeld()
    return held


def deposit_forfeit(*, payable, actor=None, reason):
    """R-DEAL-5: move the whole held deposit to the exchange's forfeit income (once)."""
    with transaction.atomic():
        payable = _lock_held_deposit(payable)
        if payable.disposition == Payable.Disposition.FORFEITED:
            return (
                ledger.transactions_for(payable)
                .filter(entries__account__key=ledger.FORFEIT_INCOME)
                .last()
            )
        held = _check_held(payable)
        txn = ledger.post(
            memo=ledger.memo(_("Deposit forfeited: %(reason)s"), reason=reason),
            subject=payable,
            lines=[(payable.held_account_key, held, 0), (ledger.FORFEIT_INCOME, 0, held)],
            actor=actor,
        )
        transition(
            payable,
            "forfeit",
            actor=actor,
            action="payments.deposit_forfeited",
            payload={"amount_fen": held, "reason": str(reason), "rule": "R-DEAL-5"},
            refuse=lambda _payable: DepositNotHeld(),
            fields=[],
        )
    return txn


@dataclass(frozen=True)
class DepositApplication:
    fee_fen: int
    price_fen: int
    refund_fen: int
    refund: Refund | None = None


def _split(held, fee_fen, price_fen):
    fee_part = min(fee_fen, held)
    price_part = min(price_fen, held - fee_part)
    return fee_part, price_part, held - fee_part - price_part


def deposit_apply(*, payable, fee_fen, price_fen, transferor_account_key, actor=None):
    """R-DEAL-4: the deposit pays the buyer's fee first, then the price; any rest is refunded."""
    for value in (fee_fen, price_fen):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidAmount()
    with transaction.atomic():
        payable = _lock_held_deposit(payable)
        if payable.disposition == Payable.Disposition.APPLIED:
            return DepositApplication(**payable.metadata["applied"], refund=None)
        held = _check_held(payable)
        fee_part, price_part, rest = _split(held, fee_fen, price_fen)
        lines = [(payable.held_account_key, fee_part + price_part, 0)]
        if fee_part:
            lines.append((ledger.FEE_INCOME, 0, fee_part))
        if price_part:
            lines.append((transferor_account_key, 0, price_part))
        if fee_part + price_part:
            ledger.post(
                memo=ledger.memo(_("Deposit applied to the service fee and the price")),
                subject=payable,
                lines=lines,
                actor=actor,
            )
        applied = {"fee_fen": fee_part, "price_fen": price_part, "refund_fen": rest}
        transition(
            payable,
            "apply_to_price",
            applied=applied,
            actor=actor,
            action="payments.deposit_applied",
            payload={**applied, "transferor_account": transferor_account_key, "rule": "R-DEAL-4"},
            refuse=lambda _payable: DepositNotHeld(),
            fields=["metadata"],
        )
    refund = None
    if rest:
        refund = refund_create(
            payable=payable,
            amount_fen=rest,
            reason=ledger.memo(_("Deposit beyond the service fee and the price")),
            actor=actor,
        )
    return DepositApplication(fee_part, price_part, rest, refund)
