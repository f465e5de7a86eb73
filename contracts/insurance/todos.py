"""The insurer's and the forestry inspector's queues on the dashboard (marketplace/todos.py)."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.models import User
from marketplace.todos import todo

from .models import Claim
from .selectors import claim_list_for_insurer, replanting_list_for_inspector

S = Claim.State


def insurer_todos(user):
    counts = claim_list_for_insurer(user).aggregate(
        reported=Count("pk", filter=Q(state=S.REPORTED)),
        surveyed=Count("pk", filter=Q(state=S.SURVEYED)),
        accepted=Count("pk", filter=Q(state=S.ACCEPTED)),
    )
    return [
        todo(
            "claims_to_survey",
            _("Claims to survey"),
            counts["reported"],
            "insurance:insurer_queue",
            order=10,
            query="state=reported",
        ),
        todo(
            "claims_to_decide",
            _("Surveyed claims to decide"),
            counts["surveyed"],
            "insurance:insurer_queue",
            order=11,
            query="state=surveyed",
        ),
        todo(
            "claims_second_part",
            _("Second parts to pay (replanting accepted)"),
            counts["accepted"],
            "insurance:insurer_queue",
            order=12,
            query="state=accepted",
        ),
    ]


def inspector_todos(user):
    today = timezone.localdate()
    counts = replanting_list_for_inspector(user).aggregate(
        reported=Count("pk", filter=Q(state=S.REPLANTING_REPORTED)),
        overdue=Count("pk", filter=Q(state=S.FIRST_PAID, replanting_due_on__lt=today)),
    )
    return [
        todo(
            "replanting_to_inspect",
            _("Replanting to inspect"),
            counts["reported"],
            "insurance:inspector_desk",
            order=10,
        ),
        todo(
            "replanting_overdue",
            _("Replanting overdue"),
            counts["overdue"],
            "insurance:inspector_desk",
            urgent=True,
            order=11,
        ),
    ]


def insurance_todos(user):
    if user.role == User.Role.INSURER and user.insurer_id:
        return insurer_todos(user)
    if user.role == User.Role.FORESTRY_INSPECTOR and user.county_id:
        return inspector_todos(user)
    return []
