"""python manage.py verify_audit: re-compute the audit hash chain; exit 1 on the first bad event."""

import sys

from django.core.management.base import BaseCommand

from marketplace.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain."

    def handle(self, *args, **options):
        report = verify_chain()
        if report.ok:
            self.stdout.write(f"audit chain OK ({report.count} events)")
            return
        where = f"event {report.first_bad_id}" if report.first_bad_id else "end of chain"
        self.stderr.write(
            f"audit chain BROKEN at {where}: {report.reason} ({report.count} events verified before)"
        )
        sys.exit(1)
