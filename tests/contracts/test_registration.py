"""Registration, deposits and qualification (R-REG-1..6)."""

import datetime as dt

import pytest
from django.utils import timezone

from contracts import services
from contracts.errors import AlreadyRegistered, RegistrationClosed, RegistrationRefused
from contracts.models import Deal, Deposit, QualificationReview, Registration
from marketplace.demo import make_id_number
from marketplace.payments.models import Payable, Refund
from marketplace.payments.testing import simulate_payment_succeeded
from tests import factories as kernel
from tests.contracts.factories import announced_listing, bidder, qualify

pytestmark = pytest.mark.django_db


def test_registering_creates_the_deal_and_a_deposit_payable_r_reg_4():
    # given an announced listing with a 1,000-yuan deposit
    listing = announced_listing(deposit_fen=100_000)
    user = bidder()
    # when an agribusiness registers
    registration = services.registration_create(listing=listing, user=user)
    # then the deal exists with a readable number and the deposit payable is pending
    deal = Deal.objects.get(listing=listing)
    assert deal.number.startswith(f"JY-{listing.county.code}-")
    assert registration.state == Registration.State.AWAITING_DEPOSIT
    deposit = Deposit.objects.get(registration=registration)
    assert deposit.payable.kind == Payable.Kind.DEPOSIT
    assert deposit.payable.amount_fen == 100_000
    assert deposit.state == Deposit.State.PENDING
    assert registration.bidder_number is None


def test_a_deposit_received_before_the_deadline_qualifies_the_bidder_r_reg_2():
    # given a registration awaiting its deposit
    listing = announced_listing()
    # when the deposit is paid through the payments webhook
    registration = qualify(listing)
    # then the bidder is qualified with a bidder number and the deposit is held
    assert registration.state == Registration.State.QUALIFIED
    assert registration.bidder_number and len(registration.bidder_number) == 4
    assert registration.deposit.state == Deposit.State.HELD
    assert registration.deposit.received_at is not None


def test_a_deposit_received_after_the_deadline_is_refunded_and_not_qualified_r_reg_2(
    django_capture_on_commit_callbacks,
):
    # given a registration whose announcement period then ends unpaid
    listing = announced_listing()
    registration = services.registration_create(listing=listing, user=bidder())
    from marketplace.payments.models import Payable as P

    P.objects.filter(pk=registration.deposit.payable_id)  # noqa: B018
    listing.__class__.objects.filter(pk=listing.pk).update(
        announcement_ends_at=timezone.now() - dt.timedelta(minutes=1)
    )
    # when the money arrives late
    with django_capture_on_commit_callbacks(execute=True):
        simulate_payment_succeeded(registration.deposit.payable)
    # then the registration is not qualified and the deposit goes back
    registration.refresh_from_db()
    assert registration.state == Registration.State.NOT_QUALIFIED
    deposit = Deposit.objects.get(registration=registration)
    assert deposit.state == Deposit.State.REFUNDED
    assert Refund.objects.filter(payable=deposit.payable).exists()


def test_bidder_numbers_are_unique_and_not_the_registration_order():
    # given one listing with many bidders
    listing = announced_listing(deposit_fen=0)
    numbers = [qualify(listing).bidder_number for _ in range(12)]
    # then the numbers are unique and not a simple sequence
    assert len(set(numbers)) == 12
    assert numbers != sorted(numbers) or int(numbers[-1]) - int(numbers[0]) != 11


@pytest.mark.parametrize("role", ["exchange_staff", "station_operator"])
def test_staff_and_station_operators_cannot_register_r_reg_6(role):
    listing = announced_listing()
    user = kernel.OperatorFactory() if role == "station_operator" else kernel.UserFactory(role=role)
    with pytest.raises(RegistrationRefused):
        services.registration_create(listing=listing, user=user)


def test_the_transferor_cannot_register_for_its_own_listing_r_reg_6():
    # given a grower who is the transferor household itself
    household = kernel.HouseholdFactory()
    listing = announced_listing(household=household)
    user = bidder(kind="large_grower", uscc="", id_number=household.id_number)
    # when it registers, then it is refused with a reason
    with pytest.raises(RegistrationRefused) as exc:
        services.registration_create(listing=listing, user=user)
    assert "R-REG-6" in str(exc.value.message)


def test_a_natural_person_over_70_is_refused_r_reg_1():
    listing = announced_listing()
    born = timezone.localdate().replace(year=timezone.localdate().year - 75)
    user = bidder(kind="large_grower", uscc="", id_number=make_id_number("433126", born, 7))
    with pytest.raises(RegistrationRefused) as exc:
        services.registration_create(listing=listing, user=user)
    assert "R-REG-1" in str(exc.value.message)


def test_a_natural_person_aged_40_may_register_r_reg_1():
    listing = announced_listing()
    born = timezone.localdate().replace(year=timezone.localdate().year - 40)
    user = bidder(kind="large_grower", uscc="", id_number=make_id_number("433126", born, 8))
    assert services.registration_create(listing=listing, user=user).pk


def test_an_invalid_uscc_is_refused_r_reg_1():
    listing = announced_listing()
    user = bidder(uscc="91433126MA4000000A")
    with pytest.raises(RegistrationRefused):
        services.registration_create(listing=listing, user=user)


def test_registration_is_closed_after_the_announcement_period_r_reg_2():
    listing = announced_listing(ends_in=-dt.timedelta(minutes=1))
    with pytest.raises(RegistrationClosed):
        services.registration_create(listing=listing, user=bidder())


def test_an_enterprise_registers_once():
    listing = announced_listing()
    user = bidder()
    services.registration_create(listing=listing, user=user)
    with pytest.raises(AlreadyRegistered):
        services.registration_create(listing=listing, user=user)


@pytest.mark.parametrize(
    ("area", "tier"), [("499", None), ("500", "county"), ("1000", "prefecture")]
)
def test_commercial_capital_over_the_area_tiers_needs_a_review_r_reg_3(area, tier):
    # given a large listing and a commercial-capital bidder
    listing = announced_listing(area_mu=area)
    user = bidder(is_commercial_capital=True)
    # when it registers
    registration = services.registration_create(listing=listing, user=user)
    # then a review of the right tier is asked for, due in 20 working days
    review = QualificationReview.objects.filter(registration=registration).first()
    if tier is None:
        assert review is None
        assert registration.state == Registration.State.AWAITING_DEPOSIT
    else:
        assert review.tier == tier
        assert registration.state == Registration.State.AWAITING_REVIEW
        from marketplace import workdays

        assert review.due_at == workdays.period_end(timezone.localdate(), 20)


def test_a_paid_bidder_under_review_is_qualified_when_the_review_is_approved_r_reg_3(staff_user):
    # given a commercial-capital bidder that paid while its review is pending
    listing = announced_listing(area_mu="600")
    registration = qualify(listing, bidder(is_commercial_capital=True))
    assert registration.state == Registration.State.AWAITING_REVIEW
    # when staff approve the review
    services.review_decide(review=registration.review, actor=staff_user, approve=True)
    # then it is qualified
    registration.refresh_from_db()
    assert registration.state == Registration.State.QUALIFIED
    assert registration.bidder_number


def test_a_refused_review_refunds_the_deposit_r_reg_3(
    staff_user, django_capture_on_commit_callbacks
):
    listing = announced_listing(area_mu="1200")
    registration = qualify(listing, bidder(is_commercial_capital=True))
    with django_capture_on_commit_callbacks(execute=True):
        services.review_decide(
            review=registration.review, actor=staff_user, approve=False, reasons="经营计划不足"
        )
    registration.refresh_from_db()
    assert registration.state == Registration.State.REJECTED
    assert Refund.objects.filter(payable=registration.deposit.payable).exists()


@pytest.mark.parametrize(
    ("kind", "prefix", "member", "tier"),
    [
        # a 有限公司 (USCC 9-1: industry and commerce, enterprise) is commercial capital
        ("leading", "91", False, "county"),
        ("company", "91", True, "county"),
        # a farmers' cooperative (9-3) is not
        ("cooperative", "93", False, None),
        # an individual business (9-2) is a person: commercial capital outside the collective
        ("family_farm", "92", False, "county"),
        ("family_farm", "92", True, None),
    ],
)
def test_r_reg_3_the_organisation_type_comes_from_the_uscc_and_the_registered_form(
    kind, prefix, member, tier
):
    # given a 600-mu listing and a bidder without the commercial-capital flag
    from marketplace.demo import make_uscc

    listing = announced_listing(area_mu="600")
    user = bidder(
        kind=kind,
        uscc=make_uscc("433126", prefix, 70001),
        is_commercial_capital=False,
        collective_village=listing.village if member else None,
    )
    # when it registers
    registration = services.registration_create(listing=listing, user=user)
    # then the review follows what the USCC and the registered form say it is
    review = QualificationReview.objects.filter(registration=registration).first()
    assert (review.tier if review else None) == tier


def _county_staff(county):
    return kernel.UserFactory(role="exchange_staff", is_staff=True, county=county)


def test_r_reg_3_county_staff_cannot_decide_a_prefecture_review(staff_user):
    # given a prefecture-tier review (1,200 mu) of a company
    listing = announced_listing(area_mu="1200")
    registration = services.registration_create(listing=listing, user=bidder())
    assert registration.review.tier == "prefecture"
    # when the county's staff try to decide it, they are refused and nothing changes
    from marketplace.errors import NotAllowed

    with pytest.raises(NotAllowed) as exc:
        services.review_decide(
            review=registration.review, actor=_county_staff(listing.county), approve=True
        )
    assert "R-REG-3" in str(exc.value.message)
    assert QualificationReview.objects.get(pk=registration.review.pk).state == "pending"
    # and prefecture staff decide it
    services.review_decide(review=registration.review, actor=staff_user, approve=True)
    assert QualificationReview.objects.get(pk=registration.review.pk).state == "approved"


def test_r_reg_3_a_county_review_is_decided_by_that_countys_staff():
    # given a county-tier review (600 mu)
    listing = announced_listing(area_mu="600")
    registration = services.registration_create(listing=listing, user=bidder())
    assert registration.review.tier == "county"
    # then staff of another county are refused
    from marketplace.errors import NotAllowed

    with pytest.raises(NotAllowed):
        services.review_decide(
            review=registration.review,
            actor=_county_staff(kernel.CountyFactory(code="433130", name="龙山县")),
            approve=True,
        )
    # and the listing county's staff decide it
    services.review_decide(
        review=registration.review, actor=_county_staff(listing.county), approve=True
    )
    assert QualificationReview.objects.get(pk=registration.review.pk).state == "approved"
