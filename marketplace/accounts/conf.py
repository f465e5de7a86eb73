"""Engineering settings of self-registration (not rulebook numbers): `settings.ACCOUNTS` (a dict
keyed by the names below) overrides them for a deployment."""

from django.conf import settings

DEFAULTS = {
    "EMAIL_LINK_HOURS": 48,  # the e-mail verification link is valid this long
    "CODE_MINUTES": 10,  # the SMS code is valid this long
    "CODE_ATTEMPTS": 5,  # wrong codes before a new one must be asked for
    "CODE_RESEND_SECONDS": 60,  # between two SMS codes to one application
    "CODES_PER_APPLICATION": 5,  # SMS codes an application may ask for in all
    "SIGNUPS_PER_ADDRESS_HOUR": 5,  # applications from one address per hour
    "RESETS_PER_ADDRESS_HOUR": 5,  # password-reset e-mails asked from one address per hour
}


def get(name):
    return {**DEFAULTS, **getattr(settings, "ACCOUNTS", {})}[name]
