from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Exchange")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import workdays
        from .models import HolidayYear

        def clear(**kwargs):
            workdays.clear_cache()

        post_save.connect(clear, sender=HolidayYear, dispatch_uid="holidayyear_save")
        post_delete.connect(clear, sender=HolidayYear, dispatch_uid="holidayyear_delete")
