"""Keep the public pages in step with the listings (connected in CmsConfig.ready()).

A published listing gets a ListingPage under the listing index and a 挂牌公告 announcement;
a withdrawn one loses both. The pages hold no facts of their own: templates read the listing,
so the page cannot drift from it; staff may edit only the free text in the Wagtail admin.
"""

import logging

from django.db import transaction
from django.dispatch import receiver
from wagtail.models import Site

from listings import signals
from listings.public import register_url_resolver

from .models import AnnouncementPage, ListingPage
from .structure import announcement_index, listing_index

log = logging.getLogger(__name__)


def _slug(listing, prefix=""):
    return f"{prefix}{listing.number.lower()}"


@receiver(signals.listing_published)
def publish_listing_pages(sender, listing, **kwargs):
    listing_page_publish(listing)
    listing_announcement_publish(listing)


@receiver(signals.listing_withdrawn)
def unpublish_listing_pages(sender, listing, **kwargs):
    for page in [*ListingPage.objects.filter(listing=listing, live=True)] + [
        *AnnouncementPage.objects.filter(
            listing=listing, kind=AnnouncementPage.Kind.LISTING, live=True
        )
    ]:
        page.unpublish()


@receiver(signals.listing_closed)
def keep_closed_listing_page(sender, listing, **kwargs):
    """A closed listing stays public (its facts say it is closed); make sure the page exists."""
    if not ListingPage.objects.filter(listing=listing).exists():
        listing_page_publish(listing)


@transaction.atomic
def listing_page_publish(listing) -> ListingPage:
    """Create or update the listing's page and publish it (idempotent)."""
    page = ListingPage.objects.filter(listing=listing).first()
    if page is None:
        page = listing_index().add_child(
            instance=ListingPage(title=listing.title, slug=_slug(listing), listing=listing)
        )
    else:
        page.title = listing.title
    page.save_revision().publish()
    return page


@transaction.atomic
def listing_announcement_publish(listing) -> AnnouncementPage:
    """The 挂牌公告 of a listing: its period ends with the announcement (R-LIST-5)."""
    page = AnnouncementPage.objects.filter(
        listing=listing, kind=AnnouncementPage.Kind.LISTING
    ).first()
    title = f"挂牌公告：{listing.title}（{listing.number}）"
    if page is None:
        page = announcement_index().add_child(
            instance=AnnouncementPage(
                title=title,
                slug=_slug(listing, "gg-"),
                kind=AnnouncementPage.Kind.LISTING,
                listing=listing,
                period_ends_at=listing.announcement_ends_at,
            )
        )
    else:
        page.title = title
        page.period_ends_at = listing.announcement_ends_at
    page.save_revision().publish()
    return page


def _site_root_path() -> str:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page.url_path if site else "/"


@register_url_resolver
def listing_page_urls(listing_ids) -> dict:
    """{listing id: path of its live public page} for many listings in one query."""
    ids = list(listing_ids)
    if not ids:
        return {}
    root = _site_root_path()
    rows = ListingPage.objects.filter(listing_id__in=ids, live=True).values_list(
        "listing_id", "url_path"
    )
    return {lid: "/" + path[len(root) :] for lid, path in rows if path.startswith(root)}
