"""What the home page shows beside its own text. Apps add sections through `register`."""

_SECTIONS = []


def register(fn):
    """fn(request) -> dict merged into the home page's context."""
    _SECTIONS.append(fn)
    return fn


def home_context(request):
    """Merge every section's dict; `home_sections` lists are concatenated, not replaced."""
    context = {"home_sections": []}
    for fn in _SECTIONS:
        extra = dict(fn(request))
        context["home_sections"] += extra.pop("home_sections", [])
        context.update(extra)
    return context
