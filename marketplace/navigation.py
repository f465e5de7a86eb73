"""Navigation by role. Apps add their consoles by registering items here (kernel stays app-free).

Each item: (label, url name, roles, weight, group). `navigation_for(user)` keeps those the user's
role may use and whose URL exists (an app not yet built simply has no entry), lightest first, then
in the order registered. `navigation_groups_for(user)` folds a long menu (staff have some twenty
pages) into a few groups; a short one stays flat.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Menu groups, in the order shown. An item registered without a group stays on the top level.
TRADING = pgettext_lazy("menu group", "Trading")
CONTRACTS_AND_MONEY = pgettext_lazy("menu group", "Contracts and money")
STORAGE_AND_INSURANCE = pgettext_lazy("menu group", "Storage and insurance")
SYSTEM = pgettext_lazy("menu group", "System")
GROUPS = (TRADING, CONTRACTS_AND_MONEY, STORAGE_AND_INSURANCE, SYSTEM)
# Up to this many links the menu stays one flat row (every role but staff and the auditor).
FLAT_MENU_MAX = 9

_ITEMS: list[tuple] = [
    (_("Dashboard"), "dashboard", None, 0, None),
]


def register(label, url_name, roles, *, weight=50, group=None):
    """Add a console link for `roles` (a set of User.Role; None = every logged-in user).
    `weight` orders the menu: the kernel's own pages (rules, notifications) come last; `group`
    (one of GROUPS) is where the link sits when the user's menu is long."""
    if not any(item[1] == url_name for item in _ITEMS):
        _ITEMS.append((label, url_name, roles, weight, group))


def navigation_for(user):
    if user is None or not user.is_authenticated:
        return []
    items = []
    for label, url_name, roles, _weight, group in sorted(_ITEMS, key=lambda item: item[3]):
        if roles is not None and user.role not in roles and not user.is_superuser:
            continue
        try:
            items.append({"label": label, "url": reverse(url_name), "group": group})
        except NoReverseMatch:
            continue
    return items


def navigation_groups(items):
    """[{"label": group or None, "items": [...]}]: the top-level links first, then each group."""
    if len(items) <= FLAT_MENU_MAX:
        return [{"label": None, "items": items}] if items else []
    # A group of one link is no group: that link stays on the top level.
    sizes = {group: sum(1 for item in items if item["group"] == group) for group in GROUPS}
    top = [item for item in items if item["group"] is None or sizes[item["group"]] < 2]
    groups = [{"label": None, "items": top}] if top else []
    for group in GROUPS:
        if sizes[group] >= 2:
            members = [item for item in items if item["group"] == group]
            groups.append({"label": group, "items": members})
    return groups


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
