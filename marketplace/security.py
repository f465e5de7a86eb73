"""Logins and sessions (issue 14, item 7; docs/security.md "Logins and sessions").

- `client_ip(request)`: the client's address. Behind `TRUSTED_PROXY_COUNT` proxies it is taken
  from `X-Forwarded-For`, counting that many entries from the right (each trusted proxy appends
  the address it received the request from); with 0 (the default) only `REMOTE_ADDR` counts, so a
  client cannot choose its own address by sending the header. Axes (`AXES_CLIENT_IP_CALLABLE`)
  and every rate limit use it.
- Lockout: django-axes locks a username *from one address* (`AXES_LOCKOUT_PARAMETERS`); an
  address that fails too often across usernames is refused before any password is checked
  (`LOGIN_ADDRESS_FAILURE_LIMIT` in `AXES_COOLOFF_TIME`), so one address can neither guess many
  accounts nor lock another's account out from elsewhere.
- `password_recheck(...)`: a password asked again (contract signing) counts toward the same
  lockout as the login form.
- API tokens expire after `API_TOKEN_TTL_HOURS` and are deleted when the password changes.
- `StaffIdleTimeoutMiddleware`: staff sessions end after `STAFF_SESSION_IDLE_MINUTES` idle.
"""

import datetime as dt
import time

from django.conf import settings
from django.contrib.auth import logout, user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if count <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < count:
        return remote  # not through all the trusted proxies: do not trust the header
    return forwarded[-count]


def axes_client_ip(request) -> str:
    return client_ip(request) or ""


# ---------------------------------------------------------------- per-address limit


def _cooloff() -> dt.timedelta:
    hours = getattr(settings, "AXES_COOLOFF_TIME", 0.25)
    return hours if isinstance(hours, dt.timedelta) else dt.timedelta(hours=float(hours))


def address_failures(ip) -> int:
    """Failed logins from `ip` within the cool-off time, over every username (axes' records)."""
    from axes.models import AccessAttempt

    if not ip:
        return 0
    since = timezone.now() - _cooloff()
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        s=Sum("failures_since_start")
    )["s"]
    return total or 0


def address_blocked(request) -> bool:
    if not getattr(settings, "AXES_ENABLED", True):
        return False
    limit = int(getattr(settings, "LOGIN_ADDRESS_FAILURE_LIMIT", 30))
    return address_failures(client_ip(request)) >= limit


def locked_out_response(request):
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, status=429)


class ExchangeLoginView(LoginView):
    """The login form, refused (429) for an address over its failure limit."""

    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if address_blocked(request):
            return locked_out_response(request)
        return super().post(request, *args, **kwargs)


# ---------------------------------------------------------------- passwords asked again


def password_locked(user, request) -> bool:
    if request is None or not getattr(settings, "AXES_ENABLED", True):
        return False
    from axes.handlers.proxy import AxesProxyHandler

    if address_blocked(request):
        return True
    return AxesProxyHandler.is_locked(request, credentials={"username": user.get_username()})


def password_recheck(user, password, request) -> bool | None:
    """Check a password asked again; None when locked out, False when wrong (counted), True."""
    if password_locked(user, request):
        return None
    if user.check_password(password or ""):
        return True
    if request is not None:
        # The same signal a failed login sends: axes counts it for username and address.
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
    return False


# ---------------------------------------------------------------- API tokens


def token_expired(created) -> bool:
    hours = getattr(settings, "API_TOKEN_TTL_HOURS", 0)
    return bool(hours) and created < timezone.now() - dt.timedelta(hours=hours)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication; a token older than `API_TOKEN_TTL_HOURS` is deleted (401)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token.created):
            Token.objects.filter(pk=token.pk).delete()
            raise exceptions.AuthenticationFailed("Token has expired.")
        return user, token


def revoke_tokens_on_password_change(sender, instance, **kwargs):
    """pre_save of the user: `set_password` leaves `_password` set until the save."""
    if instance.pk and getattr(instance, "_password", None) is not None:
        Token.objects.filter(user_id=instance.pk).delete()


# ---------------------------------------------------------------- staff sessions


def is_staff_session(user) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_staff or user.is_superuser or getattr(user, "role", "") == "exchange_staff")
    )


class StaffIdleTimeoutMiddleware:
    """Ends a staff session idle for `STAFF_SESSION_IDLE_MINUTES` (0: never)."""

    KEY = "staff_last_seen"
    WRITE_EVERY = 60  # seconds: the session is saved at most once a minute per staff user

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        minutes = getattr(settings, "STAFF_SESSION_IDLE_MINUTES", 0)
        user = getattr(request, "user", None)
        if minutes and user is not None and is_staff_session(user) and hasattr(request, "session"):
            now = time.time()
            last = request.session.get(self.KEY)
            if last is not None and now - last > minutes * 60:
                logout(request)
                return redirect_to_login(request.get_full_path())
            if last is None or now - last > self.WRITE_EVERY:
                request.session[self.KEY] = now
        return self.get_response(request)
