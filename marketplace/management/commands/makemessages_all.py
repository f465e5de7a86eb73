"""Refresh each app's zh-Hans catalogue from its own files (each app keeps its own)."""

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from .compilemessages_all import APPS


def makemessages(folder: Path, *, django_admin: Path):
    """makemessages for zh_Hans in `folder` (an app directory with its own locale folder)."""
    (folder / "locale").mkdir(exist_ok=True)
    # A nested app (marketplace/payments, contracts/documents) has its own locale folder;
    # makemessages sends each file to the nearest one, so nothing needs ignoring for it.
    ignores = [f"--ignore={sub}/*" for sub in ("migrations", "data")]
    subprocess.run(
        [
            str(django_admin),
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--no-location",
            *ignores,
        ],
        cwd=folder,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": ""},
        capture_output=True,
    )


class Command(BaseCommand):
    help = "Run makemessages in each app directory (zh_Hans)."

    def add_arguments(self, parser):
        parser.add_argument("apps", nargs="*", help="app folders (default: all)")

    def handle(self, *args, apps=None, **options):
        django_admin = Path(sys.executable).with_name("django-admin")
        for app in apps or APPS:
            makemessages(Path(settings.BASE_DIR) / app, django_admin=django_admin)
            self.stdout.write(f"{app}: catalogue refreshed")
