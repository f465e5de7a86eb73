"""Demo of forest insurance on 古丈县 households' forest rights (断龙山镇 杉木林): a fire claim with
the first half paid and the replanting awaiting inspection, a storm claim whose first inspection
failed, and a pest claim fully paid. Idempotent: a policy number that exists is left alone."""

import datetime as dt
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from listings.models import Right
from marketplace.models import User

from . import services
from .models import Claim, InsurancePolicy

COVER = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _photo():
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (64, 48), (46, 125, 50)).save(out, format="PNG")
    return SimpleUploadedFile("补植.png", out.getvalue(), content_type="image/png")


def _policy(n, right, insurer, actor):
    number = f"BD-433126-2026-{n:04d}"
    found = InsurancePolicy.objects.filter(number=number).first()
    if found:
        return found, False
    parcels = [(p, p.area_mu) for p in right.parcels.order_by("code")[:3]]
    policy = services.policy_create(
        insurer=insurer,
        right=right,
        number=number,
        starts_on=COVER[0],
        ends_on=COVER[1],
        parcels=parcels,
        actor=actor,
    )
    return policy, True


def _claim(policy, cause, loss_on, damaged_mu, rate, actor):
    parcel = policy.parcels.first().parcel
    claim = services.claim_report(
        policy=policy,
        cause=cause,
        loss_on=loss_on,
        parcels=[(parcel, damaged_mu)],
        description="演示报案",
        actor=actor,
    )
    rates = {row.pk: rate for row in claim.parcels.all()}
    services.claim_survey(claim=claim, loss_rates=rates, actor=actor)
    claim = services.claim_approve(claim=claim, actor=actor)
    return services.claim_replanting_report(claim=claim, actor=actor)


def _inspect(claim, inspector, *, accepted, findings=""):
    return services.inspection_record(
        claim=claim,
        inspector=inspector,
        inspected_on=timezone.localdate(),
        replanted_mu="4.0000" if accepted else "2.0000",
        survival_rate_pct="92" if accepted else "45",
        accepted=accepted,
        findings=findings,
        photos=[_photo()],
    )


def seed(log) -> None:
    insurer_user = User.objects.filter(username="insurer").select_related("insurer").first()
    inspector = User.objects.filter(username="forestry").first()
    rights = list(
        Right.objects.filter(
            right_type="forest",
            holders__household__village__township__county__code="433126",
        )
        .distinct()
        .order_by("certificate_number")[:3]
    )
    if insurer_user is None or inspector is None or len(rights) < 3:
        log("insurance: skipped (needs the demo logins and three 古丈县 forest rights)")
        return
    insurer = insurer_user.insurer
    policies = [_policy(n, r, insurer, insurer_user) for n, r in enumerate(rights, start=1)]
    if not all(created for _p, created in policies):
        log(f"insurance: {InsurancePolicy.objects.count()} policies already there")
        return
    (fire_policy, _), (storm_policy, _), (pest_policy, _) = policies
    _claim(fire_policy, Claim.Cause.FIRE, dt.date(2026, 3, 12), "6.5000", None, insurer_user)
    storm = _claim(
        storm_policy,
        Claim.Cause.WIND_SNOW_FREEZE,
        dt.date(2026, 2, 3),
        "5.0000",
        "60",
        insurer_user,
    )
    _inspect(
        storm,
        inspector,
        accepted=False,
        findings="补植苗木成活率 45%，低于 85% 的要求，须补植后复验",
    )
    pests = _claim(
        pest_policy, Claim.Cause.PESTS, dt.date(2026, 5, 20), "4.0000", "35", insurer_user
    )
    _inspect(pests, inspector, accepted=True, findings="补植到位，成活率 92%")
    log(
        "insurance: 3 policies; claims: fire (first half paid, replanting awaiting inspection), "
        "storm (first inspection failed), pests (fully paid)"
    )
