"""The service desk on the dashboard (marketplace/todos.py): the station's open requests, the
exchange's requests escalated for mediation (its county, through `requests_for`)."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from marketplace.models import User
from marketplace.permissions import is_exchange_staff
from marketplace.todos import todo

from .models import Request
from .selectors import OPEN, requests_for


def desk_todos(user):
    if user.role == User.Role.STATION_OPERATOR and user.station_id:
        counts = requests_for(user).aggregate(
            open=Count("pk", filter=Q(state__in=OPEN)),
            new=Count("pk", filter=Q(state=Request.State.RECEIVED)),
        )
        return [
            todo(
                "desk_requests_open",
                _("Open desk requests"),
                counts["open"],
                "desk:index",
                urgent=counts["new"],
                order=13,
            ),
        ]
    if is_exchange_staff(user):
        escalated = requests_for(user).filter(state=Request.State.ESCALATED).count()
        return [
            todo("desk_escalated", _("Requests to mediate"), escalated, "desk:index", order=20),
        ]
    return []
