"""The exchange staff's review queue (R-LIST-3/4): everything needed to decide, on one page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

from .. import services
from ..checks import price_factor, price_per_mu_year_fen, review_checks, total_value_fen
from ..forms import PublishForm, ReturnForm, WithdrawForm
from ..geometry import render_svg
from ..models import Listing
from ..selectors import listing_list_for_user, listing_review_queue
from ..services import announcement_workdays_proposed
from .common import private_file, scoped_listing, staff_required


@staff_required
def review_queue(request):
    queue = listing_review_queue(request.user)
    announced = listing_list_for_user(request.user).filter(state=Listing.State.ANNOUNCED)
    return render(
        request,
        "listings/review/queue.html",
        {"queue": queue, "announced": announced.order_by("announcement_ends_at")[:50]},
    )


def _valuation_link(listing) -> str:
    """The valuation console's form, prefilled with this listing's subject."""
    params = {
        "subject_label": f"{listing.number} {listing.title}",
        "county": listing.county_id,
        "township": listing.township_id,
        "right_type": listing.right_type,
        "land_class": listing.land_class,
        "area_mu": listing.area_mu,
        "term_years": listing.term_years or 1,
    }
    return reverse("valuation:report_new") + "?" + urlencode(params)


def _candidate_reports(listing):
    from valuation.models import ValuationReport

    return ValuationReport.objects.filter(
        county=listing.county, land_class=listing.land_class, locked_at__isnull=True
    ).order_by("-created_at")[:20]


@staff_required
def review_detail(request, pk):
    listing = scoped_listing(request, pk)
    parcels = list(listing.parcels.prefetch_related("encumbrances"))
    report = listing.valuation_report
    factor = price_factor(listing)
    context = {
        "listing": listing,
        "parcels": parcels,
        "checks": review_checks(listing),
        "warnings": [(p, w) for p in parcels for w in p.warnings],
        "parcel_map": render_svg(
            [{"geometry": p.geometry, "label": p.name} for p in parcels if p.geometry],
            title=_("Map of the parcels"),
        ),
        "report": report,
        "price_per_mu_year_fen": price_per_mu_year_fen(listing),
        "floor_fen": int(report.reference_price_per_mu_year_fen * factor) if report else None,
        "factor": factor,
        "total_value_fen": total_value_fen(listing),
        "valuation_link": _valuation_link(listing),
        "candidate_reports": _candidate_reports(listing) if not report else [],
        "return_form": ReturnForm(),
        "publish_form": PublishForm(initial={"workdays": announcement_workdays_proposed(listing)}),
        "withdraw_form": WithdrawForm(),
        "events": _events(listing),
    }
    return render(request, "listings/review/detail.html", context)


def _events(listing):
    from marketplace.audit import events_for

    return events_for(listing).order_by("-id")[:20]


def _do(request, pk, action, success):
    listing = scoped_listing(request, pk)
    if request.method != "POST":
        return redirect("listings:review_detail", pk=pk)
    try:
        action(listing)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, success)
    return redirect("listings:review_detail", pk=pk)


@staff_required
def review_approve(request, pk):
    return _do(
        request,
        pk,
        lambda listing: services.listing_approve(listing=listing, actor=request.user),
        _("Approved. Publish it to start the announcement period."),
    )


@staff_required
def review_return(request, pk):
    form = ReturnForm(request.POST or None)
    reasons = form.data.get("reasons", "") if form.is_bound else ""
    return _do(
        request,
        pk,
        lambda listing: services.listing_return(
            listing=listing, actor=request.user, reasons=reasons
        ),
        _("Returned to the station with your reasons."),
    )


@staff_required
def review_publish(request, pk):
    form = PublishForm(request.POST or None)
    workdays = form.cleaned_data["workdays"] if form.is_valid() else None
    return _do(
        request,
        pk,
        lambda listing: services.listing_publish(
            listing=listing, actor=request.user, workdays_count=workdays
        ),
        _("Published: the public page and the listing announcement are online."),
    )


@staff_required
def review_withdraw(request, pk):
    reason = request.POST.get("reason", "")
    return _do(
        request,
        pk,
        lambda listing: services.listing_withdraw(
            listing=listing, actor=request.user, reason=reason
        ),
        _("Withdrawn; its public page is offline."),
    )


@staff_required
def review_attach_report(request, pk):
    """Attach an existing valuation report of the same county and land class (R-LIST-3)."""
    from valuation.models import ValuationReport

    def attach(listing):
        report = ValuationReport.objects.filter(pk=request.POST.get("report") or 0).first()
        if report is None:
            raise services.ListingInvalid(_("Valuation report: choose one."))
        services.listing_attach_valuation_report(listing=listing, report=report, actor=request.user)

    return _do(request, pk, attach, _("The valuation report is attached."))


@staff_required
def review_value_with_benchmark(request, pk):
    """Value the listing with the benchmark tables as they stand (R-VAL-1/2) and attach it."""
    from valuation.services import valuation_report_create, valuation_suggest

    def value(listing):
        subject = {
            "county": listing.county,
            "township": listing.township,
            "land_class": listing.land_class,
            "area_mu": listing.area_mu,
            "term_years": listing.term_years,
        }
        first = listing.parcels.first()
        forest = {
            "age_class": (first.age_class or None) if first else None,
            "species": (first.dominant_species or None) if first else None,
        }
        suggestion = valuation_suggest(right_type=listing.right_type, **subject, **forest)
        report = valuation_report_create(
            valuer=request.user,
            subject_label=f"{listing.number} {listing.title}",
            method=suggestion["method"],
            inputs=suggestion["inputs"],
            **subject,
            **forest,
        )
        services.listing_attach_valuation_report(listing=listing, report=report, actor=request.user)

    return _do(request, pk, value, _("Valued with the benchmark tables and attached."))


@staff_required
def review_entrustment_scan(request, pk):
    listing = scoped_listing(request, pk)
    return private_file(listing.entrustment.scan if listing.entrustment else None)


@staff_required
def review_consent_document(request, pk, encumbrance_pk):
    listing = scoped_listing(request, pk)
    from ..models import Encumbrance

    enc = Encumbrance.objects.filter(pk=encumbrance_pk, parcel__listings=listing).first()
    return private_file(enc.consent_document if enc else None)
