"""Write the state documents (docs/*-states.md) from the models' transitions (never by hand).

python manage.py deal_states_doc          # rewrite the files
python manage.py deal_states_doc --check  # fail when a file is out of date (CI)

One document per state machine of a deal: the deal itself, its registrations, their qualification
reviews and deposits, its auction or negotiated offer, objections to its result, its contract, the
settlement of the first payment and the later rent instalments; those of the payments module
(payables and a deposit payable's disposition, refunds, payouts and payout batches), which every
deal's money goes through; the notification deliveries; and the two import jobs (parcels,
insurance policies). (The insurance claim has its own command, `claim_states_doc`.)
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from contracts.documents.models import Contract, RentInstalment, Settlement
from contracts.insurance.models import PolicyImport
from contracts.models import (
    Auction,
    Deal,
    Deposit,
    NegotiatedOffer,
    Objection,
    QualificationReview,
    Registration,
)
from listings.models import ParcelImport
from marketplace.models import Delivery
from marketplace.payments.models import Payable, Payout, PayoutBatch, Refund


@dataclass(frozen=True)
class Machine:
    model: type
    path: str
    title: str
    # States drawn as final; None: the states no transition leaves.
    finals: tuple[str, ...] | None = None
    notes: str = ""
    # The FSM field drawn (a payable has two machines: `state` and `disposition`).
    fsm_field: str = "state"
    # States an object is created in; None: the field's default only.
    initials: tuple[str, ...] | None = None


_IMPORT_NOTES = (
    "in two short transactions: the worker starts the job, reads the file and checks (and "
    "writes) every row all or nothing outside them, then ends it by its report; a redelivered "
    "task (acks_late) starts a running job again, and one that finds the job ended leaves it."
)


MACHINES = (
    Machine(
        Deal,
        "docs/deal-states.md",
        "Deal states",
        finals=("complete", "relisted", "stored", "withdrawn", "defaulted"),
        notes="visible as the timeline on the deal's staff page.",
    ),
    Machine(
        Registration,
        "docs/registration-states.md",
        "Registration states",
        # Commercial capital over the review thresholds waits for the review first (R-REG-3).
        initials=("awaiting_review", "awaiting_deposit"),
    ),
    Machine(
        QualificationReview, "docs/qualification-review-states.md", "Qualification review states"
    ),
    Machine(Deposit, "docs/deposit-states.md", "Deposit states"),
    Machine(NegotiatedOffer, "docs/negotiated-offer-states.md", "Negotiated offer states"),
    Machine(Objection, "docs/objection-states.md", "Objection states"),
    Machine(Auction, "docs/auction-states.md", "Auction states"),
    Machine(Contract, "docs/contract-states.md", "Contract states"),
    Machine(Settlement, "docs/settlement-states.md", "Settlement states"),
    Machine(RentInstalment, "docs/rent-instalment-states.md", "Rent instalment states"),
    Machine(Payable, "docs/payable-states.md", "Payable states"),
    Machine(
        Payable,
        "docs/payable-disposition-states.md",
        "Deposit payable disposition",
        fsm_field="disposition",
        notes="beside the payable's `state`; the empty disposition is drawn as `held`.",
    ),
    Machine(Refund, "docs/refund-states.md", "Refund states"),
    Machine(Payout, "docs/payout-states.md", "Payout states"),
    Machine(PayoutBatch, "docs/payout-batch-states.md", "Payout batch states"),
    Machine(
        Delivery,
        "docs/delivery-states.md",
        "Notification delivery states",
        # A delivery written failed (no channel reaches the recipient) or sent (the inbox copy).
        initials=("queued", "sent", "failed"),
        notes=(
            "except that a delivery is claimed, not locked: a worker takes a queued delivery "
            "(`claim`) with a conditional UPDATE filtered on the old state, audited in that "
            "transaction, so a redelivered task sends nothing twice and no row lock is held while "
            "the message goes out; the worker that won the claim makes the later moves."
        ),
    ),
    Machine(
        ParcelImport, "docs/parcel-import-states.md", "Parcel import states", notes=_IMPORT_NOTES
    ),
    Machine(
        PolicyImport, "docs/policy-import-states.md", "Policy import states", notes=_IMPORT_NOTES
    ),
)


def _field(model, name="state"):
    return model._meta.get_field(name)


def _values(model, name="state"):
    return [value for value, _label in _field(model, name).choices]


def _node(value):
    """A state's name in the diagram (the empty value, a disposition not set yet: `held`)."""
    return value or "held"


def transitions(model=Deal, name="state"):
    """(source, target, method) of every transition of `model.<name>`, in the states' order."""
    values = _values(model, name)
    rows = {(t.source, t.target, t.name) for t in _field(model, name).get_all_transitions(model)}
    return sorted(rows, key=lambda r: (values.index(r[0]) if r[0] in values else -1, r[1], r[2]))


def _conditions(model, name="state"):
    """{method: [condition names]} from django-fsm's transition metadata."""
    result = {}
    for t in _field(model, name).get_all_transitions(model):
        names = [getattr(c, "__name__", repr(c)).lstrip("_") for c in t.conditions]
        if names:
            result[t.name] = names
    return result


def render(machine: Machine = MACHINES[0]) -> str:
    model, name = machine.model, machine.fsm_field
    values = _values(model, name)
    with translation.override("zh-hans"):
        labels = {value: str(label) for value, label in _field(model, name).choices}
    initials = machine.initials or (_field(model, name).default,)
    rows = transitions(model, name)
    finals = machine.finals
    if finals is None:
        leaving = {source for source, _target, _name in rows}
        finals = tuple(v for v in values if v not in leaving)
    notes = f", {machine.notes}" if machine.notes else "."
    what = f"`{model.__module__}.{model.__name__}`"
    if name != "state":
        what = f"`{model.__module__}.{model.__name__}.{name}`"
    header = f"""# {machine.title}

Generated from {what} by `python manage.py deal_states_doc`; do not edit by hand
(`--check` fails in CI when this file and the code disagree).

Every transition is a thin method on `{model.__name__}` called by a service that locks the row, saves and
writes an audit event (`marketplace.audit`){notes}
"""
    lines = [header, "```mermaid", "stateDiagram-v2"]
    lines += [f"    [*] --> {_node(s)}" for s in initials]
    for source, target, method in rows:
        lines.append(f"    {_node(source)} --> {_node(target)}: {method}")
    lines += [f"    {_node(s)} --> [*]" for s in finals]
    lines += ["```", "", f"| {name} | 中文 |", "|---|---|"]
    for value in values:
        lines.append(f"| `{_node(value)}` | {labels[value]} |")
    conditions = _conditions(model, name)
    on = f"method on `{model.__name__}`"
    if conditions:
        lines += ["", f"| from | to | transition ({on}) | conditions |"]
        lines += ["|---|---|---|---|"]
        for source, target, method in rows:
            cond = ", ".join(f"`{c}`" for c in conditions.get(method, []))
            lines.append(f"| `{_node(source)}` | `{_node(target)}` | `{method}` | {cond} |")
    else:
        lines += ["", f"| from | to | transition ({on}) |", "|---|---|---|"]
        for source, target, method in rows:
            lines.append(f"| `{_node(source)}` | `{_node(target)}` | `{method}` |")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        "Generate docs/*-states.md from the state machines of a deal, its payments, deliveries "
        "and import jobs."
    )

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
