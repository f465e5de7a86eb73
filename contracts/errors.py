"""Refusals of the deal and bidding services; the API returns them as {code, detail}."""

from django.utils.translation import gettext_lazy as _

from marketplace.errors import Conflict, DomainError, Invalid, NotAllowed


class NotQualified(NotAllowed):
    code = "not_qualified"
    default_message = _("You are not a qualified bidder of this listing (R-BID-1).")


class AuctionNotOpen(Conflict):
    code = "auction_not_open"
    default_message = _("The auction has not started yet.")


class AuctionClosed(Conflict):
    code = "auction_closed"
    default_message = _("The auction is closed: bids received at or after the close are refused.")


class BidTooLow(Conflict):
    code = "bid_too_low"
    default_message = _("Your bid is below the next valid amount.")


class NotOnIncrement(Invalid):
    code = "not_on_increment"
    default_message = _("A bid must be the start price plus a whole number of increments.")
    field = "amount_yuan"


class AlreadyLeading(Conflict):
    code = "already_leading"
    default_message = _("You already hold the highest bid.")


class InvalidAmount(Invalid):
    code = "invalid_amount"
    default_message = _("Amount: enter yuan with at most two decimals, e.g. 1200.00.")
    field = "amount_yuan"


class InvalidKey(Invalid):
    code = "invalid_idempotency_key"
    default_message = _("idempotency_key: 1 to 64 letters, digits, '-', '_', '.' or ':'.")
    field = "idempotency_key"


class RegistrationRefused(DomainError):
    code = "registration_refused"
    http_status = 403
    default_message = _("You cannot register for this listing.")


class RegistrationClosed(Conflict):
    code = "registration_closed"
    default_message = _("Registration is open during the announcement period only (R-REG-2).")


class AlreadyRegistered(Conflict):
    code = "already_registered"
    default_message = _("Your enterprise has already registered for this listing.")


class ObjectionInvalid(Invalid):
    code = "objection_invalid"


class TooManyObjections(DomainError):
    code = "too_many_objections"
    http_status = 429
    default_message = _(
        "Too many objections were sent from your address. Try again in an hour, or file it in "
        "writing at the exchange."
    )


class WrongState(Conflict):
    code = "wrong_state"
