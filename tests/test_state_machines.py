"""Every state on a state machine (STYLE.md; docs/*-states.md).

State fields are django-fsm-2 FSMFields; those of a deal's machines are protected (never
assigned, only moved by a transition), and services move them through the one helper
`marketplace.fsm.transition`, which saves and writes the audit event.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django_fsm import FSMFieldMixin

from contracts.documents.models import Contract, RentInstalment, Settlement
from contracts.models import Auction, Deal
from listings.models import Listing
from marketplace.audit import events_for
from marketplace.errors import Conflict
from marketplace.fsm import transition
from marketplace.payments.models import Payable, Payout, PayoutBatch, Refund

ROOT = Path(__file__).resolve().parent.parent
PAYMENTS = (Payable, Refund, Payout, PayoutBatch)
PROTECTED = (Auction, Contract, Settlement, RentInstalment, Deal, Listing, *PAYMENTS)
PACKAGES = ("marketplace", "listings", "valuation", "contracts", "cms")


def test_every_state_field_of_the_project_is_an_fsm_field():
    own = [m for m in apps.get_models() if m.__module__.split(".")[0] in PACKAGES]
    plain = [
        m.__name__
        for m in own
        for f in m._meta.concrete_fields
        if f.name == "state" and not isinstance(f, FSMFieldMixin)
    ]
    assert plain == []


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m.__name__)
def test_a_deal_state_cannot_be_assigned(model):
    # given an object with its initial state
    obj = model()
    # when a service would assign the state, then django-fsm refuses
    with pytest.raises(AttributeError):
        obj.state = "anything"


def test_no_module_assigns_a_state_by_hand():
    assignment = re.compile(r"^\s*[\w.\[\]]+\.state\s*=[^=]")
    offenders = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if assignment.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_payments_services_move_states_only_through_the_transition_helper():
    """A payable, refund, payout or batch changes state by `transition(obj, "mark_…")`, which
    saves and audits; a bare `obj.mark_paid(...)` would change the state with no audit event."""
    bare_call = re.compile(r"\.mark_\w+\(")
    offenders = []
    for path in sorted((ROOT / "marketplace" / "payments").rglob("*.py")):
        if "migrations" in path.parts or path.name == "models.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if bare_call.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_payments_state_machine_is_documented():
    from contracts.management.commands.deal_states_doc import MACHINES

    assert {m.model for m in MACHINES} >= set(PAYMENTS)


def test_the_state_documents_are_generated_from_the_code():
    # docs/deal-, auction-, contract-, settlement-, rent-instalment-, payable-, refund-,
    # payout- and payout-batch-states.md
    call_command("deal_states_doc", "--check")


def test_the_transition_helper_saves_and_writes_the_audit_event(db):
    from tests.contracts.factories import live_auction

    # given an auction that is running
    auction, _ = live_auction(bidders=0)
    # when it closes on the listing's withdrawal
    transition(auction, "close_on_withdrawal", at=auction.close_at, action="auction.closed")
    # then the row is closed and the audit log holds from → to
    auction = Auction.objects.get(pk=auction.pk)
    assert auction.state == Auction.State.CLOSED
    assert auction.closed_by == "withdrawn"
    event = events_for(auction).get(action="auction.closed")
    assert (event.payload["from"], event.payload["to"]) == ("scheduled", "closed")


def test_a_transition_whose_condition_fails_is_refused_and_nothing_is_written(db):
    from tests.contracts.factories import live_auction

    # given an auction whose close time has not come (R-BID-8)
    auction, _ = live_auction(bidders=0)
    auction.closed_at = auction.close_at - dt.timedelta(seconds=1)
    # when the closer tries to close it, then it is refused
    with pytest.raises(Conflict):
        transition(auction, "close", action="auction.closed")
    assert Auction.objects.get(pk=auction.pk).state == Auction.State.SCHEDULED
    assert not events_for(auction).exists()


def test_every_protected_machine_can_be_refreshed_from_the_database():
    """A protected FSM field refuses assignment, and so `refresh_from_db()` unless the model
    carries django-fsm's FSMModelMixin (a claim could not be re-read after an inspection)."""
    from django.apps import apps
    from django_fsm import FSMField, FSMModelMixin

    missing = [
        model.__name__
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FSMField) and field.protected and not issubclass(model, FSMModelMixin)
    ]
    assert missing == []
