"""Staff valuation pages (benchmarks, price index, reports) and the public price statistics."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace import permissions as policy
from marketplace.choices import LandClass
from marketplace.models import County, Township
from marketplace.money import fen_to_yuan
from marketplace.storage import private_file_response

from . import charts, selectors, services
from .forms import BenchmarkAddForm, SubjectForm, ValuationReportForm
from .methods import METHOD_INPUTS
from .models import BenchmarkRent, FloorPrice, ValuationReport
from .pdf import input_rows
from .selectors import forest_species

staff_required = policy.permission_required("valuation.use_console")


def _report(request, pk, **kwargs):
    return get_object_or_404(selectors.valuation_report_list(), pk=pk)


def _county_from(request):
    code = request.GET.get("county")
    if code:
        return County.objects.filter(code=code).first()
    user_county = getattr(request.user, "county", None)
    return user_county or County.objects.order_by("code").first()


def _township_from(request, county):
    pk = request.GET.get("township")
    if not (county and pk and pk.isdigit()):
        return None
    return Township.objects.filter(county=county, pk=pk).first()


def _charts(benchmarks, index):
    """One chart per land class: benchmark rent, floor, and each township's deal median."""
    result = []
    for row in benchmarks:
        items = []
        if row["rent"]:
            value = row["rent"].rent_per_mu_year_fen
            items.append({"label": _("Benchmark"), "value": _fen(value), "kind": "benchmark"})
        if row["floor"]:
            value = row["floor"].floor_per_mu_year_fen
            items.append({"label": _("Floor price"), "value": _fen(value), "kind": "floor"})
        for entry in index:
            if entry["land_class"] == row["land_class"]:
                label = f"{entry['township'].name} ({entry['count']})"
                items.append({"label": label, "value": entry["median_yuan"], "kind": "index"})
        if items:
            result.append({"title": row["label"], "chart": charts.bar_chart(items)})
    return result


def _fen(fen):
    return fen_to_yuan(fen)


@staff_required
def home(request):
    """R-VAL-4: the benchmarks in force beside the price index, and the latest reports."""
    county = _county_from(request)
    township = _township_from(request, county)
    benchmarks = selectors.benchmarks_for(county=county, township=township) if county else []
    index = selectors.price_index(county=county, township=township) if county else []
    context = {
        "counties": County.objects.all(),
        "county": county,
        "townships": county.townships.all() if county else [],
        "township": township,
        "benchmarks": benchmarks,
        "index": index,
        "charts": _charts(benchmarks, index),
        "forest": [
            selectors.forest_parameter_get(county=county, species=s, township=township)
            for s in forest_species(county=county)
        ]
        if county
        else [],
        "reports": selectors.valuation_report_list(county=county)[:20],
        "benchmark_form": BenchmarkAddForm(initial={"county": county, "township": township}),
    }
    return render(request, "valuation/home.html", context)


@staff_required
@require_POST
def benchmark_add(request):
    """Add a benchmark rent or floor price row (the old row stays as history)."""
    form = BenchmarkAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        policy.require(request.user, "valuation.manage_county_tables", data["county"])
        model, field = (
            (BenchmarkRent, "rent_per_mu_year_fen")
            if data["kind"] == BenchmarkAddForm.KIND_RENT
            else (FloorPrice, "floor_per_mu_year_fen")
        )
        try:
            services.benchmark_row_add(
                actor=request.user,
                model=model,
                county=data["county"],
                township=data["township"],
                land_class=data["land_class"],
                effective_from=data["effective_from"],
                source=data["source"],
                **{field: int(data["yuan_per_mu_year"] * 100)},
            )
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("The new figure is saved; the previous one is kept."))
            return redirect(f"{reverse('valuation:home')}?county={data['county'].code}")
    county = form.cleaned_data.get("county") if hasattr(form, "cleaned_data") else None
    return render(
        request,
        "valuation/benchmark_add.html",
        {"form": form, "county": county},
        status=400,
    )


def _apply_errors(form, subject_form, exc):
    for name, errors in exc.message_dict.items():
        if name in form.fields:
            form.add_error(name, errors)
        elif name in subject_form.fields:
            subject_form.add_error(name, errors)
        else:
            form.add_error(None, errors)


@staff_required
def report_new(request):
    """R-VAL-3: value a subject; inputs prefilled from the tables, changes need a reason."""
    bound = "area_mu" in request.GET
    subject_form = SubjectForm(
        request.GET if bound else None, initial={"county": request.GET.get("county")}
    )
    context = {"subject_form": subject_form}
    if not bound or not subject_form.is_valid():
        return render(request, "valuation/report_new.html", context)
    subject = subject_form.cleaned_data
    suggestion = services.valuation_suggest(
        right_type=subject["right_type"],
        land_class=subject["land_class"],
        area_mu=subject["area_mu"],
        county=subject["county"],
        township=subject["township"],
        term_years=subject["term_years"],
        age_class=subject["age_class"] or None,
        species=subject["species"] or None,
        stable_income=subject["stable_income"],
        stand_age=subject["stand_age"],
        method=subject["method"] or None,
    )
    method = suggestion["method"]
    form = ValuationReportForm(
        request.POST if request.method == "POST" else None,
        method=method,
        prefill=suggestion["inputs"],
    )
    if request.method == "POST" and form.is_valid():
        policy.require(request.user, "valuation.manage_county_tables", subject["county"])
        try:
            report = services.valuation_report_create(
                valuer=request.user,
                subject_label=subject["subject_label"],
                county=subject["county"],
                township=subject["township"],
                land_class=subject["land_class"],
                area_mu=subject["area_mu"],
                term_years=subject["term_years"],
                method=method,
                inputs=form.cleaned_data["inputs"],
                overrides_reason=form.cleaned_data["overrides_reason"],
                species=subject["species"] or None,
                age_class=subject["age_class"] or None,
                stand_age=subject["stand_age"],
            )
        except ValidationError as exc:
            _apply_errors(form, subject_form, exc)
        else:
            messages.success(request, _("The valuation report is saved."))
            return redirect("valuation:report_detail", pk=report.pk)
    benchmark = selectors.benchmark_rent_get(
        county=subject["county"], land_class=subject["land_class"], township=subject["township"]
    )
    index = selectors.price_index(
        county=subject["county"], township=subject["township"], land_class=subject["land_class"]
    )
    context.update(
        form=form,
        method_label=dict(services.ValuationReport.Method.choices)[method],
        suggested=suggestion["suggested_method"] == method,
        suggested_label=dict(services.ValuationReport.Method.choices)[
            suggestion["suggested_method"]
        ],
        sources=[
            (spec.label, suggestion["sources"][spec.name])
            for spec in METHOD_INPUTS[method]
            if spec.name in suggestion["sources"]
        ],
        benchmark=benchmark,
        index=index,
    )
    status = 400 if request.method == "POST" else 200
    return render(request, "valuation/report_new.html", context, status=status)


@staff_required
@policy.permission_required("valuation.read_report", _report)
def report_detail(request, pk):
    report = get_object_or_404(selectors.valuation_report_list(), pk=pk)
    replaced_by = ValuationReport.objects.filter(supersedes=report).first()
    return render(
        request,
        "valuation/report_detail.html",
        {"report": report, "rows": input_rows(report), "replaced_by": replaced_by},
    )


@staff_required
@policy.permission_required("valuation.read_report", _report)
def report_pdf(request, pk):
    report = get_object_or_404(selectors.valuation_report_list(), pk=pk)
    if not report.pdf_sha256:
        report = services.valuation_report_attach_pdf(report_id=report.pk)
    if not report.pdf:
        raise Http404
    return private_file_response(
        report.pdf,
        content_type="application/pdf",
        filename=f"valuation-report-{report.pk}.pdf",
    )


def stats(request):
    """R-VAL-4 public statistics: median deal price per township and land class, no personal data."""
    counties = County.objects.all()
    county = _county_from(request)
    index = selectors.price_index(county=county) if county else []
    by_class = []
    for value, label in LandClass.choices:
        items = [
            {
                "label": f"{entry['township'].name} ({entry['count']})",
                "value": entry["median_yuan"],
                "kind": "index",
            }
            for entry in index
            if entry["land_class"] == value
        ]
        if items:
            by_class.append({"title": label, "chart": charts.bar_chart(items)})
    return render(
        request,
        "valuation/stats.html",
        {
            "counties": counties,
            "county": county,
            "index": index,
            "charts": by_class,
            "months": selectors.PRICE_INDEX_MONTHS,
        },
    )
