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


def staff_users(deal):
    from django.db.models import Q

    return User.objects.filter(role=User.Role.EXCHANGE_STAFF, is_active=True).filter(
        Q(county__isnull=True) | Q(county_id=deal.listing.county_id)
    )
