"""The listings' to-dos on the dashboards (marketplace/todos.py): listings to review and publish
(staff, their county), drafts and returned listings (the station, its township)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from marketplace.models import User
from marketplace.permissions import is_exchange_staff, scope_queryset
from marketplace.todos import todo

from .models import Listing
from .selectors import listing_list_for_user

S = Listing.State


def _counts(qs, **states):
    """One query: {name: count} for each state."""
    return qs.aggregate(
        **{name: Count("pk", filter=Q(state=state)) for name, state in states.items()}
    )


def listing_todos(user):
    if is_exchange_staff(user):
        scope = scope_queryset(Listing.objects.all(), user, county_path="county")
        counts = _counts(scope, submitted=S.SUBMITTED, approved=S.APPROVED)
        return [
            todo(
                "listings_to_review",
                _("Listings to review"),
                counts["submitted"],
                "listings:review_queue",
                order=10,
            ),
            todo(
                "listings_to_publish",
                _("Approved listings to publish"),
                counts["approved"],
                "listings:review_queue",
                order=11,
            ),
        ]
    if user.role == User.Role.STATION_OPERATOR and user.station_id:
        counts = _counts(listing_list_for_user(user), draft=S.DRAFT, returned=S.RETURNED)
        return [
            todo(
                "listings_returned",
                _("Returned listings to correct"),
                counts["returned"],
                "listings:station_home",
                urgent=True,
                order=10,
            ),
            todo(
                "listings_draft",
                _("Draft listings to finish"),
                counts["draft"],
                "listings:station_home",
                order=11,
            ),
        ]
    return []
