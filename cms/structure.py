"""The fixed parts of the public site's page tree, created on first use."""

from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from .models import (
    AnnouncementIndexPage,
    ContactPage,
    HomePage,
    ListingIndexPage,
    MenuLinkPage,
    NewsIndexPage,
    SectionPage,
)


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


# ---------------------------------------------------------------- the main menu (issue 16)

# (slug, title, kind, link): the menu in its order; the link of a MenuLinkPage.
MENU = (
    ("listings", "挂牌项目", "listings", ""),
    ("announcements", "交易公告", "announcements", ""),
    ("results", "成交公示", "link", "/announcements/?kind=result"),
    ("verification", "鉴证核验", "link", "/verify/"),
    ("policy", "政策法规", "section", ""),
    ("guide", "办事指南", "section", ""),
    ("contact", "联系我们", "contact", ""),
)


@transaction.atomic
def news_index() -> NewsIndexPage:
    index = NewsIndexPage.objects.first()
    if index is None:
        index = home().add_child(instance=NewsIndexPage(title="新闻动态", slug="news"))
    return index


@transaction.atomic
def section(slug: str, title: str) -> SectionPage:
    page = SectionPage.objects.filter(slug=slug).first()
    if page is None:
        page = home().add_child(instance=SectionPage(title=title, slug=slug, show_in_menus=True))
    return page


@transaction.atomic
def contact() -> ContactPage:
    page = ContactPage.objects.first()
    if page is None:
        page = home().add_child(
            instance=ContactPage(title="联系我们", slug="contact", show_in_menus=True)
        )
    return page


@transaction.atomic
def menu_link(slug: str, title: str, link: str) -> MenuLinkPage:
    page = MenuLinkPage.objects.filter(slug=slug).first()
    if page is None:
        page = home().add_child(
            instance=MenuLinkPage(title=title, slug=slug, link_url=link, show_in_menus=True)
        )
    return page


def menu_pages() -> list:
    """Make every page of the main menu (idempotent) and put them in the menu's order. Only when
    that order is wrong are they moved (each to the end of the home page's children, so other
    children then come before them). Returns the pages in order."""
    pages = []
    for slug, title, kind, link in MENU:
        if kind == "listings":
            page = listing_index()
        elif kind == "announcements":
            page = announcement_index()
        elif kind == "section":
            page = section(slug, title)
        elif kind == "contact":
            page = contact()
        else:
            page = menu_link(slug, title, link)
        if not page.show_in_menus:
            Page.objects.filter(pk=page.pk).update(show_in_menus=True)
        pages.append(page)
    _order(pages)
    return pages


@transaction.atomic
def _order(pages):
    children = list(home().get_children().values_list("pk", flat=True))
    wanted = [p.pk for p in pages]
    if [pk for pk in children if pk in wanted] == wanted:
        return
    parent = home()
    for page in pages:  # each to the end, in order: the menu's pages end up first-to-last
        Page.objects.get(pk=page.pk).move(parent, pos="last-child")
