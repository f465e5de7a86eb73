from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Agribusiness self-registration (e-mail and phone verified, staff approval) and password
    reset (issue 16)."""

    name = "marketplace.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from marketplace.navigation import register

        from . import permissions  # noqa: F401  (permissions registers the rules)
        from .notify import register_events

        register_events()
        register(
            _("Account applications"),
            "accounts:applications",
            {"exchange_staff", "auditor"},
            weight=80,
        )
