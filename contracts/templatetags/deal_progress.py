"""`{% deal_progress listing %}`: a deal's seven steps (contracts/progress.py) as an ordered list;
`with_links=True` adds what exists of the live room, the result announcements and the
certificate (the public listing page)."""

from django import template
from django.urls import reverse

from ..progress import deal_progress as progress_of
from ..progress import live_auction_of

register = template.Library()


def _results(listing):
    """The live 成交公示 / 流拍公告 pages of the listing (the CMS's, read by relation)."""
    announcements = getattr(listing, "announcements", None)
    if announcements is None:
        return []
    return list(announcements.filter(kind__in=["result", "failed"], live=True).order_by("pk"))


def _certificate(deal):
    try:
        certificate = deal.certificate
    except Exception:  # noqa: BLE001 (no certificate yet: RelatedObjectDoesNotExist)
        return None
    return {"number": certificate.number, "url": reverse("verify", args=[certificate.number])}


@register.inclusion_tag("contracts/_progress.html")
def deal_progress(listing, deal=None, with_links=False):
    progress = progress_of(listing, deal)
    context = {"progress": progress, "with_links": with_links, "listing": listing}
    if with_links:
        if deal is None and _has_deal(listing, None):
            deal = listing.deal
        auction = live_auction_of(deal)
        context.update(
            {
                "auction": auction,
                "room_url": reverse("contracts:auction_room", args=[listing.pk]) if auction else "",
                "results": _results(listing),
                "certificate": _certificate(deal) if deal is not None else None,
            }
        )
    return context


def _has_deal(listing, deal) -> bool:
    if deal is not None:
        return True
    try:
        return listing.deal is not None
    except Exception:  # noqa: BLE001 (Deal.DoesNotExist: not traded yet)
        return False
