"""Reads of contracts and settlement, scoped to who asks."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from contracts.models import Deal
from marketplace.models import User

from .models import Certificate, Contract, DealDocument, Notification, RentInstalment, Settlement
from .services.signing import can_witness

STAFF_STATES = [
    Deal.State.AWARDED,
    Deal.State.SIGNING,
    Deal.State.PAYMENT,
    Deal.State.SETTLED,
    Deal.State.COMPLETE,
    Deal.State.DEFAULTED,
]


def is_staff_reader(user) -> bool:
    return user.is_authenticated and (user.is_exchange_staff or user.role == User.Role.AUDITOR)


def _in_scope(user, deal) -> bool:
    return not user.county_id or user.county_id == deal.listing.county_id


def contract_get(*, number) -> Contract:
    contract = (
        Contract.objects.select_related(
            "deal__listing__county",
            "deal__listing__township",
            "deal__listing__transferor_household",
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
    if user.enterprise_id != contract.transferee_id and not is_staff_reader(user):
        raise PermissionDenied
    return contract


def contract_get_for_station(*, number, user) -> Contract:
    contract = contract_get(number=number)
    if not can_witness(contract, user) and not is_staff_reader(user):
        raise PermissionDenied
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

    return qs.filter(
        Q(deal__listing__station_id=user.station_id)
        | Q(
            deal__listing__station__isnull=True, deal__listing__township_id=user.station.township_id
        )
    ).order_by("sign_by")


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
    if deal.transferee_id != user.enterprise_id and not is_staff_reader(user):
        raise PermissionDenied
    settlement = (
        Settlement.objects.filter(deal=deal, contract__transferee_id=deal.transferee_id)
        .select_related("payable", "payout", "contract")
        .order_by("-created_at")
        .first()
    )
    return deal, settlement


def deal_readable_by(user, deal) -> bool:
    """Staff and auditors (in their county), the transferee of any of the deal's contracts,
    the witnessing station's operators and the transferor household read a deal's documents."""
    if not user.is_authenticated:
        return False
    if is_staff_reader(user) and _in_scope(user, deal):
        return True
    contracts = Contract.objects.filter(deal=deal)
    if (
        user.role == User.Role.AGRIBUSINESS
        and contracts.filter(transferee_id=user.enterprise_id).exists()
    ):
        return True
    if any(can_witness(c, user) for c in contracts):
        return True
    household = deal.listing.transferor_household
    return household is not None and getattr(user, "household_id", None) == household.pk


def document_get_for_user(*, pk, user) -> DealDocument:
    doc = DealDocument.objects.select_related("deal__listing").filter(pk=pk).first()
    if doc is None:
        raise Http404
    if not deal_readable_by(user, doc.deal):
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


def notifications_for(user, limit=50):
    return Notification.objects.filter(recipient=user)[:limit]


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def rent_schedule_for(deal):
    return RentInstalment.objects.filter(deal=deal).select_related("payable").order_by("sequence")
