"""Pages of floor-price storage (/storage/): the storage operator's dashboard, offers, contracts
and guarantees; the station's offer step; staff and auditor read views. Every view asks the
access policy (contracts/storage/permissions.py); views validate, call one service or selector,
and render."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from listings.models import Parcel, Right
from marketplace import permissions as policy
from marketplace.errors import DomainError
from marketplace.models import Household

from . import selectors, services
from .models import GuaranteeInstalment, StorageContract, StorageOffer

PAGE_SIZE = 50  # rows per page of the offer, contract and guarantee lists


def _offer(request, pk, **kwargs):
    return get_object_or_404(StorageOffer.objects.select_related("household__village"), pk=pk)


def _contract(request, pk, **kwargs):
    return get_object_or_404(
        StorageContract.objects.select_related("household__village", "offer"), pk=pk
    )


def _household(request, household_id, **kwargs):
    return get_object_or_404(Household.objects.select_related("village__township"), pk=household_id)


def _instalment(request, pk, **kwargs):
    return get_object_or_404(GuaranteeInstalment.objects.select_related("contract"), pk=pk)


def _refused(request, exc, form=None):
    if form is not None and exc.field and exc.field in form.fields:
        form.add_error(exc.field, str(exc.message))
    else:
        messages.error(request, str(exc.message))


@policy.permission_required("storage.view_pages")
def dashboard(request):
    user = request.user
    offers = selectors.offers_for_user(user)
    contracts = selectors.contracts_for_user(user)
    instalments = selectors.instalments_with_status(
        selectors.instalments_for_user(user).exclude(payout__state="confirmed")
    )
    todo = {
        "offers_open": offers.filter(state=StorageOffer.State.OFFERED).count(),
        "to_sign": contracts.filter(
            state=StorageContract.State.READY, centre_signed_at__isnull=True
        ),
        "household_to_sign": contracts.filter(
            state=StorageContract.State.READY, household_signed_at__isnull=True
        ),
        "due": [row for row in instalments if row.status in ("due", "overdue")],
    }
    return render(
        request,
        "storage/dashboard.html",
        {"todo": todo, "offers": offers[:10], "contracts": contracts[:10]},
    )


@policy.permission_required("storage.view_pages")
def offer_list(request):
    page_obj = Paginator(
        selectors.offers_for_user(request.user).order_by("-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(request, "storage/offer_list.html", {"offers": page_obj, "page_obj": page_obj})


@policy.permission_required("storage.view_pages")
def station_households(request):
    """The station's relocated households with land, each with its storage state (R-FAIL-2)."""
    user = request.user
    if user.role != "station_operator" or not user.station_id:
        households = Household.objects.none()
    else:
        households = Household.objects.filter(
            is_relocated=True, village__township_id=user.station.township_id
        ).select_related("village")
    offers = {o.household_id: o for o in selectors.offers_for_user(user)}
    rows = [{"household": h, "offer": offers.get(h.pk)} for h in households]
    return render(request, "storage/station.html", {"rows": rows})


class OfferForm(forms.Form):
    right = forms.ModelChoiceField(queryset=Right.objects.none(), label=gettext_lazy("Right"))
    parcels = forms.ModelMultipleChoiceField(
        queryset=Parcel.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Parcels"),
    )
    term_start = forms.DateField(
        label=gettext_lazy("Storage term starts"), widget=forms.DateInput(attrs={"type": "date"})
    )
    term_end = forms.DateField(
        label=gettext_lazy("Storage term ends"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        rights = Right.objects.filter(
            holders__household=household, right_type__in=services.STORABLE_RIGHTS
        ).distinct()
        self.fields["right"].queryset = rights
        self.fields["right"].label_from_instance = lambda r: (
            _("%(right)s %(number)s until %(end)s")
            % {
                "right": r.get_right_type_display(),
                "number": r.certificate_number,
                "end": r.ends_on.isoformat(),
            }
        )
        self.fields["parcels"].queryset = Parcel.objects.filter(rights__in=rights).distinct()
        self.fields["parcels"].label_from_instance = lambda p: (
            _("%(name)s (%(code)s, %(land_class)s, %(area)s mu)")
            % {
                "name": p.name,
                "code": p.code,
                "land_class": p.get_land_class_display(),
                "area": p.area_mu.normalize(),
            }
        )


@policy.permission_required("storage.make_offer", _household)
def offer_new(request, household_id):
    """The station's (or storage operator's) offer step: quote first, then make the offer."""
    household = _household(request, household_id)
    data = request.POST if request.method == "POST" else (request.GET or None)
    today = timezone.localdate()
    initial = {"term_start": today + dt.timedelta(days=1)}
    form = OfferForm(data, household=household, initial=initial)
    quote = None
    if data is not None and form.is_valid():
        args = {
            "household": household,
            "right": form.cleaned_data["right"],
            "parcels": list(form.cleaned_data["parcels"]),
            "term_start": form.cleaned_data["term_start"],
            "term_end": form.cleaned_data["term_end"],
        }
        try:
            if request.method == "POST" and request.POST.get("confirm"):
                offer = services.storage_offer_create(actor=request.user, **args)
                messages.success(request, _("The storage offer was made."))
                return redirect(offer.get_absolute_url())
            quote = services.offer_quote(**args)
        except DomainError as exc:
            _refused(request, exc, form)
    return render(
        request,
        "storage/offer_new.html",
        {"household": household, "form": form, "quote": quote},
    )


@policy.permission_required("storage.view_storage", _offer)
def offer_detail(request, pk):
    offer = _offer(request, pk)
    return render(
        request,
        "storage/offer_detail.html",
        {
            "offer": offer,
            "lines": offer.lines.select_related("parcel"),
            "can_decide": request.user.has_perm("storage.decide_offer", offer),
        },
    )


@require_POST
@policy.permission_required("storage.decide_offer", _offer)
def offer_decide(request, pk):
    offer = _offer(request, pk)
    try:
        if request.POST.get("decision") == "accept":
            contract = services.storage_offer_accept(offer=offer, actor=request.user)
            messages.success(
                request, _("Accepted: contract %(number)s") % {"number": contract.number}
            )
            return redirect(contract.get_absolute_url())
        services.storage_offer_decline(offer=offer, actor=request.user)
        messages.success(request, _("The household declined the offer."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect(offer.get_absolute_url())


@policy.permission_required("storage.view_pages")
def contract_list(request):
    page_obj = Paginator(
        selectors.contracts_for_user(request.user).order_by("-pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "storage/contract_list.html",
        {"contracts": page_obj, "page_obj": page_obj},
    )


@policy.permission_required("storage.view_storage", _contract)
def contract_detail(request, pk):
    contract = _contract(request, pk)
    user = request.user
    return render(
        request,
        "storage/contract_detail.html",
        {
            "c": contract,
            "lines": contract.offer.lines.select_related("parcel"),
            "instalments": selectors.instalments_with_status(contract.instalments.all()),
            "can_witness": user.has_perm("storage.witness_contract", contract),
            "can_sign_centre": user.has_perm("storage.sign_for_centre", contract),
            "can_pay": user.has_perm("storage.pay_guarantee", contract),
            "marks": StorageContract.Mark.choices,
        },
    )


@policy.permission_required("storage.view_storage", _contract)
def contract_pdf(request, pk):
    contract = _contract(request, pk)
    if not contract.pdf:
        raise Http404
    return FileResponse(
        contract.pdf.open("rb"), content_type="application/pdf", filename=f"{contract.number}.pdf"
    )


@require_POST
@policy.permission_required("storage.witness_contract", _contract)
def contract_sign_household(request, pk):
    contract = _contract(request, pk)
    try:
        services.storage_contract_sign_household(
            contract=contract,
            operator=request.user,
            scan=request.FILES.get("scan"),
            mark=request.POST.get("mark", ""),
            pdf_sha256=request.POST.get("pdf_sha256", ""),
            confirmed=bool(request.POST.get("confirmed")),
        )
        messages.success(request, _("The household's signature is recorded."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect(contract.get_absolute_url())


@require_POST
@policy.permission_required("storage.sign_for_centre", _contract)
def contract_sign_centre(request, pk):
    contract = _contract(request, pk)
    try:
        services.storage_contract_sign_centre(
            contract=contract, user=request.user, pdf_sha256=request.POST.get("pdf_sha256", "")
        )
        messages.success(request, _("Signed for the storage centre."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect(contract.get_absolute_url())


@policy.permission_required("storage.view_pages")
def instalment_list(request):
    page_obj = Paginator(
        selectors.instalments_for_user(request.user)
        .select_related("payout", "contract", "household")
        .order_by("due_on", "pk"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = selectors.instalments_with_status(page_obj.object_list)
    return render(request, "storage/instalment_list.html", {"rows": rows, "page_obj": page_obj})


@require_POST
@policy.permission_required("storage.pay_guarantee", _instalment)
def instalment_pay(request, pk):
    instalment = _instalment(request, pk)
    try:
        services.guarantee_instalment_pay(instalment=instalment, actor=request.user)
        messages.success(request, _("The guarantee payout is instructed."))
    except DomainError as exc:
        _refused(request, exc)
    return redirect("storage:instalments")


@policy.permission_required("storage.operate")
def block_map(request):
    """The storage operator's map of a township's stored parcels: select or take a suggestion,
    then form a block (R-STORE-4); a refusal names the parcels cut off or of another township."""
    from marketplace.models import Township

    from .maps import block_map_svg
    from .models import Block, StoredParcel

    centre = request.user.storage_center
    stored_all = StoredParcel.objects.filter(
        storage_center=centre, term_end__gte=timezone.localdate()
    ).select_related("parcel", "township", "block")
    townships = Township.objects.filter(pk__in=stored_all.values("township_id")).order_by("code")
    township = townships.filter(pk=request.GET.get("township") or 0).first() or townships.first()
    stored = [s for s in stored_all if township and s.township_id == township.pk]
    suggestions = [
        row
        for row in services.block_suggestions(storage_center=centre, limit=10)
        if township and row["township"].pk == township.pk
    ]
    selected = set()
    if request.method == "POST":
        selected = {int(pk) for pk in request.POST.getlist("stored") if pk.isdigit()}
        try:
            block = services.block_form(
                storage_center=centre,
                stored_parcel_ids=selected,
                name=request.POST.get("name", ""),
                actor=request.user,
            )
            messages.success(
                request,
                _("Block %(name)s formed: %(area)s mu, floors %(floor)s a year.")
                % {
                    "name": block.name,
                    "area": f"{block.area_mu:.2f}",
                    "floor": f"¥{block.floor_total_fen / 100:,.2f}",
                },
            )
            return redirect(f"{request.path}?township={block.township_id}")
        except DomainError as exc:
            _refused(request, exc)
    elif request.GET.get("suggestion", "").isdigit():
        index = int(request.GET["suggestion"])
        if index < len(suggestions):
            selected = {s.pk for s in suggestions[index]["stored"]}
    suggested = {s.pk for row in suggestions for s in row["stored"]}
    return render(
        request,
        "storage/block_map.html",
        {
            "township": township,
            "townships": townships,
            "stored": stored,
            "suggestions": suggestions,
            "selected": selected,
            "svg": block_map_svg(stored, selected=selected, suggested=suggested),
            "blocks": Block.objects.filter(storage_center=centre, state="formed"),
            "name": request.POST.get("name", ""),
        },
    )


def _exposure_county(request):
    """The county whose exposure the user reads: the storage operator's centre's county, a
    county staff member's county, or `?county=` for the prefecture's staff and auditors."""
    from marketplace.models import County

    user = request.user
    if user.role == "storage_operator":
        return user.storage_center.county
    if user.county_id:
        return user.county
    county = County.objects.filter(code=request.GET.get("county", "")).first()
    return county or County.objects.filter(storage_center__isnull=False).order_by("code").first()


@policy.permission_required("storage.view_pages")
def exposure(request):
    """R-STORE-7: floors owed vs rent received, area let vs unlet, by year, per county/block."""
    county = _exposure_county(request)
    if request.user.role == "station_operator" or county is None:
        raise Http404
    policy.require(request.user, "storage.read_exposure", county)
    if request.GET.get("format") == "xlsx":
        data = selectors.exposure(county_id=county.pk)
        from django.http import HttpResponse

        response = HttpResponse(
            selectors.exposure_xlsx(data, county_name=county.name),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="exposure-{county.code}.xlsx"'
        return response
    page = request.GET.get("page", "1")
    data = selectors.exposure(county_id=county.pk, page=int(page) if page.isdigit() else 1)
    return render(
        request,
        "storage/exposure.html",
        {
            "county": county,
            "data": data,
            "chart": selectors.exposure_chart_svg(data["county"]),
            "page_range": range(1, data["pages"] + 1),
        },
    )


# ---------------------------------------------------------------- blocks (R-STORE-4/5)


def _block(request, pk, **kwargs):
    from .models import Block

    return get_object_or_404(
        Block.objects.select_related("county", "township", "storage_center"), pk=pk
    )


@policy.permission_required("storage.view_pages")
def block_list(request):
    """The blocks a user may read: the storage operator's centre's, staff and auditors' county
    (all for the prefecture); each with its current listing or deal."""
    rows = selectors.blocks_for_user(request.user)
    return render(request, "storage/block_list.html", {"rows": rows})


class BlockListingForm(forms.Form):
    term_start = forms.DateField(label=gettext_lazy("Term starts"))
    term_end = forms.DateField(label=gettext_lazy("Term ends"))
    price_yuan = forms.DecimalField(
        label=gettext_lazy("Start price (yuan per mu per year)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
    )
    increment_yuan = forms.DecimalField(
        label=gettext_lazy("Bid increment (yuan)"), min_value=0, max_digits=12, decimal_places=2
    )
    permitted_use = forms.ChoiceField(label=gettext_lazy("Permitted use"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120, required=False)

    def __init__(self, *args, block=None, **kwargs):
        from listings.checks import allowed_uses
        from listings.models import PermittedUse

        super().__init__(*args, **kwargs)
        parcels = [s.parcel for s in block.stored_parcels.select_related("parcel")]
        uses = allowed_uses(parcels)
        self.fields["permitted_use"].choices = [
            (u, PermittedUse(u).label) for u in PermittedUse.values if u in uses
        ]


@policy.permission_required("storage.view_block", _block)
def block_detail(request, pk):
    """One block: its parcels and households, floors, listings and rent by year (R-STORE-4..7);
    the storage operator lists it from here (R-STORE-5)."""
    from . import block_listings

    block = _block(request, pk)
    can_list = request.user.has_perm("storage.list_block", block)
    form = None
    if can_list and block.state == block.State.FORMED and not block_listings.block_busy(block):
        start, end = block_listings.block_term(block)
        today = timezone.localdate()
        form = BlockListingForm(
            block=block,
            initial={
                "term_start": max(start, dt.date(today.year + 1, 1, 1)),
                "term_end": end,
            },
        )
    return render(
        request,
        "storage/block_detail.html",
        {**selectors.block_detail(block), "form": form, "can_list": can_list},
    )


@require_POST
@policy.permission_required("storage.list_block", _block)
def block_list_it(request, pk):
    from marketplace.money import yuan_to_fen

    from . import block_listings

    block = _block(request, pk)
    form = BlockListingForm(request.POST, block=block)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {'; '.join(errors)}")
        return redirect(block.get_absolute_url())
    data = form.cleaned_data
    try:
        listing = block_listings.block_list(
            block=block,
            actor=request.user,
            listing_price_fen=yuan_to_fen(data["price_yuan"]),
            increment_fen=yuan_to_fen(data["increment_yuan"]),
            term_start=data["term_start"],
            term_end=data["term_end"],
            permitted_use=data["permitted_use"],
            title=data["title"],
        )
        messages.success(
            request,
            _("Listing %(number)s filed and submitted for review.") % {"number": listing.number},
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(block.get_absolute_url())
