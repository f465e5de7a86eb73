"""The buyer's payment (R-DEAL-3/4/6) and settlement: deposit to the fee first, the price to
the household's payable and payout, fees to income; the rent schedule and its reminders."""

import datetime as dt

from contracts.documents import services
from contracts.documents.models import RentInstalment
from contracts.models import Deposit
from marketplace.models import Notification
from marketplace.payments import ledger
from marketplace.payments.models import Payout
from marketplace.payments.testing import simulate_payment_succeeded
from tests.documents.factories import awarded_deal, pay, sign_both


def test_r_deal_3_r_deal_6_the_payable_is_due_now_plus_fee_less_deposit(
    db, django_capture_on_commit_callbacks
):
    # given 20 mu at 500 yuan/mu/year for ~10 years and a 1,000-yuan deposit held
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    sign_both(a, django_capture_on_commit_callbacks)
    settlement = a.deal.settlements.get()
    # then: due now = one year's rent, fee = 1.3 % of the total value (≥ 200), less the deposit
    assert settlement.due_now_fen == a.deal.annual_rent_fen == 1_000_000
    total_yuan = a.deal.total_value_fen // 100
    assert settlement.buyer_fee_fen == round(total_yuan * 13 / 1000 * 100)
    assert settlement.transferor_fee_fen == 0  # households are exempt as transferors
    assert settlement.amount_fen == 1_000_000 + settlement.buyer_fee_fen - 100_000
    assert settlement.payable.kind == "deal_payment"
    assert settlement.payable.amount_fen == settlement.amount_fen


def test_r_deal_4_settlement_moves_fee_to_income_and_price_to_the_household(
    db, django_capture_on_commit_callbacks
):
    # given a signed deal whose buyer pays
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    sign_both(a, django_capture_on_commit_callbacks)
    fee_before = ledger.balance(ledger.FEE_INCOME)
    settlement = pay(a, django_capture_on_commit_callbacks)
    # then the deposit was applied (fee first), the fee is income, the rent is owed to the household
    deposit = Deposit.objects.get(registration=a.registration)
    assert deposit.state == "applied"
    assert ledger.balance(ledger.FEE_INCOME) - fee_before == settlement.buyer_fee_fen
    household = a.deal.listing.transferor_household
    key = ledger.account_key_for("transferor_payable", household)
    assert ledger.balance(key) == settlement.due_now_fen
    payout = Payout.objects.get(pk=settlement.payout_id)
    assert payout.amount_fen == settlement.due_now_fen and payout.bank_account
    assert not ledger.unbalanced_transactions().exists()
    # and the 10-year lease has a yearly rent schedule adding up to the total
    rows = list(RentInstalment.objects.filter(deal=a.deal))
    assert len(rows) == 9
    assert settlement.due_now_fen + sum(r.amount_fen for r in rows) == a.deal.total_value_fen


def test_rent_reminders_30_and_7_days_ahead_and_payment_pays_the_household(
    db, django_capture_on_commit_callbacks
):
    # given a settled lease
    a = awarded_deal(django_capture_on_commit_callbacks, geometry=False)
    sign_both(a, django_capture_on_commit_callbacks)
    pay(a, django_capture_on_commit_callbacks)
    second = RentInstalment.objects.get(deal=a.deal, sequence=2)
    # when the daily job runs 30 days and then 7 days before it is due
    with django_capture_on_commit_callbacks(execute=True):
        assert services.rent_reminders_send(today=second.due_on - dt.timedelta(days=30)) == 1
        assert services.rent_reminders_send(today=second.due_on - dt.timedelta(days=29)) == 0
        assert services.rent_reminders_send(today=second.due_on - dt.timedelta(days=7)) == 1
    second.refresh_from_db()
    # then the transferee was reminded twice with a checkout link
    notes = Notification.objects.filter(recipient=a.buyer, url=second.payable.checkout_url)
    assert notes.count() == 2
    # and the instalment is on the staff overdue list once its date passes unpaid
    assert second in services.rent_overdue(today=second.due_on + dt.timedelta(days=1))
    # when it is paid
    with django_capture_on_commit_callbacks(execute=True):
        simulate_payment_succeeded(second.payable)
    second.refresh_from_db()
    # then the household gets a second payout
    assert second.state == "paid" and second.payout.amount_fen == second.amount_fen
    assert second not in services.rent_overdue(today=second.due_on + dt.timedelta(days=1))


def test_a_deposit_covering_everything_settles_without_a_payment(
    db, django_capture_on_commit_callbacks
):
    # given a deposit larger than the first year's rent plus the fee
    a = awarded_deal(
        django_capture_on_commit_callbacks,
        price_fen=10_000,
        area_mu="2",
        deposit_fen=1_000_000,
        geometry=False,
    )
    sign_both(a, django_capture_on_commit_callbacks)
    settlement = a.deal.settlements.get()
    # then nothing is to pay, the deal is settled and the rest of the deposit is refunded
    assert settlement.amount_fen == 0 and settlement.payable is None
    assert settlement.state == "settled"
    assert a.deal.state == "settled"
    assert Deposit.objects.get(registration=a.registration).state == "applied"
