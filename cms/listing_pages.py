"""What the public listing pages show: facts read from the listing, never stored on the page.

No personal data (R-LIST-7): the transferor is "村民 张**"; no ID number, phone or address.
"""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from listings.geometry import render_svg
from listings.models import Listing, ListingDocument
from listings.public import public_urls
from listings.search import (
    ORDERING_LABELS,
    ListingPaginator,
    SearchError,
    listing_search,
    parse_query,
    state_choices,
)
from listings.services import county_media_threshold_fen
from marketplace.choices import LandClass, RightType
from marketplace.models import County, Township

from . import search_page

PAGE_SIZE = 20


def transferor_public_name(listing) -> str:
    """村民 张** for a household; the full name of a collective or the storage centre."""
    if listing.transferor_household_id:
        return f"村民 {listing.transferor_household.masked_name}"
    party = listing.transferor
    return str(party) if party else ""


def register_url(listing) -> str:
    """The deals app's registration page (contracts:register), or its plain path until it exists."""
    try:
        return reverse("contracts:register", args=[listing.pk])
    except NoReverseMatch:
        return f"/deals/listings/{listing.pk}/register/"


def tianditu_key() -> str:
    """Optional 天地图 tiles (production only); the SVG map works without them."""
    return getattr(settings, "TIANDITU_KEY", "")


def parcel_map(parcels, title) -> str:
    items = [{"geometry": p.geometry, "label": p.name} for p in parcels if p.geometry]
    return render_svg(items, title=title)


def listing_page_context(listing: Listing) -> dict:
    parcels = list(listing.parcels.order_by("code"))
    return {
        "listing": listing,
        "parcels": parcels,
        "parcel_map": parcel_map(parcels, _("Map of the parcels")),
        "transferor_name": transferor_public_name(listing),
        "documents": ListingDocument.objects.filter(listing=listing, is_public=True),
        "announcement": listing.announcements.filter(kind="listing", live=True).first(),
        "register_url": register_url(listing),
        "can_register": listing.state == Listing.State.ANNOUNCED
        and listing.announcement_ends_at is not None,
        "valuation_report": getattr(listing, "valuation_report", None),
        "tianditu_key": tianditu_key(),
        "county_media_fen": county_media_threshold_fen(listing),  # R-LIST-6, the rulebook's
    }


def _options(request_params):
    county_code = request_params.get("county", "")
    townships = (
        Township.objects.filter(county__code=county_code).order_by("code")
        if county_code
        else Township.objects.none()
    )
    return {
        "townships_by_county": search_page.townships_by_county(),
        "counties": County.objects.order_by("code"),
        "townships": townships,
        "right_types": [
            (v, RightType(v).label)
            for v in (RightType.LAND_MANAGEMENT, RightType.FOREST, RightType.STORED_LAND)
        ],
        "land_classes": LandClass.choices,
        "states": state_choices(),
        "orderings": list(ORDERING_LABELS.items()),
    }


def listing_index_context(request) -> dict:
    """Search, sort and paginate published listings; the map shows this page's results."""
    params = request.GET
    context = {"params": params, **_options(params)}
    try:
        query = parse_query(params)
    except SearchError as exc:
        context.update({"error": search_page.field_error(exc, params), "error_field": exc.field})
        context["page_obj"] = None
        return context
    qs = listing_search(query).prefetch_related("county", "township", "village")
    paginator = ListingPaginator(qs, PAGE_SIZE)  # exact count up to a bound, an estimate above
    page_obj = paginator.get_page(params.get("page"))
    listings = list(page_obj.object_list)
    urls = public_urls(obj.pk for obj in listings)
    for position, obj in enumerate(listings, start=page_obj.start_index()):
        obj.public_url = urls.get(obj.pk, "")
        obj.position = position
    context.update(
        {
            "query": query,
            "page_obj": page_obj,
            "listings": listings,
            "results_map": _results_map(listings),
            "querystring": _querystring(params),
        }
    )
    if not listings:
        context["suggestions"] = search_page.suggestions(params)
    else:
        context["price_chart"] = search_page.price_chart(params)
    return context


def _results_map(listings) -> str:
    """Numbered markers (merged where they would overlap) over the parcels of this page."""
    through = Listing.parcels.through.objects.filter(
        listing_id__in=[obj.pk for obj in listings]
    ).select_related("parcel")
    geometries: dict = {}
    for row in through:
        if row.parcel.geometry:
            geometries.setdefault(row.listing_id, []).append(row.parcel.geometry)
    entries = [
        {
            "number": obj.position,
            "title": obj.title,
            "href": obj.public_url,
            "geometries": geometries.get(obj.pk, []),
        }
        for obj in listings
    ]
    return search_page.results_map(entries, title=_("Map of the results"))


def _querystring(params) -> str:
    copy = params.copy()
    copy.pop("page", None)
    return copy.urlencode()
