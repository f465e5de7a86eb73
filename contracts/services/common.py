"""Helpers the deal services share: locking, transitions with audit, signals on commit."""

import logging
from functools import partial

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace import fsm
from marketplace.numbering import next_in_sequence

from ..errors import WrongState
from ..models import Deal, DealNumberSequence

log = logging.getLogger(__name__)


def lock_deal(deal_or_pk) -> Deal:
    pk = getattr(deal_or_pk, "pk", deal_or_pk)
    return Deal.objects.select_for_update().select_related("listing").get(pk=pk)


def _wrong_state(obj) -> WrongState:
    return WrongState(
        _("This is not possible in the current state (%(state)s).")
        % {"state": obj.get_state_display()}
    )


# The kernel's one transition helper, refusing with the deal services' `WrongState`.
transition = partial(fsm.transition, refuse=_wrong_state)


def send_on_commit(signal, **kwargs):
    """Send after commit; a failing receiver (e.g. the public page) is logged, never raised into
    the closer or the bidder whose transaction already committed."""
    transaction.on_commit(partial(_send_robust, signal, kwargs))


def _send_robust(signal, kwargs):
    for receiver, result in signal.send_robust(sender=Deal, **kwargs):
        if isinstance(result, Exception):
            log.error(
                "receiver %r of a deal signal failed",
                receiver,
                exc_info=(type(result), result, result.__traceback__),
            )


def deal_number_allocate(*, county_code: str, year: int) -> str:
    """The next `JY-<county>-<year>-<serial>`: a row lock per county and year keeps it unique."""
    serial = next_in_sequence(DealNumberSequence, county_code=county_code, year=year)
    return f"JY-{county_code}-{year}-{serial:06d}"
