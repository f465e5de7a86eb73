"""What one webhook delivery costs, and that the cheap path keeps every guarantee (issue 15 §2).

The benchmark (`bench/payments_webhooks.py`) depends on a delivery making few round trips: the
event is stored by its unique id in one INSERT (no read first, no savepoint), the payable is
found and locked in one query, the ledger accounts are read together. These tests keep those
numbers from creeping back, and check that a replay writes nothing and that the state change
goes through the transition helper (audited with its states).
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.audit import events_for
from marketplace.models import AuditEvent
from marketplace.payments import ledger, selectors
from marketplace.payments.gateway import get_gateway
from marketplace.payments.models import LedgerAccount, LedgerEntry, Payable, WebhookEvent
from marketplace.payments.testing import signed_webhook
from marketplace.payments.verify import verify_ledger
from marketplace.payments.webhooks import handle_payload, sign_payload

pytestmark = pytest.mark.django_db

APPLIED_BUDGET = 12  # measured 11 on PostgreSQL (BEGIN … COMMIT), 24 before issue 15
REPLAY_BUDGET = 3  # BEGIN, the INSERT that finds the id taken, COMMIT


def delivery_for(payable):
    intent = get_gateway().complete_intent(payable.payment_intent_id).raw
    return signed_webhook("payment_intent.succeeded", intent)


def test_an_applied_delivery_and_its_replay_stay_within_their_query_budget(make_payable):
    # given a warmed process (content types cached) and a second payable whose intent succeeded
    handle_payload(*delivery_for(make_payable()))
    delivery = delivery_for(make_payable())
    # when it is delivered, then delivered again
    with CaptureQueriesContext(connection) as applied:
        assert handle_payload(*delivery) == (200, "applied")
    with CaptureQueriesContext(connection) as replay:
        assert handle_payload(*delivery) == (200, "replay")
    # then each stays within its budget
    assert len(applied) <= APPLIED_BUDGET, [q["sql"][:80] for q in applied.captured_queries]
    assert len(replay) <= REPLAY_BUDGET, [q["sql"][:80] for q in replay.captured_queries]


def test_a_replay_writes_nothing_but_the_refused_insert(make_payable):
    # given a delivery already applied
    payable = make_payable(amount_fen=250_000)
    delivery = delivery_for(payable)
    handle_payload(*delivery)
    before = (AuditEvent.objects.count(), LedgerEntry.objects.count(), WebhookEvent.objects.count())
    # when the gateway delivers it again
    with CaptureQueriesContext(connection) as replay:
        assert handle_payload(*delivery) == (200, "replay")
    # then the only write is the event INSERT the unique id refused; nothing changed
    writes = [
        q["sql"] for q in replay.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]  # fmt: skip
    assert len(writes) == 1 and "payments_webhookevent" in writes[0]
    assert "ON CONFLICT" in writes[0].upper() or "OR IGNORE" in writes[0].upper()  # PG, SQLite
    after = (AuditEvent.objects.count(), LedgerEntry.objects.count(), WebhookEvent.objects.count())
    assert after == before
    assert ledger.balance("clearing") == 250_000
    assert verify_ledger().ok


def test_the_payment_is_a_transition_recorded_with_its_states(make_payable):
    # given a pending payable
    payable = make_payable()
    # when its intent's success is delivered
    handle_payload(*delivery_for(payable))
    # then the state moved through the transition helper: one audit event, from → to
    payable = Payable.objects.get(pk=payable.pk)
    assert payable.state == Payable.State.PAID
    event = events_for(payable).get(action="payments.payable_paid")
    assert (event.payload["from"], event.payload["to"]) == ("pending", "paid")
    assert event.payload["amount_fen"] == payable.amount_fen
    with pytest.raises(AttributeError):
        payable.state = Payable.State.PENDING  # protected: only a transition moves it


def test_a_signed_body_that_is_not_an_object_is_refused_and_nothing_is_stored():
    # given a correctly signed JSON array (not a Stripe event)
    payload = json.dumps([{"id": "evt_1", "type": "payment_intent.succeeded"}]).encode()
    # when it is delivered, then it is refused before anything is stored
    assert handle_payload(payload, sign_payload(payload)) == (400, "not an event")
    assert not WebhookEvent.objects.exists()


def test_ledger_accounts_are_read_together_and_created_once():
    # given one existing account and one new key
    ledger.account("clearing")
    keys = ["clearing", "deposit_held:payable:9001"]
    # when both are asked for
    with CaptureQueriesContext(connection) as first:
        found = ledger.accounts(keys)
    # then the new one is created (read, insert skipping existing keys, read the new ones)
    assert set(found) == set(keys) and len(first) <= 3
    assert found["deposit_held:payable:9001"].kind == LedgerAccount.Kind.LIABILITY
    # and asked again, both are one read and nothing is created twice
    with CaptureQueriesContext(connection) as again:
        assert {k: a.pk for k, a in ledger.accounts(keys).items()} == {
            k: a.pk for k, a in found.items()
        }
    assert len(again) == 1
    assert LedgerAccount.objects.filter(key__in=keys).count() == 2


def test_a_bad_ledger_key_is_refused_before_anything_is_written():
    from marketplace.errors import Invalid

    with pytest.raises(Invalid):
        ledger.accounts(["clearing", "Not A Key"])
    assert not LedgerAccount.objects.exists()


def test_the_held_account_opens_with_the_payable_and_is_listed_once_money_moves(make_payable):
    # given a new payable: its held account exists (the webhook then only reads accounts)
    payable = make_payable()
    assert LedgerAccount.objects.filter(key=payable.held_account_key).exists()
    # then the ledger page does not list it while nothing was posted to it
    listed = [a.key for a in selectors.ledger_accounts_with_balances()]
    assert payable.held_account_key not in listed
    # when it is paid, then it is listed with its balance
    handle_payload(*delivery_for(payable))
    balances = {a.key: a.balance_fen for a in selectors.ledger_accounts_with_balances()}
    assert balances[payable.held_account_key] == payable.amount_fen
