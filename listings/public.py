"""Public addresses of listings, provided by the public site without listings importing it.

`cms` registers a resolver in its AppConfig.ready(): fn(listing ids) -> {listing id: url}.
"""

_RESOLVERS: list = []


def register_url_resolver(fn):
    """fn(iterable of listing ids) -> {id: absolute path of the public page}."""
    if fn not in _RESOLVERS:
        _RESOLVERS.append(fn)
    return fn


def public_urls(listing_ids) -> dict:
    ids = list(listing_ids)
    urls: dict = {}
    for fn in _RESOLVERS:
        urls.update(fn(ids))
    return urls
