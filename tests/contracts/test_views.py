"""Web pages of deals: staff console with the audit timeline, queues, objection form; the docs."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from contracts import services
from contracts.models import Deal, Objection
from tests import factories as kernel
from tests.contracts.factories import (
    announced_listing,
    bidder,
    end_announcement,
    live_auction,
    qualify,
)

pytestmark = pytest.mark.django_db


def test_the_deal_states_doc_is_generated_from_the_code():
    call_command("deal_states_doc", "--check")


def test_the_staff_deal_page_shows_the_audit_timeline(client, staff_user):
    # given an auction with a bid
    auction, (a, b) = live_auction()
    registration = a.__class__.objects.select_related("deal__auction").get(pk=a.pk)
    services.bid_place(registration=registration, amount="500", idempotency_key="t")
    client.force_login(staff_user)
    # when staff open the deal
    page = client.get(f"/deals/staff/{auction.deal_id}/").content.decode()
    # then the bid is in the timeline with the bidder's number, and names are shown to staff
    assert "出价" in page and a.bidder_number in page
    assert a.enterprise.name in page


def test_bidders_cannot_open_the_staff_pages(client):
    auction, (a, b) = live_auction()
    client.force_login(a.user)
    assert client.get(f"/deals/staff/{auction.deal_id}/").status_code == 403
    assert client.get("/deals/staff/").status_code == 403


def test_the_mode_selection_button_decides_due_deals_r_mode_1(client, staff_user):
    listing = end_announcement(announced_listing())
    deal = services.deal_for_listing(listing)
    client.force_login(staff_user)
    assert deal.number in client.get("/deals/staff/mode-selection/").content.decode()
    client.post("/deals/staff/mode-selection/")
    assert Deal.objects.get(pk=deal.pk).state == Deal.State.FAILED


def test_the_review_queue_shows_the_20_working_day_clock_r_reg_3(client, staff_user):
    listing = announced_listing(area_mu="700")
    registration = services.registration_create(
        listing=listing, user=bidder(is_commercial_capital=True)
    )
    client.force_login(staff_user)
    page = client.get("/deals/staff/reviews/").content.decode()
    assert registration.enterprise.name in page and "还剩" in page
    client.post("/deals/staff/reviews/", {"review": registration.review.pk, "decision": "approve"})
    registration.refresh_from_db()
    assert registration.state == "awaiting_deposit"


def test_the_register_page_states_the_refusal_reason_r_reg_6(client):
    listing = announced_listing()
    client.force_login(kernel.OperatorFactory())
    page = client.get(f"/deals/listings/{listing.pk}/register/").content.decode()
    assert "服务站经办人" in page and "不能参与竞买" in page  # R-REG-6
    assert "R-REG-6" not in page  # rule numbers are for staff, not for the operator (issue 16)


def test_the_register_page_registers_and_lists_it(client):
    listing = announced_listing()
    user = bidder()
    client.force_login(user)
    response = client.post(f"/deals/listings/{listing.pk}/register/")
    assert response.status_code == 302
    assert listing.number in client.get("/deals/my/registrations/").content.decode()


def test_an_objection_is_filed_during_the_result_announcement_r_deal_1(client, staff_user):
    # given an awarded negotiated deal
    listing = announced_listing()
    registration = qualify(listing)
    end_announcement(listing)
    deal = services.deal_select_mode(deal=registration.deal)
    services.negotiated_price_confirm(deal=deal, user=registration.user, price_fen=50_000)
    # when someone objects
    response = client.post(
        f"/deals/{deal.pk}/objection/", {"name": "王某", "contact": "139", "text": "价格过低"}
    )
    # then it is recorded and staff resolve it on the deal page
    assert response.status_code == 200
    objection = Objection.objects.get(deal=deal)
    client.force_login(staff_user)
    client.post(
        f"/deals/staff/{deal.pk}/resolve-objection/",
        {"objection": objection.pk, "uphold": "0", "resolution": "经核实，程序合规"},
    )
    objection.refresh_from_db()
    assert objection.state == Objection.State.DISMISSED


def test_an_objection_after_the_announcement_is_refused_r_deal_1(client):
    listing = announced_listing()
    registration = qualify(listing)
    end_announcement(listing)
    deal = services.deal_select_mode(deal=registration.deal)
    services.negotiated_price_confirm(deal=deal, user=registration.user, price_fen=50_000)
    Deal.objects.filter(pk=deal.pk).update(
        result_announcement_ends_at=timezone.now() - dt.timedelta(minutes=1)
    )
    client.post(f"/deals/{deal.pk}/objection/", {"name": "王某", "contact": "139", "text": "x"})
    assert not Objection.objects.exists()


def test_the_negotiation_page_confirms_the_price_r_mode_1(client):
    listing = announced_listing(price_fen=50_000)
    registration = qualify(listing)
    end_announcement(listing)
    deal = services.deal_select_mode(deal=registration.deal)
    client.force_login(registration.user)
    assert client.get(f"/deals/{deal.pk}/negotiation/").status_code == 200
    client.post(f"/deals/{deal.pk}/negotiation/", {"price_yuan": "520.00"})
    assert Deal.objects.get(pk=deal.pk).price_fen == 52_000


def test_the_listing_search_finds_listings_in_auction(client):
    auction, _ = live_auction()
    other = announced_listing()
    body = client.get("/api/v1/listings/?state=auction").json()
    rows = body["results"] if isinstance(body, dict) else body
    ids = [row["id"] for row in rows]
    assert auction.deal.listing_id in ids and other.pk not in ids
