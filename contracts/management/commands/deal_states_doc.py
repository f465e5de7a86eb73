"""Write the state documents (docs/*-states.md) from the models' transitions (never by hand).

python manage.py deal_states_doc          # rewrite the files
python manage.py deal_states_doc --check  # fail when a file is out of date (CI)

One document per state machine of a deal: the deal itself, its auction, its contract, the
settlement of the first payment and the later rent instalments; and those of the payments module
(payables, refunds, payouts and payout batches), which every deal's money goes through.
"""

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from contracts.documents.models import Contract, RentInstalment, Settlement
from contracts.models import Auction, Deal
from marketplace.payments.models import Payable, Payout, PayoutBatch, Refund


@dataclass(frozen=True)
class Machine:
    model: type
    path: str
    title: str
    # States drawn as final; None: the states no transition leaves.
    finals: tuple[str, ...] | None = None
    notes: str = field(default="")


MACHINES = (
    Machine(
        Deal,
        "docs/deal-states.md",
        "Deal states",
        finals=("complete", "relisted", "stored", "withdrawn", "defaulted"),
        notes="visible as the timeline on the deal's staff page.",
    ),
    Machine(Auction, "docs/auction-states.md", "Auction states"),
    Machine(Contract, "docs/contract-states.md", "Contract states"),
    Machine(Settlement, "docs/settlement-states.md", "Settlement states"),
    Machine(RentInstalment, "docs/rent-instalment-states.md", "Rent instalment states"),
    Machine(Payable, "docs/payable-states.md", "Payable states"),
    Machine(Refund, "docs/refund-states.md", "Refund states"),
    Machine(Payout, "docs/payout-states.md", "Payout states"),
    Machine(PayoutBatch, "docs/payout-batch-states.md", "Payout batch states"),
)


def transitions(model=Deal):
    """(source, target, method) of every transition of `model.state`, in the states' order."""
    state = model._meta.get_field("state")
    values = list(model.State.values)
    rows = {(t.source, t.target, t.name) for t in state.get_all_transitions(model)}
    return sorted(rows, key=lambda r: (values.index(r[0]) if r[0] in values else -1, r[1], r[2]))


def _conditions(model):
    """{method: [condition names]} from django-fsm's transition metadata."""
    result = {}
    for t in model._meta.get_field("state").get_all_transitions(model):
        names = [getattr(c, "__name__", repr(c)).lstrip("_") for c in t.conditions]
        if names:
            result[t.name] = names
    return result


def render(machine: Machine = MACHINES[0]) -> str:
    model = machine.model
    name = model.__name__
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in model.State.choices}
    initial = model._meta.get_field("state").default
    rows = transitions(model)
    finals = machine.finals
    if finals is None:
        leaving = {source for source, _target, _name in rows}
        finals = tuple(v for v in model.State.values if v not in leaving)
    notes = f", {machine.notes}" if machine.notes else "."
    header = f"""# {machine.title}

Generated from `{model.__module__}.{name}` by `python manage.py deal_states_doc`; do not edit by hand
(`--check` fails in CI when this file and the code disagree).

Every transition is a thin method on `{name}` called by a service that locks the row, saves and
writes an audit event (`marketplace.audit`){notes}
"""
    lines = [header, "```mermaid", "stateDiagram-v2", f"    [*] --> {initial}"]
    for source, target, method in rows:
        lines.append(f"    {source} --> {target}: {method}")
    lines += [f"    {s} --> [*]" for s in finals]
    lines += ["```", "", "| state | 中文 |", "|---|---|"]
    for value in model.State.values:
        lines.append(f"| `{value}` | {labels[value]} |")
    conditions = _conditions(model)
    if conditions:
        lines += ["", f"| from | to | transition (method on `{name}`) | conditions |"]
        lines += ["|---|---|---|---|"]
        for source, target, method in rows:
            cond = ", ".join(f"`{c}`" for c in conditions.get(method, []))
            lines.append(f"| `{source}` | `{target}` | `{method}` | {cond} |")
    else:
        lines += ["", f"| from | to | transition (method on `{name}`) |", "|---|---|---|"]
        for source, target, method in rows:
            lines.append(f"| `{source}` | `{target}` | `{method}` |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Generate docs/*-states.md from the state machines of a deal and of its payments."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check=False, **options):
        stale = []
        for machine in MACHINES:
            path = Path(settings.BASE_DIR) / machine.path
            text = render(machine)
            if check:
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    stale.append(machine.path)
                continue
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {path}")
        if stale:
            raise CommandError(f"{', '.join(stale)} out of date: run deal_states_doc")
