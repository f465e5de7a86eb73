"""Policies (R-INS-1) and their insured holders over time (R-INS-5)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db import transaction

from listings.models import Right
from marketplace import audit
from marketplace.choices import RightType
from marketplace.money import fen_to_yuan, yuan_to_fen

from .. import conf
from ..errors import (
    HolderSharesDoNotAddUp,
    InsuredAreaInvalid,
    NotAForestRight,
    ParcelNotCovered,
    PeriodInvalid,
    SharesDoNotAddUp,
)
from ..models import InsurancePolicy, InsuredHolder, InsuredParcel

PARTY_FIELDS = {
    "household": "household",
    "enterprise": "enterprise",
    "collective": "collective",
    "storagecenter": "storage_center",
}


def party_field(party) -> str:
    return PARTY_FIELDS[party._meta.model_name]


def _fraction(text) -> Fraction:
    try:
        value = Fraction(str(text).strip())
    except (ValueError, ZeroDivisionError) as exc:
        raise HolderSharesDoNotAddUp() from exc
    if value <= 0 or value > 1:
        raise HolderSharesDoNotAddUp()
    return value


def _rulebook_terms(county, terms):
    """Sum insured, premium rate and shares: given values, else the county's rulebook (R-INS-1)."""
    out = {
        "sum_insured_per_mu_fen": terms.get("sum_insured_per_mu_fen")
        or conf.get(conf.SUM_INSURED_PER_MU, county=county),
        "premium_rate": terms.get("premium_rate") or conf.get(conf.PREMIUM_RATE, county=county),
    }
    for key in conf.SHARES:
        name = key.split(".", 1)[1]
        given = terms.get(name)
        out[name] = Decimal(given) if given is not None else conf.get(key, county=county)
    if sum(out[k.split(".", 1)[1]] for k in conf.SHARES) != 1:
        raise SharesDoNotAddUp()
    return out


def _check_parcels(right, parcels):
    own = {p.pk: p for p in right.parcels.all()}
    if not parcels:
        raise ParcelNotCovered()
    for parcel, insured_mu in parcels:
        if parcel.pk not in own:
            raise ParcelNotCovered()
        if not Decimal(0) < Decimal(insured_mu) <= parcel.area_mu:
            raise InsuredAreaInvalid()


def _default_holders(right):
    return [(h.party, str(h.share.normalize())) for h in right.holders.all()]


def policy_create(
    *,
    insurer,
    right: Right,
    number: str,
    starts_on: date,
    ends_on: date,
    parcels,
    holders=None,
    actor=None,
    **terms,
) -> InsurancePolicy:
    """Record a policy over `parcels` [(Parcel, insured mu)] of one forest right (R-INS-1)."""
    if right.right_type != RightType.FOREST:
        raise NotAForestRight()
    _check_parcels(right, parcels)
    if ends_on <= starts_on:
        raise PeriodInvalid()
    holders = holders if holders is not None else _default_holders(right)
    if not holders or sum(_fraction(share) for _party, share in holders) != 1:
        raise HolderSharesDoNotAddUp()
    county = parcels[0][0].village.township.county
    t = _rulebook_terms(county, terms)
    insured_mu = sum(Decimal(mu) for _p, mu in parcels)
    premium_yuan = fen_to_yuan(t["sum_insured_per_mu_fen"]) * insured_mu * t["premium_rate"]
    premium_fen = yuan_to_fen(premium_yuan)
    with transaction.atomic():
        policy = InsurancePolicy.objects.create(
            number=number,
            insurer=insurer,
            right=right,
            county=county,
            starts_on=starts_on,
            ends_on=ends_on,
            premium_fen=premium_fen,
            holder_premium_fen=min(yuan_to_fen(premium_yuan * t["share_holder"]), premium_fen),
            created_by=actor if actor is not None and actor.is_authenticated else None,
            **t,
        )
        InsuredParcel.objects.bulk_create(
            InsuredParcel(policy=policy, parcel=p, insured_mu=Decimal(mu)) for p, mu in parcels
        )
        InsuredHolder.objects.bulk_create(
            InsuredHolder(
                policy=policy, share=str(share), valid_from=starts_on, **{party_field(p): p}
            )
            for p, share in holders
        )
        audit.record(
            action="insurance.policy_created",
            obj=policy,
            actor=actor,
            payload={"number": number, "insured_mu": str(insured_mu), "premium_fen": premium_fen},
        )
    return policy


def policy_holders_transfer(*, deal) -> int:
    """A deal through the exchange transferred the forest right: from the deal's completion date
    the transferee holds it for the policies covering it (R-INS-5). Idempotent; returns how many
    policies changed."""
    from django.utils import timezone

    if deal.transferee_id is None or deal.completed_at is None:
        return 0
    day = timezone.localdate(deal.completed_at)
    changed = 0
    with transaction.atomic():
        policies = InsurancePolicy.objects.select_for_update().filter(
            right_id=deal.listing.right_id, ends_on__gte=day
        )
        for policy in policies.order_by("pk"):
            if policy.holders.filter(deal=deal).exists():
                continue
            current = policy.holders.filter(valid_to__isnull=True)
            current.filter(valid_from__gte=day).delete()  # not yet in force: replaced outright
            current.update(valid_to=day)
            InsuredHolder.objects.create(
                policy=policy,
                enterprise=deal.transferee,
                share="1",
                valid_from=max(day, policy.starts_on),
                deal=deal,
            )
            audit.record(
                action="insurance.holder_transferred",
                obj=policy,
                payload={"deal": deal.number, "from": day.isoformat()},
            )
            changed += 1
    return changed
