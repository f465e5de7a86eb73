"""Payments pages: who may see what; the demo checkout; staff refunds through the form."""

import pytest

from marketplace.payments import ledger, services
from marketplace.payments.models import Payable, Refund
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_payer_pays_through_the_demo_checkout(client, payer, make_payable):
    payable = make_payable()
    client.force_login(payer)
    page = client.get(payable.checkout_url)
    assert page.status_code == 200 and "pay-now" in page.text
    response = client.post(f"/payments/checkout/{payable.pk}/pay/")
    assert response.status_code == 302
    payable.refresh_from_db()
    assert payable.state == Payable.State.PAID
    assert "receipt" in client.get(payable.checkout_url).text


def test_another_user_cannot_see_someone_elses_checkout(client, make_payable):
    payable = make_payable()
    client.force_login(factories.AgribusinessUserFactory())
    assert client.get(payable.checkout_url).status_code == 404
    assert client.post(f"/payments/checkout/{payable.pk}/pay/").status_code == 404


def test_an_agribusiness_user_cannot_open_the_ledger(client, payer):
    client.force_login(payer)
    for url in (
        "/payments/ledger/",
        "/payments/payouts/",
        "/payments/reconciliation/",
        "/payments/payables/",
    ):
        assert client.get(url).status_code == 403


def test_an_auditor_reads_the_books_but_cannot_refund(client, paid_deposit):
    auditor = factories.UserFactory(role="auditor")
    client.force_login(auditor)
    for url in ("/payments/ledger/", "/payments/payouts/", "/payments/reconciliation/",
                f"/payments/payables/{paid_deposit.pk}/", "/payments/ledger/account/clearing/"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    response = client.post(f"/payments/payables/{paid_deposit.pk}/refund/", {"reason": "x"})
    assert response.status_code == 403
    assert Refund.objects.count() == 0


def test_staff_refund_through_the_form_and_see_both_movements(client, staff_user, paid_deposit):
    client.force_login(staff_user)
    response = client.post(
        f"/payments/payables/{paid_deposit.pk}/refund/", {"amount_yuan": "", "reason": "未中标退还"}
    )
    assert response.status_code == 302
    assert ledger.balance("clearing") == 0
    page = client.get(f"/payments/payables/{paid_deposit.pk}/").text
    assert page.count("clearing") >= 2


def test_a_refund_amount_in_yuan_is_converted_exactly(client, staff_user, paid_deposit):
    client.force_login(staff_user)
    client.post(
        f"/payments/payables/{paid_deposit.pk}/refund/", {"amount_yuan": "0.30", "reason": "x"}
    )
    assert Refund.objects.get().amount_fen == 30


def test_a_refund_too_large_is_refused_next_to_the_field(client, staff_user, paid_deposit):
    client.force_login(staff_user)
    response = client.post(
        f"/payments/payables/{paid_deposit.pk}/refund/", {"amount_yuan": "5000", "reason": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["amount_yuan"]
    assert Refund.objects.count() == 0


def test_the_ledger_by_subject_shows_the_movements_of_a_deal_object(
    client, staff_user, paid_deposit
):
    client.force_login(staff_user)
    subject = paid_deposit.subject
    response = client.get(f"/payments/ledger/subject/marketplace/household/{subject.pk}/")
    assert response.status_code == 200
    assert len(response.context["transactions"]) == 1


def test_the_payout_file_downloads_as_xlsx(client, staff_user):
    household = factories.HouseholdFactory()
    services.payout_create(payee=household, amount_fen=100, subject=None, purpose="租金")
    batch = services.payout_batch_create(actor=staff_user)
    client.force_login(staff_user)
    response = client.get(f"/payments/payouts/batches/{batch.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_the_dashboard_lists_what_the_payer_still_has_to_pay(client, payer, make_payable):
    payable = make_payable()
    client.force_login(payer)
    page = client.get("/console/").text
    assert "payments-due" in page and payable.checkout_url in page


def test_the_api_lists_only_the_callers_payables_with_yuan_strings(client, payer, make_payable):
    mine = make_payable(amount_fen=123_456)
    other = factories.AgribusinessUserFactory()
    client.force_login(other)
    assert client.get("/api/v1/payments/payables/").json()["count"] == 0
    client.force_login(payer)
    body = client.get("/api/v1/payments/payables/").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == mine.pk and row["amount_yuan"] == "1234.56" and row["state"] == "pending"
    client.logout()
    assert client.get("/api/v1/payments/payables/").status_code in (401, 403)


def test_the_ledger_of_an_object_includes_payables_of_objects_pointing_at_it(
    client, staff_user, paid_deposit
):
    # given a deposit whose subject (a household) points at its village, as a registration
    # points at its deal
    village = paid_deposit.subject.village
    client.force_login(staff_user)
    # when staff open the ledger of the village
    response = client.get(f"/payments/ledger/subject/marketplace/village/{village.pk}/")
    # then the deposit's movement is there
    assert len(response.context["transactions"]) == 1
