from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import workdays
from .navigation import dashboard_panels
from .notifications import notifications_for, notifications_mark_read, unread_count
from .permissions import permission_required
from .selectors import dashboard_summary
from .todos import todos_for


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
            "todos": todos_for(request.user),
            "panels": dashboard_panels(request),
            "holiday_warnings": warnings if request.user.is_exchange_staff else [],
        },
    )


@login_required
def notifications(request):
    """The user's notifications, newest first; opening the list marks the ones shown read."""
    rows = list(notifications_for(request.user))
    notifications_mark_read(user=request.user, shown=[row.pk for row in rows])
    return render(request, "marketplace/notifications.html", {"rows": rows})


def notifications_panel(request):
    """Dashboard section: how many notifications are new."""
    if not request.user.is_authenticated:
        return None
    count = unread_count(request.user)
    if not count:
        return None
    return {"template": "marketplace/panel_notifications.html", "unread": count}


@login_required
def profile(request):
    """The user's own page: who they are and the channels they want besides the inbox."""
    from .notifications import phone_of, preferences, preferences_set

    if request.method == "POST":
        preferences_set(
            user=request.user,
            email=request.POST.get("email") == "on",
            sms=request.POST.get("sms") == "on",
        )
        messages.success(request, _("Your notification channels are saved."))
        return redirect("profile")
    return render(
        request,
        "marketplace/profile.html",
        {"prefs": preferences(request.user), "phone": phone_of(request.user)},
    )


@permission_required("marketplace.read_sms_log")
def sms_log(request):
    """The console SMS provider's outbox (demo, tests): what went to which phone."""
    from .models import Delivery, SmsMessage

    return render(
        request,
        "marketplace/sms_log.html",
        {
            "rows": SmsMessage.objects.all()[:200],
            "failed": Delivery.objects.filter(state=Delivery.State.FAILED)[:50],
        },
    )
