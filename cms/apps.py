from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Public site")

    def ready(self):
        # Public pages follow the listings' signals; the listings app never imports cms.
        # deal_pages: result (成交公示) and failed (流拍公告) announcements of contracts' deals.
        from . import deal_pages, home_sections, receivers, staff_access  # noqa: F401
