"""Choose the gateway: Stripe, answered by the offline fake when no secret key is configured."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import GatewayError, GatewayRefund, Intent, PaymentGateway

__all__ = ["GatewayError", "GatewayRefund", "Intent", "PaymentGateway", "get_gateway"]


def get_gateway() -> PaymentGateway:
    from .stripe_gateway import StripeGateway

    if settings.PAYMENTS_OFFLINE:
        from ..checks import offline_allowed

        if not offline_allowed():
            # Never answer with the fake gateway in production (start-up refuses it too).
            raise ImproperlyConfigured("STRIPE_SECRET_KEY is not set and offline payments are off.")
        from .fake import FakeStripeHTTPClient

        return StripeGateway(api_key="sk_test_offline", http_client=FakeStripeHTTPClient())
    return StripeGateway(api_key=settings.STRIPE_SECRET_KEY)
