"""The rulebook's numbers staff change (RULES.md header: every [practice]/[default] number is a
setting staff can change per county, and per right type where offered)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from contracts import conf as contract_conf
from contracts import services as contract_services
from contracts.models import Deal
from listings import checks
from listings import conf as listing_conf
from listings.models import Listing
from listings.services import default_deposit_fen
from marketplace import rulebook
from marketplace.errors import NotAllowed
from marketplace.models import AuditEvent, RuleSetting
from tests import factories
from tests.contracts.factories import announced_listing, end_announcement, qualify

pytestmark = pytest.mark.django_db


@pytest.fixture
def guzhang():
    return factories.CountyFactory(code="433126", name="古丈县")


@pytest.fixture
def longshan():
    return factories.CountyFactory(code="433130", name="龙山县")


@pytest.fixture
def prefecture_staff():
    return factories.UserFactory(role="exchange_staff", is_staff=True)


def change(key, value, *, actor, county=None, right_type=""):
    return rulebook.setting_change(
        key=key,
        county=county,
        right_type=right_type,
        value_text=value,
        reason="州交易中心 2026 年第 3 次会议",
        actor=actor,
    )


def test_every_number_starts_at_the_value_rules_md_gives():
    # R-LIST-4, R-LIST-5, R-LIST-6, R-REG-4, R-FAIL-1, R-BID-4, R-DEAL-1 …
    assert rulebook.value(listing_conf.PRICE_FACTOR_HOUSEHOLD) == Decimal("0.8")
    assert rulebook.value(listing_conf.PRICE_FACTOR_COLLECTIVE) == Decimal("1.0")
    assert rulebook.value(listing_conf.ANNOUNCEMENT_WORKDAYS) == 10
    assert rulebook.value(listing_conf.ANNOUNCEMENT_MIN_SPRING) == 5
    assert rulebook.value(listing_conf.ANNOUNCEMENT_MIN) == 7
    assert rulebook.value(listing_conf.COUNTY_MEDIA_YUAN) == 300_000 * 100
    assert rulebook.value(listing_conf.DEPOSIT_SHARE) == Decimal("0.30")
    assert rulebook.value(listing_conf.RELIST_MAX_CUT) == Decimal("0.10")
    assert contract_conf.get("EXTENSION_MINUTES") == 5
    assert contract_conf.get("AUCTION_DURATION_MINUTES") == 60
    assert contract_conf.get("RESULT_ANNOUNCEMENT_WORKDAYS") == 5
    assert contract_conf.get("BIDDER_MAX_AGE") == 70


def test_the_most_specific_value_wins(prefecture_staff, guzhang, longshan):
    key = listing_conf.ANNOUNCEMENT_MIN  # offered per right type
    change(key, "8", actor=prefecture_staff)
    change(key, "9", actor=prefecture_staff, right_type="forest")
    change(key, "12", actor=prefecture_staff, county=guzhang)
    change(key, "15", actor=prefecture_staff, county=guzhang, right_type="forest")
    assert rulebook.value(key) == 8
    assert rulebook.value(key, right_type="forest") == 9
    assert rulebook.value(key, county=longshan) == 8
    assert rulebook.value(key, county=longshan, right_type="forest") == 9
    assert rulebook.value(key, county=guzhang) == 12
    assert rulebook.value(key, county=guzhang.pk, right_type="land_management") == 12
    assert rulebook.value(key, county=guzhang, right_type="forest") == 15


def test_a_deployment_seed_applies_until_staff_set_a_value(settings, prefecture_staff):
    settings.CONTRACTS = {"EXTENSION_MINUTES": 3}
    assert contract_conf.get("EXTENSION_MINUTES") == 3
    change("auction.extension_minutes", "7", actor=prefecture_staff)
    assert contract_conf.get("EXTENSION_MINUTES") == 7


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        (listing_conf.ANNOUNCEMENT_MIN, "abc", "整数"),
        (listing_conf.ANNOUNCEMENT_MIN, "0", "1"),
        (listing_conf.DEPOSIT_SHARE, "150", "100"),
        (listing_conf.DEPOSIT_SHARE, "30.123", "2"),
        (listing_conf.DEPOSIT_SHARE, "３０", "30"),
        (listing_conf.PRICE_FACTOR_HOUSEHOLD, "1e-1", "0.8"),
        (listing_conf.COUNTY_MEDIA_YUAN, "-5", "元"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field_and_the_rule(
    prefecture_staff, key, value, expected
):
    with translation.override("zh-hans"), pytest.raises(rulebook.SettingInvalid) as caught:
        change(key, value, actor=prefecture_staff)
    assert caught.value.field == "value"
    assert expected in str(caught.value.message)
    assert rulebook.REGISTRY[key].rule in str(caught.value.message)
    assert not RuleSetting.objects.exists()
    assert not AuditEvent.objects.filter(action="rulebook.changed").exists()


def test_a_number_not_offered_per_right_type_refuses_one(prefecture_staff):
    with pytest.raises(rulebook.SettingInvalid) as caught:
        change(
            listing_conf.COUNTY_MEDIA_YUAN, "500000", actor=prefecture_staff, right_type="forest"
        )
    assert caught.value.field == "right_type"


def test_a_change_needs_a_reason(prefecture_staff):
    with pytest.raises(rulebook.SettingInvalid) as caught:
        rulebook.setting_change(
            key=listing_conf.ANNOUNCEMENT_MIN,
            value_text="8",
            reason="  ",
            actor=prefecture_staff,
        )
    assert caught.value.field == "reason"


def test_county_staff_change_only_their_own_county(guzhang, longshan):
    county_staff = factories.UserFactory(role="exchange_staff", county=guzhang)
    change(listing_conf.ANNOUNCEMENT_MIN, "8", actor=county_staff, county=guzhang)
    with pytest.raises(NotAllowed):
        change(listing_conf.ANNOUNCEMENT_MIN, "8", actor=county_staff, county=longshan)
    with pytest.raises(NotAllowed):
        change(listing_conf.ANNOUNCEMENT_MIN, "8", actor=county_staff)  # the prefecture's
    operator = factories.OperatorFactory()
    with pytest.raises(NotAllowed):
        change(listing_conf.ANNOUNCEMENT_MIN, "8", actor=operator, county=guzhang)


def test_changes_and_removals_are_in_the_audit_log(prefecture_staff, guzhang):
    change(listing_conf.ANNOUNCEMENT_MIN, "8", actor=prefecture_staff, county=guzhang)
    row = change(listing_conf.ANNOUNCEMENT_MIN, "9", actor=prefecture_staff, county=guzhang)
    assert RuleSetting.objects.count() == 1
    event = AuditEvent.objects.filter(action="rulebook.changed").order_by("-id").first()
    assert event.payload["old"] == "8" and event.payload["new"] == "9"
    assert event.payload["rule"] == "R-LIST-5"
    rulebook.setting_reset(setting=row, reason="恢复默认", actor=prefecture_staff)
    assert not RuleSetting.objects.exists()
    assert rulebook.value(listing_conf.ANNOUNCEMENT_MIN, county=guzhang) == 7
    assert AuditEvent.objects.filter(action="rulebook.reset").count() == 1


def test_a_process_keeps_the_table_and_sees_its_own_change_at_once(
    settings, prefecture_staff, django_assert_num_queries
):
    settings.RULEBOOK_CACHE_SECONDS = 30
    rulebook.forget()
    rulebook.value(listing_conf.ANNOUNCEMENT_MIN)
    with django_assert_num_queries(0):
        assert rulebook.value(listing_conf.ANNOUNCEMENT_MIN) == 7
    change(listing_conf.ANNOUNCEMENT_MIN, "8", actor=prefecture_staff)
    assert rulebook.value(listing_conf.ANNOUNCEMENT_MIN) == 8
    rulebook.forget()


# ---------------------------------------------------------------- the numbers at work


def test_r_list_5_minimum_follows_the_county(prefecture_staff, guzhang, longshan):
    change(listing_conf.ANNOUNCEMENT_MIN, "10", actor=prefecture_staff, county=guzhang)
    change(listing_conf.ANNOUNCEMENT_MIN_SPRING, "6", actor=prefecture_staff, county=guzhang)
    autumn, spring = dt.date(2026, 10, 12), dt.date(2026, 3, 16)
    assert checks.announcement_minimum("paddy", autumn, county=guzhang) == 10
    assert checks.announcement_minimum("paddy", autumn, county=longshan) == 7
    assert checks.announcement_minimum("paddy", spring, county=guzhang) == 6
    assert checks.announcement_minimum("paddy", spring, county=longshan) == 5


def test_r_list_4_factor_follows_the_county(prefecture_staff, guzhang):
    change(listing_conf.PRICE_FACTOR_HOUSEHOLD, "0.9", actor=prefecture_staff, county=guzhang)
    household = factories.HouseholdFactory()
    in_guzhang = Listing(county=guzhang, transferor_household=household)
    assert checks.price_factor(in_guzhang) == Decimal("0.9")
    assert checks.price_factor(Listing(transferor_household=household)) == Decimal("0.8")


def test_r_reg_4_default_deposit_follows_the_county_and_right_type(prefecture_staff, guzhang):
    # 20 mu × 500 yuan = 10,000 yuan a year
    terms = {"price_unit": "per_mu_year", "listing_price_fen": 50_000, "area_mu": Decimal(20)}
    assert default_deposit_fen(**terms, county=guzhang) == 3_000_00
    change(listing_conf.DEPOSIT_SHARE, "20", actor=prefecture_staff, right_type="forest")
    change(listing_conf.DEPOSIT_MINIMUM, "2500", actor=prefecture_staff, county=guzhang)
    assert default_deposit_fen(**terms, county=guzhang) == 3_000_00
    assert default_deposit_fen(**terms, county=guzhang, right_type="forest") == 2_500_00
    assert default_deposit_fen(**terms, right_type="forest") == 2_000_00


def test_r_bid_4_the_countys_soft_close_window_is_used_for_its_auctions(prefecture_staff):
    listing = announced_listing()
    change("auction.extension_minutes", "3", actor=prefecture_staff, county=listing.county)
    change("auction.duration_minutes", "90", actor=prefecture_staff, county=listing.county)
    qualify(listing)
    registration = qualify(listing)
    end_announcement(listing)
    deal = contract_services.deal_select_mode(deal=registration.deal)
    assert deal.state == Deal.State.AUCTION
    auction = deal.auction
    assert auction.extension_window == dt.timedelta(minutes=3)
    assert auction.close_at - auction.start_at == dt.timedelta(minutes=90)


def test_r_deal_2_and_3_periods_follow_the_county(prefecture_staff, guzhang, longshan):
    from contracts.documents import conf as document_conf

    assert document_conf.get("SIGNING_WORKDAYS", county=guzhang) == 5
    assert document_conf.get("PAYMENT_WORKDAYS", county=guzhang) == 3
    change("deal.signing_workdays", "7", actor=prefecture_staff, county=guzhang)
    change("deal.payment_workdays", "4", actor=prefecture_staff, county=guzhang)
    assert document_conf.get("SIGNING_WORKDAYS", county=guzhang) == 7
    assert document_conf.get("PAYMENT_WORKDAYS", county=guzhang.pk) == 4
    assert document_conf.get("SIGNING_WORKDAYS", county=longshan) == 5


def test_a_rolled_back_change_is_not_kept_in_the_process_copy(settings, prefecture_staff, guzhang):
    """A change made inside a larger transaction that then rolls back must not stay in this
    process's copy of the table (read inside that transaction, before the rollback)."""
    from django.db import transaction

    settings.RULEBOOK_CACHE_SECONDS = 30
    rulebook.forget()
    key = listing_conf.ANNOUNCEMENT_MIN
    assert rulebook.value(key, county=guzhang) == 7

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        change(key, "9", actor=prefecture_staff, county=guzhang)
        assert rulebook.value(key, county=guzhang) == 9  # its own change, at once
        raise Undo
    assert rulebook.value(key, county=guzhang) == 7
    rulebook.forget()


def test_whole_numbers_are_ascii_digits_only(prefecture_staff):
    """Strict parsing: full-width or other scripts' digits and superscripts are refused with the
    translated message naming the field and the rule, never Python's own error text."""
    from marketplace.rulebook import SettingInvalid

    for text in ("８", "٨", "²", "--8"):
        with pytest.raises(SettingInvalid) as refused, translation.override("en"):
            change(listing_conf.ANNOUNCEMENT_MIN, text, actor=prefecture_staff)
        assert refused.value.field == "value"
        assert "invalid literal" not in str(refused.value.message), text
    with pytest.raises(SettingInvalid):
        change(listing_conf.COUNTY_MEDIA_YUAN, "３00000", actor=prefecture_staff)
