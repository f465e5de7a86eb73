"""Demo deals after award, driven through the real services (idempotent, keyed by listing number):

* 默戎镇 … 待签约: awarded to bidder1, contract ready, nobody has signed yet;
* 默戎镇 … 待付款: signed by the household (witnessed by `station`) and bidder2, awaiting payment;
* 默戎镇 … 已办结: signed, paid, settled, certificate issued by `staff` (verify page works).

Each is a negotiated deal (one qualified bidder) so that no auction has to run. The result
announcement of the completed one is moved into the past: the demo cannot wait 5 working days.
"""

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts import conf as contract_conf
from contracts import services as deal_services
from contracts.models import Deal, Deposit
from listings.grams import normalise, text_grams
from listings.models import Listing, Parcel, Right, RightHolder
from listings.services import listing_publish
from marketplace import workdays
from marketplace.models import Household, User
from marketplace.payments.testing import simulate_payment_succeeded

from . import services
from .models import Contract

PREFIX = "GP-433126-2026-C"
SCENARIOS = [
    # (suffix, title, area mu, price fen per mu-year, household index, bidder, target)
    ("0001", "默戎镇茶园35亩（待签约，演示）", "35", 52_000, 5, "bidder1", "signing"),
    ("0002", "默戎镇旱地28亩（待付款，演示）", "28", 48_000, 6, "bidder2", "payment"),
    ("0003", "默戎镇园地22亩（已办结，演示）", "22", 56_000, 7, "bidder3", "complete"),
]


def _households():
    return Household.objects.filter(
        village__township__county__code="433126", village__township__name="默戎镇"
    ).order_by("pk")


def _square(n, k):
    lon, lat, d = 109.93 + 0.004 * n + 0.0009 * k, 28.55, 0.0008
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _location(village) -> str:
    """坐落, as listings.services writes it for listings filed through the services."""
    return f"{village.township.county.name}{village.township.name}{village.name}"


def _listing(suffix, title, area, price_fen, household) -> Listing:
    village = household.village
    staff = User.objects.get(username="staff")
    parcels = []
    for k in range(2):  # two parcels, so the contract's table and map have something to show
        code = f"{village.full_code}98{int(suffix) * 10 + k:05d}"
        parcel, _ = Parcel.objects.get_or_create(
            code=code,
            defaults={
                "village": village,
                "group_code": "98",
                "name": f"{title.split('（')[0]}·{k + 1}号地",
                "area_mu": Decimal(area) / 2,
                "land_class": "dry_land",
                "boundary_east": "村道",
                "boundary_south": "小溪",
                "boundary_west": "山林" if k == 0 else f"{title.split('（')[0]}·1号地",
                "boundary_north": "茶园",
                "geometry": _square(int(suffix), k),
            },
        )
        parcels.append(parcel)
    right = Right.objects.create(
        right_type="contract",
        certificate_number=f"J{parcels[0].code[:12]}C",
        starts_on=dt.date(2018, 1, 1),
        ends_on=dt.date(2047, 12, 31),
    )
    right.parcels.set(parcels)
    RightHolder.objects.create(right=right, household=household)
    listing = Listing.objects.create(
        number=f"{PREFIX}{suffix}",
        title=title,
        description="演示挂牌项目：用于展示签约、付款、结算与交易鉴证书。",
        right=right,
        transferor_household=household,
        county=village.township.county,
        township=village.township,
        village=village,
        location=_location(village),
        search_text=normalise(f"{title} {_location(village)}"),
        search_grams=text_grams(normalise(f"{title} {_location(village)}")),
        area_mu=Decimal(area),
        land_class="dry_land",
        transfer_mode="lease",
        term_start=dt.date(2027, 1, 1),
        term_end=dt.date(2037, 1, 1),
        permitted_use="tea",
        price_unit="per_mu_year",
        listing_price_fen=price_fen,
        increment_fen=1_000,
        deposit_fen=100_000,
        filed_by=staff,
        reviewed_by=staff,
        state=Listing.State.APPROVED,
        right_type="land_management",
    )
    listing.parcels.set(parcels)
    return listing_publish(listing=listing, actor=staff)


def _award(listing, username) -> Deal:
    user = User.objects.get(username=username)
    registration = deal_services.registration_create(listing=listing, user=user)
    deposit = Deposit.objects.get(registration=registration)
    if deposit.payable_id:
        simulate_payment_succeeded(deposit.payable)
    Listing.objects.filter(pk=listing.pk).update(
        announcement_ends_at=timezone.now() - dt.timedelta(seconds=1)
    )
    deal = deal_services.deal_select_mode(deal=deal_services.deal_for_listing(listing))
    deal_services.negotiated_price_confirm(
        deal=deal, user=user, price_fen=listing.listing_price_fen
    )
    services.contract_generate(deal_id=deal.pk)  # the award's task, run now (idempotent)
    return Deal.objects.get(pk=deal.pk)


def _scan():
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (620, 877), "white")
    ImageDraw.Draw(image).text((40, 40), "signed scan (demo)", fill="black")
    out = BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("scan.png", out.getvalue(), content_type="image/png")


def _sign(deal, username):
    """Party A, then the transferee `username` online. A household signs on paper at the
    station (witnessed); the storage centre's operator `storage` signs online (R-STORE-5)."""
    contract = Contract.objects.exclude(state=Contract.State.VOID).get(deal=deal)
    if services.centre_held(contract):
        _sign_online(contract, User.objects.get(username="storage"))
    else:
        services.contract_sign_witnessed(
            contract=contract,
            operator=User.objects.get(username="station"),
            scan=_scan(),
            mark="fingerprint",
            pdf_sha256=contract.current.sha256,
            confirmed=True,
            ip="127.0.0.1",
        )
    _sign_online(contract, User.objects.get(username=username))
    services.contract_render_signed(contract_id=contract.pk)


def _sign_online(contract, user):
    code = services.signing_code_send(contract=contract, user=user)
    services.contract_sign_online(
        contract=contract,
        user=user,
        password=_demo_password(),
        code=code,
        pdf_sha256=contract.current.sha256,
        ip="127.0.0.1",
    )


def _demo_password():
    from marketplace.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _complete(deal):
    simulate_payment_succeeded(deal.settlements.get().payable)
    # R-DEAL-1: the certificate comes after the 成交公示 has run its working days. The demo
    # cannot wait, so the award is moved back far enough that the whole period lies in the past
    # (the public result page follows in cms.demo_results, which runs after the deals).
    days = contract_conf.get("RESULT_ANNOUNCEMENT_WORKDAYS", county=deal.listing.county_id)
    awarded_on = timezone.localdate() - dt.timedelta(days=2 * days + 4)
    awarded_at = workdays.deadline_at(awarded_on, 10)
    Deal.objects.filter(pk=deal.pk).update(
        mode_selected_at=awarded_at,
        awarded_at=awarded_at,
        result_announcement_ends_at=workdays.period_end(awarded_on, days),
    )
    certificate = services.certificate_issue(
        deal=Deal.objects.get(pk=deal.pk), actor=User.objects.get(username="staff")
    )
    services.certificate_render(certificate_id=certificate.pk)
    return certificate


def seed(log) -> None:
    households = list(_households())
    for suffix, title, area, price, index, bidder, target in SCENARIOS:
        existing = Listing.objects.filter(number=f"{PREFIX}{suffix}").first()
        if existing is not None:
            deal = Deal.objects.filter(listing=existing).first()
            log(f"contracts: {existing.number} already seeded ({deal.get_state_display()})")
            continue
        household = households[index % len(households)]
        deal = _award(_listing(suffix, title, area, price, household), bidder)
        if target in ("payment", "complete"):
            _sign(deal, bidder)
        if target == "complete":
            certificate = _complete(deal)
            log(f"contracts: {deal.number} complete, certificate {certificate.number}")
        else:
            log(f"contracts: {deal.number} {Deal.objects.get(pk=deal.pk).get_state_display()}")
