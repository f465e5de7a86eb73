"""Reads for the payments screens."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, Sum
from django.http import Http404

from .models import (
    LedgerAccount,
    LedgerTransaction,
    Payable,
    Payout,
    PayoutBatch,
    ReconciliationRun,
    Refund,
    WebhookEvent,
)


def can_read_books(user) -> bool:
    """Staff and auditors read the books pages (the policy's `payments.read_books`)."""
    return user.has_perm("payments.read_books")


def can_write_books(user) -> bool:
    """Payout batches and reconciliation runs: prefecture staff (`payments.write_books`)."""
    return user.has_perm("payments.write_books")


def payable_list_for_payer(user):
    return Payable.objects.filter(payer=user).order_by("-created_at", "-id")


def refund_list_for_payer(user):
    return Refund.objects.filter(payable__payer=user).select_related("payable")


def payable_get_for_user(*, pk, user) -> Payable:
    payable = Payable.objects.filter(pk=pk).select_related("payer").first()
    if payable is None or not user.has_perm("payments.read_payable", payable):
        raise Http404
    return payable


def payable_list_for_staff(*, state=None, user=None, limit=200):
    """The newest payables (of `user`'s county for county staff and auditors)."""
    qs = Payable.objects.select_related("payer", "content_type").order_by("-created_at", "-id")
    if state:
        qs = qs.filter(state=state)
    if user is None or not user.county_id or user.is_superuser:
        return qs[:limit]
    # A payable's county is its subject's (generic relation): filtered row by row.
    rows = []
    for payable in qs.iterator(chunk_size=500):
        if user.has_perm("payments.read_payable", payable):
            rows.append(payable)
            if len(rows) >= limit:
                break
    return rows


def ledger_accounts_with_balances():
    # An account opened with its payable but never posted to (not paid yet) is not listed.
    accounts = (
        LedgerAccount.objects.annotate(
            n=Count("entries"), d=Sum("entries__debit_fen"), c=Sum("entries__credit_fen")
        )
        .filter(n__gt=0)
        .order_by("key")
    )
    for account in accounts:
        debit, credit = account.d or 0, account.c or 0
        account.balance_fen = (
            debit - credit if account.kind == LedgerAccount.Kind.ASSET else credit - debit
        )
    return accounts


def ledger_transactions_for_account(key):
    return (
        LedgerTransaction.objects.filter(entries__account__key=key)
        .distinct()
        .prefetch_related("entries__account")
        .order_by("-created_at", "-id")
    )


def _subjects_under(model, *, content_type, object_id):
    """(content type id, ids) of `model`'s subjects that point at the object by a foreign key.

    So the ledger of a deal also shows its registrations' deposits, without importing contracts.
    """
    target = content_type.model_class()
    found = [(content_type.pk, [str(object_id)])]
    for ct_id in (
        model.objects.exclude(content_type=None).values_list("content_type", flat=True).distinct()
    ):
        subject_model = ContentType.objects.get_for_id(ct_id).model_class()
        if subject_model is None:
            continue
        for field in subject_model._meta.concrete_fields:
            if field.many_to_one and field.related_model is target:
                ids = subject_model._default_manager.filter(**{field.name: object_id})
                found.append((ct_id, [str(pk) for pk in ids.values_list("pk", flat=True)]))
    return found


def _owned(model, *, content_type, object_id):
    condition = Q(pk__in=[])
    for ct_id, ids in _subjects_under(model, content_type=content_type, object_id=object_id):
        condition |= Q(content_type_id=ct_id, object_id__in=ids)
    return [str(pk) for pk in model.objects.filter(condition).values_list("pk", flat=True)]


def ledger_transactions_for_subject(*, content_type, object_id):
    """Movements of a business object (e.g. a deal): its own, and those of the payables and
    payouts whose subject is it or points at it (a deal's registrations' deposits)."""
    payable_ct = ContentType.objects.get_for_model(Payable)
    payout_ct = ContentType.objects.get_for_model(Payout)
    condition = (
        Q(content_type=content_type, object_id=str(object_id))
        | Q(
            content_type=payable_ct,
            object_id__in=_owned(Payable, content_type=content_type, object_id=object_id),
        )
        | Q(
            content_type=payout_ct,
            object_id__in=_owned(Payout, content_type=content_type, object_id=object_id),
        )
    )
    return (
        LedgerTransaction.objects.filter(condition)
        .prefetch_related("entries__account")
        .order_by("created_at", "id")
    )


def payout_list_pending():
    return Payout.objects.filter(state=Payout.State.PENDING).order_by("created_at", "pk")


def payout_batch_list():
    return PayoutBatch.objects.annotate(total_fen=Sum("payouts__amount_fen")).order_by(
        "-created_at"
    )


def reconciliation_report():
    return {
        "runs": ReconciliationRun.objects.all()[:10],
        "flagged_payables": Payable.objects.exclude(attention="").order_by("-created_at")[:50],
        "flagged_events": WebhookEvent.objects.filter(
            outcome__in=[WebhookEvent.Outcome.FLAGGED, WebhookEvent.Outcome.UNKNOWN_OBJECT]
        )[:50],
        "recent_events": WebhookEvent.objects.all()[:20],
    }
