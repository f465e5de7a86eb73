"""python manage.py seed_demo: idempotent demo data for every app, in dependency order."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# Each app's demo module has seed(log). Order follows the dependency direction.
SEEDERS = [
    "marketplace.demo",
    "valuation.demo",
    "listings.demo",
    "cms.demo",
    "contracts.demo",
    "contracts.documents.demo",  # after contracts.demo once that exists
    "contracts.storage.demo",
    "contracts.insurance.demo",
    "marketplace.desk.demo",  # after the deals: the household login is a transferor's
    "cms.demo_results",  # last: result pages follow deals the demo moved back in time
]


class Command(BaseCommand):
    help = "Load the demo data (regions, parties, logins, listings, deals). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even though DEBUG is off (not for production)"
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: it creates logins with a known "
                "password. Use --force if this really is a demo machine."
            )
        for dotted in SEEDERS:
            # Not wrapped in one transaction: seeders call the services, which commit in short
            # transactions and render, store and call the gateway outside them (io_guard).
            # Every seeder is idempotent, so a failed run is simply run again.
            import_module(dotted).seed(self._log)
        self.stdout.write(self.style.SUCCESS("demo data ready"))

    def _log(self, message):
        self.stdout.write(f"  {message}")
