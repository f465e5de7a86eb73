"""R-INS-4 on PostgreSQL: two releases of the second part at the same moment pay it once."""

import threading

import pytest
from django.db import connection

from contracts.insurance import errors, services
from contracts.insurance.models import Claim, ClaimPayment
from marketplace.payments import ledger
from marketplace.payments.models import Payout
from marketplace.payments.verify import verify_ledger
from tests import factories as kernel
from tests.insurance.factories import insured_policy
from tests.insurance.test_claims import LOSS_DAY

pytestmark = pytest.mark.django_db(transaction=True)


def _accepted_claim(actor):
    """A fire claim whose replanting was accepted, second part not yet released."""
    policy = insured_policy(holders=[kernel.HouseholdFactory() for _ in range(3)])
    parcel = policy.parcels.first().parcel
    claim = services.claim_report(
        policy=policy, cause="fire", loss_on=LOSS_DAY, parcels=[(parcel, "10")], actor=actor
    )
    services.claim_survey(claim=claim, loss_rates={}, actor=actor)
    services.claim_approve(claim=claim, actor=actor)
    services.claim_replanting_report(claim=claim, actor=actor)
    # accept without the release the inspection service chains (the race is on the release)
    from django.db import transaction
    from django.utils import timezone

    with transaction.atomic():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        locked.accept(at=timezone.now())
        locked.save()
    return locked


def test_two_concurrent_releases_pay_the_second_part_once(postgres_only):
    # given
    actor = kernel.InsurerUserFactory()
    claim = _accepted_claim(actor)
    barrier = threading.Barrier(2)
    outcomes = []

    def release():
        try:
            barrier.wait()
            services.claim_pay_second(claim=claim, actor=actor)
            outcomes.append("paid")
        except errors.SecondPartNotReleasable:
            outcomes.append("refused")
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # then one release paid, the other was refused naming R-INS-4
    assert sorted(outcomes) == ["paid", "refused"]
    assert ClaimPayment.objects.filter(claim=claim, part="second").count() == 3
    assert Payout.objects.count() == 6  # three holders x two parts
    assert sum(Payout.objects.values_list("amount_fen", flat=True)) == 400_000
    assert ledger.balance(claim.held_account_key) == 0
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.SECOND_PAID
    assert verify_ledger().ok
