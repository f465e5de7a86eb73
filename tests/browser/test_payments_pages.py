"""Browser tests of the payments screens: demo checkout, my payments, staff ledger and payouts."""

import pytest

from marketplace.payments import ledger, services
from marketplace.payments.models import Payable
from marketplace.payments.testing import simulate_payment_succeeded
from tests import factories
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _deposit(user, amount_fen=120_000, key="deposit-browser-1"):
    return services.payable_create(
        kind=Payable.Kind.DEPOSIT,
        amount_fen=amount_fen,
        payer=user,
        subject=factories.HouseholdFactory(),
        description="竞买保证金（测试挂牌）",
        idempotency_key=key,
    )


def test_bidder_pays_a_deposit_with_pay_now_and_sees_it_held(page):
    # given an agribusiness user with a pending deposit
    user = factories.AgribusinessUserFactory(username="bidder")
    payable = _deposit(user)
    login(page, "bidder")
    # when they open the checkout page and press "pay now" (confirming the dialog)
    page.goto(page.base_url + payable.checkout_url)
    assert "¥1,200.00" in page.get_by_test_id("amount").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("pay-now").click()
    page.wait_for_load_state()
    # then the page shows a receipt and the deposit as held
    assert "已支付" in page.get_by_test_id("state").first.inner_text()
    assert page.get_by_test_id("held").is_visible()
    assert page.get_by_test_id("receipt").is_visible()
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID


def test_the_agribusiness_sees_its_payables_and_refunds(page):
    user = factories.AgribusinessUserFactory(username="bidder2")
    paid = simulate_payment_succeeded(_deposit(user, key="deposit-browser-2"))
    services.refund_create(payable=paid, reason="未中标")
    _deposit(user, amount_fen=50_000, key="deposit-browser-3")
    login(page, "bidder2")
    page.get_by_role("link", name="我的付款").first.click()
    table = page.get_by_test_id("payables")
    assert table.locator("tbody tr").count() == 2
    assert "已退款" in table.inner_text()
    assert "¥1,200.00" in page.get_by_test_id("refunds").inner_text()


def test_staff_refund_a_deposit_and_see_both_ledger_movements(page):
    staff = factories.UserFactory(username="staff1", role="exchange_staff", is_staff=True)
    paid = simulate_payment_succeeded(
        _deposit(factories.AgribusinessUserFactory(), key="deposit-browser-4")
    )
    assert staff.pk
    login(page, "staff1")
    page.goto(page.base_url + f"/payments/payables/{paid.pk}/")
    page.fill("#id_reason", "未中标，全额退还")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("refund").click()
    page.wait_for_load_state()
    assert "¥0.00" in page.get_by_test_id("held-amount").inner_text()
    rows = page.get_by_test_id("transactions").locator("tbody tr")
    assert rows.count() == 4  # two transactions, two lines each
    # the ledger page lists the accounts with their balances
    # (the staff menu is grouped: open 合同与资金 first)
    page.locator("summary", has_text="合同与资金").click()
    page.get_by_role("link", name="账簿").first.click()
    assert "clearing" in page.get_by_test_id("accounts").inner_text()


def test_staff_batch_and_export_pending_payouts(page):
    staff = factories.UserFactory(username="staff2", role="exchange_staff", is_staff=True)
    household = factories.HouseholdFactory()
    services.payout_create(payee=household, amount_fen=880_000, subject=None, purpose="第一年租金")
    assert staff.pk and ledger.balance("bank") == 0
    login(page, "staff2")
    page.goto(page.base_url + "/payments/payouts/")
    assert household.name in page.get_by_test_id("pending-payouts").inner_text()
    page.get_by_test_id("create-batch").click()
    page.wait_for_load_state()
    with page.expect_download() as download:
        page.get_by_test_id("export").first.click()
    assert download.value.suggested_filename.endswith(".xlsx")
    page.get_by_test_id("mark-sent").click()
    page.wait_for_load_state()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("mark-confirmed").click()
    page.wait_for_load_state()
    assert "银行已确认" in page.get_by_test_id("batches").inner_text()


def test_staff_see_the_reconciliation_report(page):
    factories.UserFactory(username="auditor1", role="auditor")
    login(page, "auditor1")
    page.goto(page.base_url + "/payments/reconciliation/")
    assert page.get_by_test_id("ledger-check").is_visible()
    assert page.get_by_test_id("run-reconciliation").count() == 0  # read-only
