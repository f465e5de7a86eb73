"""Ledger checks shared by `manage.py verify_ledger` and the staff reconciliation report."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import gateway as gateways
from . import ledger


@dataclass(frozen=True)
class LedgerCheck:
    ok: bool
    message: str
    clearing_fen: int
    gateway_net_fen: int | None


def verify_ledger() -> LedgerCheck:
    """Every transaction balances; the clearing account equals the gateway's net (if it says)."""
    clearing = ledger.balance(ledger.CLEARING)
    net = gateways.get_gateway().net_settled_fen()
    bad = ledger.unbalanced_transactions().first()
    if bad is not None:
        message = _("Transaction #%(id)s does not balance: debits %(d)s, credits %(c)s fen.") % {
            "id": bad.pk,
            "d": bad.d or 0,
            "c": bad.c or 0,
        }
        return LedgerCheck(False, message, clearing, net)
    if net is not None and net != clearing:
        message = _(
            "The clearing account holds %(clearing)s fen but the gateway's net is %(net)s fen."
        ) % {"clearing": clearing, "net": net}
        return LedgerCheck(False, message, clearing, net)
    return LedgerCheck(True, _("The ledger balances."), clearing, net)
