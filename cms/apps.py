from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = _("Public site")

    def ready(self):
        # Public pages follow the listings' signals; the listings app never imports cms.
        # deal_pages: result (成交公示) and failed (流拍公告) announcements of contracts' deals.
        from django.db.models.signals import post_delete
        from wagtail.models import Page
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from . import deal_pages, home_sections, receivers, staff_access  # noqa: F401
        from .chrome import forget_menus

        # The menu changes when editors publish, unpublish, move or delete pages.
        page_published.connect(forget_menus, dispatch_uid="cms_menu_published")
        page_unpublished.connect(forget_menus, dispatch_uid="cms_menu_unpublished")
        post_page_move.connect(forget_menus, dispatch_uid="cms_menu_moved")

        def forget_menus_on_page_delete(sender, instance, **_kw):
            if isinstance(instance, Page):
                forget_menus()

        post_delete.connect(forget_menus_on_page_delete, dispatch_uid="cms_menu_deleted")
