"""County scope (issue 14): staff of 永顺县 act on a 古丈县 deal nowhere; prefecture-tier reviews
need prefecture staff (R-REG-3); the live auction API answers only the deal's bidders and staff in
scope; the registration API opens only announced listings (R-REG-1) and creates nothing else."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from contracts import services
from contracts.models import Deal, Objection, QualificationReview, Registration
from listings.models import Listing
from marketplace.errors import NotAllowed
from marketplace.payments.models import Payable, Refund
from tests import factories as kernel
from tests.contracts.factories import announced_listing, bidder, live_auction, qualify

pytestmark = pytest.mark.django_db

GUZHANG, YONGSHUN = "433126", "433127"


@pytest.fixture
def guzhang():
    return kernel.CountyFactory(code=GUZHANG, name="古丈县")


@pytest.fixture
def yongshun():
    return kernel.CountyFactory(code=YONGSHUN, name="永顺县")


def staff_of(county=None, **extra):
    return kernel.UserFactory(role="exchange_staff", is_staff=True, county=county, **extra)


@pytest.fixture
def other_staff(client, yongshun):
    """Logged-in staff of 永顺县; the deals below are 古丈县's (the factories' county)."""
    user = staff_of(yongshun)
    client.force_login(user)
    return user


@pytest.fixture
def awarded(guzhang):
    """A 古丈县 deal awarded by negotiation, in its result announcement."""
    listing = announced_listing()
    qualify(listing)
    listing = Listing.objects.get(pk=listing.pk)
    Listing.objects.filter(pk=listing.pk).update(
        announcement_ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    deal = services.deal_select_mode(deal=services.deal_for_listing(listing))
    return Deal.objects.get(pk=deal.pk)


def test_it_refuses_other_county_staff_the_deal_page_with_bidders_names(client, other_staff):
    auction, registrations = live_auction()
    response = client.get(reverse("contracts:deal_detail", args=[auction.deal_id]))
    assert response.status_code == 403
    assert registrations[0].enterprise.name not in response.content.decode()


def test_county_staff_open_their_own_countys_deal_page(client, guzhang):
    auction, registrations = live_auction()
    client.force_login(staff_of(guzhang))
    response = client.get(reverse("contracts:deal_detail", args=[auction.deal_id]))
    assert response.status_code == 200
    assert registrations[0].enterprise.name in response.content.decode()


def test_it_refuses_other_county_staff_relisting_the_deal(client, other_staff):
    auction, _ = live_auction()
    response = client.post(
        reverse("contracts:deal_action", args=[auction.deal_id, "relist"]), {"price_yuan": "400"}
    )
    assert response.status_code == 403
    assert Listing.objects.count() == 1


def test_it_refuses_other_county_staff_resolving_an_objection_r_deal_1(client, other_staff):
    auction, _ = live_auction()
    objection = Objection.objects.create(
        deal=auction.deal, name="李四", contact="13900000000", text="价格不公"
    )
    response = client.post(
        reverse("contracts:deal_action", args=[auction.deal_id, "resolve-objection"]),
        {"objection": objection.pk, "uphold": "0", "resolution": "驳回"},
    )
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.state == Objection.State.OPEN


def test_it_refuses_other_county_staff_the_live_room_and_its_api(client, other_staff):
    auction, registrations = live_auction()
    listing_id = auction.deal.listing_id
    assert client.get(reverse("contracts:auction_room", args=[listing_id])).status_code == 403
    response = client.get(reverse("api-auction", args=[listing_id]))
    assert response.status_code == 403
    assert registrations[0].enterprise.name not in response.content.decode()


@pytest.mark.parametrize("role", ["insurer", "station_operator", "auditor", "agribusiness"])
def test_the_auction_api_refuses_anyone_but_the_deals_bidders_and_staff_in_scope(yongshun, role):
    auction, _ = live_auction()
    if role == "station_operator":
        user = kernel.OperatorFactory()
    elif role == "agribusiness":
        user = bidder()  # never registered for this deal
    elif role == "insurer":
        user = kernel.InsurerUserFactory()
    else:
        user = kernel.UserFactory(role=role, county=yongshun if role == "auditor" else None)
    api = APIClient()
    api.force_authenticate(user)
    response = api.get(reverse("api-auction", args=[auction.deal.listing_id]))
    assert response.status_code == 403


def test_the_auction_api_answers_a_registered_bidder_and_an_auditor_in_scope(guzhang):
    auction, registrations = live_auction()
    api = APIClient()
    for user in (registrations[0].user, kernel.UserFactory(role="auditor", county=guzhang)):
        api.force_authenticate(user)
        response = api.get(reverse("api-auction", args=[auction.deal.listing_id]))
        assert response.status_code == 200
        assert "bidder_name" not in str(response.json()["bids"])


@pytest.mark.parametrize(
    "state", [Listing.State.DRAFT, Listing.State.APPROVED, Listing.State.WITHDRAWN]
)
def test_the_registration_api_404s_a_listing_that_is_not_announced_r_reg_1(state):
    listing = announced_listing()
    Listing.objects.filter(pk=listing.pk).update(state=state)
    api = APIClient()
    api.force_authenticate(bidder())
    response = api.post(reverse("api-listing-registrations", args=[listing.pk]), {}, "json")
    assert response.status_code == 404
    assert (
        response.json()
        == api.post(
            reverse("api-listing-registrations", args=[listing.pk + 1000]), {}, "json"
        ).json()
    )
    assert not Deal.objects.exists()
    assert not Registration.objects.exists()


def _review(area_mu):
    listing = announced_listing(area_mu=area_mu)
    registration = services.registration_create(
        listing=listing, user=bidder(is_commercial_capital=True)
    )
    return QualificationReview.objects.get(registration=registration)


def test_county_staff_may_not_approve_a_prefecture_tier_review_r_reg_3(client, guzhang):
    review = _review("1200")
    assert review.tier == QualificationReview.Tier.PREFECTURE
    client.force_login(staff_of(guzhang))
    response = client.post(
        reverse("contracts:review_queue"), {"review": review.pk, "decision": "approve"}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.state == QualificationReview.State.PENDING
    with pytest.raises(NotAllowed) as refused:  # the service names R-REG-3's tier
        services.review_decide(review=review, actor=staff_of(guzhang), approve=True)
    assert "R-REG-3" in str(refused.value.message)


def test_county_staff_decide_their_countys_county_tier_review_r_reg_3(client, guzhang):
    review = _review("600")
    assert review.tier == QualificationReview.Tier.COUNTY
    client.force_login(staff_of(guzhang))
    response = client.post(
        reverse("contracts:review_queue"), {"review": review.pk, "decision": "approve"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == QualificationReview.State.APPROVED


def test_other_county_staff_may_not_decide_a_county_tier_review_r_reg_3(client, other_staff):
    review = _review("600")
    response = client.post(
        reverse("contracts:review_queue"), {"review": review.pk, "decision": "approve"}
    )
    assert response.status_code == 403


def test_prefecture_staff_approve_a_prefecture_tier_review_r_reg_3(client):
    review = _review("1200")
    client.force_login(staff_of(None))
    response = client.post(
        reverse("contracts:review_queue"), {"review": review.pk, "decision": "approve"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == QualificationReview.State.APPROVED


def test_it_refuses_a_floor_price_for_another_county_r_store_1(client, other_staff, guzhang):
    from valuation.models import FloorPrice

    response = client.post(
        reverse("valuation:benchmark_add"),
        {
            "kind": "floor",
            "county": guzhang.pk,
            "land_class": "dry_land",
            "yuan_per_mu_year": "300",
            "effective_from": "2026-01-01",
            "source": "县政府文件",
        },
    )
    assert response.status_code == 403
    assert not FloorPrice.objects.filter(county=guzhang).exists()


def test_it_refuses_other_county_staff_refunding_a_deposit_from_the_books(client, other_staff):
    listing = announced_listing()
    registration = qualify(listing)
    payable = registration.deposit.payable
    assert payable.state == Payable.State.PAID
    detail = reverse("payments:payable_detail", args=[payable.pk])
    assert client.get(detail).status_code == 403
    response = client.post(
        reverse("payments:payable_refund", args=[payable.pk]), {"reason": "误操作"}
    )
    assert response.status_code == 403
    assert not Refund.objects.exists()
    listed = client.get(reverse("payments:payable_list")).content.decode()
    assert detail not in listed


def test_county_staff_read_their_countys_deposit_in_the_books(client, guzhang):
    registration = qualify(announced_listing())
    client.force_login(staff_of(guzhang))
    detail = reverse("payments:payable_detail", args=[registration.deposit.payable_id])
    assert client.get(detail).status_code == 200
    assert detail in client.get(reverse("payments:payable_list")).content.decode()


def test_it_refuses_other_county_staff_the_ledger_of_a_deal(client, other_staff, awarded):
    response = client.get(
        reverse("payments:ledger_subject", args=["contracts", "deal", str(awarded.pk)])
    )
    assert response.status_code == 403


def test_it_refuses_other_county_staff_the_contract_and_payment_pages(
    client, django_capture_on_commit_callbacks, yongshun, guzhang
):
    from tests.documents.factories import awarded_deal

    a = awarded_deal(django_capture_on_commit_callbacks)
    number = a.contract.number
    client.force_login(staff_of(yongshun))
    assert client.get(reverse("contract_documents:contract", args=[number])).status_code == 403
    response = client.get(reverse("contract_documents:payment", args=[a.deal.number]))
    assert response.status_code == 403
    auditor = kernel.UserFactory(role="auditor", county=yongshun)
    client.force_login(auditor)
    assert client.get(reverse("contract_documents:contract", args=[number])).status_code == 403
    client.force_login(kernel.UserFactory(role="auditor", county=guzhang))
    assert client.get(reverse("contract_documents:contract", args=[number])).status_code == 200


def test_an_auditor_reading_a_checkout_page_creates_no_payment_intent(client):
    # given a deposit payable without its PaymentIntent (the gateway was unreachable)
    registration = services.registration_create(listing=announced_listing(), user=bidder())
    Payable.objects.filter(pk=registration.deposit.payable_id).update(payment_intent_id="")
    payable = Payable.objects.get(pk=registration.deposit.payable_id)
    # when an auditor (read-only) opens its checkout page
    client.force_login(kernel.UserFactory(role="auditor"))
    response = client.get(reverse("payments:checkout", args=[payable.pk]))
    # then the page shows and nothing was written
    assert response.status_code == 200
    payable.refresh_from_db()
    assert payable.payment_intent_id == ""


def test_only_prefecture_staff_change_the_prefecture_wide_holiday_tables_r_time_3(client, guzhang):
    # county staff see the working-day overrides but may not add one
    client.force_login(staff_of(guzhang))
    assert client.get("/django-admin/marketplace/workdayoverride/").status_code == 200
    assert client.get("/django-admin/marketplace/workdayoverride/add/").status_code == 403
    assert client.get("/django-admin/marketplace/holidayyear/add/").status_code == 403
    # prefecture staff may
    client.force_login(staff_of(None))
    assert client.get("/django-admin/marketplace/workdayoverride/add/").status_code == 200


def test_county_staff_set_their_countys_rule_numbers_not_the_prefecture_default(guzhang, yongshun):
    from marketplace import rulebook

    staff = staff_of(guzhang)
    assert rulebook.can_change(staff, guzhang)
    assert not rulebook.can_change(staff, yongshun)
    assert not rulebook.can_change(staff, None)
    assert rulebook.can_change(staff_of(None), None)
    assert not rulebook.can_change(kernel.UserFactory(role="auditor"), None)
