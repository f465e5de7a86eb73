"""Settings of contracts and settlement ([practice]/[default] numbers of RULES.md), overridable
in `settings.CONTRACT_DOCUMENTS` (a dict with any of these keys)."""

from django.conf import settings

DEFAULTS = {
    "SIGNING_WORKDAYS": 5,  # R-DEAL-2
    "PAYMENT_WORKDAYS": 3,  # R-DEAL-3
    "CODE_MINUTES": 10,  # one-time signing code validity
    "CODE_ATTEMPTS": 5,
    "SCAN_MAX_BYTES": 20 * 1024 * 1024,
    "REMINDER_DAYS": (30, 7),  # rent reminders to the transferee
    "REGISTRATION_NOTICE_YEARS": 5,  # R-DEAL-8
    "SHOW_SIGNING_CODE": None,  # None: show the code on screen when DEBUG (demo mode)
}


def get(name):
    value = getattr(settings, "CONTRACT_DOCUMENTS", {}).get(name, DEFAULTS[name])
    if name == "SHOW_SIGNING_CODE" and value is None:
        return settings.DEBUG
    return value
