from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuationConfig(AppConfig):
    name = "valuation"
    verbose_name = _("资产评估 valuation")

    def ready(self):
        from marketplace import navigation
        from marketplace.models import User

        from . import conf, permissions  # noqa: F401 (registers the app's permissions)

        conf.define()

        navigation.register(
            _("Valuation"), "valuation:home", {User.Role.EXCHANGE_STAFF}, group=navigation.TRADING
        )
        navigation.register(
            _("Price statistics"), "valuation:stats", None, group=navigation.TRADING
        )
