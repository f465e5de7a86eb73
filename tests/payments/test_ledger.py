"""The double-entry ledger: balanced transactions in whole fen, balances from entries only."""

import pytest
from django.core.management import call_command

from marketplace.payments import ledger
from marketplace.payments.ledger import Unbalanced
from marketplace.payments.models import LedgerAccount, LedgerEntry, LedgerTransaction
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_balanced_transaction_moves_money_between_accounts():
    # given a household to reference
    household = factories.HouseholdFactory()
    # when 500 yuan move from clearing to what the transferor is owed
    ledger.post(
        memo="test",
        subject=household,
        lines=[
            ("clearing", 50_000, 0),
            (f"transferor_payable:household:{household.pk}", 0, 50_000),
        ],
    )
    # then both balances show it on their normal side, derived from entries
    assert ledger.balance("clearing") == 50_000
    assert ledger.balance(f"transferor_payable:household:{household.pk}") == 50_000
    assert LedgerAccount.objects.get(key="clearing").kind == LedgerAccount.Kind.ASSET


def test_it_refuses_an_unbalanced_transaction_and_writes_nothing():
    with pytest.raises(Unbalanced):
        ledger.post(memo="bad", subject=None, lines=[("clearing", 100, 0), ("fee_income", 0, 99)])
    assert LedgerTransaction.objects.count() == 0
    assert LedgerEntry.objects.count() == 0


@pytest.mark.parametrize("amount", [100.0, True, -5])
def test_it_refuses_amounts_that_are_not_whole_positive_fen(amount):
    with pytest.raises(Unbalanced):
        ledger.post(
            memo="x", subject=None, lines=[("clearing", amount, 0), ("fee_income", 0, amount)]
        )


def test_it_refuses_a_line_that_is_both_debit_and_credit():
    with pytest.raises(Unbalanced):
        ledger.post(memo="x", subject=None, lines=[("clearing", 5, 5), ("fee_income", 0, 0)])


def test_verify_ledger_passes_when_clearing_equals_the_gateway_net(paid_deposit):
    # given a paid deposit (clearing 1,000 yuan, gateway net 1,000 yuan)
    # when the check runs, then it passes (exit 0)
    call_command("verify_ledger")


def test_verify_ledger_exits_1_when_clearing_differs_from_the_gateway(paid_deposit, capsys):
    # given a movement into clearing the gateway never saw
    ledger.post(memo="stray", subject=None, lines=[("clearing", 1, 0), ("fee_income", 0, 1)])
    # when the check runs, then it exits 1 naming the discrepancy
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_ledger")
    assert exit_info.value.code == 1
    assert "100001" in capsys.readouterr().err


def test_verify_ledger_exits_1_on_an_unbalanced_transaction(capsys):
    # given a transaction corrupted behind the service's back
    txn = ledger.post(memo="ok", subject=None, lines=[("bank", 10, 0), ("fee_income", 0, 10)])
    LedgerEntry.objects.filter(transaction=txn, credit_fen=10).update(credit_fen=9)
    # then verify_ledger names it
    with pytest.raises(SystemExit):
        call_command("verify_ledger")
    assert f"#{txn.pk}" in capsys.readouterr().err
