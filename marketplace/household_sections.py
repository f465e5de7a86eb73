"""The household page's sections (issue 13: "where is my land, who pays me, when").

The kernel may not import the apps, so each app registers a section here from its
`AppConfig.ready()`, as dashboard panels are registered (`marketplace.navigation`):

    register_section(fn, order=30)

`fn(household, user)` returns {"template": ..., **context} or None (nothing to show); `order`
places it on the page (rights and listings 10, deals and contracts 20, payments 30, storage 40,
insurance 50, requests 90). Sections only read.
"""

_SECTIONS: list[tuple[int, object]] = []


def register_section(fn, *, order=50):
    if not any(existing is fn for _order, existing in _SECTIONS):
        _SECTIONS.append((order, fn))
    return fn


def sections_for(household, user) -> list[dict]:
    out = []
    for _order, fn in sorted(_SECTIONS, key=lambda item: item[0]):
        section = fn(household, user)
        if section:
            out.append(section)
    return out
