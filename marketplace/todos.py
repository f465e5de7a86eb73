"""What waits for the user: the to-dos on each role's dashboard (issue 16 §4).

Apps register providers (`register(fn)` in `AppConfig.ready()`), as they register menu links and
dashboard panels; the kernel imports no app. A provider is `fn(user) -> iterable of Todo`: it
answers for the roles it knows (nothing for the others), counts only what the user's scope holds
(the access policy's `scope_queryset` for staff readers, the app's selectors for the others) and
counts in one aggregate query per model.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Todo:
    key: str  # stable, for tests and data-testid
    label: str
    count: int
    url: str
    urgent: bool = False  # past a deadline: shown in red
    order: int = 50  # lighter first


_PROVIDERS: list = []


def register(fn):
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)
    return fn


def todo(key, label, count, url_name, *args, urgent=False, order=50, query="") -> Todo | None:
    """A Todo linking to `url_name` (None when the app's page does not exist)."""
    try:
        url = reverse(url_name, args=args)
    except NoReverseMatch:
        return None
    return Todo(
        key=key,
        label=str(label),
        count=int(count or 0),
        url=url + (f"?{query}" if query else ""),
        urgent=bool(urgent and count),
        order=order,
    )


def todos_for(user) -> list[Todo]:
    """The user's to-dos, those waiting first (urgent, then by order), then the empty ones."""
    if user is None or not user.is_authenticated:
        return []
    items = [item for fn in _PROVIDERS for item in (fn(user) or ()) if item is not None]
    return sorted(items, key=lambda t: (t.count == 0, not t.urgent, t.order))


def holiday_todos(user):
    """Staff: the years (this and next) whose public holidays are still to be entered (R-TIME-3)."""
    from . import workdays
    from .permissions import is_exchange_staff

    if not is_exchange_staff(user):
        return []
    year = workdays.timezone.localdate().year
    missing = [y for y in (year, year + 1) if workdays.year_warning(y)]
    return [
        todo(
            "holidays_to_enter",
            _("Years whose holidays are to be entered"),
            len(missing),
            "admin:marketplace_workdayoverride_changelist",
            urgent=True,
            order=30,
        )
    ]
