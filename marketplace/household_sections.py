"""The household page's sections (issue 13: "where is my land, who pays me, when").

The kernel may not import the apps, so each app registers a section here from its
`AppConfig.ready()`, as dashboard panels are registered (`marketplace.navigation`):

    register_section(fn, order=30)

`fn(household, user)` returns {"template": ..., **context} or None (nothing to show); `order`
places it on the page (land and map 5, listings 10, deals and contracts 20, payouts 30,
storage 40, insurance 50, requests 90). Sections only read. A section may add "pdf_template":
its compact part of the one-page PDF the operator hands over (rendered by the desk).

Money the household is still owed (a rent instalment the transferee has not paid yet, a storage
guarantee not yet paid) is registered the same way, so that the page's summary ("where is my
money?") can say what is due next and what is overdue:

    register_money(fn)

`fn(household, today)` returns an iterable of `Expected` — only money not yet paid; what has
been paid shows as the household's payouts (the kernel's payments module).
"""

import datetime as dt
from dataclasses import dataclass

_SECTIONS: list[tuple[int, object]] = []
_MONEY: list[object] = []


@dataclass(frozen=True)
class Expected:
    """Money owed to the household and not yet paid: `status` "due" or "overdue"."""

    what: str
    due_on: dt.date
    amount_fen: int
    status: str


def register_section(fn, *, order=50):
    if not any(existing is fn for _order, existing in _SECTIONS):
        _SECTIONS.append((order, fn))
    return fn


def register_money(fn):
    if not any(existing is fn for existing in _MONEY):
        _MONEY.append(fn)
    return fn


def sections_for(household, user) -> list[dict]:
    out = []
    for _order, fn in sorted(_SECTIONS, key=lambda item: item[0]):
        section = fn(household, user)
        if section:
            out.append(section)
    return out


def expected_for(household, today) -> list[Expected]:
    """Every app's money still owed to the household, the earliest first."""
    rows = [row for fn in _MONEY for row in fn(household, today)]
    return sorted(rows, key=lambda row: (row.due_on, row.what))
