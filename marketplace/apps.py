from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Exchange")

    def ready(self):
        from .models import User
        from .navigation import register

        R = User.Role
        register(_("Rule settings"), "rulebook", {R.EXCHANGE_STAFF, R.AUDITOR})
