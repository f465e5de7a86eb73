"""Floor-price storage services (R-FAIL-2, R-STORE-1..3): offers, contracts, guarantees.

Each service locks its rows, calls a thin transition, saves, writes the audit event and queues
side effects (PDF rendering, notifications) with `transaction.on_commit`. No PDF render or file
write happens inside a transaction.
"""

import datetime as dt
import hashlib
from decimal import Decimal
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from listings.models import Encumbrance, Listing, Parcel, Right, RightHolder
from marketplace import audit
from marketplace.choices import LandClass, RightType
from marketplace.fsm import transition
from marketplace.labels import cn_date_text
from marketplace.money import fen_to_yuan, format_yuan, round_fen
from marketplace.notifications import notify_users
from marketplace.numbering import next_in_sequence
from marketplace.payments import ledger
from marketplace.payments.services.payouts import payout_create

from . import recipients
from .errors import AlreadyPaid, StorageRefused, WrongState
from .models import (
    GuaranteeInstalment,
    OfferParcel,
    StorageContract,
    StorageContractSequence,
    StorageOffer,
    StoredParcel,
)
from .money import annual_fen, instalment_amounts, total_value_fen

STORABLE_RIGHTS = (RightType.CONTRACT, RightType.LAND_MANAGEMENT, RightType.FOREST)
LET_DEAL_STATES = ("awarded", "signing", "payment", "settled", "complete")
GUARANTEE_ACCOUNT = "storage_guarantee_payable"
FUND_ACCOUNT = "storage_fund"


def _wrong_state(obj) -> WrongState:
    return WrongState(
        _("This is not possible in the current state (%(state)s).")
        % {"state": obj.get_state_display()}
    )


# The kernel's one transition helper (call, save, audit), refusing with the storage `WrongState`.
_transition = partial(transition, refuse=_wrong_state)


def _refuse(message, field=None):
    raise StorageRefused(message, field=field)


# ---------------------------------------------------------------- offers (R-FAIL-2, R-STORE-2)


def _parcel_label(parcel):
    return f"{parcel.name}（{parcel.code}）"


def stored_parcel_ids(parcel_ids, *, on=None):
    """Parcels already in storage, or promised by an open offer or unsigned contract."""
    on = on or timezone.localdate()
    stored = set(
        StoredParcel.objects.filter(parcel_id__in=parcel_ids, term_end__gte=on).values_list(
            "parcel_id", flat=True
        )
    )
    pending = set(
        OfferParcel.objects.filter(parcel_id__in=parcel_ids)
        .filter(
            Q(offer__state=StorageOffer.State.OFFERED)
            | Q(
                offer__state=StorageOffer.State.ACCEPTED,
                offer__contract__state__in=[
                    StorageContract.State.DRAFT,
                    StorageContract.State.READY,
                ],
            )
        )
        .values_list("parcel_id", flat=True)
    )
    return stored | pending


def offer_check(*, household, right, parcels, term_start, term_end):
    """Refuse, naming the rule and the item, what cannot be stored (R-STORE-2, R-RIGHT-3/4)."""
    if not household.is_relocated:
        _refuse(
            _(
                "Household: %(household)s is not a relocated household; only relocated "
                "households may put land into floor-price storage (R-STORE-2)."
            )
            % {"household": household},
            "household",
        )
    if right.right_type not in STORABLE_RIGHTS:
        _refuse(_("Right: only contracted land or forest land can be stored (R-STORE-2)."), "right")
    if not RightHolder.objects.filter(right=right, household=household).exists():
        _refuse(_("Right: the household does not hold this right (R-STORE-2)."), "right")
    if not parcels:
        _refuse(_("Parcels: choose at least one parcel (R-STORE-2)."), "parcels")
    right_parcels = set(right.parcels.values_list("pk", flat=True))
    for parcel in parcels:
        if parcel.pk not in right_parcels:
            _refuse(
                _("Parcels: %(parcel)s is not a parcel of this right (R-STORE-2).")
                % {"parcel": _parcel_label(parcel)},
                "parcels",
            )
    if term_end <= term_start:
        _refuse(_("Term: the storage term must end after it starts."), "term_end")
    if term_end > right.ends_on:
        _refuse(
            _(
                "Term: the storage term ends %(end)s, beyond the contract right, which ends "
                "%(right_end)s (R-RIGHT-4)."
            )
            % {"end": cn_date_text(term_end), "right_end": cn_date_text(right.ends_on)},
            "term_end",
        )
    ids = [p.pk for p in parcels]
    already = stored_parcel_ids(ids, on=term_start)
    for parcel in parcels:
        if parcel.pk in already:
            _refuse(
                _("Parcels: %(parcel)s is already stored or offered for storage (R-STORE-2).")
                % {"parcel": _parcel_label(parcel)},
                "parcels",
            )
    active = Encumbrance.objects.filter(parcel_id__in=ids, released_on__isnull=True).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=term_start)
    )
    for encumbrance in active.select_related("parcel"):
        kind = (
            _("let (existing lease to %(who)s)") % {"who": encumbrance.counterparty}
            if encumbrance.kind == Encumbrance.Kind.LEASE
            else _("encumbered (%(kind)s)") % {"kind": encumbrance.get_kind_display()}
        )
        _refuse(
            _("Parcels: %(parcel)s is %(state)s (R-RIGHT-3).")
            % {"parcel": _parcel_label(encumbrance.parcel), "state": kind},
            "parcels",
        )
    busy = (
        Listing.objects.filter(parcels__in=ids)
        .filter(
            Q(state__in=Listing.OPEN_STATES)
            | Q(deal__state__in=LET_DEAL_STATES, term_end__gte=term_start)
        )
        .prefetch_related("parcels")
        .distinct()
    )
    for listing in busy:
        parcel = next(p for p in listing.parcels.all() if p.pk in ids)
        _refuse(
            _("Parcels: %(parcel)s is let or on the market (listing %(listing)s) (R-RIGHT-3).")
            % {"parcel": _parcel_label(parcel), "listing": listing.number},
            "parcels",
        )


def offer_lines(*, county, parcels, on):
    """Per parcel: the floor in force on `on` for its land class (R-STORE-1) and its year."""
    from valuation.selectors import floor_price_get

    lines = []
    for parcel in parcels:
        row = floor_price_get(
            county=county, township=parcel.village.township, land_class=parcel.land_class, on=on
        )
        if row is None:
            _refuse(
                _(
                    "Floor price: %(county)s has set no floor price for %(land_class)s in force "
                    "on %(day)s (R-STORE-1)."
                )
                % {
                    "county": county,
                    "land_class": LandClass(parcel.land_class).label,
                    "day": on.isoformat(),
                },
                "parcels",
            )
        floor = row.floor_per_mu_year_fen
        lines.append(
            {
                "parcel": parcel,
                "land_class": parcel.land_class,
                "area_mu": parcel.area_mu,
                "floor_per_mu_year_fen": floor,
                "annual_fen": annual_fen(floor_per_mu_year_fen=floor, area_mu=parcel.area_mu),
            }
        )
    return lines


def offer_quote(*, household, right, parcels, term_start, term_end, on=None):
    """What an offer would show (no writes): lines, area, yearly guarantee and total."""
    on = on or timezone.localdate()
    parcels = list(parcels)
    offer_check(
        household=household, right=right, parcels=parcels, term_start=term_start, term_end=term_end
    )
    county = household.village.township.county
    lines = offer_lines(county=county, parcels=parcels, on=on)
    total = sum(
        total_value_fen(
            price_fen_per_mu_year=line["floor_per_mu_year_fen"],
            area_mu=line["area_mu"],
            term_start=term_start,
            term_end=term_end,
        )
        for line in lines
    )
    return {
        "lines": lines,
        "area_mu": sum((Decimal(str(line["area_mu"])) for line in lines), Decimal(0)),
        "annual_guarantee_fen": sum(line["annual_fen"] for line in lines),
        "total_fen": total,
        "county": county,
    }


def storage_offer_create(
    *, household, right, parcels, term_start, term_end, actor=None, deal=None, on=None
) -> StorageOffer:
    """Offer floor-price storage of `parcels` of `right` to `household` (R-STORE-2)."""
    on = on or timezone.localdate()
    parcels = list(
        Parcel.objects.filter(pk__in=[p.pk for p in parcels]).select_related(
            "village__township__county"
        )
    )
    with transaction.atomic():
        # Serialise offers of the same parcels: lock them in pk order.
        list(
            Parcel.objects.select_for_update().filter(pk__in=[p.pk for p in parcels]).order_by("pk")
        )
        quote = offer_quote(
            household=household,
            right=right,
            parcels=parcels,
            term_start=term_start,
            term_end=term_end,
            on=on,
        )
        centre = quote["county"].storage_center
        offer = StorageOffer.objects.create(
            household=household,
            storage_center=centre,
            county=quote["county"],
            right=right,
            deal=deal,
            offered_on=on,
            term_start=term_start,
            term_end=term_end,
            area_mu=quote["area_mu"],
            annual_guarantee_fen=quote["annual_guarantee_fen"],
            total_fen=quote["total_fen"],
            offered_by=actor if actor is not None and actor.is_authenticated else None,
        )
        OfferParcel.objects.bulk_create(
            OfferParcel(
                offer=offer,
                parcel=line["parcel"],
                land_class=line["land_class"],
                area_mu=line["area_mu"],
                floor_per_mu_year_fen=line["floor_per_mu_year_fen"],
                annual_fen=line["annual_fen"],
            )
            for line in quote["lines"]
        )
        audit.record(
            action="storageoffer.created",
            obj=offer,
            actor=actor,
            payload={
                "household": household.pk,
                "parcels": [p.pk for p in parcels],
                "annual_guarantee_fen": offer.annual_guarantee_fen,
                "total_fen": offer.total_fen,
                "deal": deal.number if deal else None,
                "rule": "R-FAIL-2" if deal else "R-STORE-2",
            },
        )
        transaction.on_commit(partial(_notify_offer, offer.pk))
    return offer


def _notify_offer(offer_id):
    offer = StorageOffer.objects.select_related("household__village__township").get(pk=offer_id)
    notify_users(
        recipients.offer_recipients(offer),
        subject=_("Floor-price storage offered to %(household)s") % {"household": offer.household},
        body=_(
            "%(area)s mu for %(start)s to %(end)s: %(annual)s a year, %(total)s in total "
            "(R-STORE-2). The household decides at the station."
        )
        % {
            "area": f"{offer.area_mu:.2f}",
            "start": offer.term_start.isoformat(),
            "end": offer.term_end.isoformat(),
            "annual": format_yuan(fen_to_yuan(offer.annual_guarantee_fen)),
            "total": format_yuan(fen_to_yuan(offer.total_fen)),
        },
        url=offer.get_absolute_url(),
    )


def storage_offer_for_failed_deal(*, deal_id) -> StorageOffer | None:
    """R-FAIL-2: the offer after a relocated household's failed listing (idempotent).

    The term is the failed listing's own term from the day after the failure (the listing was
    checked against the right, R-RIGHT-4). If the offer cannot be made (no floor set, a parcel
    encumbered meanwhile) the deal keeps its `storage_offered_at` and staff see it; nothing is
    half-written.
    """
    from contracts.models import Deal

    deal = Deal.objects.select_related("listing__right", "listing__transferor_household").get(
        pk=deal_id
    )
    listing = deal.listing
    household = listing.transferor_household
    if deal.storage_offered_at is None or household is None or deal.state != Deal.State.FAILED:
        return None
    existing = StorageOffer.objects.filter(deal=deal).first()
    if existing is not None:
        return existing
    start = max(
        timezone.localdate(deal.storage_offered_at) + dt.timedelta(days=1), listing.term_start
    )
    end = min(listing.term_end, listing.right.ends_on)
    try:
        return storage_offer_create(
            household=household,
            right=listing.right,
            parcels=list(listing.parcels.all()),
            term_start=start,
            term_end=end,
            deal=deal,
        )
    except StorageRefused as exc:
        with transaction.atomic():
            audit.record(
                action="storageoffer.not_made",
                obj=deal,
                payload={"reason": str(exc.message), "rule": "R-FAIL-2"},
            )
        return None


def storage_offer_decline(*, offer, actor) -> StorageOffer:
    with transaction.atomic():
        offer = StorageOffer.objects.select_for_update().get(pk=offer.pk)
        _transition(offer, "decline", actor=actor, at=timezone.now())
    return offer


def storage_offer_withdraw(*, offer, actor) -> StorageOffer:
    with transaction.atomic():
        offer = StorageOffer.objects.select_for_update().get(pk=offer.pk)
        _transition(offer, "withdraw", actor=actor, at=timezone.now())
    return offer


# ---------------------------------------------------------------- the storage contract


def contract_number(county, year) -> str:
    serial = next_in_sequence(StorageContractSequence, county=county, year=year)
    return f"SC-{county.code}-{year}-{serial:06d}"


def storage_offer_accept(*, offer, actor) -> StorageContract:
    """The household accepts at the station: the contract is numbered and its PDF rendered."""
    now = timezone.now()
    with transaction.atomic():
        offer = StorageOffer.objects.select_for_update().get(pk=offer.pk)
        _transition(offer, "accept", actor=actor, at=now)
        contract = StorageContract.objects.create(
            number=contract_number(offer.county, timezone.localdate(now).year),
            offer=offer,
            household=offer.household,
            storage_center=offer.storage_center,
            county=offer.county,
            term_start=offer.term_start,
            term_end=offer.term_end,
            area_mu=offer.area_mu,
            annual_guarantee_fen=offer.annual_guarantee_fen,
            total_fen=offer.total_fen,
        )
        audit.record(
            action="storagecontract.created",
            obj=contract,
            actor=actor,
            payload={"offer": offer.pk, "rule": "R-STORE-2"},
        )
        from .tasks import render_storage_contract_task

        transaction.on_commit(partial(render_storage_contract_task.delay, contract.pk))
    return contract


def storage_contract_render(*, contract_id) -> StorageContract:
    """Render the contract PDF outside any transaction, then store it and mark it ready."""
    from .pdf import render_storage_contract_pdf

    contract = StorageContract.objects.get(pk=contract_id)
    if contract.state != StorageContract.State.DRAFT:
        return contract
    data = render_storage_contract_pdf(contract)
    sha = hashlib.sha256(data).hexdigest()
    name = contract.pdf.field.generate_filename(contract, f"{contract.number}.pdf")
    stored_name = contract.pdf.storage.save(name, ContentFile(data))
    with transaction.atomic():
        contract = StorageContract.objects.select_for_update().get(pk=contract_id)
        if contract.state != StorageContract.State.DRAFT:
            contract.pdf.storage.delete(stored_name)  # rendered twice: keep the first
            return contract
        contract.pdf.name = stored_name
        _transition(contract, "mark_ready", pdf_sha256=sha, payload={"sha256": sha})
    return contract


def _check_signable(contract, pdf_sha256):
    if contract.state != StorageContract.State.READY:
        raise WrongState(_("This storage contract is not awaiting signatures."))
    if (pdf_sha256 or "").strip().lower() != contract.pdf_sha256:
        raise WrongState(
            _(
                "The document signed is not the current version of the contract: open it again "
                "and sign the current version."
            )
        )


def storage_contract_sign_household(
    *, contract, operator, scan, mark, pdf_sha256, confirmed
) -> StorageContract:
    """The household signed the printout at its station; the operator witnesses and uploads it
    (as for deals, R-DEAL-2)."""
    from contracts.documents.services.signing import sniff_scan

    if mark not in StorageContract.Mark.values:
        _refuse(_("Choose how the household signed: signature or fingerprint."), "mark")
    data, content_type = sniff_scan(scan)
    if not confirmed:
        _refuse(_("Confirm that the household signed in front of you at the station."), "confirmed")
    ext = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[content_type]
    name = contract.household_scan.field.generate_filename(
        contract, f"{contract.number}-household.{ext}"
    )
    stored_name = contract.household_scan.storage.save(name, ContentFile(data))
    try:
        with transaction.atomic():
            contract = StorageContract.objects.select_for_update().get(pk=contract.pk)
            _check_signable(contract, pdf_sha256)
            if contract.household_signed_at:
                raise WrongState(_("The household has already signed this contract."))
            contract.household_signed_at = timezone.now()
            contract.household_mark = mark
            contract.household_scan.name = stored_name
            contract.household_scan_sha256 = hashlib.sha256(data).hexdigest()
            contract.witnessed_by = operator
            contract.save()
            audit.record(
                action="storagecontract.household_signed",
                obj=contract,
                actor=operator,
                payload={
                    "mark": mark,
                    "pdf_sha256": contract.pdf_sha256,
                    "scan_sha256": contract.household_scan_sha256,
                },
            )
            _complete_if_signed(contract, actor=operator)
    except Exception:
        contract.household_scan.storage.delete(stored_name)
        raise
    return contract


def storage_contract_sign_centre(*, contract, user, pdf_sha256) -> StorageContract:
    """The storage operator signs for the centre (after reading the current PDF)."""
    with transaction.atomic():
        contract = StorageContract.objects.select_for_update().get(pk=contract.pk)
        _check_signable(contract, pdf_sha256)
        if contract.centre_signed_at:
            raise WrongState(_("The storage centre has already signed this contract."))
        contract.centre_signed_at = timezone.now()
        contract.centre_signed_by = user
        contract.save()
        audit.record(
            action="storagecontract.centre_signed",
            obj=contract,
            actor=user,
            payload={"pdf_sha256": contract.pdf_sha256},
        )
        _complete_if_signed(contract, actor=user)
    return contract


def _complete_if_signed(contract, *, actor):
    """Both signed: floors fixed, stored-land right, lease encumbrances, instalments (R-STORE-3)."""
    if not (contract.household_signed_at and contract.centre_signed_at):
        return
    now = timezone.now()
    offer = contract.offer
    lines = list(offer.lines.select_related("parcel__village__township"))
    centre = contract.storage_center
    right = Right.objects.create(
        right_type=RightType.STORED_LAND,
        certificate_number=contract.number,
        starts_on=contract.term_start,
        ends_on=contract.term_end,
    )
    right.parcels.set([line.parcel for line in lines])
    RightHolder.objects.create(right=right, storage_center=centre, share=Decimal(1))
    for line in lines:
        # the centre's lease on the household's parcel for the term (R-RIGHT-3 blocks listing it
        # again; the centre's own block listing is excused, R-STORE-5)
        lease = Encumbrance.objects.create(
            parcel=line.parcel,
            kind=Encumbrance.Kind.LEASE,
            counterparty=str(centre)[:100],
            starts_on=contract.term_start,
            ends_on=contract.term_end,
            note=_("Floor-price storage contract %(number)s (R-STORE-2)")
            % {"number": contract.number},
        )
        StoredParcel.objects.create(
            contract=contract,
            parcel=line.parcel,
            household=contract.household,
            storage_center=centre,
            township=line.parcel.village.township,
            land_class=line.land_class,
            area_mu=line.area_mu,
            floor_per_mu_year_fen=line.floor_per_mu_year_fen,
            annual_fen=line.annual_fen,
            term_start=contract.term_start,
            term_end=contract.term_end,
            lease=lease,
        )
    GuaranteeInstalment.objects.bulk_create(
        GuaranteeInstalment(
            contract=contract,
            household=contract.household,
            year_index=index,
            due_on=due_on,
            amount_fen=amount,
        )
        for index, due_on, amount in instalment_amounts(
            annual_fen_total=contract.annual_guarantee_fen,
            total_fen=contract.total_fen,
            term_start=contract.term_start,
            term_end=contract.term_end,
        )
    )
    contract.stored_right = right
    _transition(contract, "complete", actor=actor, at=now, payload={"stored_right": right.pk})
    if offer.deal_id:
        from contracts.models import Deal
        from contracts.services.common import transition as deal_transition

        deal = Deal.objects.select_for_update().get(pk=offer.deal_id)
        if deal.state == Deal.State.FAILED:
            deal_transition(deal, "mark_stored", actor=actor, payload={"contract": contract.number})
    first = contract.instalments.order_by("year_index").first()
    _instruct(first, actor=actor, at=now)  # the first year is paid at signing (R-STORE-3)
    transaction.on_commit(partial(_notify_signed, contract.pk))


def _notify_signed(contract_id):
    contract = StorageContract.objects.select_related("household").get(pk=contract_id)
    notify_users(
        recipients.contract_recipients(contract),
        subject=_("Storage contract %(number)s is signed") % {"number": contract.number},
        body=_("The first year's guarantee of %(annual)s is being paid to %(household)s.")
        % {
            "annual": format_yuan(fen_to_yuan(contract.instalments.first().total_fen)),
            "household": contract.household,
        },
        url=contract.get_absolute_url(),
    )


# ---------------------------------------------------------------- guarantees (R-STORE-3)


def _instruct(instalment, *, actor, at):
    """Post the year's guarantee to the household's account and instruct the payout."""
    contract = instalment.contract
    household = instalment.household
    key = ledger.account_key_for(GUARANTEE_ACCOUNT, household)
    fund = ledger.account_key_for(FUND_ACCOUNT, contract.storage_center)
    # The centre pays the guarantee and the households' surplus share (R-STORE-6) from its fund:
    # the block's rent itself reached the centre as transferor (its payout from the deal).
    lines = [(fund, instalment.total_fen, 0), (key, 0, instalment.total_fen)]
    if instalment.total_fen == 0:
        raise AlreadyPaid(_("This guarantee instalment is zero: nothing to pay."))
    ledger.post(
        memo=ledger.memo(
            _("Storage guarantee %(number)s year %(year)s for %(household)s"),
            number=contract.number,
            year=instalment.year_index,
            household=household,
        ),
        subject=instalment,
        lines=lines,
        actor=actor,
    )
    payout = payout_create(
        payee=household,
        amount_fen=instalment.total_fen,
        subject=instalment,
        purpose=ledger.memo(
            _("Storage guarantee %(number)s year %(year)s"),
            number=contract.number,
            year=instalment.year_index,
        ),
        actor=actor,
        account_key=key,
    )
    _transition(
        instalment,
        "instruct",
        actor=actor,
        payout=payout,
        at=at,
        payload={"amount_fen": instalment.amount_fen, "surplus_fen": instalment.surplus_fen},
    )
    return instalment


def guarantee_instalment_pay(*, instalment, actor=None, today=None) -> GuaranteeInstalment:
    """Instruct one due instalment; a second (or concurrent) call is refused (R-STORE-3)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        instalment = (
            GuaranteeInstalment.objects.select_for_update()
            .select_related("contract__storage_center", "household")
            .get(pk=instalment.pk)
        )
        if instalment.state != GuaranteeInstalment.State.SCHEDULED:
            raise AlreadyPaid(
                _(
                    "The guarantee for year %(year)s of %(number)s has already been paid (R-STORE-3)."
                )
                % {"year": instalment.year_index, "number": instalment.contract.number}
            )
        if instalment.due_on > today:
            raise WrongState(
                _("The guarantee for year %(year)s is due only on %(day)s (R-STORE-3).")
                % {"year": instalment.year_index, "day": cn_date_text(instalment.due_on)}
            )
        return _instruct(instalment, actor=actor, at=timezone.now())


def guarantees_instruct_due(*, today=None) -> int:
    """The beat job: instruct every instalment due by `today` (land let again or not)."""
    today = today or timezone.localdate()
    done = 0
    due = GuaranteeInstalment.objects.filter(
        state=GuaranteeInstalment.State.SCHEDULED,
        due_on__lte=today,
        contract__state=StorageContract.State.SIGNED,
    ).values_list("pk", flat=True)
    for pk in list(due):
        try:
            guarantee_instalment_pay(instalment=GuaranteeInstalment(pk=pk), today=today)
        except AlreadyPaid:
            continue
        done += 1
    return done


# ---------------------------------------------------------------- blocks (R-STORE-4)


def _geoms(stored):
    from listings.geometry import parse_polygon

    return {s.pk: parse_polygon(s.parcel.geometry) for s in stored if s.parcel.geometry}


def block_form(*, storage_center, stored_parcel_ids, name, actor=None):
    """Pool stored parcels into a block: one township, one connected whole (R-STORE-4).

    Refused naming the parcels of another township, those cut off from the rest, those without a
    polygon, already in a block, or not the centre's."""
    from . import conf
    from .models import Block

    ids = sorted({int(pk) for pk in stored_parcel_ids})
    if len(ids) < 2:
        _refuse(_("Parcels: a block needs at least two stored parcels (R-STORE-4)."), "parcels")
    if not (name or "").strip():
        _refuse(_("Block name: enter a name."), "name")
    with transaction.atomic():
        stored = list(
            StoredParcel.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("parcel", "township")
            .order_by("pk")
        )
        if len(stored) != len(ids) or any(s.storage_center_id != storage_center.pk for s in stored):
            _refuse(_("Parcels: some parcels are not stored by this storage centre."), "parcels")
        taken = [s for s in stored if s.block_id and s.block.state == Block.State.FORMED]
        if taken:
            _refuse(
                _("Parcels: %(parcels)s already belong to a block (R-STORE-4).")
                % {"parcels": "、".join(_parcel_label(s.parcel) for s in taken)},
                "parcels",
            )
        missing = [s for s in stored if not s.parcel.geometry]
        if missing:
            _refuse(
                _("Parcels: %(parcels)s have no registered polygon (R-RIGHT-2).")
                % {"parcels": "、".join(_parcel_label(s.parcel) for s in missing)},
                "parcels",
            )
        by_pk = {s.pk: s for s in stored}
        other, cut_off = block_problems_for(stored, county=storage_center.county_id)
        if other:
            _refuse(
                _(
                    "Parcels: %(parcels)s lie in another township than %(township)s; a block's "
                    "parcels lie in one township (R-STORE-4)."
                )
                % {
                    "parcels": "、".join(_parcel_label(by_pk[pk].parcel) for pk in sorted(other)),
                    "township": stored[0].township.name,
                },
                "parcels",
            )
        if cut_off:
            _refuse(
                _(
                    "Parcels: %(parcels)s are cut off from the rest of the block (not within "
                    "%(metres)s m of it); a block is one connected whole (R-STORE-4)."
                )
                % {
                    "parcels": "、".join(_parcel_label(by_pk[pk].parcel) for pk in sorted(cut_off)),
                    "metres": conf.contiguity_tolerance_m(county=storage_center.county_id),
                },
                "parcels",
            )
        block = Block.objects.create(
            name=name.strip(),
            storage_center=storage_center,
            county_id=storage_center.county_id,
            township=stored[0].township,
            area_mu=sum((s.area_mu for s in stored), Decimal(0)),
            floor_total_fen=sum(s.annual_fen for s in stored),
            formed_by=actor if actor is not None and actor.is_authenticated else None,
        )
        StoredParcel.objects.filter(pk__in=ids).update(block=block)
        audit.record(
            action="block.formed",
            obj=block,
            actor=actor,
            payload={"stored_parcels": ids, "floor_total_fen": block.floor_total_fen},
        )
    return block


def block_problems_for(stored, *, county):
    """(other township, cut off) stored-parcel pks of a would-be block (listings.blocks)."""
    from listings.blocks import block_problems

    from . import conf

    ordered = sorted(stored, key=lambda s: s.pk)
    geoms = _geoms(ordered)
    townships = {s.pk: s.township_id for s in ordered}
    # the township of the largest group is "home": report the others
    other, cut_off = block_problems(
        geoms, townships, tolerance_m=conf.contiguity_tolerance_m(county=county)
    )
    return other, cut_off


def block_suggestions(*, storage_center, limit=5):
    """The largest connected groups of stored parcels not yet in a block, per township."""
    from listings.blocks import blocks_suggest

    from . import conf

    today = timezone.localdate()
    stored = list(
        StoredParcel.objects.filter(
            storage_center=storage_center, term_end__gte=today, parcel__geometry__isnull=False
        )
        .filter(Q(block__isnull=True) | Q(block__state="dissolved"))
        .select_related("parcel", "township")
        .order_by("pk")
    )
    geoms = _geoms(stored)
    by_pk = {s.pk: s for s in stored}
    suggestions = blocks_suggest(
        ((pk, by_pk[pk].township_id, geom) for pk, geom in geoms.items()),
        tolerance_m=conf.contiguity_tolerance_m(county=storage_center.county_id),
        limit=limit,
    )
    return [
        {
            "township": by_pk[next(iter(group))].township,
            "stored": [by_pk[pk] for pk in sorted(group)],
        }
        for _township, group in suggestions
    ]


# ---------------------------------------------------------------- surplus (R-STORE-6)


def block_rent_record(*, block, year, rent_fen, actor=None, today=None, source=""):
    """Rent received for a let block for `year`: the surplus above the block's floors is shared
    with the households (rulebook share, default 50 %) pro rata by area (`split_fen`), each part
    added to the household's next scheduled guarantee instalment (R-STORE-6)."""
    from marketplace.money import split_fen

    from . import conf
    from .models import Block, BlockRent

    if isinstance(rent_fen, bool) or not isinstance(rent_fen, int) or rent_fen < 0:
        _refuse(_("Rent: enter the rent received in whole fen, not negative."), "rent_fen")
    today = today or timezone.localdate()
    with transaction.atomic():
        block = Block.objects.select_for_update().get(pk=block.pk)
        if block.state != Block.State.FORMED:
            raise WrongState(_("This block is dissolved."))
        if BlockRent.objects.filter(block=block, year=year).exists():
            _refuse(
                _("Rent: the rent of %(year)s is already recorded for block %(block)s.")
                % {"year": year, "block": block.name},
                "year",
            )
        floor = block.floor_total_fen
        surplus = max(0, rent_fen - floor)
        share = conf.surplus_share(county=block.county_id)
        households_fen = round_fen(Decimal(surplus) * share)
        rent = BlockRent.objects.create(
            block=block,
            year=year,
            rent_fen=rent_fen,
            floor_fen=floor,
            surplus_fen=surplus,
            share=share,
            households_fen=households_fen,
            source=source[:60],
            recorded_by=actor if actor is not None and actor.is_authenticated else None,
        )
        parts = {}
        if households_fen:
            stored = list(block.stored_parcels.order_by("pk"))
            by_area = split_fen(households_fen, {s.pk: s.area_mu for s in stored})
            for s in stored:
                parts[s.contract_id] = parts.get(s.contract_id, 0) + by_area[s.pk]
        for contract_id, part in parts.items():
            if not part:
                continue
            instalment = (
                GuaranteeInstalment.objects.select_for_update()
                .filter(
                    contract_id=contract_id,
                    state=GuaranteeInstalment.State.SCHEDULED,
                )
                .order_by("due_on")
                .first()
            )
            if instalment is None:
                _refuse(
                    _(
                        "Rent: a household of block %(block)s has no guarantee left to carry its "
                        "surplus share."
                    )
                    % {"block": block.name},
                    "year",
                )
            instalment.surplus_fen += part
            instalment.save(update_fields=["surplus_fen"])
        audit.record(
            action="block.rent_recorded",
            obj=block,
            actor=actor,
            payload={
                "year": year,
                "rent_fen": rent_fen,
                "floor_fen": floor,
                "surplus_fen": surplus,
                "households_fen": households_fen,
                "source": source,
                "shares_by_contract": {str(k): v for k, v in parts.items()},
                "rule": "R-STORE-6",
            },
        )
    return rent
