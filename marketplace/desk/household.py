"""The household page's money ("where is my money?", issue 13) and its one-page PDF.

Payouts are the kernel's (`marketplace.payments`): every transfer the exchange instructs to the
household's bank account — rent, the first payment of a deal, storage guarantees, insurance
claims. Money still owed and not yet paid comes from the apps (`household_sections.expected_for`).
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from marketplace.household_sections import Expected, expected_for, sections_for
from marketplace.io_guard import refuse_in_transaction
from marketplace.models import Household
from marketplace.money import fen_to_yuan
from marketplace.payments.models import Payout

PAID, ON_THE_WAY, FAILED = "paid", "on_the_way", "failed"
STATUS_LABELS = {
    PAID: _("Paid to the account"),
    ON_THE_WAY: _("On its way to the bank"),
    FAILED: _("Transfer failed"),
}


def payout_status(payout) -> str:
    if payout.state == Payout.State.CONFIRMED:
        return PAID
    if payout.state == Payout.State.FAILED:
        return FAILED
    return ON_THE_WAY


def payout_date(payout):
    """When the money arrived (bank confirmed), failed, left or was instructed."""
    batch = payout.batch
    if batch is not None and payout.state in (Payout.State.CONFIRMED, Payout.State.FAILED):
        return batch.confirmed_at or batch.sent_at or payout.created_at
    if batch is not None and batch.sent_at:
        return batch.sent_at
    return payout.created_at


def payouts_of(household):
    return Payout.objects.filter(
        payee_content_type=ContentType.objects.get_for_model(Household),
        payee_object_id=str(household.pk),
    ).select_related("batch")


@dataclass
class Summary:
    """The one-look answer: paid this year, on its way, due next, overdue, failed."""

    year: int
    paid_year_fen: int = 0
    on_the_way_fen: int = 0
    failed: list = field(default_factory=list)
    due_next: list[Expected] = field(default_factory=list)
    overdue: list[Expected] = field(default_factory=list)
    payouts: list = field(default_factory=list)

    @property
    def paid_year(self):
        return fen_to_yuan(self.paid_year_fen)

    @property
    def on_the_way(self):
        return fen_to_yuan(self.on_the_way_fen)

    @property
    def due_next_on(self):
        return self.due_next[0].due_on if self.due_next else None

    @property
    def due_next_amount(self):
        return fen_to_yuan(sum(row.amount_fen for row in self.due_next))

    @property
    def overdue_amount(self):
        return fen_to_yuan(sum(row.amount_fen for row in self.overdue))

    @property
    def failed_amount(self):
        return fen_to_yuan(sum(row["payout"].amount_fen for row in self.failed))


def payout_rows(household) -> list[dict]:
    """Every payout to the household, the newest first, with its status, date and amount."""
    rows = []
    for payout in payouts_of(household).order_by("-created_at", "-id"):
        status = payout_status(payout)
        when = payout_date(payout)
        rows.append(
            {
                "payout": payout,
                "status": status,
                "status_label": STATUS_LABELS[status],
                "on": timezone.localdate(when) if when else None,
                "yuan": fen_to_yuan(payout.amount_fen),
                "account_tail": (payout.bank_account or "")[-4:],
            }
        )
    return rows


def money_summary(household, *, today=None) -> Summary:
    today = today or timezone.localdate()
    summary = Summary(year=today.year, payouts=payout_rows(household))
    for row in summary.payouts:
        if row["status"] == PAID and row["on"] and row["on"].year == today.year:
            summary.paid_year_fen += row["payout"].amount_fen
        elif row["status"] == ON_THE_WAY:
            summary.on_the_way_fen += row["payout"].amount_fen
        elif row["status"] == FAILED:
            summary.failed.append(row)
    expected = expected_for(household, today)
    summary.overdue = [row for row in expected if row.status == "overdue"]
    due = [row for row in expected if row.status == "due"]
    if due:
        summary.due_next = [row for row in due if row.due_on == due[0].due_on]
    return summary


def payouts_section(household, user):
    """The desk's own section: every payout to the household's account, paid, on its way or
    failed, with its date and amount."""
    rows = payout_rows(household)
    if not rows:
        return None
    return {
        "template": "desk/household_payouts.html",
        "pdf_template": "desk/household_payouts_pdf.html",
        "rows": rows[:30],
    }


def household_pdf_html(household, user, *, compact=False, now=None) -> str:
    now = now or timezone.now()
    with translation.override("zh-hans"):
        return render_to_string(
            "desk/household_pdf.html",
            {
                "household": household,
                "summary": money_summary(household, today=timezone.localdate(now)),
                "sections": [s for s in sections_for(household, user) if s.get("pdf_template")],
                "compact": compact,
                "printed_at": now,
                "printed_by": user,
            },
        )


def household_pdf(household, user) -> tuple[bytes, int]:
    """(PDF bytes, pages): one A4 page the operator hands over; if the full version runs over a
    page, the compact one (no map, fewer rows) is used. Never inside a transaction."""
    from weasyprint import HTML

    refuse_in_transaction("PDF render")
    for compact in (False, True):
        document = HTML(string=household_pdf_html(household, user, compact=compact)).render()
        if len(document.pages) == 1:
            break
    return document.write_pdf(), len(document.pages)
