"""What the home page shows beside its own text. Apps add sections through `register`."""

_SECTIONS = []


def register(fn):
    """fn(request) -> dict merged into the home page's context."""
    _SECTIONS.append(fn)
    return fn


def home_context(request):
    context = {}
    for fn in _SECTIONS:
        context.update(fn(request))
    return context
