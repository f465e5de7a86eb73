"""Public listing search API (R-LIST-7): GET /api/v1/listings/ and /api/v1/listings/{id}/.

No personal data: the transferor is never part of the API. Money and areas are decimal strings.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from marketplace.errors import DomainError
from marketplace.money import fen_to_yuan

from .models import Parcel
from .public import public_urls
from .search import (
    COUNT_EXACT_UP_TO,
    ORDERINGS,
    ListingPaginator,
    SearchError,
    listing_search,
    parse_query,
    public_listings,
)


class InvalidQuery(DomainError):
    code = "invalid_query"
    http_status = 400


def _yuan(fen) -> str | None:
    return None if fen is None else str(fen_to_yuan(int(fen)))


class ListingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField(help_text="GP-<county code>-<year>-<sequence>")
    title = serializers.CharField()
    right_type = serializers.CharField(help_text="land_management | forest | stored_land")
    county = serializers.CharField(source="county.code", help_text="6-digit county code")
    township = serializers.CharField(source="township.name")
    village = serializers.CharField(source="village.name")
    area_mu = serializers.DecimalField(max_digits=12, decimal_places=4)
    land_class = serializers.CharField(help_text="paddy | dry_land | garden | forest_land | other")
    transfer_mode = serializers.CharField(help_text="lease | sublease | shares | forest_transfer")
    term_start = serializers.DateField()
    term_end = serializers.DateField()
    listing_price_yuan = serializers.SerializerMethodField()
    price_unit = serializers.CharField(help_text="per_mu_year | total")
    increment_yuan = serializers.SerializerMethodField()
    deposit_yuan = serializers.SerializerMethodField()
    state = serializers.CharField()
    announcement_ends_at = serializers.DateTimeField()
    url = serializers.SerializerMethodField()

    def get_listing_price_yuan(self, obj) -> str:
        return _yuan(obj.listing_price_fen)

    def get_increment_yuan(self, obj) -> str:
        return _yuan(obj.increment_fen)

    def get_deposit_yuan(self, obj) -> str:
        return _yuan(obj.deposit_fen)

    def get_url(self, obj) -> str | None:
        urls = self.context.get("urls")
        if urls is None:
            urls = public_urls([obj.pk])
        path = urls.get(obj.pk)
        request = self.context.get("request")
        if path and request is not None:
            return request.build_absolute_uri(path)
        return path


class ParcelSerializer(serializers.ModelSerializer):
    """A parcel in the public API: no four boundaries (四至). They are free text that often
    names the neighbouring households (issue 14); staff read them on the review pages, and the
    geometry locates the parcel."""

    area_mu = serializers.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        model = Parcel
        fields = ["code", "area_mu", "land_class", "geometry"]


class ListingDetailSerializer(ListingSerializer):
    parcels = ParcelSerializer(many=True, read_only=True)


class ListingPagination(PageNumberPagination):
    """Pages of 20 (up to 100 with page_size); `count` is exact up to COUNT_EXACT_UP_TO results
    and PostgreSQL's estimate above it, `count_is_exact` says which (listings/search.py)."""

    django_paginator_class = ListingPaginator
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_exact": paginator.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"]["description"] = (
            f"number of results: exact up to {COUNT_EXACT_UP_TO}, an estimate above"
        )
        answer["properties"]["count_is_exact"] = {
            "type": "boolean",
            "description": f"false when `count` is an estimate (more than {COUNT_EXACT_UP_TO})",
        }
        answer["required"] = [*answer.get("required", []), "count_is_exact"]
        return answer


SEARCH_PARAMETERS = [
    OpenApiParameter(
        "county",
        str,
        description="6-digit county code, e.g. 433126",
        examples=[OpenApiExample("古丈县", value="433126")],
    ),
    OpenApiParameter("township", str, description="township name (or id)"),
    OpenApiParameter("right_type", str, enum=["land_management", "forest", "stored_land"]),
    OpenApiParameter(
        "land_class", str, enum=["paddy", "dry_land", "garden", "forest_land", "other"]
    ),
    OpenApiParameter("min_area_mu", OpenApiTypes.DECIMAL),
    OpenApiParameter("max_area_mu", OpenApiTypes.DECIMAL),
    OpenApiParameter(
        "min_price_yuan",
        OpenApiTypes.DECIMAL,
        description="yuan per mu (per year for leases; of the total for transfers)",
    ),
    OpenApiParameter(
        "max_price_yuan",
        OpenApiTypes.DECIMAL,
        description="yuan per mu (per year for leases; of the total for transfers)",
    ),
    OpenApiParameter("min_term_years", int),
    OpenApiParameter("max_term_years", int),
    OpenApiParameter(
        "q",
        str,
        description="keyword: substring of title, location, description",
        examples=[OpenApiExample("tea", value="茶")],
    ),
    OpenApiParameter(
        "state",
        str,
        description="announced | closed, plus values other apps register (e.g. auction)",
    ),
    OpenApiParameter("ordering", str, enum=list(ORDERINGS)),
    OpenApiParameter("page", int, description="1 for the first page; beyond the last: 404"),
    OpenApiParameter("page_size", int, description="results per page: 20, at most 100"),
]


class ListingList(generics.ListAPIView):
    """Search published listings (R-LIST-7)."""

    permission_classes = [AllowAny]
    serializer_class = ListingSerializer
    pagination_class = ListingPagination

    def get_queryset(self):
        try:
            query = parse_query(self.request.query_params)
        except SearchError as exc:
            raise InvalidQuery(str(exc), field=exc.field) from None
        # Prefetched, not joined: three tiny queries beat a join the planner misestimates.
        return listing_search(query).prefetch_related("county", "township", "village")

    def get_serializer(self, *args, **kwargs):
        if args and isinstance(args[0], list):
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["urls"] = public_urls(obj.pk for obj in args[0])
        return super().get_serializer(*args, **kwargs)

    @extend_schema(parameters=SEARCH_PARAMETERS, operation_id="listings_search")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ListingDetail(generics.RetrieveAPIView):
    """One published listing with its parcels (code, area, class, boundaries, polygon)."""

    permission_classes = [AllowAny]
    serializer_class = ListingDetailSerializer

    def get_queryset(self):
        return public_listings().select_related("county", "township", "village")

    @extend_schema(operation_id="listings_retrieve")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
