"""The fixed parts of the public site's page tree, created on first use."""

from django.db import transaction

from .models import AnnouncementIndexPage, HomePage, ListingIndexPage


def home() -> HomePage:
    return HomePage.objects.get()


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
