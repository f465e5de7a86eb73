"""Who is told about a deal's documents (reads only)."""

from marketplace.models import User


def transferee_users(contract):
    return User.objects.filter(
        enterprise_id=contract.transferee_id, role=User.Role.AGRIBUSINESS, is_active=True
    )


def station_operators(deal):
    listing = deal.listing
    users = User.objects.filter(role=User.Role.STATION_OPERATOR, is_active=True)
    if listing.station_id:
        return users.filter(station_id=listing.station_id)
    return users.filter(station__township_id=listing.township_id)


def storage_operators(deal):
    """The storage operators of the centre that is the deal's transferor (none otherwise)."""
    centre = deal.listing.transferor_storage_center_id
    if centre is None:
        return User.objects.none()
    return User.objects.filter(
        role=User.Role.STORAGE_OPERATOR, is_active=True, storage_center_id=centre
    )


def transferor_operators(deal):
    """Who acts for Party A: the storage centre's operators for a centre's listing (R-STORE-5),
    else the station's operators (they witness the household's signature)."""
    if deal.listing.transferor_storage_center_id:
        return storage_operators(deal)
    return station_operators(deal)


def staff_users(deal):
    from django.db.models import Q

    return User.objects.filter(role=User.Role.EXCHANGE_STAFF, is_active=True).filter(
        Q(county__isnull=True) | Q(county_id=deal.listing.county_id)
    )
