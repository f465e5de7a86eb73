"""Refusals of floor-price storage (translated, naming the rule and the item)."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import Conflict, Invalid


class StorageRefused(Invalid):
    code = "storage_refused"
    default_message = _("Floor-price storage is not possible.")


class WrongState(Conflict):
    code = "storage_wrong_state"
    default_message = _("This is not possible in the current state.")


class AlreadyPaid(Conflict):
    code = "guarantee_already_paid"
    default_message = _("This guarantee instalment has already been paid out (R-STORE-3).")
