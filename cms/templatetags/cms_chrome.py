"""`{% breadcrumbs %}`: the trail of the Wagtail page being shown, or the `breadcrumbs` list
[(title, url), ...] a view put in its context (the last entry is the current page)."""

from django import template

from ..chrome import breadcrumb_trail

register = template.Library()


@register.inclusion_tag("cms/includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    trail = breadcrumb_trail(context.get("page"), context.get("request"))
    if not trail and context.get("breadcrumbs"):
        entries = list(context["breadcrumbs"])
        trail = [{"title": title, "url": url} for title, url in entries]
        if trail:
            trail[-1]["url"] = ""
    return {"trail": trail}
