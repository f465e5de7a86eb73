"""Reads of listings and rights, scoped object by object to what the user's role may see."""

from django.db.models import Q, QuerySet

from marketplace.models import User

from .models import Listing, ParcelImport, Right


def listing_list_for_user(user: User) -> QuerySet[Listing]:
    """Operators see their township's listings (R-RIGHT-6: where the land is), staff their
    county or the prefecture, a household its own."""
    qs = Listing.objects.select_related(
        "county", "township", "village", "transferor_household", "right"
    )
    if user.is_superuser:
        return qs
    if user.role in (User.Role.EXCHANGE_STAFF, User.Role.AUDITOR):  # auditors read as staff
        return qs.filter(county=user.county) if user.county_id else qs
    if user.role == User.Role.STATION_OPERATOR:
        return qs.filter(township_id=user.station.township_id)
    if user.role == User.Role.HOUSEHOLD and user.household_id:
        return qs.filter(transferor_household_id=user.household_id)
    return qs.none()


def listing_get_for_user(*, user: User, pk) -> Listing:
    """One listing, or Listing.DoesNotExist when it is outside the user's scope."""
    return listing_list_for_user(user).get(pk=pk)


def listing_review_queue(user: User) -> QuerySet[Listing]:
    """What staff must decide on: submitted listings, then approved ones awaiting publication."""
    return (
        listing_list_for_user(user)
        .filter(state__in=[Listing.State.SUBMITTED, Listing.State.APPROVED])
        .order_by("state", "updated_at")
    )


def rights_for_household(*, household, user: User) -> QuerySet[Right]:
    """The household's listable rights with parcels in the operator's township."""
    qs = (
        Right.objects.filter(holders__household=household)
        .exclude(right_type="stored_land")
        .prefetch_related("parcels__village__township", "parcels__encumbrances")
        .distinct()
    )
    if user.role == User.Role.STATION_OPERATOR:
        qs = qs.filter(parcels__village__township_id=user.station.township_id).distinct()
    return qs.order_by("starts_on")


def parcel_import_list_for_user(user: User) -> QuerySet[ParcelImport]:
    qs = ParcelImport.objects.select_related("created_by")
    if user.is_superuser:
        return qs
    return qs.filter(Q(created_by=user))
