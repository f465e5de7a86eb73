"""API plumbing: domain errors as {"code", "detail"}; never a 5xx for bad input."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        return Response({"code": exc.code, "detail": str(exc.message)}, status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"code": "invalid", "detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "code" not in response.data:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, Http404 | DjangoPermissionDenied):
            code = "not_found" if isinstance(exc, Http404) else "permission_denied"
        detail = response.data.get("detail", response.data)
        response.data = {"code": code, "detail": detail}
    return response


def only_our_api(endpoints):
    """drf-spectacular preprocessing hook: document /api/ only (not Wagtail's admin API)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/")]
