"""Bidding API (token auth): registrations, the auction's state and bids.

Refusals are `{code, detail}` with 4xx (marketplace.api.exception_handler). Nothing here answers
5xx for any input: ids beyond the database's range are 404, bodies that are not objects are 400,
amounts and keys are parsed by the services into domain errors.
"""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.drainage import set_override
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from listings.models import Listing
from marketplace import permissions as policy
from marketplace.errors import Invalid
from marketplace.security import ExpiringTokenAuthentication, token_expired

from . import selectors, services
from .errors import AlreadyLeading, AuctionClosed, AuctionNotOpen, BidTooLow, NotOnIncrement
from .models import Auction, Deal, Registration
from .sql import Select, instance, name

MAX_ID = 2**63 - 1

ERROR = inline_serializer(
    "DealError", {"code": serializers.CharField(), "detail": serializers.CharField()}
)
DEPOSIT = inline_serializer(
    "RegistrationDeposit",
    {
        "amount_yuan": serializers.DecimalField(max_digits=14, decimal_places=2),
        "state": serializers.CharField(),
        "payment_intent_id": serializers.CharField(allow_null=True),
        "checkout_url": serializers.URLField(allow_null=True),
    },
)
REGISTRATION_FIELDS = {
    "id": serializers.IntegerField(),
    "listing_id": serializers.IntegerField(),
    "deal_number": serializers.CharField(),
    "state": serializers.CharField(),
    "bidder_number": serializers.CharField(allow_null=True),
    "deposit": DEPOSIT,
}
REGISTRATION = inline_serializer("Registration", REGISTRATION_FIELDS)
BID_ROW = inline_serializer(
    "AuctionBid",
    {
        "bidder_number": serializers.CharField(),
        "amount_yuan": serializers.DecimalField(max_digits=14, decimal_places=2),
        "placed_at": serializers.DateTimeField(),
    },
    many=True,
)
AUCTION = inline_serializer(
    "Auction",
    {
        "state": serializers.ChoiceField(["scheduled", "open", "closed"]),
        "start_at": serializers.DateTimeField(),
        "close_at": serializers.DateTimeField(),
        "server_time": serializers.DateTimeField(),
        "start_price_yuan": serializers.DecimalField(max_digits=14, decimal_places=2),
        "increment_yuan": serializers.DecimalField(max_digits=14, decimal_places=2),
        "current_price_yuan": serializers.DecimalField(
            max_digits=14, decimal_places=2, allow_null=True
        ),
        "next_min_yuan": serializers.DecimalField(max_digits=14, decimal_places=2),
        "leading_bidder_number": serializers.CharField(allow_null=True),
        "my_bidder_number": serializers.CharField(allow_null=True),
        "bid_count": serializers.IntegerField(),
        "bids": BID_ROW,
    },
)
BID_IN = inline_serializer(
    "BidRequest",
    {
        "amount_yuan": serializers.CharField(
            help_text="yuan as a decimal string: the current price plus whole increments"
        ),
        "idempotency_key": serializers.CharField(
            max_length=64, help_text="the client's own key: the same key returns the same bid"
        ),
    },
)
REGISTRATION_IN = inline_serializer(
    "RegistrationRequest",
    {
        "business_plan": serializers.CharField(
            required=False, max_length=5000, help_text="what the agribusiness plans (optional)"
        )
    },
)
BID_OUT = inline_serializer(
    "BidAccepted",
    {
        "id": serializers.IntegerField(),
        "amount_yuan": serializers.DecimalField(max_digits=14, decimal_places=2),
        "placed_at": serializers.DateTimeField(),
        "bidder_number": serializers.CharField(),
        "close_at": serializers.DateTimeField(),
    },
)


def _token_user_select():
    user = get_user_model()
    return Select(
        [
            ("token.key", "t", Token, "key"),
            ("token.user", "t", Token, "user"),
            ("token.created", "t", Token, "created"),
            *((f"user.{f.name}", "u", user, f.name) for f in user._meta.concrete_fields),
        ],
        lambda: f"FROM {name(Token)} t JOIN {name(user)} u ON u.id = t.user_id WHERE t.key = %s",
    )


class BidderTokenAuthentication(ExpiringTokenAuthentication):
    """DRF's token authentication with the token and its user read by one prepared statement.

    The endpoints a live auction calls several times a second use it (the ORM's query building
    was a third of a refused bid's CPU). A token that is unknown or whose user is inactive goes
    to DRF's own code, so the refusals (401 and their wording) are DRF's.
    """

    select = None

    def authenticate_credentials(self, key):
        if BidderTokenAuthentication.select is None:
            BidderTokenAuthentication.select = _token_user_select()
        row = self.select.one([key])
        if row is None or not row["user.is_active"] or token_expired(row["token.created"]):
            return super().authenticate_credentials(key)
        user = instance(get_user_model(), row, "user.")
        token = instance(Token, row, "token.")
        token.user = user
        return user, token


# In the OpenAPI schema it is DRF's token scheme ("tokenAuth"), as the answers are the same.
set_override(BidderTokenAuthentication, "suppress_collision_warning", True)
HOT_AUTHENTICATION = [BidderTokenAuthentication, SessionAuthentication]
# Refusals that a correct client meets in a live auction (it raced another bidder, or the
# clock ran out); other refusals (not qualified, malformed input) stay logged as warnings.
AUCTION_OUTCOMES = (AuctionClosed, AuctionNotOpen, BidTooLow, NotOnIncrement, AlreadyLeading)


def _listing(listing_id) -> Listing:
    if listing_id > MAX_ID:
        get_object_or_404(Listing, pk=0)
    return get_object_or_404(Listing.objects.only("id", "state"), pk=listing_id)


def _body(request) -> dict:
    if not isinstance(request.data, dict):
        raise Invalid("The request body must be a JSON object.")
    return request.data


class ListingRegistrationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="registrations_create",
        summary="Register for an announced listing (R-REG-1..6)",
        request=REGISTRATION_IN,
        responses={201: REGISTRATION, 403: ERROR, 409: ERROR, 422: ERROR},
    )
    def post(self, request, listing_id):
        # Only an announced listing is open to registration: any other id (draft, approved,
        # withdrawn, closed) is the same 404 as an unknown one, and nothing is created.
        if listing_id > MAX_ID:
            _listing(listing_id)
        listing = get_object_or_404(
            Listing.objects.select_related("county", "transferor_household"),
            pk=listing_id,
            state=Listing.State.ANNOUNCED,
        )
        plan = _body(request).get("business_plan", "") if request.data else ""
        registration = services.registration_create(
            listing=listing, user=request.user, business_plan=str(plan)[:5000]
        )
        return Response(
            selectors.registration_payload(registration, request=request),
            status=status.HTTP_201_CREATED,
        )


class MyRegistrationsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="registrations_list",
        summary="My registrations",
        responses={200: inline_serializer("RegistrationList", REGISTRATION_FIELDS, many=True)},
    )
    def get(self, request):
        rows = [
            selectors.registration_payload(r, request=request)
            for r in selectors.registration_list_for_user(request.user)[:200]
        ]
        return Response(rows)


# The room's poll (every second per viewer): the listing's auction (as
# selectors.auction_for_listing picks it), its leader and the viewer's registration, in one read.
_AUCTION_AND_MINE = Select(
    [
        *((f"auction.{f.name}", "a", Auction, f.name) for f in Auction._meta.concrete_fields),
        *(
            (f"{label}.{name_}", alias, Registration, name_)
            for label, alias in (("leading", "lr"), ("mine", "mr"))
            for name_ in ("id", "deal", "enterprise", "user", "state", "bidder_number")
        ),
    ],
    lambda: (
        f"FROM {name(Auction)} a JOIN {name(Deal)} d ON d.id = a.deal_id "
        f"LEFT JOIN {name(Registration)} lr ON lr.id = a.leading_registration_id "
        f"LEFT JOIN {name(Registration)} mr ON mr.deal_id = a.deal_id AND mr.enterprise_id = %s "
        "WHERE d.listing_id = %s ORDER BY a.id LIMIT 1"
    ),
)


def _auction_and_mine(listing_id, user):
    row = _AUCTION_AND_MINE.one([getattr(user, "enterprise_id", None), listing_id])
    if row is None:
        return None, None
    auction = instance(Auction, row, "auction.")
    leading = instance(Registration, row, "leading.") if row["leading.id"] else None
    auction.leading_registration = leading
    return auction, instance(Registration, row, "mine.") if row["mine.id"] else None


def close_if_due(auction, now):
    """The first read after the close time closes the auction (besides the task and the sweep)."""
    if auction.state == Auction.State.SCHEDULED and now >= auction.close_at:
        services.auction_close(auction_id=auction.pk, closer="read", now=now)
        return selectors.auction_for_listing(auction.deal.listing_id)
    return auction


class AuctionView(APIView):
    authentication_classes = HOT_AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auction_retrieve",
        summary="The auction's state (conditional: send If-None-Match with the last ETag)",
        responses={200: AUCTION, 304: OpenApiResponse(description="unchanged"), 404: ERROR},
    )
    def get(self, request, listing_id):
        if listing_id > MAX_ID:
            _listing(listing_id)
        now = timezone.now()
        auction, mine = _auction_and_mine(listing_id, request.user)
        if auction is None:
            _listing(listing_id)
            return Response(
                {"code": "not_found", "detail": "This listing has no auction."}, status=404
            )
        if mine is None or mine.bidder_number is None:
            # Not a registered bidder of this deal: staff and auditors in scope only.
            policy.require(request.user, "contracts.watch_auction", auction)
        auction = close_if_due(auction, now)
        etag = selectors.auction_etag(auction, viewer=request.user, now=now)
        if request.headers.get("If-None-Match") == etag:
            response = Response(status=status.HTTP_304_NOT_MODIFIED)
        else:
            response = Response(
                selectors.auction_snapshot(auction, viewer=request.user, now=now, mine=mine)
            )
        response["ETag"] = etag
        response["Cache-Control"] = "private, no-cache"
        return response


class BidsView(APIView):
    authentication_classes = HOT_AUTHENTICATION
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="bids_create",
        summary="Place a bid (R-BID-1..4); the same idempotency_key returns the same bid (200)",
        request=BID_IN,
        responses={200: BID_OUT, 201: BID_OUT, 400: ERROR, 403: ERROR, 409: ERROR, 422: ERROR},
        examples=[
            OpenApiExample(
                "the next valid amount",
                value={"amount_yuan": "510.00", "idempotency_key": "bidder-1017-0001"},
                request_only=True,
            )
        ],
    )
    def post(self, request, listing_id):
        if listing_id > MAX_ID:
            _listing(listing_id)
        body = _body(request)
        try:
            bid, created = services.bid_submit(
                listing_id=listing_id,
                user=request.user,
                amount=body.get("amount_yuan"),
                idempotency_key=body.get("idempotency_key"),
                actor=request.user,
            )
        except AUCTION_OUTCOMES as exc:
            # {code, detail}, plus the next valid amount so clients need no extra read.
            data = {"code": exc.code, "detail": str(exc.message)}
            next_min = getattr(exc, "next_min_fen", None)
            if next_min is not None:
                data["next_min_yuan"] = selectors.yuan(next_min)
            response = Response(data, status=exc.http_status)
            # A losing bid is the ordinary outcome of a busy auction, not a warning: keep
            # django.request from logging hundreds of these a second (it logs every 4xx).
            response._has_been_logged = True
            return response
        return Response(
            {
                "id": bid.pk,
                "amount_yuan": selectors.yuan(bid.amount_fen),
                "placed_at": bid.placed_at.isoformat(),
                "bidder_number": bid.registration.bidder_number,
                "close_at": bid.auction.close_at.isoformat(),
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
