"""The desk's notification events (registered in `DeskConfig.ready`)."""

from django.utils.translation import gettext_lazy as _

from marketplace.notifications import register_event


def register_events():
    register_event(
        "desk.escalated",
        label=_("Dispute escalated for mediation"),
        subject=_("Dispute %(number)s escalated by %(station)s"),
        body=_("A household's dispute at %(station)s needs mediation by the exchange (R-SVC-1)."),
        rule="R-SVC-1",
    )
    register_event(
        "desk.resolved",
        label=_("Request answered"),
        subject=_("Your request %(number)s is answered"),
        body=_("Your request %(number)s at the station is answered: %(resolution)s"),
        sms=_("Request %(number)s answered: %(resolution)s"),
        rule="R-SVC-1",
    )
