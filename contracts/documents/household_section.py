"""The household page's section of deals (issue 13): who rents which parcel until when, the
contracts and certificates, and each rent instalment — paid (and paid out), due or overdue."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from contracts.models import Deal
from marketplace.money import fen_to_yuan

from .models import Contract, RentInstalment


def _may_sign(contract, user) -> bool:
    """The household's own login may sign this contract online now (issue 13)."""
    from .models import Signature
    from .services import online_party, signed_parties

    return (
        contract.state == Contract.State.READY
        and online_party(contract, user) == Signature.Party.TRANSFEROR
        and Signature.Party.TRANSFEROR not in signed_parties(contract)
    )


def deals_section(household, user):
    deals = list(
        Deal.objects.filter(listing__transferor_household=household)
        .select_related("listing", "transferee")
        .order_by("-id")[:20]
    )
    if not deals:
        return None
    today = timezone.localdate()
    contracts = {
        c.deal_id: c
        for c in Contract.objects.filter(deal__in=deals).exclude(state=Contract.State.VOID)
    }
    instalments = []
    for row in RentInstalment.objects.filter(deal__in=deals).select_related("deal"):
        if row.state == RentInstalment.State.PAID:
            status = "paid"
        elif row.due_on < today:
            status = "overdue"
        else:
            status = "due"
        instalments.append({"row": row, "status": status, "yuan": fen_to_yuan(row.amount_fen)})
    rows = []
    for deal in deals:
        contract = contracts.get(deal.pk)
        rows.append(
            {
                "deal": deal,
                "contract": contract,
                "certificate": getattr(deal, "certificate", None),
                "may_sign": contract is not None and _may_sign(contract, user),
            }
        )
    return {
        "template": "contract_documents/household/section.html",
        "rows": rows,
        "instalments": instalments,
        "overdue": sum(1 for i in instalments if i["status"] == "overdue"),
    }


# Deals in which the transferee holds the land: the contract is signed (paid or not yet).
LET = (Deal.State.PAYMENT, Deal.State.SETTLED, Deal.State.COMPLETE)
# Awarded, the contract not yet signed by both.
AWARDED = (Deal.State.AWARDED, Deal.State.SIGNING)


def _parcels_of(household):
    """The parcels of the household's rights and of its listings, by parcel code."""
    from listings.models import Parcel

    return list(
        Parcel.objects.filter(
            Q(rights__holders__household=household) | Q(listings__transferor_household=household)
        )
        .distinct()
        .select_related("village")
        .order_by("code")[:40]
    )


def _tenancies(household, parcels):
    """parcel id -> who holds it from the household, until when (deals and storage)."""
    out = {}
    deals = (
        Deal.objects.filter(
            listing__transferor_household=household,
            listing__parcels__in=parcels,
            state__in=LET + AWARDED,
        )
        .select_related("listing", "transferee")
        .prefetch_related("listing__parcels")
        .distinct()
    )
    for deal in deals:
        for parcel in deal.listing.parcels.all():
            out[parcel.pk] = {
                "holder": deal.transferee.name if deal.transferee_id else "—",
                "start": deal.listing.term_start,
                "end": deal.listing.term_end,
                "deal": deal,
                "let": deal.state in LET,
            }
    from contracts.storage.models import StorageContract

    stored = (
        StorageContract.objects.filter(household=household, state=StorageContract.State.SIGNED)
        .select_related("storage_center", "offer")
        .prefetch_related("offer__lines")
    )
    for contract in stored:
        for line in contract.offer.lines.all():
            out.setdefault(
                line.parcel_id,
                {
                    "holder": contract.storage_center.name,
                    "start": contract.term_start,
                    "end": contract.term_end,
                    "deal": None,
                    "let": True,
                },
            )
    return out


def land_section(household, user):
    """The household's parcels on a map (server-drawn SVG), each with its right and who holds it
    from the household until when (issue 13, R-RIGHT-2)."""
    from listings.geometry import render_svg

    parcels = _parcels_of(household)
    if not parcels:
        return None
    tenancies = _tenancies(household, parcels)
    rights = {}
    for parcel in parcels:
        rights[parcel.pk] = (
            parcel.rights.filter(holders__household=household).order_by("-ends_on").first()
        )
    rows = [
        {
            "n": n,
            "parcel": parcel,
            "right": rights.get(parcel.pk),
            "tenancy": tenancies.get(parcel.pk),
        }
        for n, parcel in enumerate(parcels, start=1)
    ]
    items = [
        {
            "geometry": row["parcel"].geometry,
            "label": str(row["n"]),
            "css": "parcel let" if row["tenancy"] else "parcel",
        }
        for row in rows
        if row["parcel"].geometry
    ]
    title = _("Parcels of %(household)s") % {"household": household.name}
    return {
        "template": "contract_documents/household/land.html",
        "pdf_template": "contract_documents/household/land_pdf.html",
        "rows": rows,
        "map_svg": render_svg(items, title=title),
        "pdf_map_svg": render_svg(items, width=480, height=300, padding=10, title=title),
        "let": sum(1 for row in rows if row["tenancy"] and row["tenancy"]["let"]),
    }


def rent_money(household, today):
    """Rent the transferee has not paid yet (the household page's "due next" and "overdue")."""
    from marketplace.household_sections import Expected

    rows = RentInstalment.objects.filter(deal__listing__transferor_household=household).exclude(
        state=RentInstalment.State.PAID
    )
    for row in rows.select_related("deal"):
        yield Expected(
            what=_("Rent %(deal)s, instalment %(n)s")
            % {"deal": row.deal.number, "n": row.sequence},
            due_on=row.due_on,
            amount_fen=row.amount_fen,
            status="overdue" if row.due_on < today else "due",
        )
