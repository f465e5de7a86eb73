"""Reads, scoped object by object to what the user's role may see."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Enterprise, Household, User


def household_list_for_user(user: User) -> QuerySet[Household]:
    """Households the user may see: an operator only its own township's (R-LIST-1, R-RIGHT-6)."""
    qs = Household.objects.select_related("village__township__county")
    if user.is_superuser or user.role == User.Role.AUDITOR:
        return qs
    if user.role == User.Role.EXCHANGE_STAFF:
        return qs.filter(village__township__county=user.county) if user.county_id else qs
    if user.role == User.Role.STATION_OPERATOR:
        return qs.filter(village__township_id=user.station.township_id)
    if user.role == User.Role.HOUSEHOLD and user.household_id:
        return qs.filter(pk=user.household_id)
    return qs.none()


def household_get_for_user(*, user: User, pk) -> Household:
    """One household, or Household.DoesNotExist when it is outside the user's scope."""
    return household_list_for_user(user).get(pk=pk)


def household_search(*, user: User, query: str, limit: int = 20) -> QuerySet[Household]:
    """Find by ID number (prefix or suffix) or name (substring) within the user's scope."""
    query = (query or "").strip().upper()
    if not query:
        return Household.objects.none()
    scope = household_list_for_user(user)
    if query.isdigit() or query.endswith("X"):
        matches = scope.filter(Q(id_number__startswith=query) | Q(id_number__endswith=query))
    else:
        matches = scope.filter(name__contains=query)
    return matches.order_by("name")[:limit]


def enterprise_for_user(user: User) -> Enterprise | None:
    return user.enterprise if user.role == User.Role.AGRIBUSINESS else None


def dashboard_summary(user: User) -> dict:
    summary = {"role": user.get_role_display() if user.role else ""}
    if user.role == User.Role.STATION_OPERATOR:
        summary["scope"] = str(user.station)
        summary["household_count"] = household_list_for_user(user).count()
    elif user.role == User.Role.EXCHANGE_STAFF:
        summary["scope"] = str(user.county) if user.county_id else str(_("Whole prefecture"))
    elif user.role == User.Role.AGRIBUSINESS:
        summary["scope"] = str(user.enterprise)
    elif user.role == User.Role.STORAGE_OPERATOR:
        summary["scope"] = str(user.storage_center)
    return summary
