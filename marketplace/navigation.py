"""Navigation by role. Apps add their consoles by registering items here (kernel stays app-free).

Each item: (label, url name, roles, weight). `navigation_for(user)` keeps those the user's role
may use and whose URL exists (an app not yet built simply has no entry), lightest first, then in
the order registered.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

_ITEMS: list[tuple] = [
    (_("Dashboard"), "dashboard", None, 0),
]


def register(label, url_name, roles, *, weight=50):
    """Add a console link for `roles` (a set of User.Role; None = every logged-in user).
    `weight` orders the menu: the kernel's own pages (rules, notifications) come last."""
    if not any(item[1] == url_name for item in _ITEMS):
        _ITEMS.append((label, url_name, roles, weight))


def navigation_for(user):
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, url_name, roles, _weight in sorted(_ITEMS, key=lambda item: item[3]):
        if roles is not None and user.role not in roles and not user.is_superuser:
            continue
        try:
            items.append({"label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue
    return items


_PANELS: list = []


def register_panel(fn):
    """fn(request) -> {"template": ..., **context} or None: a section of the user's dashboard."""
    _PANELS.append(fn)
    return fn


def dashboard_panels(request):
    panels = []
    for fn in _PANELS:
        panel = fn(request)
        if panel:
            panels.append(panel)
    return panels
