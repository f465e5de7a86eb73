"""Compile every app's zh-Hans catalogue; with --check, fail on untranslated or fuzzy entries
and on interface strings of the code that the catalogue does not hold yet."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

APPS = [
    "marketplace",
    "marketplace/payments",
    "marketplace/desk",
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


def _msgids(po: Path) -> set[str]:
    """The msgids of a catalogue (msgcat normalises the layout; obsolete entries ignored)."""
    text = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        bytes(m, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")
        for m in re.findall(r'^msgid "(.*)"$', text, re.M)
        if m
    }


def missing_msgids(app: str) -> set[str]:
    """Strings marked in the app's code and templates that its catalogue lacks: extract them
    in a copy of the app (makemessages writes in place), then compare msgids."""
    from .makemessages_all import makemessages

    source = Path(settings.BASE_DIR) / app
    po_name = Path("locale") / "zh_Hans" / "LC_MESSAGES" / "django.po"
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "app"
        shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        makemessages(copy, django_admin=Path(sys.executable).with_name("django-admin"))
        return _msgids(copy / po_name) - _msgids(source / po_name)


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
        if check:
            for app in APPS:
                missing = missing_msgids(app)
                if missing:
                    listed = "\n  ".join(sorted(missing)[:20])
                    problems.append(
                        f"{app}: {len(missing)} string(s) not in the catalogue "
                        f"(run `manage.py makemessages_all {app}`):\n  {listed}"
                    )
        if problems:
            raise CommandError("zh-Hans catalogue incomplete:\n" + "\n".join(problems))
