"""The default provider: nothing leaves the machine. Each message is kept in `SmsMessage`,
which exchange staff read on the SMS log page (demo and tests)."""

from .base import SmsProvider, SmsResult, sms_segments


class ConsoleSmsProvider(SmsProvider):
    def send(self, *, phone, text):
        from marketplace.models import SmsMessage

        row = SmsMessage.objects.create(phone=phone, text=text, segments=sms_segments(text))
        return SmsResult(provider_id=f"console-{row.pk}", segments=row.segments)


class FailingSmsProvider(SmsProvider):
    """Always refuses (tests of retries, and a deployment that must not send)."""

    def send(self, *, phone, text):
        from .base import SmsError

        raise SmsError("provider unavailable")
