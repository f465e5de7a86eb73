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


# ---------------------------------------------------------------- the schema's error answers

# The body of every error answer: {code, detail}. `detail` is a sentence, or for a refused input
# the messages by field ({"inputs": {"rate": ["..."]}}).
ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: a stable `code` and what is wrong (`detail`).",
    "properties": {
        "code": {"type": "string", "example": "not_found"},
        "detail": {
            "description": "a sentence, or the messages by field for a refused input",
            "oneOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {}},
                {"type": "array", "items": {}},
            ],
        },
    },
    "required": ["code", "detail"],
}
ERROR_DESCRIPTIONS = {
    "400": "the request is malformed or an input is refused (`detail` names the field)",
    "401": "no valid token or session (`WWW-Authenticate: Token`)",
    "403": "not allowed for this user (or a session request without its CSRF token)",
    "404": "no such object, or not one this user may see",
    "415": "the body's content type is not one of those documented",
    "429": "too many failed logins from this address; try again later",
    "503": "the database is unavailable or saturated; nothing was saved (`Retry-After`)",
}


def _error_codes(path: str, method: str, operation: dict) -> set[str]:
    """The error answers an operation really gives (the exchange's middleware and DRF's)."""
    security = operation.get("security", [])
    authenticated = any(requirement for requirement in security)
    anonymous = {} in security or not authenticated
    codes = {"503"}  # any request may meet an unavailable database (error_views.unavailable)
    if authenticated:
        codes.add("401")  # a bad or expired token is refused before the view runs
        if not anonymous or method != "get":
            codes.add("403")  # permissions; a session's unsafe request without CSRF token
    names = {p.get("name") for p in operation.get("parameters", [])}
    if "{" in path or "page" in names:
        codes.add("404")  # an unknown id, or a page beyond the last
    has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    if "requestBody" in operation or has_query:
        codes.add("400")
    if "requestBody" in operation:
        codes.add("415")
    return codes


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error answers it
    really gives (400/401/403/404/415/503 as {code, detail}, 503 with Retry-After), so that an
    outside client (schemathesis in tests/api/test_schemathesis.py) meets no undocumented
    status code or content type; and OpenAPI links from the search and the registrations to
    the operations on one listing, so a client (or a fuzzer) can follow real ids."""
    result.setdefault("components", {}).setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in sorted(_error_codes(path, method, operation)):
                responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
            for code, answer in responses.items():
                if int(code) >= 400 and not answer.get("content"):
                    answer["content"] = {"application/json": {"schema": ref}}
                if code == "503":
                    answer.setdefault("headers", {})["Retry-After"] = {
                        "description": "seconds to wait before trying again",
                        "schema": {"type": "integer"},
                    }
            for code, links in LINKS.get(operation.get("operationId"), {}).items():
                if code in responses:
                    responses[code]["links"] = links
    return result


def _link(operation_id: str, description: str, **parameters: str) -> dict:
    return {"operationId": operation_id, "parameters": parameters, "description": description}


_FIRST_LISTING = "$response.body#/results/0/id"
_MY_LISTING = "$response.body#/0/listing_id"
_NEW_LISTING = "$response.body#/listing_id"
LINKS = {
    "listings_search": {
        "200": {
            "ListingDetail": _link("listings_retrieve", "the first result", id=_FIRST_LISTING),
            "ListingAuction": _link("auction_retrieve", "its auction", listing_id=_FIRST_LISTING),
            "ListingRegister": _link(
                "registrations_create", "register for it", listing_id=_FIRST_LISTING
            ),
            "ListingBid": _link("bids_create", "bid on it", listing_id=_FIRST_LISTING),
        }
    },
    "registrations_list": {
        "200": {
            "RegisteredAuction": _link(
                "auction_retrieve", "the auction of my first registration", listing_id=_MY_LISTING
            ),
            "RegisteredBid": _link("bids_create", "bid there", listing_id=_MY_LISTING),
            "RegisteredDealContracts": _link(
                "deal_contracts_retrieve",
                "the deal's contracts",
                number="$response.body#/0/deal_number",
            ),
        }
    },
    "deal_contracts_retrieve": {
        "200": {
            "ContractVersionPdf": _link(
                "document_pdf_retrieve",
                "the first contract's first version",
                id="$response.body#/contracts/0/versions/0/id",
            )
        }
    },
    "certificate_retrieve": {
        "200": {
            "CertificatePdf": _link(
                "document_pdf_retrieve", "the certificate's PDF", id="$response.body#/document/id"
            ),
            "CertificateNoticePdf": _link(
                "certificate_notice_pdf_retrieve",
                "its first notice",
                number="$response.body#/number",
                kind="$response.body#/notices/0/kind",
            ),
            "CertificateVerification": _link(
                "verify_retrieve", "its public verification", number="$response.body#/number"
            ),
        }
    },
    "registrations_create": {
        "201": {
            "NewRegistrationAuction": _link(
                "auction_retrieve", "the auction registered for", listing_id=_NEW_LISTING
            ),
            "NewRegistrationBid": _link("bids_create", "bid there", listing_id=_NEW_LISTING),
        }
    },
}
