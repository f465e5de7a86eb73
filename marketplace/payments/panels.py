"""Dashboard section: what the logged-in payer still has to pay."""

from .models import Payable


def payments_due_panel(request):
    user = request.user
    if not user.is_authenticated:
        return None
    due = Payable.objects.filter(
        payer=user, state__in=[Payable.State.PENDING, Payable.State.FAILED]
    ).order_by("created_at")[:10]
    if not due:
        return None
    return {"template": "payments/_panel.html", "payables": due}
