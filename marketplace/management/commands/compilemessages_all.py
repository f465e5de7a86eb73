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
    "marketplace/accounts",
    "listings",
    "valuation",
    "contracts",
    "contracts/documents",
    "contracts/storage",
    "contracts/insurance",
    "cms",
]


# Our catalogues come first in INSTALLED_APPS, so a msgid we translate replaces Django's and
# Wagtail's translation of the same msgid everywhere (their admin included). These overrides are
# deliberate: the word fits both uses. Any other msgid a third-party catalogue also translates
# must carry a message context (pgettext) or use the third party's word.
DELIBERATE_OVERRIDES = {
    "Notifications",
    "Name",
    "Text",
    "Dashboard",
    "Page not found",
    "Log out",
    "Not used",
    "Default",
    "Description",
    "Account",
    "Started at",
    "Created",
    "Filter",
    "From",
    "Approved",
    "Newest",
    "Terms",
    "Approve",
    "History",
    "Table",
    "Enter a number.",
    "Locked at",
    "This field is required.",
    "Timeline",
    "Not started",
    "Previous",
    "Next",
    "Sort by",
}


def _translations(po: Path) -> dict[str, str]:
    """{msgid (or "context\x04msgid"): msgstr} of a catalogue's translated, non-fuzzy entries."""
    text = subprocess.run(
        ["msgattrib", "--no-obsolete", "--no-fuzzy", "--translated", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for block in text.split("\n\n"):
        ctxt = re.search(r'^msgctxt "(.*)"$', block, re.M)
        msgid = re.search(r'^msgid "(.*)"$', block, re.M)
        msgstr = re.search(r'^msgstr(?:\[0\])? "(.*)"$', block, re.M)
        if msgid and msgid.group(1) and msgstr:
            key = (ctxt.group(1) + "\x04" if ctxt else "") + msgid.group(1)
            found[key] = msgstr.group(1)
    return found


def translation_conflicts() -> list[str]:
    """One msgid, one meaning: the same msgid translated two ways by two of our catalogues (the
    first app's would win everywhere), or overriding a third party's word without being listed."""
    ours: dict[str, dict[str, str]] = {}
    for po in catalogues():
        for key, value in _translations(po).items():
            ours.setdefault(key, {})[
                str(po.parent.parent.parent.parent.relative_to(settings.BASE_DIR))
            ] = value
    problems = [
        f"{key!r} is translated differently: {apps} (use pgettext for different meanings)"
        for key, apps in ours.items()
        if len(set(apps.values())) > 1
    ]
    import django
    import wagtail

    theirs: dict[str, set[str]] = {}
    for package in (django, wagtail):
        root = Path(package.__file__).parent
        for po in root.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"):
            for key, value in _translations(po).items():
                theirs.setdefault(key, set()).add(value)
    for key, apps in ours.items():
        if (
            key in theirs
            and key not in DELIBERATE_OVERRIDES
            and not set(apps.values()) <= theirs[key]
        ):
            problems.append(
                f"{key!r} ({'/'.join(sorted(set(apps.values())))}) would replace Django's or "
                f"Wagtail's {'/'.join(sorted(theirs[key]))} everywhere: give it a message context"
            )
    return problems


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
            problems.extend(translation_conflicts())
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
