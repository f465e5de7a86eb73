"""Reads of forest insurance: queues, desks, the holder's view and the county report."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from marketplace.payments import ledger
from marketplace.permissions import scope_queryset

from .models import Claim, ClaimPayment, InsurancePolicy, PolicyImport

OPEN_FOR_INSURER = [
    Claim.State.REPORTED,
    Claim.State.SURVEYED,
    Claim.State.APPROVED,
    Claim.State.ACCEPTED,
]


def _claims():
    return Claim.objects.select_related(
        "policy", "policy__county", "policy__insurer", "policy__right"
    ).prefetch_related("parcels__insured_parcel__parcel", "payments")


def claim_get(*, number) -> Claim:
    claim = _claims().filter(number=number).first()
    if claim is None:
        raise Http404
    return claim


def policy_get(*, number) -> InsurancePolicy:
    policy = (
        InsurancePolicy.objects.select_related("county", "insurer", "right")
        .filter(number=number)
        .first()
    )
    if policy is None:
        raise Http404
    return policy


def claim_list_for_insurer(user, *, state=""):
    """The insurer's queue: its own policies' claims, those needing it first."""
    qs = _claims().filter(policy__insurer_id=user.insurer_id)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("reported_at")


def policy_list_for_insurer(user):
    return InsurancePolicy.objects.filter(insurer_id=user.insurer_id).select_related(
        "county", "right"
    )


def policy_import_get(*, pk) -> PolicyImport:
    """Any import job by id (Http404 if none); the view asks `insurance.view_policy_import`."""
    job = PolicyImport.objects.select_related("insurer").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def policy_import_list_for_insurer(user):
    """The insurer's own household-list imports, newest first."""
    if not user.insurer_id:
        return PolicyImport.objects.none()
    return PolicyImport.objects.filter(insurer_id=user.insurer_id)


def replanting_list_for_inspector(user):
    """Claims awaiting replanting or its inspection in the inspector's county, due first."""
    return (
        _claims()
        .filter(
            policy__county_id=user.county_id,
            state__in=[Claim.State.FIRST_PAID, Claim.State.REPLANTING_REPORTED],
        )
        .prefetch_related("inspections")
        .order_by("replanting_due_on", "pk")
    )


def is_overdue(claim, today=None) -> bool:
    today = today or timezone.localdate()
    return bool(claim.replanting_due_on and claim.replanting_due_on < today)


def claim_list_for_station(user):
    """Claims on policies over parcels in the station's township."""
    township = user.station.township_id
    return (
        _claims()
        .filter(policy__parcels__parcel__village__township_id=township)
        .distinct()
        .order_by("-reported_at")
    )


def claims_for_household(household):
    """The claims on policies the household is (or was) an insured holder of (H8's page)."""
    return (
        _claims().filter(policy__holders__household=household).distinct().order_by("-reported_at")
    )


def policies_for_station(user):
    township = user.station.township_id
    return (
        InsurancePolicy.objects.filter(parcels__parcel__village__township_id=township)
        .distinct()
        .select_related("insurer", "right")
        .prefetch_related(Prefetch("parcels"), "holders")
    )


@dataclass
class ClaimMoney:
    """What was paid, what is held and why (R-INS-3, R-INS-4)."""

    first_paid_fen: int
    second_paid_fen: int
    held_fen: int


def claim_money(claim) -> ClaimMoney:
    paid = {
        part: sum(p.amount_fen for p in claim.payments.all() if p.part == part)
        for part in ClaimPayment.Part.values
    }
    held = ledger.balance(claim.held_account_key) if claim.amount_fen else 0
    return ClaimMoney(paid["first"], paid["second"], held)


@dataclass
class CountyRow:
    county: str
    claims: int
    approved_fen: int
    first_paid_fen: int
    second_paid_fen: int
    held_fen: int
    mean_days_to_acceptance: float | None


def county_report(user):
    """Per county: claims, amounts approved, first and second parts paid, held, days from approval
    to acceptance (mean over accepted claims)."""
    qs = scope_queryset(Claim.objects.all(), user, county_path="policy__county")
    rows = {}
    for claim in qs.select_related("policy__county").prefetch_related("payments"):
        county = claim.policy.county
        row = rows.setdefault(county.pk, CountyRow(county.name, 0, 0, 0, 0, 0, None))
        row.claims += 1
        row.approved_fen += claim.amount_fen or 0
        money = claim_money(claim)
        row.first_paid_fen += money.first_paid_fen
        row.second_paid_fen += money.second_paid_fen
        row.held_fen += money.held_fen
        if claim.accepted_at and claim.approved_at:
            days = (claim.accepted_at - claim.approved_at).total_seconds() / 86400
            row.__dict__.setdefault("_days", []).append(days)
    for row in rows.values():
        days = row.__dict__.pop("_days", [])
        row.mean_days_to_acceptance = round(sum(days) / len(days), 1) if days else None
    return sorted(rows.values(), key=lambda r: r.county)
