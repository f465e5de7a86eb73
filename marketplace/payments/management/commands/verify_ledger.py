"""`manage.py verify_ledger`: exit 1 with the first discrepancy, 0 when the ledger checks out."""

import sys

from django.core.management.base import BaseCommand

from marketplace.payments.verify import verify_ledger


class Command(BaseCommand):
    help = "Check that every ledger transaction balances and clearing equals the gateway's net."

    def handle(self, *args, **options):
        check = verify_ledger()
        if not check.ok:
            self.stderr.write(check.message)
            sys.exit(1)
        net = "n/a" if check.gateway_net_fen is None else check.gateway_net_fen
        self.stdout.write(f"{check.message} clearing={check.clearing_fen} gateway_net={net}")
