"""python manage.py import_parcels FILE [--dry-run]: parcels from CSV, XLSX or GeoJSON.

All or nothing; every bad row is reported with its line number and reason (docs/import.md).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from listings.importer import ImportFormatError, import_parcels


class Command(BaseCommand):
    help = "Import parcels (CSV, XLSX, GeoJSON); all or nothing; --dry-run only checks."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write none")

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            result = import_parcels(
                path.name, path.read_bytes(), dry_run=dry_run, progress=self._progress
            )
        except ImportFormatError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write("")
        for warning in result.warnings:
            self.stdout.write(f"warning line {warning.line} {warning.code}: {warning.reason}")
        if result.errors:
            for error in result.errors:
                self.stdout.write(f"line {error.line} {error.code}: {error.reason}")
            bad_lines = len({e.line for e in result.errors})
            raise CommandError(f"{bad_lines} of {result.total} rows are bad: nothing was imported.")
        if dry_run:
            self.stdout.write(
                self.style.SUCCESS(f"{result.total} rows checked, all good (dry run)")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{result.imported} parcels imported"))

    def _progress(self, done, total):
        width = 30
        filled = int(width * done / total) if total else width
        bar = "#" * filled + "-" * (width - filled)
        self.stderr.write(f"\r[{bar}] {done}/{total}", ending="")
        self.stderr.flush()
