"""Claims (R-INS-2..5): report, survey, approve (the first part paid at once), replanting, the
second part released once after an accepted inspection."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import audit
from marketplace.errors import Invalid
from marketplace.fsm import transition
from marketplace.money import split_fen
from marketplace.numbering import next_in_sequence
from marketplace.payments import ledger
from marketplace.payments.services.payouts import payout_create

from .. import conf, notify
from ..amounts import FIRE_LOSS_RATE_PCT, claim_amount_fen, claim_parts_fen
from ..errors import (
    DamagedAboveInsured,
    LossOutsidePeriod,
    LossRateOutOfRange,
    NoHolderOnLossDate,
    ParcelNotCovered,
    SecondPartNotReleasable,
    WrongClaimState,
)
from ..models import Claim, ClaimParcel, ClaimPayment, ClaimSequence, InsuredParcel


def wrong_claim_state(_claim) -> WrongClaimState:
    """The refusal of a claim transition not allowed in the claim's state."""
    return WrongClaimState()


def lock_claim(claim) -> Claim:
    return Claim.objects.select_for_update().select_related("policy").get(pk=claim.pk)


def holders_on(policy, day):
    """The insured holders on `day` (R-INS-5: a claim pays whoever held the right on the loss)."""
    return [h for h in policy.holders.all() if h.holds_on(day)]


def _decimal(value, error):
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise error() from exc
    if not result.is_finite():
        raise error()
    return result


def _insured_parcels(policy, damaged):
    """[(InsuredParcel, damaged mu)] for `damaged` [(Parcel or InsuredParcel, mu)]."""
    covered = {ip.parcel_id: ip for ip in InsuredParcel.objects.filter(policy=policy)}
    rows = []
    for parcel, mu in damaged:
        parcel_id = parcel.parcel_id if isinstance(parcel, InsuredParcel) else parcel.pk
        insured = covered.get(parcel_id)
        if insured is None:
            raise ParcelNotCovered()
        mu = _decimal(mu, DamagedAboveInsured)
        if mu <= 0 or mu > insured.insured_mu:
            raise DamagedAboveInsured()
        rows.append((insured, mu))
    if not rows or len({ip.pk for ip, _mu in rows}) != len(rows):
        raise ParcelNotCovered()
    return rows


def _claim_number(policy) -> str:
    year = timezone.localdate().year
    code = policy.county.code
    n = next_in_sequence(ClaimSequence, county_code=code, year=year)
    return f"LP-{code}-{year}-{n:05d}"


def claim_report(*, policy, cause, loss_on, parcels, actor, description="") -> Claim:
    """Report a loss on `parcels` [(Parcel, damaged mu)] of the policy (R-INS-1, R-INS-2)."""
    if not policy.covers(loss_on):
        raise LossOutsidePeriod()
    rows = _insured_parcels(policy, parcels)
    if not holders_on(policy, loss_on):
        raise NoHolderOnLossDate()
    if cause not in Claim.Cause.values:
        raise Invalid(_("Choose the cause of the loss."), field="cause")
    with transaction.atomic():
        claim = Claim.objects.create(
            number=_claim_number(policy),
            policy=policy,
            cause=cause,
            loss_on=loss_on,
            description=description,
            reported_by=actor,
        )
        ClaimParcel.objects.bulk_create(
            ClaimParcel(claim=claim, insured_parcel=ip, damaged_mu=mu) for ip, mu in rows
        )
        audit.record(
            action="insurance.claim_reported",
            obj=claim,
            actor=actor,
            payload={"cause": cause, "loss_on": loss_on.isoformat(), "parcels": len(rows)},
        )
        transaction.on_commit(partial(notify.claim_reported, claim.pk))
    return claim


def claim_survey(*, claim, loss_rates, actor) -> Claim:
    """The insurer's survey: a loss rate per claimed parcel {ClaimParcel pk: %}; fire is 100 %."""
    with transaction.atomic():
        claim = lock_claim(claim)
        if claim.state != Claim.State.REPORTED:
            raise WrongClaimState()
        per_mu = claim.policy.sum_insured_per_mu_fen
        for row in claim.parcels.select_related("insured_parcel"):
            if claim.cause == Claim.Cause.FIRE:
                rate = FIRE_LOSS_RATE_PCT
            else:
                rate = _decimal(loss_rates.get(row.pk, ""), LossRateOutOfRange)
            if not 0 <= rate <= 100:
                raise LossRateOutOfRange()
            row.loss_rate_pct = rate
            row.amount_fen = claim_amount_fen(
                sum_insured_per_mu_fen=per_mu,
                loss_rate_pct=rate,
                damaged_mu=row.damaged_mu,
                insured_mu=row.insured_parcel.insured_mu,
            )
            row.save(update_fields=["loss_rate_pct", "amount_fen"])
        transition(
            claim,
            "mark_surveyed",
            at=timezone.now(),
            actor=actor,
            action="insurance.claim_surveyed",
            payload={str(r.pk): str(r.loss_rate_pct) for r in claim.parcels.all()},
            refuse=wrong_claim_state,
        )
    return claim


def _pay_part(claim, part, amount_fen, actor):
    """Split one part among the holders on the loss date and instruct their payouts (R-INS-5)."""
    holders = holders_on(claim.policy, claim.loss_on)
    if not holders:
        raise NoHolderOnLossDate()
    amounts = split_fen(amount_fen, {h.pk: h.fraction for h in holders})
    label = ClaimPayment.Part(part).label
    for holder in holders:
        party, amount = holder.party, amounts[holder.pk]
        payment = ClaimPayment.objects.create(
            claim=claim,
            part=part,
            party_key=f"{party._meta.model_name}:{party.pk}",
            payee_name=str(party)[:100],
            share=holder.share,
            amount_fen=amount,
        )
        if amount == 0:
            continue
        key = ledger.account_key_for("insurance_claim_payable", party)
        ledger.post(
            memo=ledger.memo(
                "Insurance claim %(number)s: %(part)s", number=claim.number, part=label
            ),
            subject=claim,
            lines=[(claim.held_account_key, amount, 0), (key, 0, amount)],
            actor=actor,
        )
        payment.payout = payout_create(
            payee=party,
            amount_fen=amount,
            subject=claim,
            purpose=f"{claim.number} {label}",
            actor=actor,
            account_key=key,
        )
        payment.save(update_fields=["payout"])


def claim_approve(*, claim, actor) -> Claim:
    """Approve the R-INS-2 amount; the first half is paid out at once, the rest held (R-INS-3/4)."""
    with transaction.atomic():
        claim = lock_claim(claim)
        if claim.state != Claim.State.SURVEYED:
            raise WrongClaimState()
        amount = sum(row.amount_fen for row in claim.parcels.all())
        first, second = claim_parts_fen(amount)
        now = timezone.now()
        transition(
            claim,
            "approve",
            at=now,
            amount_fen=amount,
            first_fen=first,
            second_fen=second,
            actor=actor,
            action="insurance.claim_approved",
            payload={"amount_fen": amount, "first_fen": first, "second_fen": second},
            refuse=wrong_claim_state,
        )
        if amount:
            # The insurer pays the approved claim into the exchange's account; it is held per claim.
            ledger.post(
                memo=ledger.memo("Insurance claim %(number)s approved", number=claim.number),
                subject=claim,
                lines=[(ledger.BANK, amount, 0), (claim.held_account_key, 0, amount)],
                actor=actor,
            )
        _pay_part(claim, ClaimPayment.Part.FIRST, first, actor)
        days = conf.get(conf.INSPECTION_DAYS, county=claim.policy.county)
        due_on = timezone.localdate() + timedelta(days=days)
        transition(
            claim,
            "mark_first_paid",
            at=now,
            due_on=due_on,
            actor=actor,
            action="insurance.claim_first_paid",
            payload={"first_fen": first, "due_on": due_on.isoformat()},
            refuse=wrong_claim_state,
        )
        transaction.on_commit(partial(notify.claim_approved, claim.pk))
    return claim


def claim_replanting_report(*, claim, actor) -> Claim:
    """The holder (through the station) or the insurer reports the replanting done (R-INS-4)."""
    with transaction.atomic():
        claim = lock_claim(claim)
        if claim.state != Claim.State.FIRST_PAID:
            raise WrongClaimState()
        transition(
            claim,
            "report_replanting",
            at=timezone.now(),
            actor=actor,
            action="insurance.replanting_reported",
            refuse=wrong_claim_state,
        )
        transaction.on_commit(partial(notify.replanting_reported, claim.pk))
    return claim


def claim_pay_second(*, claim, actor) -> Claim:
    """Release the held second part once, after an accepted inspection (R-INS-4)."""
    with transaction.atomic():
        claim = lock_claim(claim)
        if claim.state != Claim.State.ACCEPTED:
            raise SecondPartNotReleasable()
        if claim.payments.filter(part=ClaimPayment.Part.SECOND).exists():
            raise SecondPartNotReleasable()
        _pay_part(claim, ClaimPayment.Part.SECOND, claim.second_fen, actor)
        transition(
            claim,
            "mark_second_paid",
            at=timezone.now(),
            actor=actor,
            action="insurance.claim_second_paid",
            payload={"second_fen": claim.second_fen},
            refuse=wrong_claim_state,
        )
        transaction.on_commit(partial(notify.second_paid, claim.pk))
    return claim


def _close(claim, transition_name, action, reason, actor):
    if not str(reason).strip():
        raise Invalid(_("Give a reason."), field="reason")
    with transaction.atomic():
        claim = lock_claim(claim)
        if claim.state not in (Claim.State.REPORTED, Claim.State.SURVEYED):
            raise WrongClaimState()
        transition(
            claim,
            transition_name,
            at=timezone.now(),
            reason=reason,
            actor=actor,
            action=action,
            payload={"reason": reason},
            refuse=wrong_claim_state,
        )
    return claim


def claim_reject(*, claim, reason, actor) -> Claim:
    """The insurer rejects a claim before approval, with its reason."""
    return _close(claim, "reject", "insurance.claim_rejected", reason, actor)


def claim_withdraw(*, claim, reason, actor) -> Claim:
    """The reporter withdraws a claim before approval."""
    return _close(claim, "withdraw", "insurance.claim_withdrawn", reason, actor)
