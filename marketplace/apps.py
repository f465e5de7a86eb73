from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Exchange")

    def ready(self):
        from .models import User
        from .navigation import register, register_panel
        from .views import notifications_panel

        R = User.Role
        register(_("Rule settings"), "rulebook", {R.EXCHANGE_STAFF, R.AUDITOR}, weight=80)
        register(_("Notifications"), "notifications", None, weight=90)
        register(_("SMS log"), "sms_log", {R.EXCHANGE_STAFF}, weight=85)
        register_panel(notifications_panel)
