from django.conf import settings

from .navigation import navigation_for, navigation_groups


def exchange(request):
    user = getattr(request, "user", None)
    items = navigation_for(user) if user is not None else []
    return {
        "site_name": settings.WAGTAIL_SITE_NAME,
        # Django's auth views put their own `site_name` (the host) in the context; this one stays.
        "exchange_name": settings.WAGTAIL_SITE_NAME,
        "nav_items": items,
        "nav_groups": navigation_groups(items),
        "payments_offline": settings.PAYMENTS_OFFLINE,
    }


def inbox(request):
    """The header's unread count, on every page (the in-site inbox)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .notifications import unread_count

    return {"inbox_unread": unread_count(user)}
