"""The facts a contract is generated from, read from the deal (never retyped), and the check of
the ten items 农村土地经营权流转管理办法 art.19 requires before a contract may be issued."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from listings.geometry import round_mu
from listings.models import PaymentSchedule, PriceUnit
from marketplace.choices import TransferMode
from marketplace.money import round_half_up
from valuation.formulas import term_years

from .models import Contract, ContractTerms

# art.19 items in the order of the regulation: (code, label).
ART19_ITEMS = [
    ("parties", _("the parties (names, addresses, contact details)")),
    ("parcels", _("the parcels (name, four boundaries, area, grade, type, parcel code)")),
    ("term", _("the term and its start and end dates")),
    ("mode", _("the transfer mode")),
    ("use", _("the use of the land")),
    ("rights_duties", _("the rights and duties of both parties")),
    ("price_payment", _("the price or dividend, and how and when it is paid")),
    ("attachments", _("the treatment of attachments and facilities at expiry")),
    ("expropriation", _("who receives the compensation if the land is expropriated")),
    ("liability", _("liability for breach of contract")),
]
ART19_LABELS = dict(ART19_ITEMS)

TEMPLATE_FOR_MODE = {
    TransferMode.LEASE: Contract.Template.LEASE,
    TransferMode.SUBLEASE: Contract.Template.LEASE,
    TransferMode.SHARES: Contract.Template.SHARES,
    TransferMode.FOREST_TRANSFER: Contract.Template.FOREST,
}


@dataclass
class Party:
    kind: str  # household | collective | storage_center | enterprise
    name: str
    id_label: str
    id_number: str
    representative: str
    address: str
    phone: str
    obj: object = None


@dataclass
class Facts:
    deal: object
    listing: object
    number: str
    template: str | None
    transferor: Party
    transferee: Party
    collective_name: str
    parcels: list
    area_mu: Decimal
    term_start: object
    term_end: object
    term_years: Decimal
    mode_label: str
    use_label: str
    price_fen: int | None
    price_unit: str
    annual_rent_fen: int | None
    total_value_fen: int | None
    payment_schedule: str
    payment_schedule_label: str
    due_now_fen: int | None
    terms: ContractTerms | None
    shares: Decimal | None = None
    missing: list = field(default_factory=list)

    @property
    def is_lease(self):
        return self.template == Contract.Template.LEASE

    @property
    def mode_is_sublease(self):
        return self.listing.transfer_mode == TransferMode.SUBLEASE


def village_path(village) -> str:
    township = village.township
    return f"{township.county.name}{township.name}{village.name}"


def transferor_party(listing) -> Party:
    household = listing.transferor_household
    if household is not None:
        return Party(
            "household",
            household.name,
            "身份证号码",
            household.id_number,
            household.name,
            household.current_address or village_path(household.village),
            household.phone,
            household,
        )
    collective = listing.transferor_collective
    if collective is not None:
        return Party(
            "collective",
            collective.name,
            "统一社会信用代码",
            collective.uscc,
            collective.representative,
            village_path(collective.village),
            collective.phone,
            collective,
        )
    center = listing.transferor_storage_center
    return Party(
        "storage_center",
        center.name if center else "",
        "",
        "",
        "",
        center.address if center else "",
        center.phone if center else "",
        center,
    )


def transferee_party(enterprise) -> Party:
    if enterprise.is_natural_person:
        id_label, id_number = "身份证号码", enterprise.id_number
    else:
        id_label, id_number = "统一社会信用代码", enterprise.uscc
    return Party(
        "enterprise",
        enterprise.name,
        id_label,
        id_number,
        enterprise.legal_representative,
        enterprise.address,
        enterprise.contact_phone,
        enterprise,
    )


def parcel_row(parcel) -> dict:
    remarks = []
    if parcel.is_basic_farmland:
        remarks.append("永久基本农田")
    if parcel.forest_class:
        remarks.append(parcel.get_forest_class_display())
    if parcel.dominant_species:
        remarks.append(f"优势树种{parcel.dominant_species}")
    if parcel.age_class:
        remarks.append(parcel.get_age_class_display())
    if parcel.stock_volume_m3:
        remarks.append(f"蓄积{parcel.stock_volume_m3}m³")
    grade = parcel.get_land_class_display()
    return {
        "place": f"{parcel.village.name}{int(parcel.group_code)}组 {parcel.name}",
        "code": parcel.code,
        "east": parcel.boundary_east,
        "south": parcel.boundary_south,
        "west": parcel.boundary_west,
        "north": parcel.boundary_north,
        "area_mu": parcel.area_mu,
        "grade": grade,
        "remarks": "；".join(str(r) for r in remarks),
        "geometry": parcel.geometry,
    }


def terms_for(county) -> ContractTerms:
    """The county's clauses, else the exchange-wide row, else the built-in defaults."""
    from .defaults import DEFAULT_TERMS

    return (
        ContractTerms.objects.filter(county=county).first()
        or ContractTerms.objects.filter(county__isnull=True).first()
        or ContractTerms(county=None, **DEFAULT_TERMS)
    )


def due_now_fen(deal) -> int | None:
    """R-DEAL-3: what is due on signing: first year's rent, three years', or the total."""
    listing = deal.listing
    total = deal.total_value_fen
    if total is None:
        return None
    if deal.price_unit == PriceUnit.TOTAL or deal.annual_rent_fen is None:
        return total
    if listing.payment_schedule == PaymentSchedule.LUMP_SUM:
        return total
    years = 3 if listing.payment_schedule == PaymentSchedule.EVERY_THREE_YEARS else 1
    return min(total, deal.annual_rent_fen * years)


def contract_facts(deal, *, registration, number) -> Facts:
    listing = deal.listing
    parcels = list(listing.parcels.select_related("village__township__county").order_by("code"))
    collective = getattr(listing.village, "collective", None)
    template = TEMPLATE_FOR_MODE.get(listing.transfer_mode)
    years = term_years(listing.term_start, listing.term_end)
    facts = Facts(
        deal=deal,
        listing=listing,
        number=number,
        template=template,
        transferor=transferor_party(listing),
        transferee=transferee_party(registration.enterprise),
        collective_name=collective.name if collective else "",
        parcels=[parcel_row(p) for p in parcels],
        area_mu=sum((p.area_mu for p in parcels), Decimal(0)),
        term_start=listing.term_start,
        term_end=listing.term_end,
        term_years=round_half_up(years, 2),  # shown on the page; totals use the exact term
        mode_label=listing.get_transfer_mode_display(),
        use_label=listing.get_permitted_use_display() if listing.permitted_use else "",
        price_fen=deal.price_fen,
        price_unit=deal.price_unit,
        annual_rent_fen=deal.annual_rent_fen,
        total_value_fen=deal.total_value_fen,
        payment_schedule=listing.payment_schedule,
        payment_schedule_label=listing.get_payment_schedule_display(),
        due_now_fen=due_now_fen(deal),
        terms=terms_for(listing.county),
    )
    if template == Contract.Template.SHARES:
        facts.shares = round_mu(facts.area_mu, 2)
    facts.missing = missing_items(facts)
    return facts


def _blank(*values) -> bool:
    return any(not (str(v).strip() if v is not None else "") for v in values)


def missing_items(facts: Facts) -> list[str]:
    """The art.19 items the deal's data does not supply (codes of ART19_ITEMS, in order)."""
    missing = []
    a, b = facts.transferor, facts.transferee
    if _blank(
        a.name, a.address, a.phone, b.name, b.id_number, b.representative, b.address, b.phone
    ):
        missing.append("parties")
    if not facts.parcels or any(
        _blank(p["code"], p["east"], p["south"], p["west"], p["north"], p["grade"])
        or not p["area_mu"]
        or p["area_mu"] <= 0
        for p in facts.parcels
    ):
        missing.append("parcels")
    if not facts.term_start or not facts.term_end or facts.term_end <= facts.term_start:
        missing.append("term")
    if not facts.listing.transfer_mode:
        missing.append("mode")
    if not facts.use_label:
        missing.append("use")
    if facts.template is None:
        missing.append("rights_duties")
    if not facts.price_fen or not facts.total_value_fen or not facts.payment_schedule:
        missing.append("price_payment")
    terms = facts.terms
    if terms is None or _blank(terms.attachments_at_expiry):
        missing.append("attachments")
    if terms is None or _blank(terms.expropriation_compensation):
        missing.append("expropriation")
    if terms is None or not terms.penalty_per_day_per_10k or _blank(terms.dispute_resolution):
        missing.append("liability")
    return missing


def missing_labels(codes) -> list[str]:
    return [str(ART19_LABELS[c]) for c in codes if c in ART19_LABELS]
