"""Bids are hash-chained per auction instead of one audit event each (docs/bidding.md).

Existing bids get their chain computed here (they also keep their `bid.placed` audit events,
written before this change); the hashing below is a frozen copy of
`contracts.services.bidding.bid_chain_body` + `marketplace.audit.chain_hash`.
"""

import hashlib
import json

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def _hash(prev, bid):
    body = {
        "auction": bid.auction_id,
        "sequence": bid.sequence,
        "registration": bid.registration_id,
        "placed_by": bid.placed_by_id,
        "amount_fen": bid.amount_fen,
        "placed_at": bid.placed_at.isoformat(timespec="microseconds"),
        "idempotency_key": bid.idempotency_key,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256((prev + text).encode()).hexdigest()


def chain_existing_bids(apps, schema_editor):
    Auction = apps.get_model("contracts", "Auction")
    Bid = apps.get_model("contracts", "Bid")
    for auction in Auction.objects.filter(bid_count__gt=0).iterator():
        prev = GENESIS
        for bid in Bid.objects.filter(auction_id=auction.pk).order_by("sequence"):
            bid.hash = prev = _hash(prev, bid)
            bid.save(update_fields=["hash"])
        Auction.objects.filter(pk=auction.pk).update(bids_hash=prev)


class Migration(migrations.Migration):
    dependencies = [
        ("contracts", "0002_deposit_payable"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="auction",
            name="bids_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="bid",
            name="placed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="bid",
            name="hash",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_bids, migrations.RunPython.noop),
    ]
