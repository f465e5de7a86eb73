"""Every write of the listings app: file, submit, return, approve, publish, withdraw, close, relist.

Each service runs in `transaction.atomic()`, locks the listing, calls its thin FSM transition,
saves, records an audit event in the same transaction and sends signals on commit.
"""

import datetime as dt
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace import audit, fsm, workdays
from marketplace.choices import LandClass, RightType, TransferMode
from marketplace.errors import Conflict, Invalid, NotAllowed
from marketplace.money import round_fen, round_half_up
from marketplace.numbering import next_in_sequence

from . import checks, conf, signals
from .grams import normalise, text_grams
from .models import Encumbrance, Entrustment, Listing, ListingSequence, PriceUnit, Right

LISTED_RIGHT_TYPE = {
    RightType.CONTRACT: RightType.LAND_MANAGEMENT,
    RightType.LAND_MANAGEMENT: RightType.LAND_MANAGEMENT,
    RightType.FOREST: RightType.FOREST,
    RightType.STORED_LAND: RightType.STORED_LAND,
}


# The states of contracts' Deal after which its parcels may be filed again (listings does not
# import contracts): failed, relisted, stored, withdrawn; complete leaves a lease (R-RIGHT-3).
DEAL_FREES_PARCELS = ("failed", "relisted", "stored", "withdrawn", "complete")


class ListingInvalid(Invalid):
    code = "listing_invalid"


def _refuse(field, message, code="listing_invalid"):
    raise ListingInvalid(message, field=field, code=code)


def _lock(listing) -> Listing:
    return Listing.objects.select_for_update().get(pk=listing.pk)


def _wrong_state(listing) -> Conflict:
    return Conflict(
        _("This listing is “%(state)s”; that step is not possible now.")
        % {"state": listing.get_state_display()}
    )


def _transition(listing, method, *, actor, action, payload=None, **kwargs):
    """The kernel's transition helper (call, save, audit) with the listing's refusal."""
    return fsm.transition(
        listing,
        method,
        actor=actor,
        action=action,
        payload=payload,
        refuse=_wrong_state,
        **kwargs,
    )


def _send_on_commit(signal, listing):
    transaction.on_commit(partial(signal.send, sender=Listing, listing=listing))


# ---------------------------------------------------------------- numbers


def listing_number_allocate(*, county, year: int) -> str:
    """GP-<county code>-<year>-<6-digit sequence>; the row lock serialises concurrent filers."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("listing_number_allocate must run inside transaction.atomic()")
    serial = next_in_sequence(ListingSequence, county=county, year=year)
    return f"GP-{county.code}-{year}-{serial:06d}"


# ---------------------------------------------------------------- filing


def _validate_parcels(*, right, parcels, actor, household):
    if not parcels:
        _refuse("parcels", _("Parcels: pick at least one parcel of the right."))
    right_parcel_ids = set(right.parcels.values_list("pk", flat=True))
    for parcel in parcels:
        if parcel.pk not in right_parcel_ids:
            _refuse(
                "parcels",
                _("Parcels: %(parcel)s does not belong to this right.") % {"parcel": parcel.name},
            )
    townships = {p.village.township_id for p in parcels}
    if len(townships) > 1:
        _refuse("parcels", _("Parcels: all parcels of one listing lie in one township."))
    if actor is not None and actor.is_station_operator:
        station_township = actor.station.township_id
        for parcel in parcels:
            if parcel.village.township_id != station_township:
                _refuse(
                    "parcels",
                    _(
                        "Parcels: %(parcel)s lies in another township (%(township)s); it is "
                        "filed at that township's station (R-LIST-1, R-RIGHT-6)."
                    )
                    % {"parcel": parcel.name, "township": parcel.village.township},
                )
        if household is not None and household.village.township_id != station_township:
            _refuse(
                "household",
                _("Household: its land is in another township; file at that station (R-RIGHT-6)."),
            )
    busy = Listing.objects.filter(parcels__in=parcels, state__in=Listing.OPEN_STATES)
    if busy.exists():
        other = busy.first()
        _refuse(
            "parcels",
            _("Parcels: already in open listing %(number)s.") % {"number": other.number},
        )
    # R-RIGHT-3: a closed listing's parcels stay busy until its deal fails or completes (a
    # completed deal leaves a lease encumbrance, checked with the terms).
    in_deal = (
        Listing.objects.filter(parcels__in=parcels, state=Listing.State.CLOSED)
        .exclude(deal__state__in=DEAL_FREES_PARCELS)
        .exclude(deal__isnull=True)
        .values_list("deal__number", flat=True)
    )
    number = in_deal.first()
    if number is not None:
        _refuse(
            "parcels",
            _("Parcels: already in deal %(number)s, not failed or complete yet (R-RIGHT-3).")
            % {"number": number},
        )


# What the household entrusts to its station (R-LIST-1), on the printed form and the record.
ENTRUSTED_MATTERS = gettext_lazy("Listing and transfer of the household's land management right")
ENTRUSTED_AUTHORITY = gettext_lazy("File the listing, receive notices, sign the filing forms")


def parcels_unavailable(parcels, on: dt.date | None = None) -> dict[int, str]:
    """{parcel id: why it cannot be picked} for the station's parcel list and map, so that a
    listed or blocked parcel is shown as such instead of refused after submitting: in an open
    listing, in a deal not failed or complete (R-RIGHT-3), or seized, disputed, mortgaged or
    leased today without written consent (R-RIGHT-3)."""
    parcels = list(parcels)
    on = on or timezone.localdate()
    reasons: dict[int, str] = {}
    open_rows = Listing.objects.filter(
        parcels__in=parcels, state__in=Listing.OPEN_STATES
    ).values_list("parcels__pk", "number")
    for pk, number in open_rows:
        reasons.setdefault(pk, _("Already listed (%(number)s)") % {"number": number})
    deal_rows = (
        Listing.objects.filter(parcels__in=parcels, state=Listing.State.CLOSED)
        .exclude(deal__state__in=DEAL_FREES_PARCELS)
        .exclude(deal__isnull=True)
        .values_list("parcels__pk", "deal__number")
    )
    for pk, number in deal_rows:
        reasons.setdefault(pk, _("In deal %(number)s, not finished yet") % {"number": number})
    for enc in checks.active_encumbrances(parcels, on, on):
        facts = {"kind": enc.get_kind_display(), "who": enc.counterparty}
        if enc.kind in (Encumbrance.Kind.SEIZURE, Encumbrance.Kind.DISPUTE):
            reasons.setdefault(enc.parcel_id, _("%(kind)s (%(who)s): cannot be listed") % facts)
        elif not enc.consent_document:
            reasons.setdefault(
                enc.parcel_id, _("%(kind)s (%(who)s), no written consent on file") % facts
            )
    wanted = {p.pk for p in parcels}
    return {pk: why for pk, why in reasons.items() if pk in wanted}


def _validate_terms(*, right, parcels, terms):
    problems = checks.term_problems(right, terms["term_start"], terms["term_end"])
    if problems:
        _refuse("term_end", problems[0], code="term_beyond_right")
    problems = checks.use_problems(parcels, terms["permitted_use"])
    if problems:
        _refuse("permitted_use", problems[0], code="use_not_allowed")
    problems = checks.encumbrance_problems(
        parcels, terms["term_start"], terms["term_end"], right=right
    )
    if problems:
        _refuse("parcels", problems[0], code="encumbered")
    for name in ("listing_price_fen", "increment_fen"):
        if int(terms[name]) <= 0:
            _refuse(name, _("Amount: must be greater than 0."))
    if terms.get("deposit_fen") is not None and int(terms["deposit_fen"]) < 0:
        _refuse("deposit_fen", _("Deposit: must not be negative."))
    if terms["transfer_mode"] == TransferMode.FOREST_TRANSFER and any(
        p.land_class != LandClass.FOREST_LAND for p in parcels
    ):
        _refuse(
            "transfer_mode",
            _("Transfer mode: a forest-tree transfer needs forest land (R-LIST-2)."),
        )


def default_deposit_fen(
    *, price_unit, listing_price_fen, area_mu, county=None, right_type=""
) -> int:
    """R-REG-4 via valuation.formulas.default_deposit: 30 % of a year's rent or of the total,
    at least 1,000 yuan (the rulebook's numbers for the county and right type)."""
    from valuation.formulas import default_deposit

    rates = {
        "share": conf.get(conf.DEPOSIT_SHARE, county=county, right_type=right_type),
        "minimum": Decimal(conf.get(conf.DEPOSIT_MINIMUM, county=county)) / 100,
    }
    price = Decimal(listing_price_fen) / 100
    if price_unit == PriceUnit.TOTAL:
        deposit = default_deposit(total=price, **rates)
    else:
        deposit = default_deposit(annual_rent=price * Decimal(str(area_mu)), **rates)
    return int(deposit * 100)


def _denormalise(listing, parcels):
    """Where, how large and how expensive, stored on the listing for search (R-LIST-7)."""
    first = parcels[0]
    village = first.village
    listing.village = village
    listing.township = village.township
    listing.county = village.township.county
    listing.location = f"{listing.county.name}{listing.township.name}{village.name}"
    listing.area_mu = sum((Decimal(str(p.area_mu)) for p in parcels), Decimal(0))
    by_class: dict[str, Decimal] = {}
    for p in parcels:
        by_class[p.land_class] = by_class.get(p.land_class, Decimal(0)) + Decimal(str(p.area_mu))
    listing.land_class = max(by_class, key=by_class.get)
    listing.right_type = LISTED_RIGHT_TYPE.get(listing.right.right_type, listing.right.right_type)
    listing.price_per_mu_fen = checks.price_per_mu_fen(listing)
    # Stored to 0.01 for the search filter and the page; totals use the exact term.
    listing.term_years = round_half_up(checks.term_years(listing.term_start, listing.term_end))
    listing.search_text = normalise(
        " ".join([listing.title, listing.location, listing.description, *(p.name for p in parcels)])
    )
    listing.search_grams = text_grams(listing.search_text)


TERM_FIELDS = (
    "title",
    "description",
    "transfer_mode",
    "term_start",
    "term_end",
    "permitted_use",
    "price_unit",
    "listing_price_fen",
    "increment_fen",
    "deposit_fen",
    "reserve_price_fen",
    "bidder_qualifications",
    "payment_schedule",
    "announcement_workdays",
)


def listing_check(*, actor, right, parcels, household=None, **terms) -> None:
    """Refuse what `listing_create` would refuse, writing nothing (the console checks each step)."""
    parcels = list(parcels)
    _validate_parcels(right=right, parcels=parcels, actor=actor, household=household)
    _validate_terms(right=right, parcels=parcels, terms=terms)


def listing_create(
    *,
    actor,
    right: Right,
    parcels,
    household=None,
    collective=None,
    storage_center=None,
    entrustment: Entrustment | None = None,
    **terms,
) -> Listing:
    """File a draft listing for the right's holder (R-LIST-1/2, R-RIGHT-3/4/5/6)."""
    parcels = list(parcels)
    if [household, collective, storage_center].count(None) != 2:
        _refuse("household", _("Transferor: exactly one household, collective or storage centre."))
    holders = right.holders.all()
    if household is not None and not holders.filter(household=household).exists():
        _refuse("right", _("Right: this household does not hold the right."))
    _validate_parcels(right=right, parcels=parcels, actor=actor, household=household)
    _validate_terms(right=right, parcels=parcels, terms=terms)
    files_for_household = household is not None and actor is not None and actor.is_station_operator
    if files_for_household and (entrustment is None or entrustment.household_id != household.pk):
        _refuse("entrustment", _("Entrustment: upload the signed entrustment (R-LIST-1)."))
    with transaction.atomic():
        listing = Listing(
            right=right,
            transferor_household=household,
            transferor_collective=collective,
            transferor_storage_center=storage_center,
            entrustment=entrustment,
            station=actor.station if actor is not None and actor.is_station_operator else None,
            filed_by=actor,
            **{k: v for k, v in terms.items() if k in TERM_FIELDS and v is not None},
        )
        _denormalise(listing, parcels)
        if terms.get("deposit_fen") is None:
            listing.deposit_fen = default_deposit_fen(
                price_unit=listing.price_unit,
                listing_price_fen=listing.listing_price_fen,
                area_mu=listing.area_mu,
                county=listing.county,
                right_type=listing.right_type,
            )
        if terms.get("announcement_workdays") is None:
            listing.announcement_workdays = conf.get(
                conf.ANNOUNCEMENT_WORKDAYS, county=listing.county, right_type=listing.right_type
            )
        listing.number = listing_number_allocate(
            county=listing.county, year=timezone.localdate().year
        )
        listing.save()
        listing.parcels.set(parcels)
        audit.record(
            action="listing.created",
            obj=listing,
            actor=actor,
            payload={"number": listing.number, "parcels": [p.code for p in parcels]},
        )
    return listing


def listing_update_terms(*, listing, actor, **terms) -> Listing:
    """Change the terms of a draft or returned listing (the filer corrects what staff returned)."""
    with transaction.atomic():
        listing = _lock(listing)
        if listing.state not in (Listing.State.DRAFT, Listing.State.RETURNED):
            raise Conflict(_("Only a draft or returned listing can be changed."))
        parcels = list(listing.parcels.select_related("village__township__county"))
        merged = {name: getattr(listing, name) for name in TERM_FIELDS}
        merged.update({k: v for k, v in terms.items() if k in TERM_FIELDS})
        _validate_terms(right=listing.right, parcels=parcels, terms=merged)
        for name, value in merged.items():
            setattr(listing, name, value)
        _denormalise(listing, parcels)
        listing.save()
        audit.record(action="listing.updated", obj=listing, actor=actor, payload={"terms": terms})
    return listing


def lease_encumbrance_record(
    *, parcels, lessee: str, starts_on, ends_on, reference: str, actor
) -> list[Encumbrance]:
    """R-RIGHT-3: a lease made through the exchange encumbers its parcels for its term.

    Idempotent per parcel, lessee and term: a retried call records nothing new; `reference` (the
    deal's number) goes into the note.
    """
    note = _("Let through the exchange, deal %(number)s") % {"number": reference}
    leases = []
    with transaction.atomic():
        for parcel in parcels:
            lease, created = Encumbrance.objects.get_or_create(
                parcel=parcel,
                kind=Encumbrance.Kind.LEASE,
                starts_on=starts_on,
                ends_on=ends_on,
                counterparty=lessee[:100],
                defaults={"note": note[:200]},
            )
            leases.append(lease)
            if created:
                audit.record(
                    action="encumbrance.lease_recorded",
                    obj=lease,
                    actor=actor,
                    payload={"parcel": parcel.code, "reference": reference, "rule": "R-RIGHT-3"},
                )
    return leases


def entrustment_record(
    *,
    household,
    station,
    actor,
    scan,
    consent_method,
    consented_at,
    valid_from,
    valid_until,
    matters="",
    authority="",
) -> Entrustment:
    """R-LIST-1: the household's signed entrustment of its station and how it consented."""
    if household.village.township_id != station.township_id:
        _refuse("household", _("Household: its land is in another township (R-RIGHT-6)."))
    if valid_until < valid_from:
        _refuse("valid_until", _("Valid until: must not be before the start."))
    with transaction.atomic():
        entrustment = Entrustment.objects.create(
            household=household,
            station=station,
            matters=matters or ENTRUSTED_MATTERS,
            authority=authority or ENTRUSTED_AUTHORITY,
            valid_from=valid_from,
            valid_until=valid_until,
            scan=scan,
            consent_method=consent_method,
            consented_at=consented_at,
            recorded_by=actor,
        )
        audit.record(
            action="entrustment.recorded",
            obj=entrustment,
            actor=actor,
            payload={"household": household.pk, "consent_method": consent_method},
        )
    return entrustment


# ---------------------------------------------------------------- review


def listing_submit(*, listing, actor) -> Listing:
    """Draft or returned → submitted for review (R-LIST-3)."""
    with transaction.atomic():
        listing = _lock(listing)
        problems = checks.entrustment_problems(listing)
        if problems:
            _refuse("entrustment", problems[0])
        _transition(listing, "submit", actor=actor, action="listing.submitted")
    return listing


def listing_return(*, listing, actor, reasons: str) -> Listing:
    """Submitted → returned to the filer with the reasons (R-LIST-3)."""
    reasons = (reasons or "").strip()
    if not reasons:
        _refuse("reasons", _("Reasons: say what the filer must correct (R-LIST-3)."))
    with transaction.atomic():
        listing = _lock(listing)
        _transition(
            listing,
            "return_to_filer",
            actor=actor,
            action="listing.returned",
            payload={"reasons": reasons},
            reasons=reasons,
            by=actor,
        )
        _tell_filer(
            listing,
            subject=_("Listing %(number)s returned for correction") % {"number": listing.number},
            body=_("Exchange staff returned the listing %(title)s: %(reasons)s (R-LIST-3).")
            % {"title": listing.title, "reasons": reasons},
        )
    return listing


def _tell_filer(listing, *, subject, body):
    """Notify whoever filed the listing (the station operator) and the household's own login."""
    from django.urls import reverse

    from marketplace.notifications import notification_send

    filer = listing.filed_by
    if filer is not None and filer.is_active:
        url = (
            reverse("listings:station_listing", args=[listing.pk])
            if filer.is_station_operator
            else ""
        )
        notification_send(recipient=filer, subject=subject, body=body, url=url)
    household_user = getattr(listing.transferor_household, "user", None)
    if household_user is not None and household_user.is_active and household_user != filer:
        notification_send(
            recipient=household_user, subject=subject, body=body, url=reverse("listings:mine")
        )


def listing_approve(*, listing, actor) -> Listing:
    """Submitted → approved when every automatic check passes (R-LIST-3/4, R-RIGHT-3/4/5)."""
    if actor is None or not actor.is_exchange_staff:
        raise NotAllowed()
    with transaction.atomic():
        listing = _lock(listing)
        failed = [c for c in checks.review_checks(listing) if not c.ok]
        if failed:
            _refuse(failed[0].field, failed[0].message, code="review_check_failed")
        _transition(
            listing,
            "approve",
            actor=actor,
            action="listing.approved",
            payload={"valuation_report": getattr(listing, "valuation_report_id", None)},
            by=actor,
        )
        _lock_valuation_report(listing)
    return listing


def _lock_valuation_report(listing):
    """R-VAL-3: the report cannot change once the listing is approved."""
    report = getattr(listing, "valuation_report", None)
    if report is None or getattr(report, "locked_at", None):
        return
    from valuation.services import valuation_report_lock

    valuation_report_lock(report=report)


def announcement_workdays_proposed(listing) -> int:
    """What the publish form proposes: the filed period, or the rulebook's (R-LIST-5)."""
    return listing.announcement_workdays or conf.get(
        conf.ANNOUNCEMENT_WORKDAYS, county=listing.county_id, right_type=listing.right_type
    )


def announcement_workdays_for(listing, on: dt.date, requested: int | None = None) -> int:
    """R-LIST-5: default 10 working days; never fewer than the minimum for the season."""
    n = requested if requested is not None else listing.announcement_workdays
    if not n:
        n = conf.get(
            conf.ANNOUNCEMENT_WORKDAYS, county=listing.county_id, right_type=listing.right_type
        )
    minimum = checks.announcement_minimum(
        listing.land_class, on, county=listing.county_id, right_type=listing.right_type
    )
    if n < minimum:
        _refuse(
            "announcement_workdays",
            _("Announcement period: at least %(n)s working days here (R-LIST-5).") % {"n": minimum},
        )
    return n


def listing_publish(*, listing, actor, workdays_count: int | None = None, at=None) -> Listing:
    """Approved → announced: the working-day clock starts; the public page follows on commit."""
    at = at or timezone.now()
    with transaction.atomic():
        listing = _lock(listing)
        today = timezone.localdate(at)
        n = announcement_workdays_for(listing, today, workdays_count)
        ends_at = workdays.period_end(today, n)
        listing.announcement_workdays = n
        listing.publish_in_county_media = checks.total_value_fen(
            listing
        ) >= county_media_threshold_fen(listing)
        _transition(
            listing,
            "announce",
            actor=actor,
            action="listing.published",
            payload={
                "announcement_ends_at": ends_at,
                "workdays": n,
                "county_media": listing.publish_in_county_media,
            },
            at=at,
            ends_at=ends_at,
        )
        _tell_filer(
            listing,
            subject=_("Listing %(number)s is announced") % {"number": listing.number},
            body=_(
                "The listing %(title)s is public; agribusinesses may register until %(end)s "
                "(%(n)s working days, R-LIST-5)."
            )
            % {
                "title": listing.title,
                "end": timezone.localtime(ends_at).strftime("%Y-%m-%d %H:%M"),
                "n": n,
            },
        )
        _send_on_commit(signals.listing_published, listing)
    return listing


def county_media_threshold_fen(listing) -> int:
    """R-LIST-6: the county's threshold (the rulebook's, in fen) for county-media publication."""
    return conf.get(conf.COUNTY_MEDIA_YUAN, county=listing.county_id)


def listing_county_media_follow(*, listing, total_value_fen: int, actor=None) -> Listing:
    """R-LIST-6: once awarded, the flag follows the total deal value (R-DEAL-7), not the
    listing price; called by the deals app at each award, inside its transaction."""
    flag = int(total_value_fen) >= county_media_threshold_fen(listing)
    listing = _lock(listing)
    if listing.publish_in_county_media != flag:
        listing.publish_in_county_media = flag
        listing.save(update_fields=["publish_in_county_media", "updated_at"])
        audit.record(
            action="listing.county_media_changed",
            obj=listing,
            actor=actor,
            payload={"county_media": flag, "total_value_fen": int(total_value_fen)},
        )
    return listing


def listing_withdraw(*, listing, actor, reason: str) -> Listing:
    """Any open state → withdrawn; a published page is unpublished on commit."""
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("Reason: say why the listing is withdrawn."))
    with transaction.atomic():
        listing = _lock(listing)
        listing.return_reasons = reason
        _transition(
            listing, "withdraw", actor=actor, action="listing.withdrawn", payload={"reason": reason}
        )
        _send_on_commit(signals.listing_withdrawn, listing)
    return listing


def listing_close(*, listing, actor=None) -> Listing:
    """Announced → closed (the deals engineer calls this); idempotent when already closed."""
    with transaction.atomic():
        listing = _lock(listing)
        if listing.state == Listing.State.CLOSED:
            return listing
        _transition(listing, "close", actor=actor, action="listing.closed")
        _send_on_commit(signals.listing_closed, listing)
    return listing


def listing_reserve_set(*, listing, reserve_price_fen: int | None, reason: str, actor) -> Listing:
    """R-BID-6: staff in the listing's county set (or clear, None) the secret reserve price,
    audited with their reason; bidders never see it."""
    from marketplace.permissions import staff_in_scope

    if actor is None or not staff_in_scope(actor, listing):
        raise NotAllowed()
    reason = (reason or "").strip()
    if not reason:
        _refuse("reason", _("Reason: say why the reserve price is set or changed (R-BID-6)."))
    if reserve_price_fen is not None and int(reserve_price_fen) <= 0:
        _refuse("reserve_yuan", _("Reserve price: must be greater than 0 (R-BID-6)."))
    with transaction.atomic():
        listing = _lock(listing)
        if listing.state == Listing.State.WITHDRAWN:
            raise Conflict(_("A withdrawn listing has no reserve price."))
        previous = listing.reserve_price_fen
        listing.reserve_price_fen = None if reserve_price_fen is None else int(reserve_price_fen)
        listing.save(update_fields=["reserve_price_fen", "updated_at"])
        audit.record(
            action="listing.reserve_set",
            obj=listing,
            actor=actor,
            payload={
                "reserve_price_fen": listing.reserve_price_fen,
                "previous_fen": previous,
                "reason": reason,
                "rule": "R-BID-6",
            },
        )
    return listing


def _relist_floor_fen(listing) -> int | None:
    """R-FAIL-1 / R-STORE-5: stored land never goes below the sum of its parcels' floors.

    Returns the lowest allowed listing price in the listing's own unit, or None when no floor
    applies (not stored land, or the county has set no floor for a parcel's class).
    """
    if listing.right_type != RightType.STORED_LAND:
        return None
    from valuation.selectors import floor_price_per_mu_year

    floor_per_year = Decimal(0)
    for parcel in listing.parcels.select_related("village__township__county"):
        floor = floor_price_per_mu_year(
            county=parcel.village.township.county,
            township=parcel.village.township,
            land_class=parcel.land_class,
        )
        if floor is None:
            return None
        floor_per_year += floor * Decimal(str(parcel.area_mu))
    if listing.price_unit == PriceUnit.TOTAL:
        total = floor_per_year * checks.term_years(listing.term_start, listing.term_end)
        return round_fen(total * 100)
    return round_fen(floor_per_year / Decimal(str(listing.area_mu)) * 100)


def listing_attach_valuation_report(*, listing, report, actor) -> Listing:
    """Attach the valuation report staff need before approval (R-LIST-3); a new one replaces."""
    with transaction.atomic():
        listing = _lock(listing)
        if listing.state not in (
            Listing.State.DRAFT,
            Listing.State.SUBMITTED,
            Listing.State.RETURNED,
        ):
            raise Conflict(_("The valuation report can no longer be changed for this listing."))
        if report.county_id != listing.county_id:
            _refuse("valuation_report", _("Valuation report: it values land of another county."))
        listing.valuation_report = report
        listing.save(update_fields=["valuation_report", "updated_at"])
        audit.record(
            action="listing.valuation_attached",
            obj=listing,
            actor=actor,
            payload={"valuation_report": report.pk},
        )
    return listing


def listing_relist(*, listing, listing_price_fen: int, actor) -> Listing:
    """R-FAIL-1: a new listing of a closed (failed) one, at most 10 % cheaper, submitted for
    review (R-LIST-3/4, R-LIST-1) with the default deposit at the new price (R-REG-4)."""
    listing_price_fen = int(listing_price_fen)
    with transaction.atomic():
        old = _lock(listing)
        if old.state != Listing.State.CLOSED:
            raise Conflict(_("Only a closed listing whose deal failed can be relisted."))
        if old.relistings.exists():
            raise Conflict(_("This listing has already been relisted."))
        max_cut = conf.get(conf.RELIST_MAX_CUT, county=old.county_id)
        lowest = round_fen(Decimal(old.listing_price_fen) * (1 - max_cut))
        if listing_price_fen < lowest:
            _refuse(
                "listing_price_fen",
                _(
                    "Listing price: at most %(cut)s %% below the previous %(prev)s yuan, "
                    "i.e. at least %(lowest)s yuan (R-FAIL-1)."
                )
                % {
                    "cut": (max_cut * 100).normalize(),
                    "prev": Decimal(old.listing_price_fen) / 100,
                    "lowest": Decimal(lowest) / 100,
                },
                code="relist_price_too_low",
            )
        fixed = checks.floor_total_fen(
            old.right, list(old.parcels.all()), old.term_start, old.term_end
        )
        floor = None if fixed is not None else _relist_floor_fen(old)
        if floor is not None and listing_price_fen < floor:
            _refuse(
                "listing_price_fen",
                _("Listing price: never below the floor price %(floor)s yuan (R-FAIL-1).")
                % {"floor": Decimal(floor) / 100},
                code="below_floor_price",
            )
        # R-LIST-3: a relisting is reviewed again (price against the reference × factor, the
        # entrustment's term, the encumbrances): it starts submitted, approved by nobody yet.
        new = Listing(
            state=Listing.State.SUBMITTED,
            relisted_from=old,
            filed_by=actor if actor is not None else old.filed_by,
            **{
                f.name: getattr(old, f.name)
                for f in Listing._meta.concrete_fields
                if f.name in _RELIST_COPY
            },
        )
        new.listing_price_fen = listing_price_fen
        if fixed is not None:  # R-STORE-5: a block never below its parcels' fixed floors
            problems = checks.floor_problems(new, list(old.parcels.all()))
            if problems:
                _refuse("listing_price_fen", problems[0], code="below_floor_price")
        new.price_per_mu_fen = checks.price_per_mu_fen(new)
        new.deposit_fen = default_deposit_fen(  # R-REG-4 at the new price
            price_unit=new.price_unit,
            listing_price_fen=listing_price_fen,
            area_mu=new.area_mu,
            county=new.county,
            right_type=new.right_type,
        )
        new.number = listing_number_allocate(county=old.county, year=timezone.localdate().year)
        new.save()
        new.parcels.set(old.parcels.all())
        audit.record(
            action="listing.relisted",
            obj=new,
            actor=actor,
            payload={
                "from": old.number,
                "listing_price_fen": listing_price_fen,
                "deposit_fen": new.deposit_fen,
            },
        )
    return new


_RELIST_COPY = {
    *TERM_FIELDS,
    "right",
    "transferor_household",
    "transferor_collective",
    "transferor_storage_center",
    "county",
    "township",
    "village",
    "area_mu",
    "land_class",
    "station",
    "entrustment",
    "location",
    "right_type",
    "search_text",
    "search_grams",
    "term_years",
    "valuation_report",
}
