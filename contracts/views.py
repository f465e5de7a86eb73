"""Web pages of deals: registration, my registrations and auctions, the live auction room,
negotiated confirmation, objections, and the staff consoles (deals, mode selection, reviews)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from listings.models import Listing
from marketplace import permissions as policy
from marketplace.errors import DomainError
from marketplace.security import client_ip

from . import selectors, services
from .models import Auction, Deal, Deposit, NegotiatedOffer, Objection, QualificationReview
from .timeline import timeline_for


def _deal(request, pk, **kwargs):
    return get_object_or_404(Deal.objects.select_related("listing"), pk=pk)


staff_required = policy.permission_required("marketplace.read_staff_pages")


def _staff_writer(request):
    policy.require(request.user, "marketplace.write_staff_pages")


# ---------------------------------------------------------------- bidders


@login_required
def register(request, listing_id):
    """R-REG-1..6: the conditions, the refusal reason if any, and the register button."""
    listing = get_object_or_404(
        Listing.objects.select_related("county", "township", "village", "transferor_household"),
        pk=listing_id,
        state__in=[Listing.State.ANNOUNCED, Listing.State.CLOSED],
    )
    deal = Deal.objects.filter(listing=listing).first()
    mine = selectors.my_registration(deal.pk, request.user) if deal else None
    refusal = services.registration_refusal(user=request.user, listing=listing)
    tier = None
    if not refusal and request.user.enterprise_id:
        from .services.registrations import review_tier

        tier = review_tier(request.user.enterprise, listing)
    error = None
    if request.method == "POST" and not mine:
        try:
            mine = services.registration_create(
                listing=listing,
                user=request.user,
                business_plan=request.POST.get("business_plan", "")[:5000],
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Registered. Pay the deposit before the deadline."))
            return redirect("contracts:my_registrations")
    return render(
        request,
        "contracts/register.html",
        {
            "listing": listing,
            "deal": deal,
            "mine": mine,
            "refusal": refusal,
            "review_tier": tier,
            "error": error,
            "open": listing.state == Listing.State.ANNOUNCED
            and listing.announcement_ends_at
            and timezone.now() < listing.announcement_ends_at,
        },
    )


@login_required
def my_registrations(request):
    rows = []
    for registration in selectors.registration_list_for_user(request.user):
        deposit = (
            Deposit.objects.select_related("payable").filter(registration=registration).first()
        )
        rows.append({"registration": registration, "deposit": deposit})
    return render(request, "contracts/my_registrations.html", {"rows": rows})


@login_required
def my_auctions(request):
    auctions = selectors.auctions_for_bidder(request.user).distinct()
    now = timezone.now()
    rows = [{"auction": a, "phase": selectors.auction_phase(a, now)} for a in auctions]
    return render(request, "contracts/my_auctions.html", {"rows": rows})


def room_text() -> dict:
    """The live room's words for its script (placeholders in braces, not %)."""
    return {
        "open": _("Bidding open"),
        "scheduled": _("Not started yet"),
        "closed": _("Closed"),
        "confirm": _("Bid {amount}? A bid cannot be withdrawn."),
        "ok": _("Your bid of {amount} was accepted."),
        "none": _("No bids yet"),
        "you": _("(you)"),
        "network": _(
            "The connection failed; your bid may not have arrived. "
            "Check the bid list before bidding again."
        ),
        "starts": _("Starts in"),
        "closed_note": _("The auction is closed: no more bids are taken."),
    }


@login_required
def auction_room(request, listing_id):
    """The live room: qualified bidders of the listing, and staff (who also see names)."""
    auction = selectors.auction_for_listing(listing_id)
    if auction is None:
        raise Http404
    mine = selectors.my_registration(auction.deal_id, request.user)
    if mine is None or mine.bidder_number is None:
        policy.require(request.user, "contracts.watch_auction", auction.deal)
    staff = request.user.has_perm("contracts.manage_deal", auction.deal)  # sees names
    return render(
        request,
        "contracts/auction_room.html",
        {
            "auction": auction,
            "listing": auction.deal.listing,
            "deal": auction.deal,
            "mine": mine,
            "staff": staff,
            "state_url": reverse("api-auction", args=[listing_id]),
            "bid_url": reverse("api-bids", args=[listing_id]),
            "snapshot": selectors.auction_snapshot(auction, viewer=request.user),
            "phase": selectors.auction_phase(auction),
            "room_text": room_text(),
        },
    )


@login_required
def negotiation(request, pk):
    """R-MODE-1 q = 1: the single qualified bidder confirms a price ≥ the listing price."""
    offer = get_object_or_404(NegotiatedOffer.objects.select_related("deal__listing"), deal_id=pk)
    if offer.registration.enterprise_id != request.user.enterprise_id:
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            price_fen = services.parse_amount_fen(request.POST.get("price_yuan", ""))
            services.negotiated_price_confirm(
                deal=offer.deal, user=request.user, price_fen=price_fen
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Price confirmed: the deal is awarded to you."))
            return redirect("contracts:my_registrations")
    return render(request, "contracts/negotiation.html", {"offer": offer, "error": error})


@login_required
@require_POST
def priority_claim(request, pk):
    deal = get_object_or_404(Auction.objects.select_related("deal"), deal_id=pk).deal
    try:
        services.priority_claim(deal=deal, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("You matched the winning price: the deal is awarded to you."))
    return redirect("contracts:my_auctions")


def objection_create(request, pk):
    """R-DEAL-1: anyone may object during the result announcement."""
    deal = get_object_or_404(Deal.objects.select_related("listing"), pk=pk)
    error, field, status = None, None, 200
    if request.method == "POST":
        try:
            services.objection_file(
                deal=deal,
                name=request.POST.get("name", ""),
                contact=request.POST.get("contact", ""),
                text=request.POST.get("text", ""),
                user=request.user,
                ip=client_ip(request),
            )
        except DomainError as exc:
            error, field = exc.message, exc.field
            status = exc.http_status if exc.http_status in (422, 429) else 200
        else:
            return render(request, "contracts/objection_done.html", {"deal": deal})
    return render(
        request,
        "contracts/objection_form.html",
        {"deal": deal, "error": error, "field": field, "data": request.POST},
        status=status,
    )


# ---------------------------------------------------------------- staff


@staff_required
def deal_list(request):
    state = request.GET.get("state") or None
    if state not in Deal.State.values:
        state = None
    deals = selectors.deal_list_for_staff(request.user, state=state)[:300]
    return render(
        request,
        "contracts/deal_list.html",
        {"deals": deals, "states": Deal.State.choices, "state": state},
    )


@policy.permission_required("contracts.read_deal", _deal)
def deal_detail(request, pk):
    deal = get_object_or_404(
        Deal.objects.select_related("listing", "listing__county", "transferee", "winner"), pk=pk
    )
    registrations = deal.registrations.select_related("enterprise", "user", "deposit")
    auction = Auction.objects.filter(deal=deal).first()
    return render(
        request,
        "contracts/deal_detail.html",
        {
            "deal": deal,
            "listing": deal.listing,
            "registrations": registrations,
            "auction": auction,
            "offer": NegotiatedOffer.objects.filter(deal=deal).first(),
            "objections": deal.objections.all(),
            "timeline": timeline_for(deal),
            "mode_due": deal.state == Deal.State.REGISTRATION
            and deal.listing.announcement_ends_at
            and timezone.now() >= deal.listing.announcement_ends_at,
        },
    )


@require_POST
@policy.permission_required("contracts.manage_deal", _deal)
def deal_action(request, pk, action):
    """Staff buttons on the deal page: select the mode, relist, resolve an objection."""
    deal = get_object_or_404(Deal, pk=pk)
    try:
        if action == "select-mode":
            services.deal_select_mode(deal=deal, actor=request.user)
            messages.success(request, _("The trading mode was chosen."))
        elif action == "relist":
            price_fen = services.parse_amount_fen(request.POST.get("price_yuan", ""))
            services.deal_relist(deal=deal, listing_price_fen=price_fen, actor=request.user)
            messages.success(request, _("Relisted: the new listing awaits review (R-LIST-3)."))
        elif action == "reserve":
            raw = request.POST.get("reserve_yuan", "").strip()
            services.deal_reserve_set(
                deal=deal,
                reserve_price_fen=services.parse_amount_fen(raw) if raw else None,
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
            messages.success(request, _("Reserve price recorded (R-BID-6)."))
        elif action == "resolve-objection":
            objection = get_object_or_404(Objection, pk=request.POST.get("objection"), deal=deal)
            services.objection_resolve(
                objection=objection,
                actor=request.user,
                uphold=request.POST.get("uphold") == "1",
                resolution=request.POST.get("resolution", ""),
            )
            messages.success(request, _("Objection resolved."))
        elif action == "close-auction":
            auction = get_object_or_404(Auction, deal=deal)
            if services.auction_close(auction_id=auction.pk, closer="staff") is None:
                messages.error(request, _("The auction's close time has not come yet."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    except (ValueError, TypeError):
        messages.error(request, _("The form was not filled in correctly."))
    return redirect("contracts:deal_detail", pk=deal.pk)


@staff_required
def mode_selection(request):
    """R-MODE-1: deals whose announcement period has ended, and the button that decides them."""
    if request.method == "POST":
        _staff_writer(request)
        county_id = None if policy.has_whole_prefecture(request.user) else request.user.county_id
        count = services.deals_select_mode_due(actor=request.user, county_id=county_id)
        messages.success(request, _("Trading mode chosen for %(n)s deals.") % {"n": count})
        return redirect("contracts:mode_selection")
    due = policy.scope_queryset(
        services.deals_due_for_mode_selection(), request.user, county_path="listing__county"
    ).select_related("listing")
    rows = [
        {"deal": d, "qualified": d.registrations.filter(state="qualified").count()} for d in due
    ]
    upcoming = policy.scope_queryset(
        Deal.objects.filter(
            state=Deal.State.REGISTRATION, listing__announcement_ends_at__gt=timezone.now()
        ),
        request.user,
        county_path="listing__county",
    ).select_related("listing")[:100]
    return render(request, "contracts/mode_selection.html", {"rows": rows, "upcoming": upcoming})


@staff_required
def review_queue(request):
    if request.method == "POST":
        _staff_writer(request)
        review = get_object_or_404(
            QualificationReview.objects.select_related("registration__deal__listing"),
            pk=request.POST.get("review"),
        )
        policy.require(request.user, "contracts.decide_review", review)
        try:
            services.review_decide(
                review=review,
                actor=request.user,
                approve=request.POST.get("decision") == "approve",
                reasons=request.POST.get("reasons", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("contracts:review_queue")
    return render(
        request, "contracts/review_queue.html", {"reviews": selectors.review_queue(request.user)}
    )
