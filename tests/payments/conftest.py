import pytest

from marketplace.payments import services
from marketplace.payments.models import Payable
from marketplace.payments.testing import simulate_payment_succeeded
from tests import factories


@pytest.fixture
def payer(db):
    return factories.AgribusinessUserFactory()


@pytest.fixture
def make_payable(payer):
    counter = iter(range(1, 10_000))

    def make(*, amount_fen=100_000, kind=Payable.Kind.DEPOSIT, subject=None, key=None):
        subject = subject or factories.HouseholdFactory()
        return services.payable_create(
            kind=kind,
            amount_fen=amount_fen,
            payer=payer,
            subject=subject,
            description="保证金",
            idempotency_key=key or f"deposit-test-{next(counter)}",
        )

    return make


@pytest.fixture
def paid_deposit(make_payable):
    return simulate_payment_succeeded(make_payable(amount_fen=100_000))
