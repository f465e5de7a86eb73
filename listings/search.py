"""Public listing search (R-LIST-7), shared by the API and the public listing index.

Other apps add values of the `state` filter without listings importing them:
`register_state_filter("auction", lambda qs: qs.filter(...))` (contracts does this for its deals).
"""

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from marketplace.choices import LandClass, RightType
from marketplace.models import County

from .grams import normalise, query_grams, tsquery
from .models import Listing

PUBLIC_STATES = (Listing.State.ANNOUNCED, Listing.State.CLOSED)
LISTED_RIGHT_TYPES = (RightType.LAND_MANAGEMENT, RightType.FOREST, RightType.STORED_LAND)

_STATE_FILTERS: dict[str, tuple] = {}


def register_state_filter(name: str, fn, label=None):
    """Make `state=<name>` select `fn(queryset)`; `label` is shown in the public filter."""
    _STATE_FILTERS[name] = (fn, label or name)


def state_choices() -> list[tuple[str, str]]:
    """States a visitor can filter by: the public listing states and any registered extras."""
    choices = [(s, Listing.State(s).label) for s in PUBLIC_STATES]
    choices += [(name, label) for name, (_fn, label) in _STATE_FILTERS.items()]
    return choices


ORDERINGS = {
    "newest": ("-published_at", "-id"),
    "price_per_mu": ("price_per_mu_fen", "id"),
    "-price_per_mu": ("-price_per_mu_fen", "-id"),
    "area": ("area_mu", "id"),
    "-area": ("-area_mu", "-id"),
    "closing_soon": ("announcement_ends_at", "id"),
}
ORDERING_LABELS = {
    "newest": _("Newest"),
    "price_per_mu": _("Price per mu, lowest first"),
    "-price_per_mu": _("Price per mu, highest first"),
    "area": _("Area, smallest first"),
    "-area": _("Area, largest first"),
    "closing_soon": _("Closing soonest"),
}


class SearchError(ValueError):
    def __init__(self, field, message):
        self.field = field
        super().__init__(message)


@dataclass
class ListingQuery:
    county: str = ""
    township: str = ""
    right_type: str = ""
    land_class: str = ""
    min_area_mu: Decimal | None = None
    max_area_mu: Decimal | None = None
    min_price_yuan: Decimal | None = None
    max_price_yuan: Decimal | None = None
    min_term_years: int | None = None
    max_term_years: int | None = None
    q: str = ""
    state: str = ""
    ordering: str = "newest"


def _decimal(params, name):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise SearchError(name, _("%(field)s: not a number.") % {"field": name}) from None
    if not value.is_finite() or value < 0:
        raise SearchError(name, _("%(field)s: must be 0 or more.") % {"field": name})
    return value


def _int(params, name):
    value = _decimal(params, name)
    return int(value) if value is not None else None


def parse_query(params) -> ListingQuery:
    """Read and check the query parameters (API and public page share their names)."""
    query = ListingQuery(
        county=(params.get("county") or "").strip(),
        township=(params.get("township") or "").strip(),
        right_type=(params.get("right_type") or "").strip(),
        land_class=(params.get("land_class") or "").strip(),
        min_area_mu=_decimal(params, "min_area_mu"),
        max_area_mu=_decimal(params, "max_area_mu"),
        min_price_yuan=_decimal(params, "min_price_yuan"),
        max_price_yuan=_decimal(params, "max_price_yuan"),
        min_term_years=_int(params, "min_term_years"),
        max_term_years=_int(params, "max_term_years"),
        q=(params.get("q") or "").strip()[:50],
        state=(params.get("state") or "").strip(),
        ordering=(params.get("ordering") or "newest").strip(),
    )
    if query.county and not (query.county.isdigit() and len(query.county) == 6):
        raise SearchError("county", _("county: a 6-digit county code, e.g. 433126."))
    if query.right_type and query.right_type not in LISTED_RIGHT_TYPES:
        raise SearchError(
            "right_type", _("right_type: one of land_management, forest, stored_land.")
        )
    if query.land_class and query.land_class not in LandClass.values:
        raise SearchError("land_class", _("land_class: unknown land class."))
    if query.state and query.state not in dict(state_choices()):
        raise SearchError("state", _("state: unknown state."))
    if query.ordering not in ORDERINGS:
        raise SearchError("ordering", _("ordering: unknown ordering."))
    return query


def _keyword(qs, q):
    """Substring match on the normalised text; on PostgreSQL the gram index finds candidates."""
    text = normalise(q)
    grams = query_grams(text)
    if grams and connection.vendor == "postgresql":
        qs = qs.filter(
            RawSQL(
                "array_to_tsvector(string_to_array(listings_listing.search_grams, ' '))"
                " @@ %s::tsquery",
                [tsquery(grams)],
                output_field=BooleanField(),
            )
        )
    return qs.filter(search_text__contains=text)


def public_listings() -> QuerySet[Listing]:
    """Listings the public may see: announced or closed (never drafts or withdrawn ones)."""
    return Listing.objects.filter(state__in=PUBLIC_STATES)


def listing_search(query: ListingQuery, base: QuerySet | None = None) -> QuerySet[Listing]:
    """Filter and sort public listings (R-LIST-7). Keyword: substring of title/location/text."""
    qs = public_listings() if base is None else base
    if query.county:
        # Resolved first: a plain county_id condition lets the planner use the partial index.
        county_id = County.objects.filter(code=query.county).values_list("id", flat=True).first()
        qs = qs.filter(county_id=county_id) if county_id else qs.none()
    if query.township:
        if query.township.isdigit():
            qs = qs.filter(township_id=int(query.township))
        else:
            qs = qs.filter(township__name=query.township)
    if query.right_type:
        qs = qs.filter(right_type=query.right_type)
    if query.land_class:
        qs = qs.filter(land_class=query.land_class)
    if query.min_area_mu is not None:
        qs = qs.filter(area_mu__gte=query.min_area_mu)
    if query.max_area_mu is not None:
        qs = qs.filter(area_mu__lte=query.max_area_mu)
    if query.min_price_yuan is not None:
        qs = qs.filter(price_per_mu_fen__gte=int(query.min_price_yuan * 100))
    if query.max_price_yuan is not None:
        qs = qs.filter(price_per_mu_fen__lte=int(query.max_price_yuan * 100))
    if query.min_term_years is not None:
        qs = qs.filter(term_years__gte=query.min_term_years)
    if query.max_term_years is not None:
        qs = qs.filter(term_years__lte=query.max_term_years)
    if query.q:
        qs = _keyword(qs, query.q)
    if query.state:
        if query.state in _STATE_FILTERS:
            qs = _STATE_FILTERS[query.state][0](qs)
        else:
            qs = qs.filter(state=query.state)
    return qs.order_by(*ORDERINGS[query.ordering])


# ---------------------------------------------------------------- how many results

# The count strategy (docs/operations.md, "Search"): the number of results is exact up to this
# bound, and above it PostgreSQL's planner estimate (never below the bound + 1), said so in the
# answer (`count_is_exact`; the page says "about"). An exact count of a broad search reads every
# matching row — most of a request's time at 100,000 listings — while nobody pages past the
# first thousand results; narrowing the search gives the exact figure back.
COUNT_EXACT_UP_TO = 1000


def _planner_rows(qs) -> int:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def search_count(qs, exact_up_to: int = COUNT_EXACT_UP_TO) -> tuple[int, bool]:
    """(number of results, whether it is exact): exact up to `exact_up_to`, an estimate above
    it on PostgreSQL (elsewhere, e.g. SQLite in development, always exact)."""
    qs = qs.order_by()
    if qs.query.is_empty():
        return 0, True
    seen = qs[: exact_up_to + 1].count()  # stops reading after exact_up_to + 1 rows
    if seen <= exact_up_to:
        return seen, True
    if connection.vendor != "postgresql":
        return qs.count(), True
    return max(exact_up_to + 1, _planner_rows(qs)), False


class ListingPaginator(Paginator):
    """A paginator whose `count` follows the count strategy above; `count_is_exact` says which.

    With an estimate, a page after the real last one is empty (not an error)."""

    count_exact_up_to = COUNT_EXACT_UP_TO

    @cached_property
    def _counted(self) -> tuple[int, bool]:
        return search_count(self.object_list, self.count_exact_up_to)

    @property
    def count(self) -> int:
        return self._counted[0]

    @property
    def count_is_exact(self) -> bool:
        return self._counted[1]
