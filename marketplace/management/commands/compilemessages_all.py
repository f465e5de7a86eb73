"""Compile every app's zh-Hans catalogue; with --check, fail on untranslated or fuzzy entries."""

import re
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

APPS = [
    "marketplace",
    "marketplace/payments",
    "listings",
    "valuation",
    "contracts",
    "contracts/documents",
    "cms",
]


def catalogues():
    for app in APPS:
        po = Path(settings.BASE_DIR) / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
        if po.exists():
            yield po


class Command(BaseCommand):
    help = "Compile all zh-Hans catalogues; --check also refuses untranslated or fuzzy entries."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        problems = []
        for po in catalogues():
            result = subprocess.run(
                [
                    "msgfmt",
                    "--check-format",
                    "--statistics",
                    "-o",
                    str(po.with_suffix(".mo")),
                    str(po),
                ],
                capture_output=True,
                text=True,
            )
            stats = result.stderr.strip()
            if result.returncode != 0:
                problems.append(f"{po}: msgfmt failed: {stats}")
                continue
            untranslated = re.search(r"(\d+) untranslated", stats)
            fuzzy = re.search(r"(\d+) fuzzy", stats)
            if check and (untranslated or fuzzy):
                problems.append(f"{po}: {stats}")
            self.stdout.write(f"{po.relative_to(settings.BASE_DIR)}: {stats}")
        if problems:
            raise CommandError("zh-Hans catalogue incomplete:\n" + "\n".join(problems))
