"""Domain errors: a stable code, a translated message and the HTTP status the API uses."""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    http_status = 400
    default_message = _("The operation could not be completed.")
    field: str | None = None

    def __init__(self, message=None, *, field=None, code=None):
        self.message = message or self.default_message
        if field:
            self.field = field
        if code:
            self.code = code
        super().__init__(str(self.message))


class NotAllowed(DomainError):
    code = "not_allowed"
    http_status = 403
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    code = "conflict"
    http_status = 409
    default_message = _("The state changed; reload and try again.")


class Invalid(DomainError):
    code = "invalid"
    http_status = 422
