"""The fixed parts of the public site's page tree, created on first use."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import AnnouncementIndexPage, HomePage, ListingIndexPage


@transaction.atomic
def home() -> HomePage:
    """The HomePage (made by migration cms.0002); re-made with its Site if a flush removed it."""
    page = HomePage.objects.first()
    if page is not None:
        return page
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    page = root.add_child(instance=HomePage(title=settings.WAGTAIL_SITE_NAME, slug="home"))
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={
            "hostname": "localhost",
            "port": 80,
            "root_page": page,
            "site_name": settings.WAGTAIL_SITE_NAME,
        },
    )
    return page


@transaction.atomic
def listing_index() -> ListingIndexPage:
    index = ListingIndexPage.objects.first()
    if index is None:
        index = home().add_child(instance=ListingIndexPage(title="挂牌项目", slug="listings"))
    return index


@transaction.atomic
def announcement_index() -> AnnouncementIndexPage:
    index = AnnouncementIndexPage.objects.first()
    if index is None:
        index = home().add_child(
            instance=AnnouncementIndexPage(title="交易公告", slug="announcements")
        )
    return index
