"""A township with its station, operator, a household and its contract right over two parcels.

Shared by the listings, cms and browser tests: `make_scene()` and `publish(scene, staff)`.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from listings import services
from tests import factories as kernel
from tests.listings import factories as f


@dataclass
class Scene:
    county: object
    township: object
    village: object
    station: object
    operator: object
    household: object
    parcels: list
    right: object
    entrustment: object

    def terms(self, **overrides):
        terms = {
            "title": "古丈毛尖茶园流转",
            "description": "向阳坡地，适宜种茶",
            "transfer_mode": "lease",
            "term_start": dt.date(2027, 1, 1),
            "term_end": dt.date(2036, 12, 31),
            "permitted_use": "tea",
            "price_unit": "per_mu_year",
            "listing_price_fen": 500_00,
            "increment_fen": 10_00,
        }
        terms.update(overrides)
        return terms

    def file(self, **overrides):
        parcels = overrides.pop("parcels", self.parcels)
        return services.listing_create(
            actor=overrides.pop("actor", self.operator),
            right=overrides.pop("right", self.right),
            parcels=parcels,
            household=overrides.pop("household", self.household),
            entrustment=overrides.pop("entrustment", self.entrustment),
            **self.terms(**overrides),
        )


def make_scene(county_code="433126", township_name="默戎镇", household_name="张三丰"):
    county = kernel.CountyFactory(code=county_code)
    township = kernel.TownshipFactory(county=county, name=township_name, code="003")
    village = kernel.VillageFactory(township=township, name="龙坪村", code="001")
    station = kernel.ServiceStationFactory(township=township)
    operator = kernel.OperatorFactory(station=station)
    household = kernel.HouseholdFactory(village=village, name=household_name)
    parcels = [
        f.ParcelFactory(village=village, geometry=f.square(), area_mu=Decimal("5.9")),
        f.ParcelFactory(
            village=village, geometry=f.square(lon=Decimal("109.9505")), area_mu=Decimal("5.9")
        ),
    ]
    right = f.RightFactory(parcels=parcels)
    f.RightHolderFactory(right=right, household=household)
    entrustment = f.EntrustmentFactory(household=household, station=station, recorded_by=operator)
    return Scene(
        county, township, village, station, operator, household, parcels, right, entrustment
    )


def publish(scene, staff, **terms):
    """File, submit, value, approve and publish a listing of the scene."""
    listing = scene.file(**terms)
    listing = services.listing_submit(listing=listing, actor=scene.operator)
    report = f.valuation_report(listing=listing, reference_yuan=400)
    listing = services.listing_attach_valuation_report(listing=listing, report=report, actor=staff)
    listing = services.listing_approve(listing=listing, actor=staff)
    return services.listing_publish(listing=listing, actor=staff)
