"""The public site's chrome on every page: the main menu (the home page's children shown in
menus, in the page tree's order, as staff arrange them in the Wagtail admin), the footer (the
`SiteFooterSettings` of the site) and the breadcrumb trail of a Wagtail page.

`site_chrome` is a context processor (settings.TEMPLATES); the 500 page is rendered without a
request and without it, so the templates fall back to a fixed menu and footer there."""

import time

from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from .models import MenuLinkPage, SiteFooterSettings


def _site(request):
    try:
        return Site.find_for_request(request)
    except Exception:  # an unknown host: the default site
        return None


# The menu is on every public page and costs a query per page type (`specific()`); it changes
# only when editors publish, unpublish or move pages. Each process keeps it per site and language
# for MENU_CACHE_SECONDS and forgets it at once on those signals in this process (cms.apps);
# other processes follow within that time.
_menus: dict = {}


def forget_menus(**_signal):
    _menus.clear()


def menu_items(request) -> list[dict]:
    """[{title, url, active}] of the main menu: 首页, then the home page's menu children."""
    site = _site(request) or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return []
    items = [dict(item) for item in _menu(request, site)]
    _mark_active(items, request)
    return items


def _menu(request, site) -> list[dict]:
    ttl = float(getattr(settings, "MENU_CACHE_SECONDS", 30))
    key, now = (site.pk, get_language()), time.monotonic()
    kept = _menus.get(key)
    if ttl > 0 and kept is not None and now - kept[0] < ttl:
        return kept[1]
    root = site.root_page
    items = [{"title": _("Home"), "url": "/", "page_id": root.pk}]
    for page in root.get_children().live().in_menu().specific():
        url = page.link_url if isinstance(page, MenuLinkPage) else page.get_url(request)
        if url:
            items.append({"title": page.title, "url": url, "page_id": page.pk})
    if ttl > 0:
        _menus[key] = (now, items)
    return items


def _mark_active(items, request):
    """The item for this address: the one whose link is exactly it (with its query), else the
    longest link that starts the path; the home page only on "/"."""
    full, path = request.get_full_path(), request.path
    exact = [item for item in items if item["url"] == full]
    if exact:
        chosen = exact[0]
    else:
        prefixes = [
            item
            for item in items
            if item["url"] != "/" and "?" not in item["url"] and path.startswith(item["url"])
        ]
        chosen = max(prefixes, key=lambda item: len(item["url"]), default=None)
        if chosen is None and path == "/":
            chosen = items[0] if items else None
    for item in items:
        item["active"] = item is chosen


def footer(request):
    site = _site(request)
    if site is None:
        return None
    return SiteFooterSettings.for_site(site)


def site_chrome(request):
    """Lazy: pages that do not show the chrome (the Wagtail admin, JSON) make no query for it."""
    return {
        "main_menu": SimpleLazyObject(lambda: menu_items(request)),
        "site_footer": SimpleLazyObject(lambda: footer(request)),
    }


def breadcrumb_trail(page, request=None) -> list[dict]:
    """[{title, url}] from the site's home page down to `page` (the last one has no url)."""
    if not isinstance(page, Page):
        return []
    site = _site(request) if request is not None else None
    root_depth = site.root_page.depth if site else 2
    if page.depth <= root_depth:
        return []  # the home page itself
    trail = [
        {"title": _("Home") if a.depth == root_depth else a.title, "url": a.get_url(request)}
        for a in page.get_ancestors().filter(depth__gte=root_depth)
    ]
    trail.append({"title": page.title, "url": ""})
    return trail
