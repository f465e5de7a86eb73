"""Payouts by bank transfer: instruction -> batch (XLSX for the bank) -> sent -> confirmed.

Stripe cannot pay out to Chinese bank cards, so the exchange's bank executes a batch file.
Confirmation settles the payee's ledger account against the exchange's `bank` account.
"""

from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace import audit
from marketplace.fsm import transition
from marketplace.models import Collective, Enterprise, Household, StorageCenter
from marketplace.money import fen_to_yuan

from .. import ledger
from ..errors import InvalidAmount, NoPendingPayouts, WrongPayee
from ..models import Payout, PayoutBatch

# Enterprises: a transferee holding an insured forest right receives insurance claims (R-INS-5).
PAYEE_MODELS = (Household, Collective, StorageCenter, Enterprise)


def payout_create(*, payee, amount_fen, subject, purpose, actor=None, account_key=None) -> Payout:
    """Instruct a payout; `account_key` is the liability it settles (default transferor_payable)."""
    if not isinstance(payee, PAYEE_MODELS):
        raise WrongPayee()
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise InvalidAmount()
    account_key = account_key or ledger.account_key_for("transferor_payable", payee)
    ledger.account(account_key)  # validates the key
    with transaction.atomic():
        payout = Payout.objects.create(
            payee_content_type=ContentType.objects.get_for_model(payee),
            payee_object_id=str(payee.pk),
            payee_name=str(payee)[:100],
            bank_name=getattr(payee, "bank_name", "") or "",
            bank_account=getattr(payee, "bank_account", "") or "",
            amount_fen=amount_fen,
            content_type=ContentType.objects.get_for_model(subject) if subject else None,
            object_id=str(subject.pk) if subject else "",
            purpose=str(purpose)[:200],
            account_key=account_key,
        )
        audit.record(
            action="payments.payout_created",
            obj=payout,
            actor=actor,
            payload={"amount_fen": amount_fen, "payee": payout.payee_name, "account": account_key},
        )
    return payout


def payout_batch_create(*, actor, only=None) -> PayoutBatch:
    """Put every pending payout in a new batch (rows locked in pk order); `only` (a queryset or
    ids) limits it to those payouts (the demo's household page batches just its own)."""
    with transaction.atomic():
        pending = Payout.objects.select_for_update().filter(state=Payout.State.PENDING)
        if only is not None:
            pending = pending.filter(pk__in=only)
        payouts = list(pending.order_by("pk"))
        if not payouts:
            raise NoPendingPayouts()
        today = timezone.localdate()
        count = PayoutBatch.objects.filter(created_at__date=today).count()
        batch = PayoutBatch.objects.create(
            reference=f"PO-{today:%Y%m%d}-{count + 1:03d}-{payouts[0].pk}", created_by=actor
        )
        for payout in payouts:
            transition(payout, "mark_batched", actor=actor, action="payments.payout_batched",
                       payload={"batch": batch.reference}, batch=batch)  # fmt: skip
        audit.record(
            action="payments.payout_batch_created",
            obj=batch,
            actor=actor,
            payload={
                "payouts": [p.pk for p in payouts],
                "total_fen": sum(p.amount_fen for p in payouts),
            },
        )
    return batch


HEADERS = ["序号", "收款人户名", "收款账号", "开户银行", "金额（元）", "用途", "付款编号"]


def payout_batch_export_xlsx(batch) -> bytes:
    """The bank-transfer file: one row per payout, amounts as exact Decimal yuan."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = batch.reference[:31]
    ws.append(HEADERS)
    total = 0
    for n, payout in enumerate(batch.payouts.order_by("pk"), start=1):
        ws.append(
            [
                n,
                payout.payee_name,
                payout.bank_account,
                payout.bank_name,
                fen_to_yuan(payout.amount_fen),
                payout.purpose,
                f"PAYOUT-{payout.pk}",
            ]
        )
        ws.cell(row=n + 1, column=3).number_format = "@"
        ws.cell(row=n + 1, column=5).number_format = "0.00"
        total += payout.amount_fen
    ws.append(["合计", "", "", "", fen_to_yuan(total), "", batch.reference])
    ws.cell(row=ws.max_row, column=5).number_format = "0.00"
    for column, width in zip("ABCDEFG", (6, 24, 24, 24, 14, 40, 16), strict=True):
        ws.column_dimensions[column].width = width
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def payout_batch_mark_sent(*, batch, actor) -> PayoutBatch:
    """The file went to the bank."""
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        transition(batch, "mark_sent", actor=actor, action="payments.payout_batch_sent",
                   at=timezone.now())  # fmt: skip
        for payout in batch.payouts.select_for_update().order_by("pk"):
            transition(payout, "mark_sent", actor=actor, action="payments.payout_sent")
    return batch


def payout_batch_mark_confirmed(*, batch, actor, failed_payout_ids=()) -> PayoutBatch:
    """The bank confirmed the batch: settle each payout in the ledger; listed failures stay owed."""
    failed = {int(pk) for pk in failed_payout_ids}
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        transition(batch, "mark_confirmed", actor=actor, action="payments.payout_batch_confirmed",
                   payload={"failed": sorted(failed)}, at=timezone.now())  # fmt: skip
        for payout in batch.payouts.select_for_update().order_by("pk"):
            if payout.pk in failed:
                transition(payout, "mark_failed", actor=actor, action="payments.payout_failed")
                continue
            transition(payout, "mark_confirmed", actor=actor, action="payments.payout_confirmed")
            ledger.post(
                memo=ledger.memo(
                    _("Payout to %(payee)s: %(purpose)s"),
                    payee=payout.payee_name,
                    purpose=payout.purpose,
                ),
                subject=payout,
                lines=[
                    (payout.account_key, payout.amount_fen, 0),
                    (ledger.BANK, 0, payout.amount_fen),
                ],
                actor=actor,
            )
    return batch
