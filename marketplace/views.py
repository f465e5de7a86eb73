from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import workdays
from .navigation import dashboard_panels
from .selectors import dashboard_summary


@login_required
def dashboard(request):
    """Each role's start page: what is waiting for this user."""
    today = workdays.timezone.localdate()
    # Periods and rent schedules already reach into next year: warn for both (R-TIME-3).
    warnings = [
        w for w in (workdays.year_warning(today.year), workdays.year_warning(today.year + 1)) if w
    ]
    return render(
        request,
        "marketplace/dashboard.html",
        {
            "summary": dashboard_summary(request.user),
            "panels": dashboard_panels(request),
            "holiday_warnings": warnings if request.user.is_exchange_staff else [],
        },
    )
