"""R-RIGHT-3: parcels already on their way through the exchange, or let through it for a term
still running, cannot be filed again (from filing to the deal's completion, then the lease)."""

import datetime as dt

import pytest

from contracts.documents import services
from contracts.models import Deal
from listings import services as listing_services
from listings.models import Encumbrance, Listing
from marketplace.errors import Invalid
from tests.documents.factories import awarded_deal, end_result_announcement, pay, sign_both


def _terms(**overrides):
    terms = {
        "title": "再次挂牌",
        "transfer_mode": "lease",
        "term_start": dt.date(2027, 1, 1),
        "term_end": dt.date(2030, 12, 31),
        "permitted_use": "grain",
        "price_unit": "per_mu_year",
        "listing_price_fen": 500_00,
        "increment_fen": 10_00,
    }
    terms.update(overrides)
    return terms


def _file_again(listing, **terms):
    listing_services.listing_check(
        actor=None, right=listing.right, parcels=listing.parcels.all(), **_terms(**terms)
    )


@pytest.fixture
def completed(db, django_capture_on_commit_callbacks):
    a = awarded_deal(django_capture_on_commit_callbacks)
    sign_both(a, django_capture_on_commit_callbacks)
    pay(a, django_capture_on_commit_callbacks)
    deal = end_result_announcement(a.deal)
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_issue(deal=deal, actor=a.staff)
    a.deal = Deal.objects.get(pk=deal.pk)
    return a


def test_r_right_3_parcels_of_an_awarded_deal_cannot_be_filed_again(
    db, django_capture_on_commit_callbacks
):
    # given a deal awarded and now being signed (its listing closed, the deal not complete)
    a = awarded_deal(django_capture_on_commit_callbacks)
    assert a.deal.state == Deal.State.SIGNING
    assert a.deal.listing.state == Listing.State.CLOSED
    # when the same parcels are filed again
    with pytest.raises(Invalid) as exc:
        _file_again(a.deal.listing)
    # then the filing is refused on the parcels, naming the deal
    assert exc.value.field == "parcels"
    assert a.deal.number in str(exc.value.message)


def test_r_right_3_a_failed_deal_frees_its_parcels(db, django_capture_on_commit_callbacks):
    # given an awarded deal that is then marked failed (no lease was made)
    a = awarded_deal(django_capture_on_commit_callbacks)
    Deal.objects.filter(pk=a.deal.pk).update(state=Deal.State.FAILED)
    # then the parcels may be filed again
    _file_again(a.deal.listing)


def test_r_right_3_a_completed_deal_records_a_lease_on_its_parcels_for_its_term(completed):
    # given a completed deal
    listing = completed.deal.listing
    assert completed.deal.state == Deal.State.COMPLETE
    # then each parcel carries a lease held by the transferee for the listing's term
    leases = Encumbrance.objects.filter(parcel__in=listing.parcels.all())
    assert leases.count() == listing.parcels.count() == 1
    lease = leases.get()
    assert lease.kind == Encumbrance.Kind.LEASE
    assert lease.counterparty == completed.deal.transferee.name
    assert (lease.starts_on, lease.ends_on) == (listing.term_start, listing.term_end)
    assert completed.deal.number in lease.note


def test_r_right_3_recording_the_lease_twice_records_it_once(completed):
    # when the lease is recorded again for the same deal (a retried task)
    listing = completed.deal.listing
    listing_services.lease_encumbrance_record(
        parcels=listing.parcels.all(),
        lessee=completed.deal.transferee.name,
        starts_on=listing.term_start,
        ends_on=listing.term_end,
        reference=completed.deal.number,
        actor=None,
    )
    # then there is still one lease per parcel
    assert Encumbrance.objects.filter(parcel__in=listing.parcels.all()).count() == 1


def test_r_right_3_let_parcels_cannot_be_filed_while_the_lease_runs(completed):
    # given a completed deal letting the parcels 2027-01-01..2037-01-01
    listing = completed.deal.listing
    # when they are filed for a term that starts in the last year of the lease: refused
    with pytest.raises(Invalid) as exc:
        _file_again(listing, term_start=dt.date(2036, 6, 1), term_end=dt.date(2040, 5, 31))
    assert exc.value.field == "parcels"
    assert "R-RIGHT-3" in str(exc.value.message)
    # and a term that starts the day after the lease ends is allowed
    _file_again(listing, term_start=dt.date(2037, 1, 2), term_end=dt.date(2040, 12, 31))
