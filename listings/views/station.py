"""The station console (R-LIST-1, R-RIGHT-6): one task per screen, for a clerk at a counter.

Steps: 1 find the household → 2 pick the right and parcels → 3 terms → 4 entrustment and
consent → the filed listing (submit, print the summary). The steps keep their answers in the
session; nothing is written before step 4.
"""

import datetime as dt

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import permissions as policy
from marketplace.errors import DomainError
from marketplace.models import Household
from marketplace.selectors import household_get_for_user, household_search

from .. import services
from ..checks import allowed_uses
from ..forms import EntrustmentForm, HouseholdSearchForm, PickForm, TermsForm, terms_initial
from ..geometry import render_svg
from ..models import Listing, Parcel, Right
from ..pdf import render_listing_summary_pdf
from ..selectors import listing_list_for_user, rights_for_household
from .common import apply_domain_error, operator_required, scoped_listing

WIZARD = "listing_wizard"
FIELD_MAP = {
    "listing_price_fen": "listing_price_yuan",
    "increment_fen": "increment_yuan",
    "deposit_fen": "deposit_yuan",
}


def _wizard(request) -> dict:
    return request.session.get(WIZARD) or {}


def _save_wizard(request, data):
    request.session[WIZARD] = data
    request.session.modified = True


def _household(request, pk) -> Household:
    try:
        return household_get_for_user(user=request.user, pk=pk)
    except (Household.DoesNotExist, ValueError):
        raise Http404 from None


@operator_required
def station_home(request):
    """Step 1: find the household by ID number or name, within the station's township."""
    form = HouseholdSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = household_search(user=request.user, query=form.cleaned_data["q"])
    listings = listing_list_for_user(request.user).exclude(state=Listing.State.WITHDRAWN)[:30]
    return render(
        request,
        "listings/station/home.html",
        {"form": form, "results": results, "listings": listings, "step": 1},
    )


@operator_required
def station_pick(request, household_pk):
    """Step 2: the right and its parcels (only those in this township)."""
    household = _household(request, household_pk)
    rights = list(rights_for_household(household=household, user=request.user))
    all_parcels = [p for r in rights for p in r.parcels.all()]
    unavailable = services.parcels_unavailable(all_parcels)
    form = PickForm(request.POST or None, rights=rights, unavailable=unavailable)
    if request.method == "POST" and form.is_valid():
        right, parcels = form.cleaned_data["right_obj"], form.cleaned_data["parcel_objs"]
        try:
            services.listing_check(
                actor=request.user,
                right=right,
                parcels=parcels,
                household=household,
                **_probe_terms(right, parcels),
            )
        except DomainError as exc:
            if exc.field in ("parcels", "household", "right"):
                apply_domain_error(form, exc)
            else:
                _save_pick(request, household, right, parcels)
                return redirect("listings:station_terms")
        else:
            _save_pick(request, household, right, parcels)
            return redirect("listings:station_terms")
    rows = form.parcel_rows()
    return render(
        request,
        "listings/station/pick.html",
        {
            "household": household,
            "rights": rights,
            "form": form,
            "rows": rows,
            "pick_map": _pick_map(rows),
            "step": 2,
        },
    )


def _pick_map(rows) -> str:
    """The household's parcels as a map one picks from: each polygon stands for its checkbox
    (click, or Tab then Space/Enter; static/js/parcel_pick.js keeps both in step); parcels that
    cannot be picked are grey and say why."""
    items = []
    for row in rows:
        p = row["parcel"]
        if not p.geometry:
            continue
        label = f"{p.name} · {p.area_mu.normalize():f} 亩"
        if row["reason"]:
            label += f"（{row['reason']}）"
        attrs = {
            "data-parcel-for": row["id"],
            "data-right": row["right_pk"],
            "role": "checkbox",
            "aria-checked": "true" if row["checked"] else "false",
            "aria-label": label,
        }
        if row["reason"]:
            attrs["aria-disabled"] = "true"
        else:
            attrs["tabindex"] = "0"
        css = "parcel pick-unavailable" if row["reason"] else "parcel pick"
        items.append({"geometry": p.geometry, "label": p.name, "css": css, "attrs": attrs})
    return render_svg(items, title=_("Map of the household's parcels"), role="group")


def _probe_terms(right, parcels):
    """Harmless terms so that step 2 can check the parcels alone (R-RIGHT-3, township)."""
    uses = allowed_uses(parcels) or ["grain"]
    start = max(timezone.localdate(), right.starts_on)
    return {
        "title": "-",
        "transfer_mode": "lease",
        "term_start": start,
        "term_end": min(right.ends_on, start + dt.timedelta(days=365)),
        "permitted_use": uses[0],
        "price_unit": "per_mu_year",
        "listing_price_fen": 1,
        "increment_fen": 1,
    }


def _save_pick(request, household, right, parcels):
    _save_wizard(
        request,
        {"household": household.pk, "right": right.pk, "parcels": [p.pk for p in parcels]},
    )


def _wizard_objects(request):
    data = _wizard(request)
    if not data.get("household"):
        return None
    household = _household(request, data["household"])
    right = Right.objects.filter(pk=data["right"], holders__household=household).first()
    parcels = list(
        Parcel.objects.filter(pk__in=data["parcels"]).select_related("village__township__county")
    )
    if right is None or not parcels:
        return None
    return data, household, right, parcels


def _default_title(parcels, household):
    first = parcels[0]
    return f"{first.village.township.name}{first.village.name}{first.name}流转"


@operator_required
def station_terms(request):
    """Step 3: the terms (R-LIST-2); refusals of R-RIGHT-3/4/5 appear next to their field."""
    found = _wizard_objects(request)
    if found is None:
        return redirect("listings:station_home")
    data, household, right, parcels = found
    if data.get("terms"):
        initial = terms_initial(_terms_from_session(data["terms"]))
    else:
        start = max(dt.date(timezone.localdate().year + 1, 1, 1), right.starts_on)
        initial = {
            "title": _default_title(parcels, household),
            "term_start": start,
            "term_end": min(right.ends_on, dt.date(start.year + 9, 12, 31)),
        }
    form = TermsForm(request.POST or None, parcels=parcels, initial=initial)
    if request.method == "POST" and form.is_valid():
        terms = form.service_terms()
        try:
            services.listing_check(
                actor=request.user, right=right, parcels=parcels, household=household, **terms
            )
        except DomainError as exc:
            apply_domain_error(form, exc, FIELD_MAP)
        else:
            data["terms"] = _terms_to_session(terms)
            _save_wizard(request, data)
            return redirect("listings:station_entrust")
    return render(
        request,
        "listings/station/terms.html",
        {
            "household": household,
            "right": right,
            "parcels": parcels,
            "form": form,
            "area": sum(p.area_mu for p in parcels),
            "step": 3,
        },
        status=400 if request.method == "POST" else 200,
    )


def _terms_to_session(terms):
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in terms.items()}


def _terms_from_session(terms):
    out = dict(terms)
    for key in ("term_start", "term_end"):
        out[key] = dt.date.fromisoformat(out[key])
    return out


@operator_required
def station_entrust(request):
    """Step 4 (R-LIST-1): the signed entrustment's scan and the household's consent; files it."""
    found = _wizard_objects(request)
    if found is None or not found[0].get("terms"):
        return redirect("listings:station_home")
    data, household, right, parcels = found
    terms = _terms_from_session(data["terms"])
    form = EntrustmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            with transaction.atomic():
                entrustment = services.entrustment_record(
                    household=household,
                    station=request.user.station,
                    actor=request.user,
                    scan=c["scan"],
                    consent_method=c["consent_method"],
                    consented_at=c["consented_at"],
                    valid_from=timezone.localdate(),
                    valid_until=c["valid_until"],
                )
                listing = services.listing_create(
                    actor=request.user,
                    right=right,
                    parcels=parcels,
                    household=household,
                    entrustment=entrustment,
                    **terms,
                )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            request.session.pop(WIZARD, None)
            messages.success(
                request,
                _("Listing %(number)s is filed. Check it with the household, then submit it.")
                % {"number": listing.number},
            )
            return redirect("listings:station_listing", pk=listing.pk)
    return render(
        request,
        "listings/station/entrust.html",
        {"household": household, "parcels": parcels, "terms": terms, "form": form, "step": 4},
        status=400 if request.method == "POST" else 200,
    )


@operator_required
def station_entrust_print(request):
    """The entrustment (委托书) to print, filled with the household, its right, the chosen parcels
    and the terms: the household signs or puts its fingerprint on it (R-LIST-1), and the scan
    comes back at step 4. A plain HTML page with a print stylesheet (A4); nothing is written."""
    found = _wizard_objects(request)
    if found is None:
        return redirect("listings:station_home")
    data, household, right, parcels = found
    terms = _terms_from_session(data["terms"]) if data.get("terms") else None
    today = timezone.localdate()
    return render(
        request,
        "listings/station/entrust_print.html",
        {
            "household": household,
            "station": request.user.station,
            "operator": request.user,
            "right": right,
            "parcels": sorted(parcels, key=lambda p: p.code),
            "area": sum(p.area_mu for p in parcels),
            "terms": terms,
            "matters": services.ENTRUSTED_MATTERS,
            "authority": services.ENTRUSTED_AUTHORITY,
            "today": today,
            "valid_until": dt.date(today.year + 1, today.month, min(today.day, 28)),
        },
    )


@operator_required
def station_listing(request, pk):
    """The filed listing: what was filed, its state, return reasons; submit; print."""
    listing = scoped_listing(request, pk)
    return render(request, "listings/station/listing.html", {"listing": listing, "step": 5})


@operator_required
def station_listing_submit(request, pk):
    listing = scoped_listing(request, pk)
    if request.method != "POST":
        return redirect("listings:station_listing", pk=pk)
    try:
        services.listing_submit(listing=listing, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Submitted for review by the exchange."))
    return redirect("listings:station_listing", pk=pk)


@operator_required
def station_listing_edit(request, pk):
    """Correct the terms of a draft or returned listing, then submit it again."""
    listing = scoped_listing(request, pk)
    if listing.state not in (Listing.State.DRAFT, Listing.State.RETURNED):
        return redirect("listings:station_listing", pk=pk)
    parcels = list(listing.parcels.all())
    initial = terms_initial({f: getattr(listing, f) for f in services.TERM_FIELDS})
    form = TermsForm(request.POST or None, parcels=parcels, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.listing_update_terms(
                listing=listing, actor=request.user, **form.service_terms()
            )
        except DomainError as exc:
            apply_domain_error(form, exc, FIELD_MAP)
        else:
            messages.success(request, _("The terms are corrected."))
            return redirect("listings:station_listing", pk=pk)
    return render(
        request,
        "listings/station/edit.html",
        {"listing": listing, "form": form, "parcels": parcels},
    )


@policy.permission_required("listings.read_summary")
def listing_summary_pdf(request, pk):
    """The one-page summary handed to the household (WeasyPrint, A4, Chinese)."""
    listing = scoped_listing(request, pk)
    response = HttpResponse(render_listing_summary_pdf(listing), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{listing.number}.pdf"'
    return response


@policy.permission_required("listings.read_own_listings")
def my_listings(request):
    """A household with a login sees its own listings and where they stand."""
    listings = listing_list_for_user(request.user)
    return render(request, "listings/household/mine.html", {"listings": listings})
