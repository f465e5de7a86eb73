"""Browser tests of the valuation pages: staff benchmarks and valuation, public statistics."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.browser.conftest import login
from valuation import services
from valuation.models import BenchmarkRent, CapitalisationRate, FloorPrice, ValuationReport

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _tables(county):
    common = {"county": county, "effective_from": date(2026, 1, 1), "source": "演示数据 demo"}
    BenchmarkRent.objects.create(**common, land_class="paddy", rent_per_mu_year_fen=50_000)
    FloorPrice.objects.create(**common, land_class="paddy", floor_per_mu_year_fen=30_000)
    CapitalisationRate.objects.create(**common, rate=Decimal("0.05"))


def test_r_val_4_staff_value_a_paddy_beside_the_benchmark_and_the_deals(page):
    # given a county with tables and one completed deal, and a staff member
    county = factories.CountyFactory()
    township = factories.TownshipFactory(county=county, name="默戎镇")
    _tables(county)
    services.price_observation_record(
        township=township,
        land_class="paddy",
        price_per_mu_year_fen=61_000,
        area_mu=Decimal("8"),
        completed_on=timezone.localdate(),
        source_ref="deal:browser-1",
    )
    factories.UserFactory(username="valuer", role="exchange_staff", is_staff=True)
    login(page, "valuer")
    # when they open the valuation console from the navigation
    # (the staff menu is grouped: open 交易业务 first)
    page.locator("summary", has_text="交易业务").click()
    page.get_by_role("link", name="资产评估").first.click()
    # then the benchmark and the deal median are shown, with a chart
    assert page.get_by_test_id("benchmarks").get_by_text("¥500.00").is_visible()
    assert page.locator("svg.bar-chart").first.is_visible()
    assert page.get_by_text("默戎镇 (1)").first.is_visible()
    # when they value 10 mu of paddy for 10 years
    page.get_by_role("link", name="新建评估").click()
    page.fill("#id_subject_label", "默戎镇 水田 10 亩")
    page.select_option("#id_county", str(county.pk))
    page.select_option("#id_land_class", "paddy")
    page.fill("#id_area_mu", "10")
    page.fill("#id_term_years", "10")
    page.get_by_role("button", name="建议评估方法并预填参数").click()
    # then the inputs are prefilled from the tables
    assert page.input_value("#id_annual_income") == "5000.00"
    assert page.input_value("#id_rate") == "0.05"
    # when they change the rate without a reason, the reason field asks for one
    page.fill("#id_rate", "0.06")
    page.get_by_role("button", name="计算并保存评估报告").click()
    assert page.get_by_text("请说明输入值与基准表不同的理由").is_visible()
    # and with a reason the report is saved and shown
    page.fill("#id_overrides_reason", "灌溉条件差")
    # (Celery runs eagerly here: the PDF is rendered within this request, so allow time)
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="计算并保存评估报告").click()
    assert page.get_by_test_id("value").inner_text() == "¥36,800.44"
    assert ValuationReport.objects.get().inputs["overridden"] == ["rate"]


def test_r_val_4_the_public_statistics_page_per_county(page):
    # given two counties, one with a completed garden deal
    county = factories.CountyFactory()
    other = factories.CountyFactory(code="433101", name="吉首市")
    township = factories.TownshipFactory(county=county, name="默戎镇")
    factories.TownshipFactory(county=other, name="矮寨镇")
    services.price_observation_record(
        township=township,
        land_class="garden",
        price_per_mu_year_fen=45_000,
        area_mu=Decimal("5"),
        completed_on=timezone.localdate(),
        source_ref="deal:browser-2",
    )
    # when a visitor (not logged in) opens the statistics of that county
    page.goto(page.base_url + f"/valuation/stats/?county={county.code}")
    # then the median is shown in Chinese, with a chart
    table = page.get_by_test_id("price-index")
    assert table.get_by_text("默戎镇").is_visible()
    assert table.get_by_text("¥450.00").is_visible()
    assert page.locator("svg.bar-chart").first.is_visible()
    # when they switch to the other county
    page.select_option("#county-select", other.code)
    page.get_by_role("button", name="查看").click()
    # then it has no deals yet
    assert page.get_by_text("近 24 个月暂无成交记录。").is_visible()
