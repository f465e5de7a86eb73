"""Template filters for money, areas and dates as the exchange's users read them (UX.md)."""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone

from marketplace import money, workdays

register = template.Library()


@register.filter
def yuan(value, style=""):
    """¥12,345.60 from Decimal yuan; `yuan:"plain"` gives 12,345.60 (a column headed 元, or a
    sentence that writes the ¥ itself)."""
    if value is None or value == "":
        return ""
    return money.format_yuan(value, symbol=style != "plain")


@register.filter
def fen_yuan(value):
    """¥12,345.60 from integer fen."""
    if value is None or value == "":
        return ""
    return money.format_yuan(money.fen_to_yuan(int(value)))


@register.filter
def wan_yuan(value):
    """1.23万元 from Decimal yuan."""
    if value is None or value == "":
        return ""
    return money.format_wan_yuan(value)


@register.filter
def fen_wan_yuan(value):
    if value is None or value == "":
        return ""
    return money.format_wan_yuan(money.fen_to_yuan(int(value)))


@register.filter
def mu(value):
    """Area in mu with up to two decimals on screen (4 stored)."""
    if value is None or value == "":
        return ""
    d = money.round_half_up(str(value), 2)
    text = f"{d:,.2f}".rstrip("0").rstrip(".")
    return f"{text} 亩"


@register.filter
def cn_date(value):
    """2026年11月28日."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_datetime(value):
    """2026年11月28日 17:00 (Beijing time, 24-hour)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{cn_date(local)} {local:%H:%M}"


@register.filter
def workdays_left(deadline):
    """还剩 N 个工作日 for an aware deadline."""
    if not deadline:
        return ""
    n = workdays.workdays_left(deadline)
    if deadline <= timezone.now():
        return "已截止"
    return f"还剩 {n} 个工作日"


@register.simple_tag
def rule_number(key, county=None, percent=False):
    """A rulebook number in force for a county, for texts on pages (never typed into them):
    `{% rule_number "relist.max_cut" county=listing.county_id percent=True as cut %}` → "10"."""
    from marketplace import rulebook

    value = rulebook.value(key, county=county)
    if percent:
        return f"{(Decimal(value) * 100).normalize():f}"
    return value
