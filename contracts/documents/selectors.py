"""Reads of contracts and settlement, scoped to who asks."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from contracts.models import Deal
from marketplace import permissions as policy
from marketplace.models import User

from .models import (
    Certificate,
    Contract,
    DealDocument,
    RentInstalment,
    Settlement,
    Signature,
)

STAFF_STATES = [
    Deal.State.AWARDED,
    Deal.State.SIGNING,
    Deal.State.PAYMENT,
    Deal.State.SETTLED,
    Deal.State.COMPLETE,
    Deal.State.DEFAULTED,
]


def is_staff_reader(user) -> bool:
    """Staff and auditors (the policy's `marketplace.read_staff_pages`)."""
    return bool(policy.is_staff_reader(user))


def _in_scope(user, deal) -> bool:
    return bool(policy.in_users_county(user, deal))


def contract_get(*, number) -> Contract:
    contract = (
        Contract.objects.select_related(
            "deal__listing__county",
            "deal__listing__township",
            "deal__listing__transferor_household",
            "deal__listing__transferor_storage_center",
            "transferee",
            "current",
            "final",
        )
        .filter(number=number)
        .first()
    )
    if contract is None:
        raise Http404
    return contract


def contract_get_for_transferee(*, number, user) -> Contract:
    contract = contract_get(number=number)
    policy.require(user, "contract_documents.read_contract", contract)
    return contract


def contract_get_for_station(*, number, user) -> Contract:
    contract = contract_get(number=number)
    policy.require(user, "contract_documents.read_station_contract", contract)
    return contract


def contracts_for_enterprise(user):
    return (
        Contract.objects.filter(transferee_id=user.enterprise_id)
        .select_related("deal__listing", "current", "final")
        .order_by("-created_at")
    )


def contracts_for_station(user):
    """Contracts of the station's listings awaiting (or having) the household's signature."""
    qs = Contract.objects.filter(
        state__in=[Contract.State.READY, Contract.State.SIGNED]
    ).select_related("deal__listing__transferor_household", "current", "transferee")
    if user.station_id is None:
        return qs.none()
    from django.db.models import Q

    return (
        qs.filter(
            Q(deal__listing__station_id=user.station_id)
            | Q(
                deal__listing__station__isnull=True,
                deal__listing__township_id=user.station.township_id,
            )
        )
        # the storage centre signs its own contracts online: no station witnesses (R-STORE-5)
        .filter(deal__listing__transferor_storage_center__isnull=True)
        .order_by("sign_by")
    )


def contracts_for_storage_centre(user):
    """Lease contracts whose transferor (Party A) is the storage operator's centre: its blocks
    let through the exchange (R-STORE-5), awaiting (or having) the centre's signature."""
    if not policy.is_storage_operator(user) or user.storage_center_id is None:
        return Contract.objects.none()
    return (
        Contract.objects.filter(
            state__in=[Contract.State.READY, Contract.State.SIGNED],
            deal__listing__transferor_storage_center_id=user.storage_center_id,
        )
        .select_related("deal__listing", "current", "final", "transferee")
        .order_by("sign_by")
    )


def deal_get_for_staff(*, number, user) -> Deal:
    deal = (
        Deal.objects.select_related("listing__county", "transferee", "winner")
        .filter(number=number)
        .first()
    )
    if deal is None or not _in_scope(user, deal):
        raise Http404
    return deal


def deals_for_staff(user, *, state=None):
    qs = Deal.objects.filter(state__in=STAFF_STATES).select_related("listing__county", "transferee")
    if user.county_id:
        qs = qs.filter(listing__county_id=user.county_id)
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-awarded_at")


def deal_for_payer(*, number, user) -> tuple[Deal, Settlement | None]:
    deal = Deal.objects.select_related("listing", "transferee").filter(number=number).first()
    if deal is None:
        raise Http404
    policy.require(user, "contract_documents.read_payment", deal)
    settlement = (
        Settlement.objects.filter(deal=deal, contract__transferee_id=deal.transferee_id)
        .select_related("payable", "payout", "contract")
        .order_by("-created_at")
        .first()
    )
    return deal, settlement


def deal_readable_by(user, deal) -> bool:
    """Staff and auditors (in their county), the transferee of any of the deal's contracts,
    the witnessing station's operators and the transferor household read a deal's documents
    (the policy's `contract_documents.read_deal_documents`)."""
    return user.is_authenticated and user.has_perm("contract_documents.read_deal_documents", deal)


def _as_transferee_only(user, deal) -> bool:
    """An agribusiness reads a deal as a transferee only: its own contracts' documents, and the
    certificate (with its notices) only when issued on its contract (R-DEAL-5: a defaulted
    winner keeps a void contract on the deal, not the runner-up's documents)."""
    return user.role == User.Role.AGRIBUSINESS and not (
        is_staff_reader(user) and _in_scope(user, deal)
    )


def _own_document(user, doc) -> bool:
    mine = Contract.objects.filter(deal_id=doc.deal_id, transferee_id=user.enterprise_id)
    if doc.kind == DealDocument.Kind.CONTRACT:
        return any(doc in docs for docs in contract_versions(doc.deal, list(mine)).values())
    if doc.kind == DealDocument.Kind.CONTRACT_FINAL:
        return mine.filter(final_id=doc.pk).exists()
    return Certificate.objects.filter(
        deal_id=doc.deal_id, contract__transferee_id=user.enterprise_id
    ).exists()


def document_get_for_user(*, pk, user) -> DealDocument:
    doc = DealDocument.objects.select_related("deal__listing").filter(pk=pk).first()
    if doc is None:
        raise Http404
    if not deal_readable_by(user, doc.deal):
        raise PermissionDenied
    if _as_transferee_only(user, doc.deal) and not _own_document(user, doc):
        raise PermissionDenied
    return doc


def certificate_get_for_user(*, number, user) -> Certificate:
    cert = (
        Certificate.objects.select_related("deal__listing", "contract", "document")
        .filter(number=number)
        .first()
    )
    if cert is None:
        raise Http404
    if not deal_readable_by(user, cert.deal):
        raise PermissionDenied
    if _as_transferee_only(user, cert.deal) and cert.contract.transferee_id != user.enterprise_id:
        raise PermissionDenied
    return cert


def certificate_public(*, number) -> Certificate:
    cert = (
        Certificate.objects.select_related(
            "deal__listing__county",
            "deal__listing__township",
            "deal__listing__village",
            "deal__listing__transferor_household",
            "deal__transferee",
            "document",
            "contract__final",
        )
        .filter(number=number)
        .first()
    )
    if cert is None:
        raise Http404
    return cert


def contracts_readable(*, number, user) -> tuple[Deal, list[Contract]]:
    """A deal's contracts for the API: all of them for staff (in scope), the household and its
    station; an agribusiness only its own (the deal's earlier or later transferees' are not)."""
    deal = Deal.objects.select_related("listing").filter(number=number).first()
    if deal is None:
        raise Http404
    if not deal_readable_by(user, deal):
        raise PermissionDenied
    contracts = Contract.objects.filter(deal=deal).select_related("transferee", "current", "final")
    if (
        not (is_staff_reader(user) and _in_scope(user, deal))
        and user.role == User.Role.AGRIBUSINESS
    ):
        contracts = contracts.filter(transferee_id=user.enterprise_id)
    return deal, list(contracts.order_by("created_at", "pk"))


def contract_versions(deal, contracts) -> dict[int, list[DealDocument]]:
    """Contract PDFs by contract: each version belongs to the latest contract created before it
    (a runner-up's contract is created, then rendered, after the defaulted one)."""
    ordered = sorted(
        Contract.objects.filter(deal=deal).only("pk", "created_at"),
        key=lambda c: (c.created_at, c.pk),
    )
    wanted = {c.pk for c in contracts}
    out: dict[int, list[DealDocument]] = {pk: [] for pk in wanted}
    docs = DealDocument.objects.filter(deal=deal, kind=DealDocument.Kind.CONTRACT).order_by(
        "version"
    )
    for doc in docs:
        owner = None
        for contract in ordered:
            if contract.created_at <= doc.created_at:
                owner = contract.pk
        if owner in wanted:
            out[owner].append(doc)
    return out


def signatures_by_document(contracts) -> dict[int, list[Signature]]:
    out: dict[int, list[Signature]] = {}
    rows = Signature.objects.filter(contract__in=contracts).order_by("signed_at", "pk")
    for signature in rows:
        out.setdefault(signature.document_id, []).append(signature)
    return out


def certificate_public_facts(*, number) -> dict:
    """What the public verification shows: no ID numbers, a household's name masked (张**), a
    natural-person transferee's too; the facts as fixed at issue."""
    from marketplace.models import mask_name
    from marketplace.money import fen_to_yuan

    from .services.certificates import notice_snapshot

    certificate = certificate_public(number=number)
    deal = certificate.deal
    listing = deal.listing
    facts = certificate.notice_facts or notice_snapshot(certificate)
    transferor = facts["transferor"]
    if listing.transferor_household_id:
        transferor = f"村民 {mask_name(transferor)}"  # R-LIST-7, as on the listing pages
    transferee = facts["transferee"]
    if deal.transferee is not None and deal.transferee.is_natural_person:
        transferee = mask_name(transferee)
    total = deal.total_value_fen
    return {
        "number": certificate.number,
        "issued_at": certificate.issued_at,
        "deal": deal.number,
        "listing": f"{listing.number} {listing.title}",
        "location": f"{listing.county.name}{listing.township.name}{listing.village.name}",
        "transferor": transferor,
        "transferee": transferee,
        "parcels": [{"code": p["code"], "area_mu": p["area_mu"]} for p in facts["parcels"]],
        "transfer_mode": facts["mode"],
        "term_start": facts["term_start"],
        "term_end": facts["term_end"],
        "total_value_yuan": None if total is None else str(fen_to_yuan(total)),
        "awarded_at": deal.awarded_at,
        "sha256": certificate.document.sha256 if certificate.document_id else None,
    }


def rent_schedule_for(deal):
    return RentInstalment.objects.filter(deal=deal).select_related("payable").order_by("sequence")
