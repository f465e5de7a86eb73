"""Who is told about storage offers and contracts (reads only)."""

from django.db.models import Q

from marketplace.models import User


def station_operators(household):
    return User.objects.filter(
        role=User.Role.STATION_OPERATOR,
        is_active=True,
        station__township_id=household.village.township_id,
    )


def storage_operators(storage_center_id):
    return User.objects.filter(
        role=User.Role.STORAGE_OPERATOR, is_active=True, storage_center_id=storage_center_id
    )


def household_users(household):
    return User.objects.filter(role=User.Role.HOUSEHOLD, is_active=True, household=household)


def offer_recipients(offer):
    return User.objects.filter(
        Q(pk__in=station_operators(offer.household))
        | Q(pk__in=storage_operators(offer.storage_center_id))
        | Q(pk__in=household_users(offer.household))
    ).distinct()


def contract_recipients(contract):
    return offer_recipients(contract.offer)
