"""Double-entry ledger in integer fen.

Accounts are created on first use from a key: a purpose, optionally followed by `:model:id`
(`"clearing"`, `"deposit_held:payable:42"`, `"transferor_payable:household:7"`). The purpose
decides the account's kind, hence the sign of `balance()`:

* asset (debit-normal): `clearing` (money at the gateway), `bank` (the exchange's bank account);
* income (credit-normal): `fee_income`, `forfeit_income`;
* liability (credit-normal): everything else (`deposit_held`, `received`, `transferor_payable`,
  `storage_guarantee_payable`, `insurance_claim_payable`, ...).

Balances are always summed from entries; nothing stores a balance that could drift.
"""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from marketplace.errors import Invalid

from .models import LedgerAccount, LedgerEntry, LedgerTransaction

ASSET_PURPOSES = {"clearing", "bank"}
INCOME_PURPOSES = {"fee_income", "forfeit_income"}
KEY_RE = re.compile(r"\A[a-z][a-z_]*(:[a-z_.]+:[\w.-]+)?\Z")  # \Z: no trailing newline

CLEARING = "clearing"
BANK = "bank"
FEE_INCOME = "fee_income"
FORFEIT_INCOME = "forfeit_income"


class Unbalanced(Invalid):
    code = "ledger_unbalanced"
    default_message = _("The ledger transaction does not balance.")


def account_key_for(purpose: str, obj) -> str:
    """`transferor_payable` + a Household(7) -> `"transferor_payable:household:7"`."""
    return f"{purpose}:{obj._meta.model_name}:{obj.pk}"


def kind_for(key: str) -> str:
    purpose = key.split(":", 1)[0]
    if purpose in ASSET_PURPOSES:
        return LedgerAccount.Kind.ASSET
    if purpose in INCOME_PURPOSES:
        return LedgerAccount.Kind.INCOME
    return LedgerAccount.Kind.LIABILITY


def _check_key(key: str) -> None:
    if not KEY_RE.match(key):
        raise Invalid(_("Not a ledger account key: %(key)s") % {"key": key}, field="account")


def accounts(keys) -> dict[str, LedgerAccount]:
    """{key: account} for `keys`, each created on first use: one query when all exist, three when
    some are new (an INSERT that skips the keys created concurrently, then a read of those)."""
    keys = list(dict.fromkeys(keys))
    for key in keys:
        _check_key(key)
    found = {a.key: a for a in LedgerAccount.objects.filter(key__in=keys)}
    missing = [key for key in keys if key not in found]
    if missing:
        LedgerAccount.objects.bulk_create(
            [LedgerAccount(key=key, kind=kind_for(key)) for key in missing], ignore_conflicts=True
        )
        found.update((a.key, a) for a in LedgerAccount.objects.filter(key__in=missing))
    return found


def account(key: str) -> LedgerAccount:
    """The account for `key`, created on first use."""
    return accounts([key])[key]


def post(*, memo, subject, lines, actor=None) -> LedgerTransaction:
    """Post one balanced transaction: lines are (account_key, debit_fen, credit_fen).

    Runs in the caller's transaction when there is one (no savepoint: an error rolls back the
    caller's change with it), else in its own."""
    total_debit = total_credit = 0
    for _key, debit, credit in lines:
        for value in (debit, credit):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise Unbalanced(_("Ledger amounts must be whole fen, not negative."))
        if (debit > 0) == (credit > 0):
            raise Unbalanced(_("Each ledger line is either a debit or a credit."))
        total_debit += debit
        total_credit += credit
    if not lines or total_debit != total_credit:
        raise Unbalanced()
    with transaction.atomic(savepoint=False):
        by_key = accounts(key for key, _debit, _credit in lines)
        txn = LedgerTransaction.objects.create(
            memo=str(memo)[:200],
            content_type=ContentType.objects.get_for_model(subject) if subject else None,
            object_id=str(subject.pk) if subject else "",
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(transaction=txn, account=by_key[key], debit_fen=debit, credit_fen=credit)
            for key, debit, credit in lines
        )
    return txn


def balance(account_key: str) -> int:
    """The account's balance on its normal side (assets debit - credit, others credit - debit)."""
    sums = LedgerEntry.objects.filter(account__key=account_key).aggregate(
        d=Sum("debit_fen"), c=Sum("credit_fen")
    )
    debit, credit = sums["d"] or 0, sums["c"] or 0
    if kind_for(account_key) == LedgerAccount.Kind.ASSET:
        return debit - credit
    return credit - debit


def transactions_for(subject):
    """Every transaction referencing `subject`, oldest first, with entries."""
    return (
        LedgerTransaction.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=str(subject.pk)
        )
        .prefetch_related("entries__account")
        .order_by("created_at", "id")
    )


def unbalanced_transactions():
    """Transactions whose debits and credits differ (should be none)."""
    from django.db.models import F

    return (
        LedgerTransaction.objects.annotate(
            d=Sum("entries__debit_fen"), c=Sum("entries__credit_fen")
        )
        .exclude(d=F("c"))
        .order_by("id")
    )


def memo(text, **values) -> str:
    """A memo in the exchange's language (the ledger is a record, not a per-user page)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % values if values else str(text)
