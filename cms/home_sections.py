"""The home page's latest announced listings (a section registered with cms.home)."""

from listings.models import Listing
from listings.public import public_urls

from .home import register
from .models import ListingIndexPage


@register
def latest_listings(request):
    listings = list(
        Listing.objects.filter(state=Listing.State.ANNOUNCED)
        .select_related("county", "township")
        .order_by("-published_at")[:6]
    )
    urls = public_urls(obj.pk for obj in listings)
    for obj in listings:
        obj.public_url = urls.get(obj.pk, "")
    index = ListingIndexPage.objects.live().first()
    section = {
        "template": "cms/includes/home_latest_listings.html",
        "listings": listings,
        "index_url": index.url if index else "",
    }
    return {"home_sections": [section]}
