"""Self-registration, its verification steps, the staff's approval screen and password reset
(issue 16). Anonymous pages are rate-limited by address like the login (marketplace.security)."""

import logging

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from marketplace.errors import DomainError
from marketplace.permissions import permission_required
from marketplace.security import address_blocked, client_ip, locked_out_response

from . import conf, services
from .forms import DecisionForm, PhoneCodeForm, SignupForm
from .models import AccountApplication

log = logging.getLogger(__name__)
SESSION_KEY = "account_application"


def _too_many(request, message):
    return render(request, "accounts/too_many.html", {"message": message}, status=429)


# ---------------------------------------------------------------- applying


@require_http_methods(["GET", "POST"])
def signup(request):
    """The agribusiness's application: enterprise, contact, login (one page)."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if address_blocked(request):
            return locked_out_response(request)
        ip = client_ip(request)
        if services.applications_from(ip) >= conf.get("SIGNUPS_PER_ADDRESS_HOUR"):
            return _too_many(
                request, _("Too many applications from this network in the last hour.")
            )
        if form.is_valid():
            application = services.application_create(
                data=form.cleaned_data, password=form.cleaned_data["password1"], ip=ip
            )
            request.session[SESSION_KEY] = application.pk
            _send_email(request, application)
            try:
                services.phone_code_send(application)
            except DomainError as exc:
                messages.error(request, exc.message)
            return redirect("accounts:verify")
    status = 422 if form.is_bound else 200
    return render(request, "accounts/signup.html", {"form": form}, status=status)


def _send_email(request, application) -> bool:
    try:
        services.verification_email_send(application)
    except Exception:  # the mail server: the page offers to send it again
        log.exception("verification e-mail to application %s failed", application.pk)
        messages.error(request, _("The e-mail could not be sent now: try again in a moment."))
        return False
    return True


def _application(request):
    pk = request.session.get(SESSION_KEY)
    if not pk:
        return None
    return AccountApplication.objects.select_related("user", "enterprise").filter(pk=pk).first()


@require_http_methods(["GET", "POST"])
def verify(request):
    """Where the applicant confirms the phone code, sees whether the e-mail is confirmed and
    what happens next."""
    application = _application(request)
    if application is None:
        messages.info(request, _("Start by filling in the registration form."))
        return redirect("accounts:signup")
    form = PhoneCodeForm()
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "code":
            form = PhoneCodeForm(request.POST)
            if form.is_valid():
                try:
                    services.phone_verify(application, form.cleaned_data["code"])
                except DomainError as exc:
                    form.add_error("code", exc.message)
                else:
                    messages.success(request, _("Your phone number is confirmed."))
                    return redirect("accounts:verify")
            status = 422
        elif action == "resend_sms":
            try:
                services.phone_code_send(application)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("A new code was sent by SMS."))
            return redirect("accounts:verify")
        elif action == "resend_email" and application.email_verified_at is None:
            key = f"accounts:email-resend:{application.pk}"
            if cache.add(key, 1, conf.get("CODE_RESEND_SECONDS")):
                if _send_email(request, application):
                    messages.success(request, _("The e-mail was sent again."))
            else:
                messages.error(request, _("The e-mail was sent a moment ago: check your inbox."))
            return redirect("accounts:verify")
    return render(
        request,
        "accounts/verify.html",
        {"application": application, "form": form, "states": AccountApplication.State},
        status=status,
    )


@require_GET
def verify_email(request, token):
    """The link in the e-mail."""
    try:
        application = services.email_verify(token)
    except DomainError as exc:
        return render(request, "accounts/link_invalid.html", {"message": exc.message}, status=400)
    request.session[SESSION_KEY] = application.pk
    messages.success(request, _("Your e-mail address is confirmed."))
    return redirect("accounts:verify")


# ---------------------------------------------------------------- staff


@permission_required("accounts.view_applications")
@require_GET
def applications(request):
    """Applications waiting for a decision first, then the others, newest first."""
    rows = (
        AccountApplication.objects.select_related("enterprise", "user", "decided_by")
        .annotate(
            waiting=Case(
                When(state=AccountApplication.State.PENDING, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("waiting", "-created_at")
    )
    state = request.GET.get("state", "")
    if state in AccountApplication.State.values:
        rows = rows.filter(state=state)
    return render(
        request,
        "accounts/applications.html",
        {
            "page_obj": Paginator(rows, 50).get_page(request.GET.get("page")),
            "states": AccountApplication.State.choices,
            "state": state,
            "pending": AccountApplication.objects.filter(
                state=AccountApplication.State.PENDING
            ).count(),
        },
    )


@permission_required("accounts.view_applications")
@require_http_methods(["GET", "POST"])
def application_detail(request, pk):
    application = get_object_or_404(
        AccountApplication.objects.select_related("enterprise", "user", "decided_by"), pk=pk
    )
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"commercial_capital": application.enterprise.is_company},
    )
    status = 200
    if request.method == "POST":
        from marketplace.permissions import require

        require(request.user, "accounts.decide_application", application)
        if form.is_valid():
            approve = request.POST.get("decision") == "approve"
            try:
                services.application_decide(
                    application=application,
                    actor=request.user,
                    approve=approve,
                    reason=form.cleaned_data["reason"],
                    commercial_capital=form.cleaned_data["commercial_capital"],
                )
            except DomainError as exc:
                form.add_error("reason", exc.message)
                status = 422
            else:
                messages.success(
                    request,
                    _("The account is open.") if approve else _("The application is refused."),
                )
                return redirect("accounts:applications")
        else:
            status = 422
    return render(
        request,
        "accounts/application_detail.html",
        {"application": application, "form": form, "states": AccountApplication.State},
        status=status,
    )


# ---------------------------------------------------------------- password reset


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, limited per address like the login and with the site's link."""

    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    title = gettext_lazy("Reset the password")

    def post(self, request, *args, **kwargs):
        if address_blocked(request):
            return locked_out_response(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        """Each e-mail asked counts toward the address's hourly limit (a form with errors not)."""
        from django.conf import settings

        key = f"accounts:reset:{client_ip(self.request)}"
        cache.add(key, 0, 3600)
        if cache.incr(key) > conf.get("RESETS_PER_ADDRESS_HOUR"):
            return _too_many(
                self.request, _("Too many password resets from this network this hour.")
            )

        self.extra_email_context = {
            "exchange_name": settings.WAGTAIL_SITE_NAME,
            "site_url": settings.SITE_URL.rstrip("/"),
        }
        return super().form_valid(form)


def password_reset_paths():
    """The reset routes under their Django names (the auth views reverse them unqualified)."""
    from django.urls import path

    return [
        path("accounts/password-reset/", PasswordResetView.as_view(), name="password_reset"),
        path(
            "accounts/password-reset/sent/",
            auth_views.PasswordResetDoneView.as_view(),
            name="password_reset_done",
        ),
        path(
            "accounts/reset/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "accounts/reset/done/",
            auth_views.PasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
    ]
