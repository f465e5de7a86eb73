"""Payments screens: checkout, the payer's payments, and the staff books. Views call services."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from marketplace import permissions as policy
from marketplace.errors import DomainError

from . import ledger, selectors, services, webhooks
from .forms import ConfirmBatchForm, RefundForm, SubjectForm
from .gateway import get_gateway
from .labels import account_label
from .models import Payable, PayoutBatch
from .verify import verify_ledger


def books_reader(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not selectors.can_read_books(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def books_writer(view):
    @wraps(view)
    @login_required
    @require_POST
    def wrapper(request, *args, **kwargs):
        if not selectors.can_write_books(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# ---------------------------------------------------------------- payer
@login_required
def checkout(request, pk):
    payable = selectors.payable_get_for_user(pk=pk, user=request.user)
    intent = None
    # Only the payer's visit creates the PaymentIntent: staff and auditors reading the page
    # (policy: read-only roles never write) see it as it is.
    is_payer = payable.payer_id == request.user.pk
    if is_payer and payable.state in (Payable.State.PENDING, Payable.State.FAILED):
        payable = services.payable_ensure_intent(payable=payable)
        if payable.payment_intent_id and not settings.PAYMENTS_OFFLINE:
            intent = get_gateway().retrieve_intent(payable.payment_intent_id)
    return render(
        request,
        "payments/checkout.html",
        {
            "payable": payable,
            "offline": settings.PAYMENTS_OFFLINE,
            "is_payer": payable.payer_id == request.user.pk,
            "client_secret": intent.client_secret if intent else "",
            "publishable_key": settings.STRIPE_PUBLISHABLE_KEY,
            "return_url": request.build_absolute_uri(payable.checkout_url),
            "refunds": payable.refunds.all(),
        },
    )


@login_required
@require_POST
def checkout_pay(request, pk):
    """Demo mode's "pay now": the offline gateway completes the intent and signs the webhook."""
    payable = selectors.payable_get_for_user(pk=pk, user=request.user)
    if payable.payer_id != request.user.pk:
        raise PermissionDenied
    method = "pm_card_chargeDeclined" if request.POST.get("decline") else "pm_card_visa"
    try:
        payable = services.checkout_demo_pay(payable=payable, payment_method=method)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if payable.state == Payable.State.PAID:
            messages.success(request, _("Payment received. Thank you."))
    return redirect(payable.checkout_url)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    status, reason = webhooks.handle_payload(request.body, request.headers.get("Stripe-Signature"))
    return HttpResponse(reason, status=status, content_type="text/plain")


@login_required
def my_payments(request):
    return render(
        request,
        "payments/my_payments.html",
        {
            "payables": selectors.payable_list_for_payer(request.user),
            "refunds": selectors.refund_list_for_payer(request.user),
        },
    )


# ---------------------------------------------------------------- staff: payables and refunds
@books_reader
def payable_list(request):
    state = request.GET.get("state") or None
    return render(
        request,
        "payments/payable_list.html",
        {
            "payables": selectors.payable_list_for_staff(state=state, user=request.user),
            "states": Payable.State.choices,
            "state": state,
        },
    )


@books_reader
def payable_detail(request, pk, form=None):
    payable = get_object_or_404(Payable.objects.select_related("payer"), pk=pk)
    policy.require(request.user, "payments.read_payable", payable)
    return render(
        request,
        "payments/payable_detail.html",
        {
            "payable": payable,
            "transactions": selectors.ledger_transactions_for_subject(
                content_type=ContentType.objects.get_for_model(Payable), object_id=str(payable.pk)
            ),
            "refunds": payable.refunds.all(),
            "held_fen": ledger.balance(payable.held_account_key),
            "form": form or RefundForm(),
            "can_write": request.user.has_perm("payments.refund_payable", payable),
        },
    )


@login_required
@require_POST
def payable_refund(request, pk):
    payable = get_object_or_404(Payable, pk=pk)
    policy.require(request.user, "payments.refund_payable", payable)
    form = RefundForm(request.POST)
    if form.is_valid():
        try:
            refund = services.refund_create(
                payable=payable,
                amount_fen=form.cleaned_data["amount_yuan"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error("amount_yuan" if exc.field else None, exc.message)
        else:
            messages.success(
                request,
                _("Refund #%(id)s: %(state)s.")
                % {"id": refund.pk, "state": refund.get_state_display()},
            )
            return redirect("payments:payable_detail", pk=payable.pk)
    return payable_detail.__wrapped__(request, pk, form=form)


# ---------------------------------------------------------------- staff: ledger
@books_reader
def ledger_index(request):
    form = SubjectForm(request.GET or None)
    if form.is_valid():
        app_label, _dot, model = form.cleaned_data["subject_type"].partition(".")
        return redirect(
            "payments:ledger_subject",
            app_label=app_label,
            model=model,
            object_id=form.cleaned_data["object_id"],
        )
    accounts = selectors.ledger_accounts_with_balances()
    return render(
        request,
        "payments/ledger_index.html",
        {"accounts": [(a, account_label(a.key)) for a in accounts], "form": form},
    )


@books_reader
def ledger_account(request, key):
    return render(
        request,
        "payments/ledger_account.html",
        {
            "key": key,
            "label": account_label(key),
            "balance_fen": ledger.balance(key),
            "transactions": selectors.ledger_transactions_for_account(key)[:500],
        },
    )


@books_reader
def ledger_subject(request, app_label, model, object_id):
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        raise Http404 from None
    subject = content_type.model_class()._default_manager.filter(pk=object_id).first()
    if subject is not None and not policy.has_whole_prefecture(request.user):
        try:
            policy.require(request.user, "marketplace.read_county", subject)
        except ImproperlyConfigured:  # no county: the prefecture's books
            raise PermissionDenied from None
    return render(
        request,
        "payments/ledger_subject.html",
        {
            "subject": subject,
            "subject_type": content_type,
            "object_id": object_id,
            "transactions": selectors.ledger_transactions_for_subject(
                content_type=content_type, object_id=object_id
            ),
        },
    )


# ---------------------------------------------------------------- staff: payouts
@books_reader
def payouts(request):
    return render(
        request,
        "payments/payouts.html",
        {
            "pending": selectors.payout_list_pending(),
            "batches": selectors.payout_batch_list()[:50],
            "can_write": selectors.can_write_books(request.user),
            "confirm_form": ConfirmBatchForm(),
        },
    )


@books_writer
def payout_batch_new(request):
    try:
        batch = services.payout_batch_create(actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("payments:payouts")
    messages.success(request, _("Batch %(ref)s created.") % {"ref": batch.reference})
    return redirect("payments:payouts")


@books_reader
def payout_batch_export(request, pk):
    batch = get_object_or_404(PayoutBatch, pk=pk)
    response = HttpResponse(
        services.payout_batch_export_xlsx(batch),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.xlsx"'
    return response


@books_writer
def payout_batch_sent(request, pk):
    batch = get_object_or_404(PayoutBatch, pk=pk)
    if batch.state != PayoutBatch.State.EXPORTED:
        messages.error(request, _("This batch was already sent."))
    else:
        services.payout_batch_mark_sent(batch=batch, actor=request.user)
        messages.success(request, _("Batch %(ref)s marked as sent.") % {"ref": batch.reference})
    return redirect("payments:payouts")


@books_writer
def payout_batch_confirmed(request, pk):
    batch = get_object_or_404(PayoutBatch, pk=pk)
    form = ConfirmBatchForm(request.POST)
    if batch.state != PayoutBatch.State.SENT:
        messages.error(request, _("Only a batch sent to the bank can be confirmed."))
    elif not form.is_valid():
        messages.error(request, form.errors["failed_payout_ids"][0])
    else:
        services.payout_batch_mark_confirmed(
            batch=batch,
            actor=request.user,
            failed_payout_ids=form.cleaned_data["failed_payout_ids"],
        )
        messages.success(request, _("Batch %(ref)s confirmed.") % {"ref": batch.reference})
    return redirect("payments:payouts")


# ---------------------------------------------------------------- staff: reconciliation
@books_reader
def reconciliation(request):
    return render(
        request,
        "payments/reconciliation.html",
        {
            **selectors.reconciliation_report(),
            "check": verify_ledger(),
            "can_write": selectors.can_write_books(request.user),
        },
    )


@books_writer
def reconciliation_run(request):
    run = services.reconcile_payments()
    messages.success(
        request,
        _("Reconciliation checked %(checked)s items and repaired %(repaired)s.")
        % {"checked": run.checked, "repaired": run.repaired},
    )
    return redirect(reverse("payments:reconciliation"))
