from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ValuationConfig(AppConfig):
    name = "valuation"
    verbose_name = _("资产评估 valuation")
