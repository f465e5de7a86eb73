"""Yearly guarantees (R-STORE-3): floor × area each storage year, paid in advance through the
payments module (ledger `storage_guarantee_payable`, payout batches), let again or not."""

import datetime as dt
import threading

import pytest
from django.db import connection

from contracts.storage import selectors, services
from contracts.storage.errors import AlreadyPaid, WrongState
from contracts.storage.models import GuaranteeInstalment
from marketplace.payments import ledger
from marketplace.payments.models import Payout
from marketplace.payments.services.payouts import (
    payout_batch_create,
    payout_batch_export_xlsx,
    payout_batch_mark_confirmed,
    payout_batch_mark_sent,
)
from marketplace.payments.verify import verify_ledger
from tests.storage.factories import signed_contract, storage_scene


@pytest.mark.django_db
def test_the_first_year_is_owed_to_the_household_in_the_ledger_and_paid_through_a_bank_batch():
    scene = storage_scene()
    contract = signed_contract(scene)
    key = ledger.account_key_for("storage_guarantee_payable", scene.household)
    assert ledger.balance(key) == 1_000_00
    # when the exchange's bank pays the batch
    batch = payout_batch_create(actor=scene.storage_operator)
    assert batch.payouts.get().payee_name == scene.household.name
    assert payout_batch_export_xlsx(batch)[:2] == b"PK"  # the bank file
    payout_batch_mark_sent(batch=batch, actor=scene.storage_operator)
    payout_batch_mark_confirmed(batch=batch, actor=scene.storage_operator)
    # then nothing is owed, the household's first year shows paid, and the ledger balances
    assert ledger.balance(key) == 0
    first = contract.instalments.order_by("year_index").first()
    assert selectors.instalment_status(first) == "paid"
    assert verify_ledger().ok


@pytest.mark.django_db
def test_the_beat_job_instructs_each_year_when_due_and_never_twice():
    scene = storage_scene()
    contract = signed_contract(scene)
    # on 1 January 2028 the second year falls due
    assert services.guarantees_instruct_due(today=dt.date(2027, 12, 31)) == 0
    assert services.guarantees_instruct_due(today=dt.date(2028, 1, 1)) == 1
    assert services.guarantees_instruct_due(today=dt.date(2028, 1, 1)) == 0
    second = contract.instalments.get(year_index=2)
    assert second.state == GuaranteeInstalment.State.INSTRUCTED
    assert second.payout.amount_fen == 1_000_00
    assert Payout.objects.filter(account_key__startswith="storage_guarantee_payable").count() == 2


@pytest.mark.django_db
def test_paying_an_instalment_twice_is_refused_naming_the_year():
    scene = storage_scene()
    contract = signed_contract(scene)
    first = contract.instalments.get(year_index=1)
    with pytest.raises(AlreadyPaid) as exc:
        services.guarantee_instalment_pay(instalment=first)
    assert contract.number in str(exc.value.message)


@pytest.mark.django_db
def test_an_instalment_not_yet_due_is_refused():
    scene = storage_scene()
    contract = signed_contract(scene)
    third = contract.instalments.get(year_index=3)
    with pytest.raises(WrongState):
        services.guarantee_instalment_pay(instalment=third, today=dt.date(2028, 6, 1))


@pytest.mark.django_db
def test_the_household_sees_due_paid_and_overdue():
    scene = storage_scene()
    signed_contract(scene)
    # on 5 January 2028 the first year's payout (instructed at signing) was never confirmed by
    # the bank: overdue (more than 10 days); the second year fell due 4 days ago
    view = selectors.guarantees_for_household(scene.household, today=dt.date(2028, 1, 5))
    statuses = [row.status for row in view["instalments"]]
    assert statuses[:3] == ["overdue", "due", "scheduled"]
    assert view["totals"]["overdue"] == 1_000_00
    assert view["totals"]["due"] == 1_000_00
    # a week after signing the first year is still being paid
    view = selectors.guarantees_for_household(scene.household, today=dt.date(2027, 1, 8))
    assert [row.status for row in view["instalments"]][:2] == ["in_payment", "scheduled"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_payments_of_one_instalment_pay_it_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    scene = storage_scene()
    contract = signed_contract(scene)
    second = contract.instalments.get(year_index=2)
    barrier = threading.Barrier(2)
    outcomes = []

    def pay():
        try:
            barrier.wait()
            services.guarantee_instalment_pay(instalment=second, today=dt.date(2028, 1, 1))
            outcomes.append("paid")
        except AlreadyPaid:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["paid", "refused"]
    assert Payout.objects.filter(object_id=str(second.pk)).count() == 1
    assert verify_ledger().ok
