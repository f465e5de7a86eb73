"""Staff valuation pages and the public statistics page (R-VAL-3, R-VAL-4)."""

import shutil
import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from valuation import services
from valuation.models import BenchmarkRent, ValuationReport


def _subject(county, **extra):
    return {
        "subject_label": "默戎镇 水田 10 亩",
        "county": county.pk,
        "right_type": "land_management",
        "land_class": "paddy",
        "area_mu": "10",
        "term_years": "10",
        **extra,
    }


def test_the_valuation_page_is_for_exchange_staff_only(client, operator, county):
    client.force_login(operator)
    assert client.get("/valuation/").status_code == 403


def test_r_val_4_staff_see_the_benchmark_beside_the_price_index(
    client, staff_user, county, township, tables
):
    # given a completed deal in the township
    services.price_observation_record(
        township=township,
        land_class="paddy",
        price_per_mu_year_fen=61_000,
        area_mu=Decimal("8"),
        completed_on=timezone.localdate(),
        source_ref="deal:1",
    )
    client.force_login(staff_user)
    # when
    page = client.get("/valuation/", {"county": county.code}).content.decode()
    # then: the benchmark, the floor and the deal median are on the page, as a chart
    assert "¥500.00" in page and "¥300.00" in page
    assert "<svg" in page and "默戎镇 (1)" in page and "¥610.00" in page


def test_r_val_3_staff_value_a_subject_with_prefilled_inputs(client, staff_user, county, tables):
    client.force_login(staff_user)
    # when the subject is given, the form is prefilled from the tables
    page = client.get("/valuation/reports/new/", _subject(county)).content.decode()
    assert 'value="5000.00"' in page and 'value="0.05"' in page
    # and posting the prefilled inputs saves the report
    response = client.post(
        "/valuation/reports/new/?" + "&".join(f"{k}={v}" for k, v in _subject(county).items()),
        {"annual_income": "5000.00", "rate": "0.05", "years": "10"},
    )
    report = ValuationReport.objects.get()
    assert response.status_code == 302 and response.url == f"/valuation/reports/{report.pk}/"
    assert report.value_fen == 3_860_867 and report.valuer == staff_user


def test_r_val_3_an_override_without_a_reason_is_shown_next_to_the_field(
    client, staff_user, county, tables
):
    client.force_login(staff_user)
    query = "&".join(f"{k}={v}" for k, v in _subject(county).items())
    # when the rate is changed without saying why
    response = client.post(
        f"/valuation/reports/new/?{query}",
        {"annual_income": "5000.00", "rate": "0.06", "years": "10"},
    )
    # then nothing is saved and the reason field says what to do
    assert response.status_code == 400
    assert not ValuationReport.objects.exists()
    assert "请说明输入值与基准表不同的理由" in response.content.decode()


def test_staff_add_a_benchmark_row_and_the_old_one_is_kept(client, staff_user, county, tables):
    client.force_login(staff_user)
    response = client.post(
        "/valuation/benchmarks/add/",
        {
            "kind": "rent",
            "county": county.pk,
            "land_class": "paddy",
            "yuan_per_mu_year": "520",
            "effective_from": "2026-12-01",
            "source": "2027 年基准",
        },
    )
    assert response.status_code == 302
    rents = BenchmarkRent.objects.filter(county=county, land_class="paddy")
    assert sorted(r.rent_per_mu_year_fen for r in rents) == [50_000, 52_000]


def test_a_bad_benchmark_row_is_refused_naming_the_field(client, staff_user, county):
    client.force_login(staff_user)
    response = client.post(
        "/valuation/benchmarks/add/",
        {"kind": "rent", "county": county.pk, "land_class": "paddy", "yuan_per_mu_year": "-1"},
    )
    assert response.status_code == 400
    assert not BenchmarkRent.objects.exists()


def test_r_val_4_the_public_statistics_page_shows_medians_without_personal_data(
    client, county, township
):
    # given a completed deal of a household
    household = factories.HouseholdFactory(name="张三丰", village__township=township)
    services.price_observation_record(
        township=township,
        land_class="garden",
        price_per_mu_year_fen=45_000,
        area_mu=Decimal("5"),
        completed_on=timezone.localdate(),
        source_ref="deal:9",
    )
    # when anyone opens the statistics page
    page = client.get("/valuation/stats/", {"county": county.code}).content.decode()
    # then
    assert "土地流转价格统计" in page and "默戎镇" in page and "¥450.00" in page
    assert household.name not in page and household.id_number not in page


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) not installed")
def test_the_pdf_has_chinese_headings_and_page_numbers(
    client, staff_user, county, tables, tmp_path
):
    # given a report
    report = services.valuation_report_create(
        valuer=staff_user,
        subject_label="默戎镇 水田 10 亩",
        county=county,
        township=None,
        land_class="paddy",
        area_mu=Decimal("10"),
        term_years=Decimal("10"),
        method="income_capitalisation",
        inputs={"annual_income": "5000.00", "rate": "0.05", "years": "10"},
        on=date(2026, 11, 28),
    )
    client.force_login(staff_user)
    # when the PDF is downloaded
    response = client.get(f"/valuation/reports/{report.pk}/pdf/")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"".join(response.streaming_content))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # then
    for heading in ("农村产权资产评估报告", "评估方法与参数", "评估结果", "收益还原法"):
        assert heading in text
    assert "¥38,608.67" in text
    assert "第1页/共1页" in "".join(text.split())  # pdftotext drops the thin spaces
