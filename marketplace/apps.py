from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Exchange")

    def ready(self):
        from .todos import holiday_todos
        from .todos import register as register_todos

        register_todos(holiday_todos)
        from django.db.models.signals import post_delete, post_save, pre_save

        from . import (
            permissions,  # noqa: F401 (registers the kernel's permissions)
            workdays,
        )
        from .models import User, WorkdayOverride
        from .navigation import SYSTEM, register, register_panel
        from .security import revoke_tokens_on_password_change
        from .views import notifications_panel

        pre_save.connect(
            revoke_tokens_on_password_change, sender=User, dispatch_uid="revoke_tokens"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                workdays.forget_on_commit, sender=WorkdayOverride, dispatch_uid="workdays_forget"
            )

        R = User.Role
        register(
            _("Rule settings"), "rulebook", {R.EXCHANGE_STAFF, R.AUDITOR}, weight=80, group=SYSTEM
        )
        register(_("Notifications"), "notifications", None, weight=90, group=SYSTEM)
        register(
            _("System health"), "health", {R.EXCHANGE_STAFF, R.AUDITOR}, weight=95, group=SYSTEM
        )
        register(_("SMS log"), "sms_log", {R.EXCHANGE_STAFF}, weight=85, group=SYSTEM)
        register_panel(notifications_panel)
