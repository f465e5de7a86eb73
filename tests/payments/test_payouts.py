"""Payouts by bank transfer: batch, XLSX bank file, sent, confirmed (ledger settled)."""

from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from marketplace.payments import ledger, services
from marketplace.payments.errors import NoPendingPayouts, WrongPayee
from marketplace.payments.models import Payout, PayoutBatch
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def household():
    return factories.HouseholdFactory(bank_name="湘西农商银行", bank_account="6230500000001234")


def test_a_payout_batch_goes_from_export_to_confirmed(household, staff_user):
    key = ledger.account_key_for("transferor_payable", household)
    ledger.post(memo="owed", subject=household, lines=[("clearing", 123_456, 0), (key, 0, 123_456)])
    payout = services.payout_create(
        payee=household, amount_fen=123_456, subject=household, purpose="第一年租金"
    )
    # when staff batch, export, send and confirm
    batch = services.payout_batch_create(actor=staff_user)
    content = services.payout_batch_export_xlsx(batch)
    services.payout_batch_mark_sent(batch=batch, actor=staff_user)
    services.payout_batch_mark_confirmed(batch=batch, actor=staff_user)
    # then the bank file has the payee's account and the exact amount
    sheet = load_workbook(BytesIO(content)).active
    row = [c.value for c in sheet[2]]
    assert (
        row[1:5] == [household.name, "6230500000001234", "湘西农商银行", Decimal("1234.56")]
        or row[4] == 1234.56
    )
    assert str(row[4]) == "1234.56"
    # and the ledger settles what the household was owed
    payout.refresh_from_db()
    assert payout.state == Payout.State.CONFIRMED
    assert ledger.balance(key) == 0
    assert PayoutBatch.objects.get().state == PayoutBatch.State.CONFIRMED


def test_a_payout_the_bank_returned_stays_owed(household, staff_user):
    key = ledger.account_key_for("transferor_payable", household)
    payout = services.payout_create(payee=household, amount_fen=500, subject=None, purpose="x")
    batch = services.payout_batch_create(actor=staff_user)
    services.payout_batch_mark_sent(batch=batch, actor=staff_user)
    services.payout_batch_mark_confirmed(
        batch=batch, actor=staff_user, failed_payout_ids=[payout.pk]
    )
    payout.refresh_from_db()
    assert payout.state == Payout.State.FAILED
    assert ledger.balance(key) == 0  # nothing posted


def test_payouts_go_only_to_households_collectives_storage_centres_and_enterprises(staff_user):
    with pytest.raises(WrongPayee):
        services.payout_create(payee=staff_user, amount_fen=1, subject=None, purpose="x")
    collective = factories.CollectiveFactory()
    payout = services.payout_create(payee=collective, amount_fen=1, subject=None, purpose="x")
    assert payout.account_key == f"transferor_payable:collective:{collective.pk}"
    centre = factories.StorageCenterFactory()
    payout = services.payout_create(payee=centre, amount_fen=1, subject=None, purpose="x",
                                    account_key=f"storage_guarantee_payable:storagecenter:{centre.pk}")  # fmt: skip
    assert payout.account_key.startswith("storage_guarantee_payable")


def test_an_empty_batch_is_refused(staff_user):
    with pytest.raises(NoPendingPayouts):
        services.payout_batch_create(actor=staff_user)


def test_a_payout_to_an_enterprise_carries_its_bank_account_and_settles(staff_user):
    # given an enterprise owed an insurance claim (R-INS-5: it holds the insured forest right)
    enterprise = factories.EnterpriseFactory(
        bank_name="湘西农商银行", bank_account="6230500000009876"
    )
    key = ledger.account_key_for("insurance_claim_payable", enterprise)
    ledger.post(memo="owed", subject=None, lines=[(ledger.BANK, 12_345, 0), (key, 0, 12_345)])
    # when
    payout = services.payout_create(
        payee=enterprise, amount_fen=12_345, subject=None, purpose="理赔", account_key=key
    )
    batch = services.payout_batch_create(actor=staff_user)
    rows = list(load_workbook(BytesIO(services.payout_batch_export_xlsx(batch))).active.values)
    services.payout_batch_mark_sent(batch=batch, actor=staff_user)
    services.payout_batch_mark_confirmed(batch=batch, actor=staff_user)
    # then
    assert payout.payee_name == enterprise.name
    assert rows[1][2] == "6230500000009876"
    assert str(rows[1][4]) == "123.45"
    assert ledger.balance(key) == 0
