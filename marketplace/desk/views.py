"""The station desk's pages (R-SVC-1). Every view goes through the access policy."""

import datetime as dt
from io import BytesIO

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.models import Household
from marketplace.permissions import allowed, permission_required, require

from . import household as household_money
from . import selectors, services
from .errors import BadTime
from .models import Request


def _request(request, number):
    return get_object_or_404(
        Request.objects.select_related("station__township", "household"), number=number
    )


def _when(value, field):
    """A datetime-local field (Beijing time); empty means now."""
    value = (value or "").strip()
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise BadTime(_("%(field)s: enter a date and time.") % {"field": field}, field=field)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _rows(qs, now):
    return [{"request": r, "clocks": selectors.clocks(r, now)} for r in qs]


@permission_required("desk.open_desk")
def index(request):
    """Open requests and their three clocks; the operator records new ones here."""
    user = request.user
    now = timezone.now()
    households = []
    if allowed(user, "desk.record_request"):
        households = Household.objects.filter(
            village__township_id=user.station.township_id
        ).select_related("village")
    return render(
        request,
        "desk/index.html",
        {
            "rows": _rows(selectors.open_requests_for(user)[:200], now),
            "closed": selectors.requests_for(user).filter(state=Request.State.RESOLVED)[:20],
            "households": households,
            "channels": Request.Channel.choices,
            "topics": Request.Topic.choices,
            "may_record": allowed(user, "desk.record_request"),
            "may_read_figures": allowed(user, "desk.read_figures"),
        },
    )


@permission_required("desk.record_request")
@require_POST
def record(request):
    household = Household.objects.filter(pk=request.POST.get("household") or 0).first()
    if household is None:
        messages.error(request, _("Household: choose the household."))
        return redirect("desk:index")
    try:
        made = services.request_record(
            operator=request.user,
            household=household,
            channel=request.POST.get("channel", ""),
            topic=request.POST.get("topic", ""),
            text=request.POST.get("text", ""),
            received_at=_when(request.POST.get("received_at"), _("Received at")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("desk:index")
    messages.success(request, _("Request %(number)s recorded.") % {"number": made.number})
    return redirect(made)


@permission_required("desk.view_request", lambda request, number, **kw: _request(request, number))
def detail(request, number):
    obj = _request(request, number)
    user = request.user
    return render(
        request,
        "desk/request.html",
        {
            "obj": obj,
            "clocks": selectors.clocks(obj),
            "may_handle": allowed(user, "desk.handle_request", obj),
            "may_mediate": allowed(user, "desk.mediate_request", obj),
        },
    )


@permission_required("desk.view_request", lambda request, number, **kw: _request(request, number))
@require_POST
def act(request, number, action):
    obj = _request(request, number)
    user = request.user
    post = request.POST
    try:
        if action == "acknowledge":
            require(user, "desk.handle_request", obj)
            services.request_acknowledge(
                request=obj,
                actor=user,
                at=_when(post.get("at"), _("Acknowledged at")),
                needs_visit=post.get("needs_visit") == "on",
            )
        elif action == "visit":
            require(user, "desk.handle_request", obj)
            services.request_visit(
                request=obj, actor=user, at=_when(post.get("at"), _("On site at"))
            )
        elif action == "resolve":
            perm = (
                "desk.mediate_request"
                if obj.state == Request.State.ESCALATED
                else "desk.handle_request"
            )
            require(user, perm, obj)
            services.request_resolve(
                request=obj,
                actor=user,
                resolution=post.get("resolution", ""),
                at=_when(post.get("at"), _("Resolved at")),
            )
        elif action == "escalate":
            require(user, "desk.handle_request", obj)
            services.request_escalate(request=obj, actor=user, note=post.get("note", ""))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(obj)


def _month(request):
    text = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in text.split("-"))
        dt.date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        year, month = today.year, today.month
    return year, month


@permission_required("desk.read_figures")
def figures(request):
    """Per station, for one month: requests and the share that met each clock (R-SVC-1)."""
    year, month = _month(request)
    return render(
        request,
        "desk/figures.html",
        {
            "rows": selectors.monthly_figures(request.user, year=year, month=month),
            "month": f"{year}-{month:02d}",
        },
    )


@permission_required("desk.read_figures")
def figures_xlsx(request):
    from openpyxl import Workbook

    year, month = _month(request)
    rows = selectors.monthly_figures(request.user, year=year, month=month)
    book = Workbook()
    sheet = book.active
    sheet.title = f"{year}-{month:02d}"
    sheet.append(
        [
            str(_("Station")),
            str(_("Requests")),
            str(_("Still open")),
            str(_("Disputes")),
            str(_("Acknowledged in time (%)")),
            str(_("On site in time (%)")),
            str(_("Resolved in time (%)")),
        ]
    )
    for row in rows:
        sheet.append(
            [
                row["station"].name,
                row["count"],
                row["open"],
                row["disputes"],
                row["ack_share"],
                row["visit_share"],
                row["resolve_share"],
            ]
        )
    out = BytesIO()
    book.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="desk-{year}-{month:02d}.xlsx"'
    return response


def _household(request, pk):
    return get_object_or_404(Household.objects.select_related("village__township"), pk=pk)


@permission_required("desk.view_household", lambda request, pk: _household(request, pk))
def household_page(request, pk):
    """One page per household: land, deals, who pays it and when, open requests."""
    from marketplace.household_sections import sections_for

    household = _household(request, pk)
    return render(
        request,
        "desk/household.html",
        {
            "household": household,
            "summary": household_money.money_summary(household),
            "sections": sections_for(household, request.user),
        },
    )


@permission_required("desk.view_household", lambda request, pk: _household(request, pk))
def household_pdf(request, pk):
    """The household page as one A4 page (WeasyPrint), rendered outside any transaction."""
    household = _household(request, pk)
    data, _pages = household_money.household_pdf(household, request.user)
    response = HttpResponse(data, content_type="application/pdf")
    day = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'inline; filename="household-{household.pk}-{day}.pdf"'
    return response


@permission_required("desk.open_my_household")
def my_household(request):
    return redirect("desk:household", pk=request.user.household_id)


def household_panel(request):
    """Dashboard section of a household's own login (UX.md: "when do I get paid, how much"):
    its money at a glance and the way to its page; None for everyone else."""
    user = request.user
    if not (user.is_authenticated and allowed(user, "desk.open_my_household")):
        return None
    household = _household(request, user.household_id)
    return {
        "template": "desk/panel_household.html",
        "household": household,
        "summary": household_money.money_summary(household),
    }


def requests_section(household, user):
    """The desk's own section of the household page: its open requests and their clocks."""
    open_requests = Request.objects.filter(household=household, state__in=selectors.OPEN)
    if not open_requests:
        return None
    now = timezone.now()
    return {"template": "desk/household_requests.html", "rows": _rows(open_requests, now)}
