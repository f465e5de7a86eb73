"""A held deposit moves only through the deal's deposit flow (issue 14, item 4; R-DEAL-4/5).

Refunding its payable from the books would leave the deposit "held" and the registration
qualified: the bidder would bid with nothing at stake. The books refuse, naming the flow.
"""

import pytest
from django.db import transaction

from contracts.models import Deposit, Registration
from contracts.services.registrations import _deposit_release
from marketplace.payments import services as payments
from marketplace.payments.errors import NotRefundable
from marketplace.payments.models import Payable, Refund
from tests.contracts.factories import announced_listing, qualify

pytestmark = pytest.mark.django_db


def test_staff_cannot_refund_a_held_deposit_from_the_books(client, staff_user):
    # given a qualified bidder whose 1 000-yuan deposit is held
    registration = qualify(announced_listing(deposit_fen=100_000))
    deposit = Deposit.objects.select_related("payable").get(registration=registration)
    assert deposit.state == Deposit.State.HELD and deposit.payable.state == Payable.State.PAID
    # when exchange staff refund its payable on the books page
    client.force_login(staff_user)
    response = client.post(
        f"/payments/payables/{deposit.payable_id}/refund/", {"amount_yuan": "", "reason": "退还"}
    )
    # then the form answers with the reason, naming the deposit flow, and nothing moved
    assert response.status_code == 200
    assert "R-DEAL-4" in response.text and registration.bidder_number in response.text
    assert not Refund.objects.exists()
    deposit.refresh_from_db()
    assert deposit.state == Deposit.State.HELD
    assert Registration.objects.get(pk=registration.pk).state == Registration.State.QUALIFIED


def test_the_payments_service_refuses_a_partial_refund_of_a_held_deposit_too():
    registration = qualify(announced_listing(deposit_fen=100_000))
    payable = Deposit.objects.get(registration=registration).payable
    with pytest.raises(NotRefundable, match="R-DEAL-4"):
        payments.refund_create(payable=payable, amount_fen=30_000, reason="part")
    assert not Refund.objects.exists()


def test_the_deposit_flow_still_refunds_a_released_deposit(django_capture_on_commit_callbacks):
    # given a held deposit, when the deal's flow releases it (a losing bidder, R-DEAL-4)
    registration = qualify(announced_listing(deposit_fen=100_000))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        _deposit_release(registration, at=registration.qualified_at, reason="R-DEAL-4 test")
    # then the payable is refunded in full through the task
    deposit = Deposit.objects.select_related("payable").get(registration=registration)
    assert deposit.state == Deposit.State.REFUNDED
    assert Refund.objects.filter(payable=deposit.payable, amount_fen=100_000).exists()
