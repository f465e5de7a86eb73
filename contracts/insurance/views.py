"""Screens of forest insurance: the insurer's queue and claim page, the inspector's desk, the
station's view of its households' claims and the county report. Every view asks
marketplace.permissions (rules registered in contracts/insurance/permissions.py)."""

from datetime import date
from io import BytesIO

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from listings.geometry import render_svg
from marketplace.errors import DomainError, Invalid
from marketplace.money import fen_to_yuan
from marketplace.permissions import allowed, permission_required, require

from . import selectors, services
from .models import Claim, InspectionPhoto
from .services.claims import holders_on
from .services.imports import policy_import_start


def _claim(request, number, **kwargs):
    return selectors.claim_get(number=number)


def _policy(request, number, **kwargs):
    return selectors.policy_get(number=number)


def _date(text, field):
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise Invalid(_("Enter a date such as 2026-03-15."), field=field) from exc


def _refused(request, exc):
    messages.error(request, str(exc.message))


def parcels_map(parcels, *, title=""):
    items = [
        {"geometry": p.geometry, "label": p.name} for p in parcels if getattr(p, "geometry", None)
    ]
    return mark_safe(render_svg(items, width=480, height=300, title=title))  # noqa: S308 (escaped)


# ---------------------------------------------------------------- the insurer


@permission_required("insurance.insurer_desk")
def insurer_queue(request):
    state = request.GET.get("state", "")
    if state and state not in Claim.State.values:
        state = ""
    claims = selectors.claim_list_for_insurer(request.user, state=state)
    return render(
        request,
        "insurance/insurer_queue.html",
        {
            "claims": claims,
            "state": state,
            "states": Claim.State.choices,
            "policies": selectors.policy_list_for_insurer(request.user)[:50],
        },
    )


@permission_required("insurance.view_claim", _policy)
def policy_page(request, number):
    policy = selectors.policy_get(number=number)
    return render(
        request,
        "insurance/policy.html",
        {
            "policy": policy,
            "parcels": policy.parcels.select_related("parcel"),
            "holders": policy.holders.all(),
            "claims": policy.claims.all(),
            "can_report": allowed(request.user, "insurance.report_claim", policy),
            "causes": Claim.Cause.choices,
        },
    )


@require_POST
@permission_required("insurance.report_claim", _policy)
def claim_report(request, number):
    policy = selectors.policy_get(number=number)
    try:
        damaged = []
        for row in policy.parcels.select_related("parcel"):
            text = request.POST.get(f"damaged_{row.pk}", "").strip()
            if text:
                damaged.append((row.parcel, text))
        claim = services.claim_report(
            policy=policy,
            cause=request.POST.get("cause", ""),
            loss_on=_date(request.POST.get("loss_on", ""), "loss_on"),
            parcels=damaged,
            description=request.POST.get("description", ""),
            actor=request.user,
        )
    except DomainError as exc:
        _refused(request, exc)
        return redirect("insurance:policy", number)
    messages.success(request, _("Claim %(number)s reported.") % {"number": claim.number})
    return redirect(claim)


@permission_required("insurance.view_claim", _claim)
def claim_page(request, number):
    claim = selectors.claim_get(number=number)
    user = request.user
    parcels = list(claim.parcels.all())
    return render(
        request,
        "insurance/claim.html",
        {
            "claim": claim,
            "parcels": parcels,
            "holders_on_loss": holders_on(claim.policy, claim.loss_on),
            "money": selectors.claim_money(claim),
            "payments": claim.payments.all(),
            "inspections": claim.inspections.prefetch_related("photos"),
            "overdue": selectors.is_overdue(claim),
            "map": parcels_map([r.insured_parcel.parcel for r in parcels], title=claim.number),
            "can_handle": allowed(user, "insurance.handle_claim", claim),
            "can_withdraw": allowed(user, "insurance.report_claim", claim),
            "can_replant": allowed(user, "insurance.report_replanting", claim),
            "can_inspect": allowed(user, "insurance.inspect", claim),
            "today": timezone.localdate(),
        },
    )


def _act(request, number, perm, call):
    claim = selectors.claim_get(number=number)
    require(request.user, perm, claim)
    try:
        call(claim)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Saved."))
    return redirect("insurance:claim", number)


@require_POST
@permission_required("insurance.handle_claim", _claim)
def claim_survey(request, number):
    def call(claim):
        rates = {r.pk: request.POST.get(f"rate_{r.pk}", "") for r in claim.parcels.all()}
        services.claim_survey(claim=claim, loss_rates=rates, actor=request.user)

    return _act(request, number, "insurance.handle_claim", call)


@require_POST
@permission_required("insurance.handle_claim", _claim)
def claim_approve(request, number):
    return _act(
        request,
        number,
        "insurance.handle_claim",
        lambda claim: services.claim_approve(claim=claim, actor=request.user),
    )


@require_POST
@permission_required("insurance.handle_claim", _claim)
def claim_reject(request, number):
    return _act(
        request,
        number,
        "insurance.handle_claim",
        lambda claim: services.claim_reject(
            claim=claim, reason=request.POST.get("reason", ""), actor=request.user
        ),
    )


@require_POST
@permission_required("insurance.report_claim", _claim)
def claim_withdraw(request, number):
    return _act(
        request,
        number,
        "insurance.report_claim",
        lambda claim: services.claim_withdraw(
            claim=claim, reason=request.POST.get("reason", ""), actor=request.user
        ),
    )


@require_POST
@permission_required("insurance.report_replanting", _claim)
def claim_replanting(request, number):
    return _act(
        request,
        number,
        "insurance.report_replanting",
        lambda claim: services.claim_replanting_report(claim=claim, actor=request.user),
    )


@require_POST
@permission_required("insurance.inspect", _claim)
def claim_inspect(request, number):
    def call(claim):
        post = request.POST
        accepted = post.get("accepted") == "yes"
        services.inspection_record(
            claim=claim,
            inspector=request.user,
            inspected_on=_date(post.get("inspected_on", ""), "inspected_on"),
            replanted_mu=post.get("replanted_mu", ""),
            survival_rate_pct=post.get("survival_rate_pct", ""),
            accepted=accepted,
            findings=post.get("findings", ""),
            next_due_on=(
                _date(post["next_due_on"], "next_due_on")
                if not accepted and post.get("next_due_on")
                else None
            ),
            photos=request.FILES.getlist("photos"),
        )

    return _act(request, number, "insurance.inspect", call)


@permission_required("insurance.view_claim", _claim)
def photo(request, number, pk):
    found = InspectionPhoto.objects.filter(pk=pk, inspection__claim__number=number).first()
    if found is None:
        raise Http404
    return FileResponse(found.file.open("rb"), content_type=found.content_type)


# ---------------------------------------------------------------- the inspector


@permission_required("insurance.inspector_desk")
def inspector_desk(request):
    claims = list(selectors.replanting_list_for_inspector(request.user))
    today = timezone.localdate()
    rows = [{"claim": c, "overdue": selectors.is_overdue(c, today)} for c in claims]
    parcels = [r.insured_parcel.parcel for c in claims for r in c.parcels.all()]
    return render(
        request,
        "insurance/inspector_desk.html",
        {"rows": rows, "today": today, "map": parcels_map(parcels, title=_("Replanting"))},
    )


# ---------------------------------------------------------------- the station


@permission_required("insurance.station_desk")
def station_claims(request):
    claims = list(selectors.claim_list_for_station(request.user))
    rows = [{"claim": c, "money": selectors.claim_money(c)} for c in claims]
    return render(
        request,
        "insurance/station_claims.html",
        {"rows": rows, "policies": selectors.policies_for_station(request.user)},
    )


# ---------------------------------------------------------------- staff


@permission_required("insurance.read_report")
def county_report(request):
    rows = selectors.county_report(request.user)
    if request.GET.get("format") == "xlsx":
        return _report_xlsx(rows)
    return render(request, "insurance/county_report.html", {"rows": rows})


def _report_xlsx(rows):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "森林保险理赔"
    ws.append(
        [
            _("County"),
            _("Claims"),
            _("Approved (yuan)"),
            _("First parts paid (yuan)"),
            _("Second parts paid (yuan)"),
            _("Held (yuan)"),
            _("Mean days from approval to acceptance"),
        ]
    )
    for r in rows:
        ws.append(
            [
                r.county,
                r.claims,
                fen_to_yuan(r.approved_fen),
                fen_to_yuan(r.first_paid_fen),
                fen_to_yuan(r.second_paid_fen),
                fen_to_yuan(r.held_fen),
                r.mean_days_to_acceptance,
            ]
        )
        for col in (3, 4, 5, 6):
            ws.cell(row=ws.max_row, column=col).number_format = "0.00"
    out = BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="insurance-report.xlsx"'
    return response


# ---------------------------------------------------------------- the insurer's household list


def _import_job(request, pk, **kwargs):
    return selectors.policy_import_get(pk=pk)


@permission_required("insurance.import_policies")
def import_home(request):
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None or not upload.name.lower().endswith(".xlsx"):
            error = _("File: choose the household list as an Excel workbook (.xlsx).")
        else:
            job = policy_import_start(
                upload=upload, insurer=request.user.insurer, actor=request.user
            )
            return redirect("insurance:import_detail", pk=job.pk)
    jobs = selectors.policy_import_list_for_insurer(request.user)[:20]
    return render(
        request,
        "insurance/import_home.html",
        {"jobs": jobs, "error": error},
        status=400 if error else 200,
    )


@permission_required("insurance.view_policy_import", _import_job)
def import_detail(request, pk):
    return render(
        request,
        "insurance/import_detail.html",
        {
            "job": selectors.policy_import_get(pk=pk),
            "can_import": allowed(request.user, "insurance.import_policies"),
        },
    )


@permission_required("insurance.view_policy_import", _import_job)
def import_status(request, pk):
    """Polled by the progress bar."""
    job = selectors.policy_import_get(pk=pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "total": job.total,
            "processed": job.processed,
            "percent": job.percent,
            "finished": job.finished,
        }
    )
