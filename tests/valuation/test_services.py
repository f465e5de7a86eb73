"""Valuation services and selectors: suggestion, reports (R-VAL-3), tables, price index (R-VAL-4)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from marketplace.models import AuditEvent
from tests import factories
from valuation import selectors, services
from valuation.models import BenchmarkRent, PriceObservation, ReportLocked, ValuationReport

ON = date(2026, 11, 28)


def _create(valuer, county, township=None, **overrides):
    kwargs = {
        "valuer": valuer,
        "subject_label": "默戎镇 水田 10 亩",
        "county": county,
        "township": township,
        "land_class": "paddy",
        "area_mu": Decimal("10"),
        "term_years": Decimal("10"),
        "method": "income_capitalisation",
        "inputs": {"annual_income": "5000.00", "rate": "0.05", "years": "10"},
        "on": ON,
    }
    kwargs.update(overrides)
    return services.valuation_report_create(**kwargs)


def test_r_val_1_it_suggests_income_capitalisation_prefilled_from_the_tables(county, tables):
    # when
    suggestion = services.valuation_suggest(
        right_type="land_management",
        land_class="paddy",
        area_mu=Decimal("10"),
        county=county,
        term_years=Decimal("10"),
        on=ON,
    )
    # then: benchmark 500 yuan/mu/year × 10 mu, rate 5 %, the term
    assert suggestion["method"] == "income_capitalisation"
    assert suggestion["inputs"] == {"annual_income": "5000.00", "rate": "0.05", "years": "10"}
    assert "县农业农村局" in suggestion["sources"]["annual_income"]


@pytest.mark.parametrize(
    ("age_class", "method", "expected_inputs"),
    [
        ("mature", "forest_market_price_back", {"revenue", "costs", "profit"}),
        ("middle", "forest_harvest_present_value", {"final_net_income", "rotation_age"}),
        ("young", "forest_replacement_cost", {"yearly_costs"}),
    ],
)
def test_r_val_2_it_suggests_the_forest_method_by_age_class(
    county, tables, age_class, method, expected_inputs
):
    # when
    suggestion = services.valuation_suggest(
        right_type="forest",
        land_class="forest_land",
        area_mu=Decimal("20"),
        county=county,
        term_years=Decimal("30"),
        age_class=age_class,
        species="杉木",
        stand_age=5,
        on=ON,
    )
    # then
    assert suggestion["method"] == method
    assert expected_inputs <= set(suggestion["inputs"])


def test_r_val_2_market_price_back_is_prefilled_from_yield_price_and_cost(county, tables):
    # when: 20 mu of mature fir, 9 m³/mu, 1100 yuan/m³, cost 350 yuan/m³, profit 10 % of cost
    suggestion = services.valuation_suggest(
        right_type="forest",
        land_class="forest_land",
        area_mu=Decimal("20"),
        county=county,
        term_years=Decimal("30"),
        age_class="mature",
        species="杉木",
        on=ON,
    )
    # then: 180 m³
    assert suggestion["inputs"]["revenue"] == "198000.00"
    assert suggestion["inputs"]["costs"] == "63000.00"
    assert suggestion["inputs"]["profit"] == "6300.00"


def test_r_val_2_a_forest_with_stable_income_is_valued_as_an_annuity(county, tables):
    suggestion = services.valuation_suggest(
        right_type="forest",
        land_class="forest_land",
        area_mu=Decimal("100"),
        county=county,
        term_years=Decimal("20"),
        age_class="mature",
        stable_income=True,
        on=ON,
    )
    assert suggestion["method"] == "forest_annuity"
    assert suggestion["inputs"]["annual_income"] == "3000.00"


def test_the_township_row_wins_over_the_county_row(county, township, tables):
    # given a township rent that differs from the county's
    BenchmarkRent.objects.create(
        county=county,
        township=township,
        land_class="paddy",
        rent_per_mu_year_fen=60_000,
        effective_from=date(2026, 6, 1),
        source="乡镇调查",
    )
    # when / then
    own = selectors.benchmark_rent_get(county=county, township=township, land_class="paddy", on=ON)
    other = selectors.benchmark_rent_get(county=county, land_class="paddy", on=ON)
    assert own.rent_per_mu_year_fen == 60_000
    assert other.rent_per_mu_year_fen == 50_000


def test_history_is_kept_and_the_row_in_force_on_the_date_is_chosen(county, tables):
    # given a later figure
    BenchmarkRent.objects.create(
        county=county,
        land_class="paddy",
        rent_per_mu_year_fen=55_000,
        effective_from=date(2026, 7, 1),
        source="2026 年中调整",
    )
    # then
    before = selectors.benchmark_rent_get(county=county, land_class="paddy", on=date(2026, 6, 30))
    after = selectors.benchmark_rent_get(county=county, land_class="paddy", on=date(2026, 7, 1))
    assert (before.rent_per_mu_year_fen, after.rent_per_mu_year_fen) == (50_000, 55_000)
    assert (
        selectors.benchmark_rent_get(county=county, land_class="paddy", on=date(2025, 1, 1)) is None
    )


def test_r_store_1_floor_price_in_force(county, tables):
    assert selectors.floor_price_per_mu_year(county=county, land_class="paddy", on=ON) == Decimal(
        "300.00"
    )
    assert selectors.floor_price_per_mu_year(county=county, land_class="garden", on=ON) is None


def test_r_val_3_a_report_stores_inputs_method_version_result_valuer_and_date(
    county, tables, valuer, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=False):
        report = _create(valuer, county)
    # then: 5000 × 7.721735 = 38608.67 (R-VAL-1)
    report.refresh_from_db()
    assert report.value_fen == 3_860_867
    assert report.method == "income_capitalisation"
    assert report.formula_version
    assert report.valuer == valuer and report.created_at is not None
    assert report.inputs["values"] == {"annual_income": "5000.00", "rate": "0.05", "years": "10"}
    assert report.inputs["overridden"] == []
    assert AuditEvent.objects.filter(action="valuation.report_created").count() == 1


def test_r_list_4_reference_price_recovers_the_benchmark_rent(county, tables, valuer):
    # given a report made on the benchmark (500 yuan/mu/year)
    report = _create(valuer, county, term_years=Decimal("7.5"), inputs={
        "annual_income": "5000.00", "rate": "0.05", "years": "7.5"
    })  # fmt: skip
    # then the annual equivalent per mu is the benchmark rent again
    assert services.reference_price_per_mu_year(report) == Decimal("500.00")


def test_r_val_3_a_missing_input_is_refused_naming_it_and_nothing_is_saved(county, tables, valuer):
    # when / then
    with pytest.raises(ValidationError) as caught:
        _create(valuer, county, inputs={"annual_income": "5000.00", "years": "10"})
    assert "rate" in caught.value.message_dict
    assert not ValuationReport.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("inputs", "field"),
    [
        ({"annual_income": "5000", "rate": "0", "years": "10"}, "rate"),
        ({"annual_income": "5000", "rate": "0.05", "years": "-1"}, "years"),
        ({"annual_income": "abc", "rate": "0.05", "years": "10"}, "annual_income"),
    ],
)
def test_it_refuses_bad_inputs_naming_the_field(county, tables, valuer, inputs, field):
    with pytest.raises(ValidationError) as caught:
        _create(valuer, county, inputs=inputs)
    assert field in caught.value.message_dict
    assert not ValuationReport.objects.exists()


def test_r_val_3_a_changed_input_needs_a_reason(county, tables, valuer):
    # given a rate other than the table's 5 %
    inputs = {"annual_income": "5000.00", "rate": "0.06", "years": "10"}
    # when no reason is given
    with pytest.raises(ValidationError) as caught:
        _create(valuer, county, inputs=inputs)
    # then
    assert "overrides_reason" in caught.value.message_dict
    # and with a reason the report records which input was changed and why
    report = _create(valuer, county, inputs=inputs, overrides_reason="灌溉条件差,风险高")
    assert report.inputs["overridden"] == ["rate"]
    assert report.inputs["overrides_reason"] == "灌溉条件差,风险高"
    assert report.inputs["table_values"]["rate"] == "0.05"


def test_a_township_outside_the_county_is_refused(county, tables, valuer):
    elsewhere = factories.TownshipFactory(
        county=factories.CountyFactory(code="433101", name="吉首市")
    )
    with pytest.raises(ValidationError) as caught:
        _create(valuer, county, township=elsewhere)
    assert "township" in caught.value.message_dict


def test_a_negative_forest_value_is_refused(county, tables, valuer):
    with pytest.raises(ValidationError) as caught:
        _create(
            valuer,
            county,
            land_class="forest_land",
            method="forest_market_price_back",
            inputs={"revenue": "100", "costs": "200", "profit": "0"},
            overrides_reason="实测",
        )
    assert "revenue" in caught.value.message_dict


def test_r_val_3_a_locked_report_cannot_be_changed_or_deleted(county, tables, valuer):
    # given
    report = services.valuation_report_lock(report=_create(valuer, county), actor=valuer)
    # when / then
    report.value_fen = 1
    with pytest.raises(ReportLocked):
        report.save()
    with pytest.raises(ReportLocked):
        report.delete()
    report.refresh_from_db()
    assert report.value_fen == 3_860_867
    assert AuditEvent.objects.filter(action="valuation.report_locked").count() == 1


def test_r_val_3_locking_twice_keeps_the_first_lock_time(county, tables, valuer):
    report = services.valuation_report_lock(report=_create(valuer, county))
    again = services.valuation_report_lock(report=report)
    assert again.locked_at == report.locked_at


def test_r_val_3_an_open_report_may_still_be_saved(county, tables, valuer):
    report = _create(valuer, county)
    report.subject_label = "改名"
    report.save()
    report.refresh_from_db()
    assert report.subject_label == "改名"


def test_r_val_3_a_new_report_supersedes_a_locked_one(county, tables, valuer):
    # given
    old = services.valuation_report_lock(report=_create(valuer, county))
    # when
    new = services.valuation_report_supersede(
        report=old,
        valuer=valuer,
        inputs={"annual_income": "5000.00", "rate": "0.05", "years": "10"},
        on=ON,
    )
    # then
    assert new.supersedes == old and new.locked_at is None
    old.refresh_from_db()
    assert old.value_fen == new.value_fen
    # and a report is replaced only once
    with pytest.raises(ValidationError) as caught:
        services.valuation_report_supersede(
            report=old, valuer=valuer, inputs=new.inputs["values"], on=ON
        )
    assert "supersedes" in caught.value.message_dict


def test_the_pdf_is_rendered_after_commit_with_its_sha256(
    county, tables, valuer, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        report = _create(valuer, county)
    # then
    report.refresh_from_db()
    data = report.pdf.read()
    assert data.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(data).hexdigest() == report.pdf_sha256


def test_a_locked_report_still_receives_its_pdf_once(
    county, tables, valuer, django_capture_on_commit_callbacks
):
    # given a report locked before its PDF was rendered
    with django_capture_on_commit_callbacks(execute=False):
        report = _create(valuer, county)
    services.valuation_report_lock(report=report)
    # when the task runs (twice)
    services.valuation_report_attach_pdf(report_id=report.pk)
    first = ValuationReport.objects.get(pk=report.pk).pdf_sha256
    services.valuation_report_attach_pdf(report_id=report.pk)
    # then
    assert first and ValuationReport.objects.get(pk=report.pk).pdf_sha256 == first


def test_r_val_4_a_price_observation_is_recorded_once_per_deal(township):
    # when the deals app records the same completed deal twice
    for _ in range(2):
        services.price_observation_record(
            township=township,
            land_class="paddy",
            price_per_mu_year_fen=52_000,
            area_mu=Decimal("12.5"),
            completed_on=date(2026, 10, 1),
            source_ref="deal:17",
        )
    # then
    assert PriceObservation.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"price_per_mu_year_fen": -1}, "price_per_mu_year_fen"),
        ({"price_per_mu_year_fen": Decimal("5.5")}, "price_per_mu_year_fen"),
        ({"area_mu": 0}, "area_mu"),
        ({"land_class": "moon"}, "land_class"),
        ({"source_ref": " "}, "source_ref"),
    ],
)
def test_r_val_4_a_bad_observation_is_refused_naming_the_field(township, kwargs, field):
    values = {
        "township": township,
        "land_class": "paddy",
        "price_per_mu_year_fen": 50_000,
        "area_mu": Decimal("1"),
        "completed_on": ON,
        "source_ref": "deal:1",
        **kwargs,
    }
    with pytest.raises(ValidationError) as caught:
        services.price_observation_record(**values)
    assert field in caught.value.message_dict


def test_r_val_4_price_index_is_the_median_of_the_last_24_months(county, township):
    # given three paddy deals in the window and one older than 24 months
    for ref, fen, day in [
        ("a", 40_000, date(2026, 3, 1)),
        ("b", 50_000, date(2025, 1, 15)),
        ("c", 70_000, date(2026, 11, 28)),
        ("old", 10_000, date(2024, 11, 28)),
    ]:
        services.price_observation_record(
            township=township,
            land_class="paddy",
            price_per_mu_year_fen=fen,
            area_mu=Decimal("3"),
            completed_on=day,
            source_ref=ref,
        )
    # when
    index = selectors.price_index(county=county, on=ON)
    # then
    assert [(e["township"], e["land_class"], e["median_yuan"], e["count"]) for e in index] == [
        (township, "paddy", Decimal("500.00"), 3)
    ]


def test_r_val_4_an_even_count_takes_the_mean_of_the_middle_two(township):
    for ref, fen in [("a", 40_000), ("b", 50_001)]:
        services.price_observation_record(
            township=township,
            land_class="dry_land",
            price_per_mu_year_fen=fen,
            area_mu=Decimal("1"),
            completed_on=ON,
            source_ref=ref,
        )
    [entry] = selectors.price_index(township=township, land_class="dry_land", on=ON)
    assert entry["median_yuan"] == Decimal("450.01")


def test_benchmark_row_add_keeps_history_and_audits(county, tables, valuer):
    # when
    services.benchmark_row_add(
        actor=valuer,
        model=BenchmarkRent,
        county=county,
        township=None,
        land_class="paddy",
        rent_per_mu_year_fen=52_000,
        effective_from=date(2026, 12, 1),
        source="2027 年基准",
    )
    # then
    assert BenchmarkRent.objects.filter(county=county, land_class="paddy").count() == 2
    assert AuditEvent.objects.filter(action="valuation.benchmark_added").count() == 1


def test_demo_seed_marks_its_rows_as_demo_and_is_idempotent(db):
    from marketplace import demo as kernel_demo
    from valuation import demo

    kernel_demo.seed_regions(lambda message: None)
    demo.seed(lambda message: None)
    count = BenchmarkRent.objects.count()
    demo.seed(lambda message: None)
    assert BenchmarkRent.objects.count() == count > 0
    assert all(row.is_demo for row in BenchmarkRent.objects.all())
    paddy = [r.rent_per_mu_year_fen for r in BenchmarkRent.objects.filter(land_class="paddy")]
    assert min(paddy) >= 30_000 and max(paddy) <= 70_000
    guzhang = selectors.floor_price_per_mu_year(
        county=factories.CountyFactory(code="433126"), land_class="forest_land"
    )
    assert guzhang == Decimal("30.00")


def test_r_val_3_the_database_refuses_to_change_a_locked_report(
    postgres_only, county, tables, valuer
):
    # given a locked report
    from django.db import DatabaseError, transaction

    report = services.valuation_report_lock(report=_create(valuer, county))
    # when something bypasses the model (a queryset update), then PostgreSQL refuses
    with pytest.raises(DatabaseError), transaction.atomic():
        ValuationReport.objects.filter(pk=report.pk).update(value_fen=1)
    # but the PDF may still be attached once
    services.valuation_report_attach_pdf(report_id=report.pk)
    report.refresh_from_db()
    assert report.value_fen == 3_860_867 and report.pdf_sha256


def test_the_report_pdf_is_rendered_and_written_with_no_transaction_open(
    county, tables, valuer, django_capture_on_commit_callbacks, monkeypatch
):
    """Issue 15: no PDF render or file write inside a transaction (marketplace.io_guard)."""
    from django.core.files.storage import FileSystemStorage

    from marketplace.io_guard import in_transaction
    from valuation import pdf

    seen = []
    render, save = pdf.render_valuation_report_pdf, FileSystemStorage._save
    monkeypatch.setattr(
        pdf, "render_valuation_report_pdf", lambda r: seen.append(in_transaction()) or render(r)
    )
    monkeypatch.setattr(
        FileSystemStorage, "_save", lambda s, n, c: seen.append(in_transaction()) or save(s, n, c)
    )
    with django_capture_on_commit_callbacks(execute=False):
        report = _create(valuer, county)
    services.valuation_report_attach_pdf(report_id=report.pk)
    assert seen == [False, False]
    assert ValuationReport.objects.get(pk=report.pk).pdf_sha256
