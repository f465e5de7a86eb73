"""The buyer's payment (R-DEAL-3/4/6), settlement to the transferor, and the rent schedule."""

from functools import partial

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Deposit
from marketplace import audit, workdays
from marketplace.models import Collective, Household
from marketplace.money import fen_to_yuan, yuan_to_fen
from marketplace.notifications import notification_send, notify_users
from marketplace.payments import ledger
from marketplace.payments.models import Payable
from valuation.conf import service_fee_terms
from valuation.formulas import service_fee

from .. import conf, recipients
from ..facts import due_now_fen
from ..models import RentInstalment, Settlement
from .common import lock_deal, transition
from .schedule import rent_schedule


def fees_fen(deal) -> tuple[int, int]:
    """R-DEAL-6: (transferee's fee, transferor's fee) on the total deal value, in fen, with the
    rates and minimum of the listing's county (rulebook)."""
    value = fen_to_yuan(deal.total_value_fen)
    exempt = isinstance(deal.listing.transferor, Household | Collective)
    terms = service_fee_terms(county=deal.listing.county_id)
    buyer = yuan_to_fen(service_fee(deal_value=value, transferor_exempt=False, **terms))
    seller = yuan_to_fen(service_fee(deal_value=value, transferor_exempt=exempt, **terms))
    return buyer, seller


def held_deposit(registration) -> tuple[Deposit | None, int]:
    """The winner's deposit still held and its balance in the ledger (0 when none)."""
    deposit = (
        Deposit.objects.select_for_update(of=("self",))
        .select_related("payable")
        .filter(registration=registration, state=Deposit.State.HELD)
        .first()
    )
    if deposit is None or deposit.payable is None:
        return deposit, 0
    return deposit, max(ledger.balance(deposit.payable.held_account_key), 0)


def transferor_account(deal) -> str:
    return ledger.account_key_for("transferor_payable", deal.listing.transferor)


def payment_start(*, deal, contract, now) -> Settlement:
    """Inside the signing transaction: what is due now + the buyer's fee − the deposit (R-DEAL-3)."""
    from marketplace.payments.services import payable_create

    due = due_now_fen(deal)
    buyer_fee, seller_fee = fees_fen(deal)
    _deposit, deposit_fen = held_deposit(contract.registration)
    amount = max(due + buyer_fee - deposit_fen, 0)
    settlement = Settlement.objects.create(
        deal=deal,
        contract=contract,
        due_now_fen=due,
        buyer_fee_fen=buyer_fee,
        transferor_fee_fen=seller_fee,
        transferor_fee_left_fen=seller_fee,
        deposit_fen=min(deposit_fen, due + buyer_fee),
        amount_fen=amount,
        pay_by=workdays.period_end(
            timezone.localdate(now), conf.get("PAYMENT_WORKDAYS", county=deal.listing.county_id)
        ),
    )
    audit.record(
        action="settlement.created",
        obj=deal,
        payload={
            "due_now_fen": due,
            "buyer_fee_fen": buyer_fee,
            "deposit_fen": deposit_fen,
            "amount_fen": amount,
            "rule": "R-DEAL-3",
        },
    )
    if amount == 0:  # the deposit covers it all: settle at once
        settlement_settle(settlement=settlement, now=now)
        return settlement
    settlement.payable = payable_create(
        kind=Payable.Kind.DEAL_PAYMENT,
        amount_fen=amount,
        payer=contract.registration.user,
        subject=deal,
        description=f"交易 {deal.number} 首期价款及交易服务费",
        idempotency_key=f"deal-payment-{contract.number}",
        metadata={"deal": deal.number, "contract": contract.number},
    )
    settlement.save(update_fields=["payable"])
    notify_users(
        recipients.transferee_users(contract),
        event="payment.due",
        context={
            "deal": deal.number,
            "amount": f"¥{fen_to_yuan(amount):,.2f}",
            "deadline": timezone.localtime(settlement.pay_by).strftime("%Y-%m-%d %H:%M"),
        },
        obj=settlement,
        url=reverse("contract_documents:payment", args=[deal.number]),
    )
    return settlement


def deal_payment_received(*, payable) -> Settlement | None:
    """Receiver of payments' `payable_paid` (inside its transaction) for deal payments."""
    settlement = Settlement.objects.filter(payable_id=payable.pk).first()
    if settlement is None:
        return None
    lock_deal(settlement.deal_id)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    if settlement.state == Settlement.State.AWAITING_PAYMENT:
        return settlement_settle(settlement=settlement, now=timezone.now(), received=payable)
    if settlement.state == Settlement.State.DEFAULTED:
        # Paid after the deal defaulted (R-DEAL-5): the money goes back.
        from marketplace.payments.services import refund_create

        transaction.on_commit(
            partial(refund_create, payable=payable, reason="Deal defaulted before the payment")
        )
    return settlement


def settlement_settle(*, settlement, now, received=None) -> Settlement:
    """Apply the deposit (fee first, R-DEAL-4), move the price to the transferor's payable and
    instruct its payout, fees to income; settle the deal and create the rent schedule."""
    from marketplace.payments.services import deposit_apply

    deal = settlement.deal
    key = transferor_account(deal)
    fee_left, price_left = settlement.buyer_fee_fen, settlement.due_now_fen
    deposit, held = held_deposit(settlement.contract.registration)
    if deposit is not None and held > 0:
        applied = deposit_apply(
            payable=deposit.payable,
            fee_fen=fee_left,
            price_fen=price_left,
            transferor_account_key=key,
        )
        transition(
            deposit,
            "apply",
            at=now,
            payload={
                "rule": "R-DEAL-4",
                "fee_fen": applied.fee_fen,
                "price_fen": applied.price_fen,
                "refund_fen": applied.refund_fen,
            },
        )
        fee_left -= applied.fee_fen
        price_left -= applied.price_fen
    if received is not None:
        lines = [(received.held_account_key, received.amount_fen, 0)]
        if fee_left:
            lines.append((ledger.FEE_INCOME, 0, fee_left))
        if price_left:
            lines.append((key, 0, price_left))
        ledger.post(memo=f"Deal payment settled: {deal.number}", subject=deal, lines=lines)
    payout_fen = _charge_transferor_fee(settlement, settlement.due_now_fen, deal=deal, key=key)
    if payout_fen > 0:
        settlement.payout = _payout(deal, payout_fen, purpose=f"{deal.number} 首期价款")
    transition(settlement, "settle", at=now, payload={"payout_fen": payout_fen})
    transition(deal, "settle", at=now, payload={"payout_fen": payout_fen})
    for row in rent_schedule(deal):
        RentInstalment.objects.get_or_create(
            deal=deal,
            sequence=row["sequence"],
            defaults={"due_on": row["due_on"], "amount_fen": row["amount_fen"]},
        )
    notify_users(
        recipients.transferee_users(settlement.contract),
        subject=_("Payment received for deal %(deal)s") % {"deal": deal.number},
        body=_("Thank you: the payment is settled. Your receipt is on the payment page."),
        url=reverse("contract_documents:payment", args=[deal.number]),
    )
    return settlement


def _charge_transferor_fee(settlement, price_fen, *, deal, key) -> int:
    """Deduct what remains of the transferor's own fee (none for households) from its money."""
    charge = min(settlement.transferor_fee_left_fen, price_fen)
    if charge:
        ledger.post(
            memo=f"Transferor's service fee: {deal.number}",
            subject=deal,
            lines=[(key, charge, 0), (ledger.FEE_INCOME, 0, charge)],
        )
        settlement.transferor_fee_left_fen -= charge
        settlement.save(update_fields=["transferor_fee_left_fen"])
    return price_fen - charge


def _payout(deal, amount_fen, *, purpose):
    from marketplace.payments.services import payout_create

    return payout_create(
        payee=deal.listing.transferor, amount_fen=amount_fen, subject=deal, purpose=purpose
    )


# ---------------------------------------------------------------- rent schedule


def rent_instalment_invoice(*, instalment) -> RentInstalment:
    """Create the instalment's payable (once) so the transferee can pay it through checkout."""
    from marketplace.payments.services import payable_create

    if instalment.payable_id:
        return instalment
    deal = instalment.deal
    settlement = deal.settlements.filter(state=Settlement.State.SETTLED).first()
    payable = payable_create(
        kind=Payable.Kind.RENT_INSTALMENT,
        amount_fen=instalment.amount_fen,
        payer=settlement.contract.registration.user,
        subject=deal,
        description=f"交易 {deal.number} 第 {instalment.sequence} 期租金",
        idempotency_key=f"rent-{deal.number}-{instalment.sequence}",
    )
    transition(
        instalment,
        "invoice",
        payable=payable,
        payload={"payable": payable.pk, "sequence": instalment.sequence},
    )
    return instalment


def rent_reminders_send(*, today=None) -> int:
    """Beat job: remind the transferee 30 and 7 days before each instalment is due."""
    today = today or timezone.localdate()
    first, second = conf.get("REMINDER_DAYS")
    sent = 0
    due = RentInstalment.objects.exclude(state=RentInstalment.State.PAID).filter(
        due_on__lte=today + timezone.timedelta(days=first)
    )
    for instalment in due.select_related("deal"):
        days = (instalment.due_on - today).days
        if days < 0:
            _tell_rent_overdue(instalment)
        field = "reminded_7_at" if days <= second else "reminded_30_at"
        if getattr(instalment, field) or (field == "reminded_7_at" and days < 0):
            continue
        with transaction.atomic():
            instalment = RentInstalment.objects.select_for_update().get(pk=instalment.pk)
            if getattr(instalment, field):
                continue
            rent_instalment_invoice(instalment=instalment)
            setattr(instalment, field, timezone.now())
            instalment.save(update_fields=[field])
            settlement = instalment.deal.settlements.get(state=Settlement.State.SETTLED)
            notify_users(
                recipients.transferee_users(settlement.contract),
                event="rent.due",
                context={
                    "date": instalment.due_on.isoformat(),
                    "deal": instalment.deal.number,
                    "n": instalment.sequence,
                    "amount": f"¥{fen_to_yuan(instalment.amount_fen):,.2f}",
                    "days": days,
                },
                obj=instalment,
                dedupe=field,
                url=instalment.payable.checkout_url,
            )
            sent += 1
    return sent


def rent_instalment_paid(*, payable) -> RentInstalment | None:
    """Receiver of `payable_paid` for rent instalments: to the transferor, less any fee left."""
    instalment = RentInstalment.objects.filter(payable_id=payable.pk).first()
    if instalment is None:
        return None
    deal = lock_deal(instalment.deal_id)
    instalment = RentInstalment.objects.select_for_update().get(pk=instalment.pk)
    if instalment.state == RentInstalment.State.PAID:
        return instalment
    key = transferor_account(deal)
    ledger.post(
        memo=f"Rent instalment {instalment.sequence}: {deal.number}",
        subject=deal,
        lines=[(payable.held_account_key, payable.amount_fen, 0), (key, 0, payable.amount_fen)],
    )
    settlement = Settlement.objects.select_for_update().get(
        deal=deal, state=Settlement.State.SETTLED
    )
    payout_fen = _charge_transferor_fee(settlement, payable.amount_fen, deal=deal, key=key)
    if payout_fen > 0:
        instalment.payout = _payout(
            deal, payout_fen, purpose=f"{deal.number} 第 {instalment.sequence} 期租金"
        )
    transition(
        instalment,
        "mark_paid",
        at=timezone.now(),
        action="rent_instalment.paid",
        payload={
            "deal": deal.number,
            "sequence": instalment.sequence,
            "amount_fen": payable.amount_fen,
        },
    )
    return instalment


def _tell_rent_overdue(instalment):
    """The transferee (to pay) and the household (owed) hear once that rent is overdue."""
    settlement = instalment.deal.settlements.filter(state=Settlement.State.SETTLED).first()
    context = {
        "deal": instalment.deal.number,
        "n": instalment.sequence,
        "amount": f"¥{fen_to_yuan(instalment.amount_fen):,.2f}",
        "date": instalment.due_on.isoformat(),
    }
    with transaction.atomic():
        if settlement is not None:
            notify_users(
                recipients.transferee_users(settlement.contract),
                event="rent.overdue",
                context=context,
                obj=instalment,
            )
        household = instalment.deal.listing.transferor_household
        if household is not None:
            notification_send(
                recipient=household, event="rent.overdue", context=context, obj=instalment
            )


def rent_overdue(*, today=None):
    today = today or timezone.localdate()
    return (
        RentInstalment.objects.exclude(state=RentInstalment.State.PAID)
        .filter(due_on__lt=today)
        .select_related("deal__listing", "payable")
    )
