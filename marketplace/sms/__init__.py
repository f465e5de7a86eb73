"""Choose the SMS provider: `settings.SMS_PROVIDER` (a dotted class path), the console provider
when unset."""

from django.conf import settings
from django.utils.module_loading import import_string

from .base import SmsError, SmsProvider, SmsResult, sms_parts, sms_segments, sms_text

__all__ = [
    "SmsError",
    "SmsProvider",
    "SmsResult",
    "get_sms_provider",
    "sms_parts",
    "sms_segments",
    "sms_text",
]

DEFAULT = "marketplace.sms.console.ConsoleSmsProvider"


def get_sms_provider() -> SmsProvider:
    return import_string(getattr(settings, "SMS_PROVIDER", "") or DEFAULT)()
