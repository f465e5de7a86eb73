"""Payments cannot start open (issue 14, item 3).

With DEBUG off the exchange refuses to run with payments that anyone could complete: no Stripe
secret key (the offline gateway would answer and "pay now" would mark deposits paid with no money
moving) unless `PAYMENTS_OFFLINE_ALLOWED=1` says so explicitly, and a webhook secret that is
missing or the published demo value (anyone could sign `payment_intent.succeeded` for their own
intent). The same list is a system check (errors in `manage.py check --deploy`, `migrate`,
`runserver`) and is enforced at start-up by `marketplace/wsgi.py` and `asgi.py`.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

#: The webhook secret the offline demo signs with; published in the source, so never production's.
DEMO_WEBHOOK_SECRET = "whsec_offline_demo_secret"  # noqa: S105


def development() -> bool:
    return bool(settings.DEBUG or getattr(settings, "TESTING", False))


def offline_allowed() -> bool:
    """Whether the offline gateway and its "pay now" may answer: DEBUG, tests, or the setting."""
    return development() or bool(getattr(settings, "PAYMENTS_OFFLINE_ALLOWED", False))


def key_is_live(key: str | None = None) -> bool:
    """The Stripe key's mode: `sk_live_…` / `rk_live_…` are live, everything else test mode."""
    key = settings.STRIPE_SECRET_KEY if key is None else key
    return key.startswith(("sk_live_", "rk_live_"))


def payment_settings_errors() -> list[checks.Error]:
    if development():
        return []
    errors = []
    if not settings.STRIPE_SECRET_KEY and not getattr(settings, "PAYMENTS_OFFLINE_ALLOWED", False):
        errors.append(
            checks.Error(
                "STRIPE_SECRET_KEY is not set and DEBUG is off: the offline gateway would mark "
                "deposits paid with no money moving.",
                hint="Set STRIPE_SECRET_KEY, or PAYMENTS_OFFLINE_ALLOWED=1 for a deliberate "
                "offline installation (training, acceptance).",
                id="payments.E001",
            )
        )
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        errors.append(
            checks.Error(
                "STRIPE_WEBHOOK_SECRET is not set and DEBUG is off.",
                hint="Set it to the signing secret of the Stripe webhook endpoint (whsec_…).",
                id="payments.E002",
            )
        )
    elif secret == DEMO_WEBHOOK_SECRET:
        errors.append(
            checks.Error(
                "STRIPE_WEBHOOK_SECRET is the published demo value: anyone could sign a "
                "payment_intent.succeeded event.",
                hint="Set it to the signing secret of the Stripe webhook endpoint (whsec_…).",
                id="payments.E003",
            )
        )
    return errors


@checks.register("payments")
def check_payment_settings(app_configs=None, **kwargs):
    return payment_settings_errors()


def refuse_to_start_if_open() -> None:
    """Called by the WSGI/ASGI entry points: a production process with open payments stops."""
    errors = payment_settings_errors()
    if errors:
        raise ImproperlyConfigured(
            "Payments are not configured safely: "
            + " ".join(f"[{e.id}] {e.msg} {e.hint}" for e in errors)
        )
