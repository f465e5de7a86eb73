from django.utils.translation import gettext_lazy as _

from marketplace.errors import Invalid, NotAllowed


class OtherStation(NotAllowed):
    code = "desk_other_station"
    field = "household"
    default_message = _("This household's land is not in your station's township.")


class BadTime(Invalid):
    code = "desk_bad_time"
    default_message = _("The time cannot be in the future or before the request was received.")


class WrongState(Invalid):
    code = "desk_wrong_state"
    default_message = _("The request is not in a state that allows this.")
