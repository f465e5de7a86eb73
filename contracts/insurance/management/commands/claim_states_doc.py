"""Write docs/claim-states.md from the Claim model's transitions (never drawn by hand).

python manage.py claim_states_doc          # rewrite the file
python manage.py claim_states_doc --check  # fail when the file is out of date (CI)
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from contracts.insurance.models import Claim

HEADER = """# Insurance claim states

Generated from `contracts.insurance.models.Claim` by `python manage.py claim_states_doc`; do not
edit by hand (`--check` fails in the tests when this file and the code disagree). The flow and
its money are described in [insurance.md](insurance.md).
"""

FINALS = ["second_paid", "rejected", "withdrawn"]


def transitions():
    field = Claim._meta.get_field("state")
    rows = {(t.source, t.target, t.name) for t in field.get_all_transitions(Claim)}
    order = list(Claim.State.values)
    return sorted(rows, key=lambda r: (order.index(r[0]), order.index(r[1]), r[2]))


def render() -> str:
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in Claim.State.choices}
    lines = [HEADER, "```mermaid", "stateDiagram-v2", "    [*] --> reported"]
    for source, target, name in transitions():
        lines.append(f"    {source} --> {target}: {name}")
    lines += [f"    {s} --> [*]" for s in FINALS]
    lines += ["```", "", "| state | 中文 |", "|---|---|"]
    lines += [f"| `{value}` | {labels[value]} |" for value in Claim.State.values]
    lines += ["", "| from | to | transition (method on `Claim`) |", "|---|---|---|"]
    for source, target, name in transitions():
        lines.append(f"| `{source}` | `{target}` | `{name}` |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Generate docs/claim-states.md from the insurance Claim state machine."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        path = Path(settings.BASE_DIR) / "docs" / "claim-states.md"
        text = render()
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError("docs/claim-states.md is out of date: run claim_states_doc")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {path}")
