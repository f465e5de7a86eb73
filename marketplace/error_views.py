"""Error answers: JSON `{code, detail}` under /api/, the site's own pages elsewhere; a database
that cannot serve now (pool exhausted, too many clients, server down) is a 503 with Retry-After,
never Django's HTML 500 (docs/operations.md)."""

import logging
import sys

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, requires_csrf_token

from .health import database_unavailable

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _answer(request, status, code, detail, template):
    if _is_api(request):
        response = JsonResponse({"code": code, "detail": str(detail)}, status=status)
    elif status >= 500:
        # No request context: the layout's menus and the login would query the database; the
        # layout falls back to its fixed menu and footer (cms/includes).
        context = {
            "exchange_name": settings.WAGTAIL_SITE_NAME,
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        response = HttpResponse(render_to_string(template, context), status=status)
    else:
        response = render(request, template, {"detail": detail}, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def unavailable(request):
    return _answer(
        request,
        503,
        "service_unavailable",
        _("The exchange is busy. Nothing was saved; please try again in a few seconds."),
        "503.html",
    )


@requires_csrf_token
def bad_request(request, exception=None):
    return _answer(
        request, 400, "bad_request", _("The request could not be understood."), "400.html"
    )


@requires_csrf_token
def permission_denied(request, exception=None):
    return _answer(
        request, 403, "permission_denied", _("You do not have access to this page."), "403.html"
    )


@requires_csrf_token
def page_not_found(request, exception=None):
    return _answer(request, 404, "not_found", _("Not found."), "404.html")


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: JSON under /api/ (a session client's unsafe request without its token),
    Django's own page elsewhere."""
    if _is_api(request):
        return _answer(
            request,
            403,
            "permission_denied",
            _("CSRF verification failed: send the CSRF token, or use a token (Authorization)."),
            "403.html",
        )
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)


def api_not_found(request, rest=""):
    """Any unknown address under /api/ (the public site's catch-all must not answer it); a
    read of a known address without its final slash is redirected, as APPEND_SLASH did."""
    from django.conf import settings
    from django.http import HttpResponsePermanentRedirect
    from django.urls import Resolver404, resolve

    if settings.APPEND_SLASH and request.method in ("GET", "HEAD") and not rest.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not API_NOT_FOUND:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return page_not_found(request)


API_NOT_FOUND = csrf_exempt(api_not_found)


@requires_csrf_token
def server_error(request):
    exc = sys.exc_info()[1]
    if exc is not None and database_unavailable(exc):
        return unavailable(request)
    return _answer(request, 500, "server_error", _("Something went wrong on our side."), "500.html")


class DatabaseUnavailableMiddleware:
    """A view that meets an unavailable database answers 503 (also with DEBUG on, where Django
    would show its technical page); everything else goes on to the usual handling."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if database_unavailable(exception):
            logger.warning(
                "database unavailable: %s %s: %s", request.method, request.path, exception
            )
            return unavailable(request)
        return None
