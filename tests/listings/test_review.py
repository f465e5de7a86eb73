"""Review, publication and the end of a listing (R-LIST-3/4/5/6, R-FAIL-1, audit, signals)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from listings import services, signals
from listings.checks import announcement_minimum, review_checks
from listings.models import Listing
from marketplace.errors import Conflict, Invalid, NotAllowed
from marketplace.models import AuditEvent
from tests import factories as kernel
from tests.listings import factories as f

BEIJING = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def staff(db):
    return kernel.UserFactory(role="exchange_staff", is_staff=True)


@pytest.fixture
def submitted(scene):
    listing = scene.file()
    return services.listing_submit(listing=listing, actor=scene.operator)


def attach(listing, staff, reference_yuan=400):
    report = f.valuation_report(listing=listing, reference_yuan=reference_yuan)
    return services.listing_attach_valuation_report(listing=listing, report=report, actor=staff)


def test_submit_records_an_audit_event(submitted):
    assert submitted.state == Listing.State.SUBMITTED
    actions = list(
        AuditEvent.objects.filter(object_id=str(submitted.pk)).values_list("action", flat=True)
    )
    assert actions == ["listing.created", "listing.submitted"]


def test_r_list_3_it_is_not_approved_without_a_valuation_report(submitted, staff):
    # given a submitted listing with no valuation report
    checks = {c.rule: c for c in review_checks(submitted)}
    assert not checks["R-LIST-3"].ok
    # when staff approve it
    with pytest.raises(Invalid) as exc:
        services.listing_approve(listing=submitted, actor=staff)
    # then it is refused, naming the valuation report
    assert exc.value.field == "valuation_report"
    assert Listing.objects.get(pk=submitted.pk).state == Listing.State.SUBMITTED


def test_r_list_3_approval_locks_the_valuation_report(submitted, staff):
    listing = attach(submitted, staff)
    listing = services.listing_approve(listing=listing, actor=staff)
    assert listing.state == Listing.State.APPROVED
    listing.valuation_report.refresh_from_db()
    assert listing.valuation_report.locked_at is not None


def test_r_list_4_a_household_may_list_at_80_percent_of_the_reference(submitted, staff):
    # 500 yuan ≥ 600 × 0.8 = 480
    listing = attach(submitted, staff, reference_yuan=600)
    assert services.listing_approve(listing=listing, actor=staff).state == "approved"


def test_r_list_4_it_refuses_a_price_below_the_reference_times_the_factor(submitted, staff):
    # 500 yuan < 700 × 0.8 = 560
    listing = attach(submitted, staff, reference_yuan=700)
    checks = {c.rule: c for c in review_checks(listing)}
    assert not checks["R-LIST-4"].ok
    with pytest.raises(Invalid) as exc:
        services.listing_approve(listing=listing, actor=staff)
    assert "R-LIST-4" in str(exc.value.message)


def test_r_list_4_a_total_price_is_compared_per_mu_and_year(scene, staff):
    # 60,000 yuan over 11.8 mu and 10 years ≈ 508.47 yuan per mu per year ≥ 600 × 0.8
    listing = scene.file(price_unit="total", listing_price_fen=60_000_00)
    listing = services.listing_submit(listing=listing, actor=scene.operator)
    listing = attach(listing, staff, reference_yuan=600)
    assert {c.rule: c.ok for c in review_checks(listing)}["R-LIST-4"]
    listing = attach(listing, staff, reference_yuan=700)
    assert not {c.rule: c.ok for c in review_checks(listing)}["R-LIST-4"]


def test_r_list_4_collective_assets_need_the_full_reference(scene, staff):
    collective = kernel.CollectiveFactory(village=scene.village)
    listing = services.listing_create(
        actor=staff,
        right=scene.right,
        parcels=scene.parcels,
        collective=collective,
        **scene.terms(),
    )
    listing = services.listing_submit(listing=listing, actor=staff)
    listing = attach(listing, staff, reference_yuan=600)  # 500 < 600 × 1.0
    assert not {c.rule: c.ok for c in review_checks(listing)}["R-LIST-4"]


def test_r_right_3_the_review_shows_an_encumbrance_added_after_filing(submitted, staff, scene):
    f.EncumbranceFactory(parcel=scene.parcels[0], kind="seizure", counterparty="古丈县人民法院")
    checks = {c.rule: c for c in review_checks(submitted)}
    assert not checks["R-RIGHT-3"].ok
    assert "古丈县人民法院" in checks["R-RIGHT-3"].message


def test_only_staff_approve(submitted, scene):
    with pytest.raises(NotAllowed):
        services.listing_approve(listing=submitted, actor=scene.operator)


def test_r_list_3_a_return_needs_reasons_and_goes_back_to_the_filer(submitted, staff, scene):
    with pytest.raises(Invalid) as exc:
        services.listing_return(listing=submitted, actor=staff, reasons="  ")
    assert exc.value.field == "reasons"
    listing = services.listing_return(listing=submitted, actor=staff, reasons="四至不清")
    assert listing.state == Listing.State.RETURNED
    assert listing.return_reasons == "四至不清"
    # the filer corrects and submits again
    listing = services.listing_update_terms(
        listing=listing, actor=scene.operator, listing_price_fen=520_00
    )
    listing = services.listing_submit(listing=listing, actor=scene.operator)
    assert listing.state == Listing.State.SUBMITTED and listing.return_reasons == ""


@pytest.fixture
def approved(submitted, staff):
    listing = attach(submitted, staff)
    return services.listing_approve(listing=listing, actor=staff)


def test_r_list_5_publishing_counts_10_working_days_to_17_00(approved, staff):
    # published on Friday 2026-11-27: 10 working days later is Friday 2026-12-11 at 17:00
    at = dt.datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)
    listing = services.listing_publish(listing=approved, actor=staff, at=at)
    assert listing.state == Listing.State.ANNOUNCED
    assert timezone.localtime(listing.announcement_ends_at) == dt.datetime(
        2026, 12, 11, 17, 0, tzinfo=BEIJING
    )


@pytest.mark.django_db
def test_r_list_5_minimum_periods():
    assert announcement_minimum("paddy", dt.date(2026, 3, 15)) == 5
    assert announcement_minimum("paddy", dt.date(2026, 5, 1)) == 5
    assert announcement_minimum("paddy", dt.date(2026, 5, 2)) == 7
    assert announcement_minimum("forest_land", dt.date(2026, 3, 15)) == 7


def test_r_list_5_it_refuses_a_period_below_the_minimum(approved, staff):
    at = dt.datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)
    with pytest.raises(Invalid) as exc:
        services.listing_publish(listing=approved, actor=staff, workdays_count=6, at=at)
    assert exc.value.field == "announcement_workdays"
    listing = services.listing_publish(listing=approved, actor=staff, workdays_count=7, at=at)
    assert listing.announcement_workdays == 7


def test_r_list_6_a_deal_of_300000_yuan_or_more_is_flagged_for_county_media(scene, staff):
    # 2,600 yuan × 11.8 mu × 10 years = 306,800 yuan
    listing = scene.file(listing_price_fen=2600_00)
    listing = services.listing_submit(listing=listing, actor=scene.operator)
    listing = services.listing_approve(listing=attach(listing, staff), actor=staff)
    listing = services.listing_publish(listing=listing, actor=staff)
    assert listing.publish_in_county_media is True


def test_r_list_6_a_deal_just_below_300000_yuan_is_not_flagged(scene, staff):
    # 2,542.37 yuan × 11.8 mu × 10 years = 299,999.66 yuan: below the threshold
    listing = scene.file(listing_price_fen=2542_37)
    listing = services.listing_submit(listing=listing, actor=scene.operator)
    listing = services.listing_approve(listing=attach(listing, staff), actor=staff)
    listing = services.listing_publish(listing=listing, actor=staff)
    assert listing.publish_in_county_media is False


def test_publishing_sends_the_signal_on_commit(approved, staff, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, listing, **kwargs):
        received.append(listing.pk)

    signals.listing_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.listing_publish(listing=approved, actor=staff)
    finally:
        signals.listing_published.disconnect(receiver)
    assert received == [approved.pk]


def test_close_is_idempotent(approved, staff):
    listing = services.listing_publish(listing=approved, actor=staff)
    assert services.listing_close(listing=listing).state == Listing.State.CLOSED
    assert services.listing_close(listing=listing).state == Listing.State.CLOSED
    assert AuditEvent.objects.filter(action="listing.closed").count() == 1


def test_a_draft_cannot_be_closed(scene):
    with pytest.raises(Conflict):
        services.listing_close(listing=scene.file())


def test_withdraw_needs_a_reason(approved, staff):
    with pytest.raises(Invalid):
        services.listing_withdraw(listing=approved, actor=staff, reason="")
    listing = services.listing_withdraw(listing=approved, actor=staff, reason="农户撤回")
    assert listing.state == Listing.State.WITHDRAWN


@pytest.fixture
def closed(approved, staff):
    listing = services.listing_publish(listing=approved, actor=staff)
    return services.listing_close(listing=listing)


def test_r_fail_1_relisting_may_lower_the_price_by_at_most_10_percent(closed, staff):
    with pytest.raises(Invalid) as exc:
        services.listing_relist(listing=closed, listing_price_fen=449_99, actor=staff)
    assert "R-FAIL-1" in str(exc.value.message)
    new = services.listing_relist(listing=closed, listing_price_fen=450_00, actor=staff)
    assert new.state == Listing.State.SUBMITTED
    assert new.relisted_from == closed
    assert new.number != closed.number
    assert list(new.parcels.all()) == list(closed.parcels.all())
    assert new.price_per_mu_fen == 450_00


def test_r_list_3_a_relisting_goes_through_review_again(closed, staff):
    # when a closed (failed) listing is relisted
    new = services.listing_relist(listing=closed, listing_price_fen=480_00, actor=staff)
    # then it awaits review: nobody has approved it yet
    assert new.state == Listing.State.SUBMITTED
    assert new.reviewed_by is None
    # and staff approve it after the checks
    assert services.listing_approve(listing=new, actor=staff).state == Listing.State.APPROVED


def test_r_list_4_a_relisting_below_the_reference_times_factor_is_not_approved(scene, staff):
    # given a listing at 350 yuan/mu/yr approved against a reference of 400 (× 0.8 = 320)
    listing = services.listing_submit(
        listing=scene.file(listing_price_fen=350_00), actor=scene.operator
    )
    listing = services.listing_approve(listing=attach(listing, staff), actor=staff)
    listing = services.listing_close(listing=services.listing_publish(listing=listing, actor=staff))
    # when it is relisted 10 % cheaper (R-FAIL-1 allows it): 315 < 320
    new = services.listing_relist(listing=listing, listing_price_fen=315_00, actor=staff)
    # then review refuses it under R-LIST-4
    assert not {c.rule: c.ok for c in review_checks(new)}["R-LIST-4"]
    with pytest.raises(Invalid) as exc:
        services.listing_approve(listing=new, actor=staff)
    assert "R-LIST-4" in str(exc.value.message)
    assert Listing.objects.get(pk=new.pk).state == Listing.State.SUBMITTED


def test_r_list_1_a_relisting_with_an_expired_entrustment_is_not_approved(closed, staff, scene):
    # given the household's entrustment expired yesterday
    scene.entrustment.valid_until = timezone.localdate() - dt.timedelta(days=1)
    scene.entrustment.save()
    # when the listing is relisted
    new = services.listing_relist(listing=closed, listing_price_fen=480_00, actor=staff)
    # then it is not approved already, and review refuses it, naming the entrustment
    assert new.state == Listing.State.SUBMITTED
    with pytest.raises(Invalid) as exc:
        services.listing_approve(listing=new, actor=staff)
    assert exc.value.field == "entrustment"
    assert "R-LIST-1" in str(exc.value.message)


def test_r_reg_4_a_relisting_recomputes_the_default_deposit(closed, staff):
    # given the listing at 500 yuan × 11.8 mu: deposit 30 % = 1,770 yuan
    assert closed.deposit_fen == 1770_00
    # when it is relisted at 450 yuan
    new = services.listing_relist(listing=closed, listing_price_fen=450_00, actor=staff)
    # then the deposit is 30 % of the new year's rent: 450 × 11.8 × 30 % = 1,593 yuan
    assert new.deposit_fen == 1593_00


def test_r_fail_1_a_listing_is_relisted_once(closed, staff):
    services.listing_relist(listing=closed, listing_price_fen=480_00, actor=staff)
    with pytest.raises(Conflict):
        services.listing_relist(listing=closed, listing_price_fen=480_00, actor=staff)


def test_r_fail_1_stored_land_is_never_relisted_below_its_floor(closed, staff):
    from valuation.models import FloorPrice

    Listing.objects.filter(pk=closed.pk).update(right_type="stored_land")
    closed = Listing.objects.get(pk=closed.pk)
    FloorPrice.objects.create(
        county=closed.county,
        land_class="dry_land",
        floor_per_mu_year_fen=470_00,
        source="test",
        effective_from=dt.date(2020, 1, 1),
    )
    with pytest.raises(Invalid) as exc:
        services.listing_relist(listing=closed, listing_price_fen=460_00, actor=staff)
    assert exc.value.code == "below_floor_price"
    assert services.listing_relist(listing=closed, listing_price_fen=470_00, actor=staff)


def test_only_an_open_listing_takes_a_valuation_report(approved, staff):
    with pytest.raises(Conflict):
        attach(approved, staff)


@pytest.mark.django_db(transaction=True)
def test_numbers_are_allocated_under_concurrency_without_duplicates(postgres_only):
    """Two threads filing at once in one county get different numbers (row lock)."""
    import threading

    from django.db import connection, transaction

    from listings.services import listing_number_allocate

    county = kernel.CountyFactory()
    numbers, errors = [], []

    def allocate():
        try:
            for _ in range(10):
                with transaction.atomic():
                    numbers.append(listing_number_allocate(county=county, year=2026))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(numbers) == 40 and len(set(numbers)) == 40
    assert max(numbers) == "GP-433126-2026-000040"


def test_area_of_listing_is_the_sum_of_its_parcels(scene):
    assert scene.file().area_mu == Decimal("11.8000")


def test_r_list_3_the_station_operator_is_told_of_a_return_and_of_the_publication(
    submitted, staff, scene
):
    from marketplace.models import Notification

    services.listing_return(listing=submitted, actor=staff, reasons="四至不清")
    note = Notification.objects.get(recipient=scene.operator)
    assert submitted.number in note.subject and "四至不清" in note.body
    assert note.url == f"/listings/station/listings/{submitted.pk}/"
    listing = services.listing_submit(listing=submitted, actor=scene.operator)
    listing = services.listing_approve(listing=attach(listing, staff), actor=staff)
    at = dt.datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)
    services.listing_publish(listing=listing, actor=staff, at=at)
    published = Notification.objects.filter(recipient=scene.operator).order_by("-id").first()
    assert "2026-12-11 17:00" in published.body and "10" in published.body
