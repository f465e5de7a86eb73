"""The storage part of seed_demo (issue 11, item 8): stored parcels of relocated households in
two villages of 古丈县 (one after a failed listing whose offer was accepted, R-FAIL-2), a block let
to an agribusiness (its lease signed online by the centre) with a surplus paid (R-STORE-5/6), a
block listed and announced and public as stored land, stored parcels still to be formed into
blocks; the ledger balances."""

import pytest
from django.core.management import call_command

from contracts.documents.models import Signature
from contracts.models import Deal
from contracts.storage.models import (
    Block,
    BlockRent,
    GuaranteeInstalment,
    StorageContract,
    StorageOffer,
    StoredParcel,
)
from marketplace.payments.verify import verify_ledger


@pytest.mark.django_db(transaction=True)
def test_seed_demo_leaves_the_storage_scene_the_issue_describes(settings, client):
    settings.DEBUG = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    call_command("seed_demo")
    stored = StoredParcel.objects.filter(contract__county__code="433126")
    # located: every stored parcel has its village, township and a polygon; names are whole
    assert stored.count() >= 10
    assert stored.values("parcel__village").distinct().count() >= 2
    for s in stored.select_related("parcel__village__township", "household"):
        assert s.township_id == s.parcel.village.township_id
        assert s.household.is_relocated and len(s.household.name) >= 2
        assert s.parcel.geometry or s.contract.offer.deal_id  # blocks need polygons
    # a failed listing whose storage offer was accepted and signed (R-FAIL-2)
    after_failure = StorageOffer.objects.filter(deal__isnull=False, state="accepted").first()
    assert after_failure is not None
    assert after_failure.contract.state == StorageContract.State.SIGNED
    assert Deal.objects.get(pk=after_failure.deal_id).state == Deal.State.STORED
    # one block let to an agribusiness, its rent above the floors shared and paid
    let = Block.objects.get(name="一号连片")
    deal = Deal.objects.get(listing__right=let.right)
    assert deal.state == Deal.State.COMPLETE and deal.transferee is not None
    # its lease was signed for the centre online by its storage operator, no station (R-STORE-5)
    party_a = Signature.objects.get(contract__deal=deal, party="transferor")
    assert (party_a.method, party_a.signer.username) == ("online", "storage")
    assert party_a.witnessed_by is None and not party_a.scan
    rent = BlockRent.objects.get(block=let)
    assert rent.rent_fen > rent.floor_fen and rent.households_fen > 0
    assert rent.source.startswith(deal.number)
    shares = GuaranteeInstalment.objects.filter(
        contract__stored_parcels__block=let, surplus_fen__gt=0
    ).distinct()
    assert sum(i.surplus_fen for i in shares) == rent.households_fen
    assert all(i.state == "instructed" and i.payout.amount_fen == i.total_fen for i in shares)
    # one block listed and announced: public as stored land
    announced = Block.objects.get(name="二号连片")
    response = client.get("/api/v1/listings/", {"right_type": "stored_land"})
    assert response.status_code == 200
    body = response.content.decode()
    listing = announced.right.listings.get()
    assert listing.state == "announced" and listing.number in body
    assert listing.transferor_storage_center_id == announced.storage_center_id
    # stored parcels still to be formed into blocks
    assert stored.filter(block__isnull=True).exists()
    assert verify_ledger().ok
    # run twice: nothing twice
    counts = (Block.objects.count(), BlockRent.objects.count(), StoredParcel.objects.count())
    call_command("seed_demo")
    assert (
        Block.objects.count(),
        BlockRent.objects.count(),
        StoredParcel.objects.count(),
    ) == counts
