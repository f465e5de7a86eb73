"""The three clocks of "三个三" (R-SVC-1) are rulebook numbers staff may change per county."""

from django.utils.translation import gettext_lazy as _

from marketplace import rulebook
from marketplace.rulebook import Count

SECTION = _("Service at the stations")

NUMBERS = {
    "ACK_MINUTES": ("desk.ack_minutes", _("Acknowledge a request within"), 3, _("minutes")),
    "VISIT_HOURS": (
        "desk.visit_hours",
        _("On site, when a visit is needed, within"),
        3,
        _("hours"),
    ),
    "RESOLVE_DAYS": (
        "desk.resolve_days",
        _("Resolved or answered within (calendar days)"),
        3,
        _("days"),
    ),
}


def define():
    for key, label, default, unit in NUMBERS.values():
        rulebook.define(
            key,
            rule="R-SVC-1",
            section=SECTION,
            label=label,
            default=default,
            kind=Count(minimum=1, unit=unit),
        )


def get(name, *, county=None):
    return rulebook.value(NUMBERS[name][0], county=county)
