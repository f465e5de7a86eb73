"""Make the public site's fixed pages, idempotently: the home page and its Site, 挂牌项目, 交易公告
and every page of the main menu in the menu's order (cms.structure). A fresh installation has
only the home page after `migrate`; run this once per release, after the migrations (the demo
seed runs it too). Pages that exist are kept, with their text; nothing is filled in."""

from django.core.management.base import BaseCommand

from cms import structure


class Command(BaseCommand):
    help = "Make the public site's fixed pages and main menu (idempotent)."

    def handle(self, *args, **options):
        pages = structure.menu_pages()
        self.stdout.write("main menu: " + "、".join(page.title for page in pages))
