"""python manage.py verify_bids: re-compute every auction's bid chain; exit 1 if one is broken.

`verify_audit` checks the audit log, which holds each closed auction's anchor (the head of its
bid chain in the `auction.closed` event); this checks the chains themselves against it.
"""

import sys

from django.core.management.base import BaseCommand

from contracts.models import Auction
from contracts.services.bidding import bid_chain_verify


class Command(BaseCommand):
    help = "Verify every auction's bid hash chain (and, once closed, its anchor in the audit log)."

    def handle(self, *args, **options):
        auctions = bids = 0
        broken = []
        for auction in Auction.objects.order_by("pk").iterator():
            report = bid_chain_verify(auction)
            auctions += 1
            bids += report.count
            if not report.ok:
                where = f"bid {report.first_bad_id}" if report.first_bad_id else "end of chain"
                broken.append(f"auction {auction.pk}: BROKEN at {where}: {report.reason}")
        for line in broken:
            self.stderr.write(line)
        if broken:
            sys.exit(1)
        self.stdout.write(f"bid chains OK ({auctions} auctions, {bids} bids)")
