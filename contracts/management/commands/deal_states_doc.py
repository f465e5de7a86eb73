"""Write docs/deal-states.md from the Deal model's transitions (never drawn by hand).

python manage.py deal_states_doc          # rewrite the file
python manage.py deal_states_doc --check  # fail when the file is out of date (CI)
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from contracts.models import Deal

HEADER = """# Deal states

Generated from `contracts.models.Deal` by `python manage.py deal_states_doc`; do not edit by hand
(`--check` fails in CI when this file and the code disagree).

Every transition is a thin method on `Deal` called by a service that locks the row, saves and
writes an audit event (`marketplace.audit`), visible as the timeline on the deal's staff page.
"""


def transitions():
    field = Deal._meta.get_field("state")
    rows = []
    for t in field.get_all_transitions(Deal):
        rows.append((t.source, t.target, t.name))
    return sorted(
        set(rows),
        key=lambda r: (
            list(Deal.State.values).index(r[0]) if r[0] in Deal.State.values else -1,
            r[1],
            r[2],
        ),
    )


def render() -> str:
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in Deal.State.choices}
    lines = [HEADER, "```mermaid", "stateDiagram-v2", "    [*] --> registration"]
    for source, target, name in transitions():
        lines.append(f"    {source} --> {target}: {name}")
    finals = ["complete", "relisted", "stored", "withdrawn", "defaulted"]
    lines += [f"    {s} --> [*]" for s in finals]
    lines += ["```", "", "| state | 中文 |", "|---|---|"]
    for value in Deal.State.values:
        lines.append(f"| `{value}` | {labels[value]} |")
    lines += ["", "| from | to | transition (method on `Deal`) |", "|---|---|---|"]
    for source, target, name in transitions():
        lines.append(f"| `{source}` | `{target}` | `{name}` |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Generate docs/deal-states.md from the Deal state machine."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "deal-states.md"
        text = render()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError("docs/deal-states.md is out of date: run deal_states_doc")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
