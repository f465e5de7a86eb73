"""Every state on a state machine (STYLE.md; docs/*-states.md; issue 15 §4).

Every state field is a django-fsm-2 `FSMField(protected=True)` (never assigned, only moved by a
transition), and services move it through the one helper `marketplace.fsm.transition`, which
saves and writes the audit event. The one exception is a claim: a queryset update filtered on
the old state (a notification delivery's queued → sending), which the database lets one worker win.
"""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django_fsm import FSMFieldMixin

from contracts.documents.models import Contract, RentInstalment, Settlement
from contracts.insurance.models import PolicyImport
from contracts.models import (
    Auction,
    Deal,
    Deposit,
    NegotiatedOffer,
    Objection,
    QualificationReview,
    Registration,
)
from listings.models import Listing, ParcelImport
from marketplace.audit import events_for
from marketplace.errors import Conflict
from marketplace.fsm import transition
from marketplace.models import Delivery
from marketplace.payments.models import Payable, Payout, PayoutBatch, Refund

ROOT = Path(__file__).resolve().parent.parent
PAYMENTS = (Payable, Refund, Payout, PayoutBatch)
REGISTRATION = (Registration, QualificationReview, Deposit, NegotiatedOffer, Objection)
PROTECTED = (
    Auction,
    Contract,
    Settlement,
    RentInstalment,
    Deal,
    Listing,
    *REGISTRATION,
    Delivery,
    *PAYMENTS,
    ParcelImport,
    PolicyImport,
)
PACKAGES = ("marketplace", "listings", "valuation", "contracts", "cms")
STATE_NAMES = ("state", "disposition")
# A field of these names with choices is a state kept under another name (an import job's
# `status` was one, moved by hand); checked on the project's own models (Wagtail's workflow
# states keep a `status`).
STATE_LIKE_NAMES = ("status",)


def test_no_model_of_any_installed_app_keeps_a_state_in_a_plain_field():
    """A field named `state` or `disposition` is a state machine's, so an FSMField."""
    plain = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if f.name in STATE_NAMES and not isinstance(f, FSMFieldMixin)
    ]
    assert plain == []


def test_no_model_of_the_project_keeps_a_state_in_a_plain_status_field():
    """Issue 15 §4: every model state field is an FSM field, whatever it is called."""
    plain = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        if m.__module__.split(".")[0] in PACKAGES
        for f in m._meta.concrete_fields
        if f.name in STATE_LIKE_NAMES and f.choices and not isinstance(f, FSMFieldMixin)
    ]
    assert plain == []


def test_every_fsm_field_of_every_installed_app_is_protected():
    """`protected=True`: assigning the field raises, so only a transition moves it."""
    unprotected = [
        f"{m._meta.label}.{f.name}"
        for m in apps.get_models()
        for f in m._meta.concrete_fields
        if isinstance(f, FSMFieldMixin) and not f.protected
    ]
    assert unprotected == []


@pytest.mark.parametrize("model", PROTECTED, ids=lambda m: m.__name__)
def test_a_state_cannot_be_assigned(model):
    # given an object with its initial state
    obj = model()
    # when a service would assign the state, then django-fsm refuses
    with pytest.raises(AttributeError):
        obj.state = "anything"


def test_a_deposit_payables_disposition_cannot_be_assigned():
    payable = Payable(kind=Payable.Kind.DEPOSIT)
    with pytest.raises(AttributeError):
        payable.disposition = Payable.Disposition.FORFEITED


def _python_files(packages=PACKAGES):
    for package in packages:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


# `obj.state = …`, `obj.disposition = …`, `obj.status = …`, and any in a tuple assignment.
_NAMES = "|".join((*STATE_NAMES, *STATE_LIKE_NAMES))
ASSIGNMENT = re.compile(
    rf"^\s*[\w.\[\]]+\.({_NAMES})\s*(=[^=]|,[^=]*=[^=])"
    rf"|^\s*[\w.\[\], ]+,\s*[\w.\[\]]+\.({_NAMES})\s*(,[^=]*)?=[^=]"
)
# `.status = …` lines that set no model's field, with the reason (path, line as written).
NOT_A_MODEL_STATE = {
    (
        "contracts/storage/selectors.py",
        "row.status = instalment_status(row, today=today)",
    ): "a display attribute computed for the page on a selector's row, not a field",
    (
        "marketplace/payments/gateway/fake.py",
        "self.status = status",
    ): "the fake gateway's HTTP response object (tests and demo), not a model",
}
# `.update(status=…)` statements that update no queryset, with the reason (path, first line).
NOT_A_MODEL_UPDATE = {
    ("marketplace/payments/gateway/fake.py", "intent.update("): (
        "the fake gateway's payment intent, a dict in the fake Stripe's memory"
    ),
}
# `[.filter(…)].update(…, state=…)`: group 1 is the filter, group 2 the field updated.
_ARGS = r"(?:[^()]|\([^()]*\))*"
BULK_UPDATE = re.compile(rf"(\.filter\({_ARGS}\))?\.update\({_ARGS}?\b({_NAMES})\s*=", re.S)


def _bulk_updates(text):
    """Lines of `qs.update(state=…)` not filtered on the old state in the same statement."""
    lines = []
    for match in BULK_UPDATE.finditer(text):
        claim = match.group(1) and re.search(rf"\b{match.group(2)}\s*=", match.group(1))
        if not claim:
            lines.append(text.count("\n", 0, match.start()) + 1)
    return lines


def test_no_module_updates_a_state_in_bulk_except_to_claim_a_row():
    """`qs.update(state=…)` skips the transition and the audit: allowed only as an atomic claim,
    on a queryset filtered on the old state in the same statement (one worker wins it)."""
    offenders, allowed = [], set()
    for path in _python_files():
        relative, text = path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for number in _bulk_updates(text):
            if (relative, lines[number - 1].strip()) in NOT_A_MODEL_UPDATE:
                allowed.add((relative, lines[number - 1].strip()))
            else:
                offenders.append(f"{relative}:{number}")
    assert offenders == []
    assert allowed == set(NOT_A_MODEL_UPDATE)


def test_no_module_assigns_a_state_by_hand():
    offenders, allowed = [], set()
    for path in _python_files():
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not ASSIGNMENT.search(line):
                continue
            if (relative, line.strip()) in NOT_A_MODEL_STATE:
                allowed.add((relative, line.strip()))
            else:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []
    # an exception whose line is gone is dropped from the list, not kept to excuse a new one
    assert allowed == set(NOT_A_MODEL_STATE)


def test_the_status_exceptions_are_no_models_fields():
    """The allowed `.status =` lines set an attribute of something that is not a model with a
    `status` field: no model of the project has one (checked on the models themselves)."""
    with_status = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.split(".")[0] in PACKAGES
        for f in m._meta.concrete_fields
        if f.name in STATE_LIKE_NAMES
    ]
    assert with_status == []


def test_the_source_checks_catch_what_they_look_for():
    """The two checks above are only worth something if their patterns match."""
    assert ASSIGNMENT.search("        payable.disposition = Payable.Disposition.APPLIED")
    assert ASSIGNMENT.search("    delivery.state, delivery.sent_at = SENT, now")
    assert ASSIGNMENT.search("    delivery.sent_at, delivery.state = now, SENT")
    assert not ASSIGNMENT.search("    if deal.state == Deal.State.AUCTION:")
    assert ASSIGNMENT.search("        job.status = ParcelImport.Status.DONE")
    assert ASSIGNMENT.search("    job.errors, job.status = [], DONE")
    assert not ASSIGNMENT.search('    if job.status == "done":')
    assert _bulk_updates("PolicyImport.objects.filter(pk=1).update(status='running')") == [1]
    assert _bulk_updates("Deposit.objects.filter(pk=1).update(state='held')") == [1]
    assert _bulk_updates("qs.update(\n    attempts=2,\n    disposition='applied')") == [1]
    claim = "Delivery.objects.filter(pk=1, state=QUEUED).update(state=SENDING, attempts=F('a') + 1)"
    assert _bulk_updates(claim) == []


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


def test_every_machine_of_a_deal_its_payments_and_the_deliveries_is_documented():
    """Each FSM field of the modules `deal_states_doc` draws from has its document, a payable's
    disposition too (docs/payable-disposition-states.md)."""
    from contracts.management.commands.deal_states_doc import MACHINES

    modules = {
        "contracts.models",
        "contracts.documents.models",
        "marketplace.models",
        "marketplace.payments.models",
    }
    machines = {
        (m.__name__, f.name)
        for m in apps.get_models()
        if m.__module__ in modules
        for f in m._meta.concrete_fields
        if isinstance(f, FSMFieldMixin)
    }
    assert ("Payable", "disposition") in machines and ("Delivery", "state") in machines
    assert machines - {(m.model.__name__, m.fsm_field) for m in MACHINES} == set()


def test_the_import_jobs_machines_are_documented():
    from contracts.management.commands.deal_states_doc import MACHINES

    assert {(m.model, m.fsm_field) for m in MACHINES} >= {
        (ParcelImport, "state"),
        (PolicyImport, "state"),
    }


def test_the_state_documents_are_generated_from_the_code():
    # docs/deal-, registration-, qualification-review-, deposit-, negotiated-offer-,
    # objection-, auction-, contract-, settlement-, rent-instalment-, payable-,
    # payable-disposition-, refund-, payout-, payout-batch-, delivery-, parcel-import- and
    # policy-import-states.md
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
