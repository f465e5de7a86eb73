"""Factories of the rights registry and listings (built on the kernel factories)."""

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from listings import models
from tests import factories as kernel

# A 20 m × 20 m square near 古丈 (lon 109.95, lat 28.6), scaled by `size`.
BASE_LON, BASE_LAT = Decimal("109.95"), Decimal("28.60")


def square(lon=BASE_LON, lat=BASE_LAT, size_deg="0.0005"):
    d = Decimal(size_deg)
    lon, lat = Decimal(str(lon)), Decimal(str(lat))
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [[[float(x), float(y)] for x, y in ring]]}


class ParcelFactory(DjangoModelFactory):
    class Meta:
        model = models.Parcel

    village = factory.SubFactory(kernel.VillageFactory)
    group_code = "01"
    code = factory.LazyAttributeSequence(
        lambda o, n: f"{o.village.full_code}{o.group_code}{n % 100000:05d}"
    )
    name = factory.Sequence(lambda n: f"茶园{n}号地")
    area_mu = Decimal("10.0000")
    land_class = "dry_land"
    boundary_east = "张家地"
    boundary_south = "机耕路"
    boundary_west = "小溪"
    boundary_north = "山脚"


class RightFactory(DjangoModelFactory):
    class Meta:
        model = models.Right
        skip_postgeneration_save = True

    right_type = "contract"
    certificate_number = factory.Sequence(lambda n: f"J433126{n:08d}")
    starts_on = dt.date(2018, 1, 1)
    ends_on = dt.date(2047, 12, 31)

    @factory.post_generation
    def parcels(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.parcels.set(extracted)


class RightHolderFactory(DjangoModelFactory):
    class Meta:
        model = models.RightHolder

    right = factory.SubFactory(RightFactory)
    household = factory.SubFactory(kernel.HouseholdFactory)
    share = Decimal("1")


class EncumbranceFactory(DjangoModelFactory):
    class Meta:
        model = models.Encumbrance

    parcel = factory.SubFactory(ParcelFactory)
    kind = models.Encumbrance.Kind.MORTGAGE
    counterparty = "古丈县农商银行"
    starts_on = dt.date(2024, 1, 1)


class EntrustmentFactory(DjangoModelFactory):
    class Meta:
        model = models.Entrustment

    household = factory.SubFactory(kernel.HouseholdFactory)
    station = factory.SubFactory(kernel.ServiceStationFactory)
    matters = "挂牌流转土地经营权"
    authority = "代为挂牌、接收通知"
    valid_from = factory.LazyFunction(timezone.localdate)
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=365))
    scan = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 test", name="entrustment.pdf"))
    consent_method = "fingerprint"
    consented_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(kernel.UserFactory)


def valuation_report(*, listing=None, county=None, reference_yuan=400, valuer=None, **extra):
    """A valuation report (R-VAL-3) as the valuation app stores it, for the listing's subject."""
    from valuation.models import ValuationReport

    county = county or listing.county
    return ValuationReport.objects.create(
        subject_label=f"{listing.number if listing else ''} 评估",
        county=county,
        township=listing.township if listing else None,
        land_class=listing.land_class if listing else "dry_land",
        area_mu=listing.area_mu if listing else Decimal("10"),
        term_years=Decimal("10"),
        method="income_capitalisation",
        inputs={},
        formula_version="test",
        value_fen=reference_yuan * 100 * 10,
        reference_price_per_mu_year_fen=reference_yuan * 100,
        valuer=valuer or kernel.UserFactory(role="exchange_staff"),
        **extra,
    )
