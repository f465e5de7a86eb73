"""Policies and claims (R-INS-1..5): the first half paid at once, the second after acceptance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts.insurance import errors, services
from contracts.insurance.models import Claim, ClaimPayment, InsuredHolder
from contracts.insurance.selectors import claim_money, claims_for_household
from marketplace.payments import ledger
from marketplace.payments.models import Payout
from marketplace.payments.verify import verify_ledger
from tests import factories as kernel
from tests.insurance.factories import COVER_START, insured_policy

pytestmark = pytest.mark.django_db

LOSS_DAY = dt.date(2026, 3, 15)


@pytest.fixture
def insurer_user():
    return kernel.InsurerUserFactory()


@pytest.fixture
def inspector():
    return kernel.ForestryInspectorFactory()


def _approved(policy, actor, *, cause=Claim.Cause.FIRE, damaged="12.5", rate=None):
    parcel = policy.parcels.first().parcel
    claim = services.claim_report(
        policy=policy, cause=cause, loss_on=LOSS_DAY, parcels=[(parcel, damaged)], actor=actor
    )
    rates = {row.pk: rate for row in claim.parcels.all()} if rate is not None else {}
    services.claim_survey(claim=claim, loss_rates=rates, actor=actor)
    return services.claim_approve(claim=claim, actor=actor)


def _inspect(claim, inspector, *, accepted, findings="", photos=()):
    return services.inspection_record(
        claim=claim,
        inspector=inspector,
        inspected_on=timezone.localdate(),
        replanted_mu="12.5",
        survival_rate_pct="90" if accepted else "40",
        accepted=accepted,
        findings=findings,
        photos=photos,
    )


# ---------------------------------------------------------------- policies (R-INS-1)


def test_a_policy_takes_the_rulebook_defaults_and_computes_the_premium():
    # when: 2 parcels of 20 mu at 400 yuan per mu, 4 ‰
    policy = insured_policy()
    # then: 40 mu x 400 x 0.004 = 64 yuan; the holder pays 10 % of it
    assert policy.sum_insured_per_mu_fen == 40_000
    assert policy.premium_rate == Decimal("0.004")
    assert (policy.share_central, policy.share_province) == (Decimal("0.5"), Decimal("0.3"))
    assert (policy.share_county, policy.share_holder) == (Decimal("0.1"), Decimal("0.1"))
    assert policy.premium_fen == 6_400
    assert policy.holder_premium_fen == 640


def test_it_refuses_premium_shares_that_do_not_add_up_to_100_percent():
    with pytest.raises(errors.SharesDoNotAddUp, match="R-INS-1"):
        insured_policy_with(share_central="0.6")


def insured_policy_with(**terms):
    from contracts.insurance.services import policy_create
    from tests.insurance.factories import forest_parcel
    from tests.listings.factories import RightFactory

    village = kernel.VillageFactory()
    plot = forest_parcel(village, 1)
    right = RightFactory(right_type="forest", parcels=[plot])
    return policy_create(
        insurer=kernel.InsurerFactory(),
        right=right,
        number="BD-X",
        starts_on=COVER_START,
        ends_on=dt.date(2026, 12, 31),
        parcels=[(plot, plot.area_mu)],
        holders=[(kernel.HouseholdFactory(village=village), "1")],
        **terms,
    )


def test_it_refuses_holder_shares_that_do_not_add_up_to_one():
    households = [kernel.HouseholdFactory(), kernel.HouseholdFactory()]
    with pytest.raises(errors.HolderSharesDoNotAddUp, match="R-INS-5"):
        insured_policy(holders=households, shares=["1/2", "1/3"])


def test_it_refuses_a_policy_on_a_right_that_is_not_a_forest_right():
    from contracts.insurance.services import policy_create
    from tests.listings.factories import ParcelFactory, RightFactory

    plot = ParcelFactory()
    with pytest.raises(errors.NotAForestRight, match="R-INS-1"):
        policy_create(
            insurer=kernel.InsurerFactory(),
            right=RightFactory(right_type="contract", parcels=[plot]),
            number="BD-Y",
            starts_on=COVER_START,
            ends_on=dt.date(2026, 12, 31),
            parcels=[(plot, plot.area_mu)],
            holders=[(kernel.HouseholdFactory(), "1")],
        )


# ---------------------------------------------------------------- the two parts (R-INS-3..5)


def test_approval_pays_the_first_half_at_once_and_holds_the_second(insurer_user):
    # given a fire on 12.5 mu of a 20-mu parcel
    policy = insured_policy()
    household = policy.holders.get().household
    # when
    claim = _approved(policy, insurer_user)
    # then R-INS-2: 400 yuan x 100 % x 12.5 mu = 5000 yuan; R-INS-5: 2500 + 2500
    assert (claim.amount_fen, claim.first_fen, claim.second_fen) == (500_000, 250_000, 250_000)
    assert claim.state == Claim.State.FIRST_PAID
    payout = Payout.objects.get()
    assert (payout.amount_fen, payout.payee) == (250_000, household)
    assert payout.account_key == f"insurance_claim_payable:household:{household.pk}"
    # the second half sits in the claim's own account (R-INS-4)
    assert ledger.balance(claim.held_account_key) == 250_000
    assert claim_money(claim).held_fen == 250_000
    assert claim.replanting_due_on == timezone.localdate() + dt.timedelta(days=180)
    assert verify_ledger().ok


def test_an_accepted_inspection_releases_the_second_half_once(insurer_user, inspector):
    # given
    claim = _approved(insured_policy(), insurer_user)
    services.claim_replanting_report(claim=claim, actor=insurer_user)
    # when
    _inspect(claim, inspector, accepted=True)
    # then
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.state == Claim.State.SECOND_PAID
    assert sorted(Payout.objects.values_list("amount_fen", flat=True)) == [250_000, 250_000]
    assert ledger.balance(claim.held_account_key) == 0
    assert verify_ledger().ok
    with pytest.raises(errors.SecondPartNotReleasable, match="R-INS-4"):
        services.claim_pay_second(claim=claim, actor=insurer_user)
    assert Payout.objects.count() == 2


def test_a_failed_inspection_keeps_the_second_half_and_sets_a_new_due_date(insurer_user, inspector):
    # given
    claim = _approved(insured_policy(), insurer_user, cause=Claim.Cause.WIND_SNOW_FREEZE, rate=60)
    services.claim_replanting_report(claim=claim, actor=insurer_user)
    # when
    inspection = services.inspection_record(
        claim=claim,
        inspector=inspector,
        inspected_on=timezone.localdate(),
        replanted_mu="5",
        survival_rate_pct="40",
        accepted=False,
        findings="成活率不足 85%",
        next_due_on=dt.date(2027, 5, 1),
    )
    # then: 400 x 60 % x 12.5 = 3000 yuan, half paid, half still held
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.amount_fen == 300_000
    assert claim.state == Claim.State.FIRST_PAID
    assert claim.replanting_due_on == dt.date(2027, 5, 1) == inspection.next_due_on
    assert ledger.balance(claim.held_account_key) == 150_000
    with pytest.raises(errors.SecondPartNotReleasable):
        services.claim_pay_second(claim=claim, actor=insurer_user)


def test_three_holders_of_a_third_each_share_each_part_to_the_fen(insurer_user, inspector):
    # given pests at 35 % on 3.3333 mu: 40000 x 0.35 x 3.3333 = 46666.2 -> 46666 fen
    households = [kernel.HouseholdFactory() for _ in range(3)]
    policy = insured_policy(holders=households)
    claim = _approved(policy, insurer_user, cause=Claim.Cause.PESTS, damaged="3.3333", rate=35)
    services.claim_replanting_report(claim=claim, actor=insurer_user)
    _inspect(claim, inspector, accepted=True)
    # then
    claim = Claim.objects.get(pk=claim.pk)
    assert (claim.amount_fen, claim.first_fen, claim.second_fen) == (46_666, 23_333, 23_333)
    first = sorted(claim.payments.filter(part="first").values_list("amount_fen", flat=True))
    second = sorted(claim.payments.filter(part="second").values_list("amount_fen", flat=True))
    assert first == second == [7_777, 7_778, 7_778]
    assert sum(Payout.objects.values_list("amount_fen", flat=True)) == 46_666


# ---------------------------------------------------------------- bad input, with the rule


def test_it_refuses_a_damaged_area_larger_than_the_insured_area(insurer_user):
    policy = insured_policy()
    parcel = policy.parcels.first().parcel
    with pytest.raises(errors.DamagedAboveInsured, match="R-INS-2"):
        services.claim_report(
            policy=policy, cause="fire", loss_on=LOSS_DAY, parcels=[(parcel, "20.0001")],
            actor=insurer_user,
        )  # fmt: skip
    assert not Claim.objects.exists()


def test_it_refuses_a_parcel_the_policy_does_not_cover(insurer_user):
    from tests.listings.factories import ParcelFactory

    with pytest.raises(errors.ParcelNotCovered, match="R-INS-1"):
        services.claim_report(
            policy=insured_policy(), cause="fire", loss_on=LOSS_DAY,
            parcels=[(ParcelFactory(), "1")], actor=insurer_user,
        )  # fmt: skip


def test_it_refuses_a_loss_outside_the_policy_period(insurer_user):
    policy = insured_policy()
    parcel = policy.parcels.first().parcel
    with pytest.raises(errors.LossOutsidePeriod, match="R-INS-1"):
        services.claim_report(
            policy=policy, cause="fire", loss_on=dt.date(2027, 1, 1), parcels=[(parcel, "1")],
            actor=insurer_user,
        )  # fmt: skip


@pytest.mark.parametrize("rate", ["-1", "100.5", "abc"])
def test_it_refuses_a_loss_rate_outside_0_to_100(insurer_user, rate):
    policy = insured_policy()
    parcel = policy.parcels.first().parcel
    claim = services.claim_report(
        policy=policy, cause="pests", loss_on=LOSS_DAY, parcels=[(parcel, "2")], actor=insurer_user
    )
    with pytest.raises(errors.LossRateOutOfRange, match="R-INS-2"):
        services.claim_survey(
            claim=claim, loss_rates={r.pk: rate for r in claim.parcels.all()}, actor=insurer_user
        )
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.state == Claim.State.REPORTED
    assert claim.parcels.get().loss_rate_pct is None


def test_it_refuses_an_inspection_before_the_replanting_is_reported(insurer_user, inspector):
    claim = _approved(insured_policy(), insurer_user)
    with pytest.raises(errors.InspectionTooEarly, match="R-INS-4"):
        _inspect(claim, inspector, accepted=True)
    assert not claim.inspections.exists()


def test_it_refuses_the_second_part_without_an_accepted_inspection(insurer_user):
    claim = _approved(insured_policy(), insurer_user)
    with pytest.raises(errors.SecondPartNotReleasable, match="R-INS-4"):
        services.claim_pay_second(claim=claim, actor=insurer_user)
    assert not claim.payments.filter(part=ClaimPayment.Part.SECOND).exists()


def test_inspection_photos_are_checked_like_scans(insurer_user, inspector):
    claim = _approved(insured_policy(), insurer_user)
    services.claim_replanting_report(claim=claim, actor=insurer_user)
    fake = SimpleUploadedFile("p.jpg", b"not a picture", content_type="image/jpeg")
    with pytest.raises(errors.BadPhoto):
        _inspect(claim, inspector, accepted=True, photos=[fake])
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.state == Claim.State.REPLANTING_REPORTED


def test_a_png_photo_is_kept_with_the_inspection(insurer_user, inspector):
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (4, 4), "green").save(out, format="PNG")
    claim = _approved(insured_policy(), insurer_user)
    services.claim_replanting_report(claim=claim, actor=insurer_user)
    photo = SimpleUploadedFile("p.png", out.getvalue(), content_type="image/png")
    inspection = _inspect(claim, inspector, accepted=True, photos=[photo])
    assert inspection.photos.get().content_type == "image/png"


# ---------------------------------------------------------------- holders over time (R-INS-5)


def test_a_deal_that_transfers_the_right_makes_the_transferee_the_holder_from_completion(
    insurer_user,
):
    from contracts.models import Deal
    from tests.contracts.factories import announced_listing

    # given a policy and a deal over its forest right completed on 1 June
    policy = insured_policy()
    household = policy.holders.get().household
    listing = announced_listing()
    listing.right = policy.right
    listing.save(update_fields=["right"])
    buyer = kernel.EnterpriseFactory(bank_account="6230500000007777")
    completed = timezone.make_aware(dt.datetime(2026, 6, 1, 10, 0))
    # when the deal completes
    Deal.objects.create(
        number="JY-T-1", listing=listing, state=Deal.State.COMPLETE, transferee=buyer,
        completed_at=completed,
    )  # fmt: skip
    # then
    rows = list(policy.holders.order_by("valid_from"))
    assert [(r.party, r.valid_from, r.valid_to) for r in rows] == [
        (household, COVER_START, dt.date(2026, 6, 1)),
        (buyer, dt.date(2026, 6, 1), None),
    ]
    # a loss before completion pays the household, after completion the enterprise
    parcel = policy.parcels.first().parcel
    for day in (dt.date(2026, 5, 31), dt.date(2026, 6, 2)):
        claim = services.claim_report(
            policy=policy, cause="fire", loss_on=day, parcels=[(parcel, "1")], actor=insurer_user
        )
        services.claim_survey(claim=claim, loss_rates={}, actor=insurer_user)
        services.claim_approve(claim=claim, actor=insurer_user)
    payees = [p.payee for p in Payout.objects.order_by("pk")]
    assert payees == [household, buyer]
    assert InsuredHolder.objects.filter(deal__number="JY-T-1").count() == 1


def test_claims_for_household_lists_the_holders_claims(insurer_user):
    policy = insured_policy()
    household = policy.holders.get().household
    claim = _approved(policy, insurer_user)
    assert list(claims_for_household(household)) == [claim]
    assert list(claims_for_household(kernel.HouseholdFactory())) == []
