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


@register
def news_and_notices(request):
    """The newest news items and the newest announcements (挂牌公告, 成交公示, 流拍公告)."""
    from .models import AnnouncementIndexPage, AnnouncementPage, NewsIndexPage, NewsPage

    news_index = NewsIndexPage.objects.live().first()
    notices_index = AnnouncementIndexPage.objects.live().first()
    return {
        "home_news": list(NewsPage.objects.live().order_by("-date", "-id")[:6]),
        "home_news_url": news_index.url if news_index else "",
        "home_notices": list(
            AnnouncementPage.objects.live().order_by("-first_published_at", "-id")[:6]
        ),
        "home_notices_url": notices_index.url if notices_index else "",
    }


@register
def month_figures(request):
    """This month's and this year's deals (count, area, value) and listings published."""
    from .figures import trading_figures

    return {"home_figures": trading_figures()}
