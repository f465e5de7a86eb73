"""R-DEAL-6: the service fee's rates and minimum are rulebook numbers, per county of the listing."""

from decimal import Decimal

import pytest

from marketplace import rulebook
from tests import factories
from valuation.conf import FEE_MINIMUM, FEE_RATE_KEYS, service_fee_terms
from valuation.formulas import service_fee

pytestmark = pytest.mark.django_db


def test_r_deal_6_the_fee_follows_the_countys_rates_and_minimum():
    staff = factories.UserFactory(role="exchange_staff")
    guzhang = factories.CountyFactory(code="433126", name="古丈县")
    longshan = factories.CountyFactory(code="433130", name="龙山县")
    for key, rate in zip(
        FEE_RATE_KEYS, ["0.65", "0.6", "0.5", "0.4", "0.25", "0.15 %"], strict=True
    ):
        rulebook.setting_change(
            key=key, county=guzhang, value_text=rate, reason="县政府减半收费", actor=staff
        )
    rulebook.setting_change(
        key=FEE_MINIMUM, county=guzhang, value_text="100", reason="县政府减半收费", actor=staff
    )
    fee = service_fee(
        deal_value=15_000_000, transferor_exempt=False, **service_fee_terms(county=guzhang)
    )
    assert fee == Decimal("58750")
    fee = service_fee(
        deal_value=15_000_000, transferor_exempt=False, **service_fee_terms(county=longshan)
    )
    assert fee == Decimal("117500")  # RULES.md's check, unchanged elsewhere
    small = service_fee(
        deal_value=5_000, transferor_exempt=False, **service_fee_terms(county=guzhang)
    )
    assert small == Decimal("100")
