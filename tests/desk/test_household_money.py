"""The household page answers "where is my money?" in one look (issue 13): its parcels on a map
with who holds each until when, every payout to its bank account (paid, on its way, failed, with
dates and amounts), a summary (paid this year, due next, overdue), and a one-page PDF."""

import datetime as dt
import subprocess

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from contracts.documents.models import RentInstalment
from marketplace.desk.household import household_pdf, money_summary
from marketplace.io_guard import IOInTransaction
from marketplace.payments.services import (
    payout_batch_create,
    payout_batch_mark_confirmed,
    payout_batch_mark_sent,
    payout_create,
)
from tests import factories
from tests.documents.factories import awarded_deal, sign_both

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(db, django_capture_on_commit_callbacks):
    return awarded_deal(django_capture_on_commit_callbacks, geometry=True)


def _money(awarded):
    """Rent: instalment 2 overdue (¥1,000), 3 due next year (¥1,200); payouts: ¥500 paid by the
    bank, ¥300 failed, ¥200 on its way; another household's payout is not this one's."""
    deal, staff = awarded.deal, awarded.staff
    household = deal.listing.transferor_household
    today = timezone.localdate()
    RentInstalment.objects.create(
        deal=deal, sequence=2, due_on=today - dt.timedelta(days=20), amount_fen=100_000
    )
    RentInstalment.objects.create(
        deal=deal, sequence=3, due_on=today + dt.timedelta(days=300), amount_fen=120_000
    )
    paid = payout_create(payee=household, amount_fen=50_000, subject=deal, purpose="首期租金")
    failed = payout_create(payee=household, amount_fen=30_000, subject=deal, purpose="第 2 期租金")
    batch = payout_batch_create(actor=staff, only=[paid.pk, failed.pk])
    payout_batch_mark_sent(batch=batch, actor=staff)
    payout_batch_mark_confirmed(batch=batch, actor=staff, failed_payout_ids=[failed.pk])
    payout_create(payee=household, amount_fen=20_000, subject=deal, purpose="保底金")
    payout_create(
        payee=factories.HouseholdFactory(), amount_fen=77_700, subject=deal, purpose="别家"
    )
    return household


def test_the_summary_says_paid_this_year_due_next_overdue_and_failed(awarded):
    household = _money(awarded)
    summary = money_summary(household)
    assert summary.paid_year_fen == 50_000  # only the bank-confirmed payout counts as paid
    assert summary.on_the_way_fen == 20_000
    assert [row["payout"].amount_fen for row in summary.failed] == [30_000]
    assert [row.amount_fen for row in summary.overdue] == [100_000]
    assert [row.amount_fen for row in summary.due_next] == [120_000]
    assert len(summary.payouts) == 3  # not the other household's


def test_the_page_shows_the_summary_and_every_payout_with_state_date_and_amount(client, awarded):
    household = _money(awarded)
    client.force_login(awarded.operator)
    page = client.get(reverse("desk:household", args=[household.pk])).content.decode()
    summary = page[page.index('data-testid="money-summary"') :]
    summary = summary[: summary.index("</section>")]
    assert "¥500.00" in summary and "¥200.00" in summary  # paid, on its way
    assert "¥1,200.00" in summary and "¥1,000.00" in summary  # due next, overdue (UX.md)
    assert 'data-testid="money-failed"' in summary and "¥300.00" in summary
    payouts = page[page.index('data-testid="household-payouts"') :]
    assert payouts.count('<tr data-payout="paid">') == 1
    assert payouts.count('<tr data-payout="failed">') == 1
    assert payouts.count('<tr data-payout="on_the_way">') == 1
    today = timezone.localdate()
    assert f"{today.year}年{today.month}月{today.day}日" in payouts
    assert "777.00" not in page and "别家" not in page


def test_parcels_are_on_a_map_with_who_holds_them_until_when(
    client, awarded, django_capture_on_commit_callbacks
):
    household = awarded.deal.listing.transferor_household
    parcel = awarded.deal.listing.parcels.first()
    client.force_login(awarded.operator)
    page = client.get(reverse("desk:household", args=[household.pk])).content.decode()
    assert 'data-testid="household-map"' in page and "<svg" in page and "<path" in page
    assert f'<tr data-parcel="{parcel.code}" data-let="awarded">' in page  # not signed yet
    sign_both(awarded, django_capture_on_commit_callbacks)
    page = client.get(reverse("desk:household", args=[household.pk])).content.decode()
    row = page[page.index(f'<tr data-parcel="{parcel.code}" data-let="let">') :]
    row = row[: row.index("</tr>")]
    assert awarded.buyer.enterprise.name in row
    end = awarded.deal.listing.term_end
    assert f"{end.year}年{end.month}月{end.day}日" in row  # dates as UX.md writes them


def _pdf_text(tmp_path, data):
    path = tmp_path / "household.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(next(line for line in info.stdout.splitlines() if line.startswith("Pages:"))[6:])
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return pages, text


def test_the_pdf_is_one_page_with_the_key_facts(client, awarded, tmp_path):
    household = _money(awarded)
    for n in range(12):  # a long payout history still fits on the page
        payout_create(
            payee=household, amount_fen=1_000 + n, subject=awarded.deal, purpose=f"租金 {n}"
        )
    client.force_login(awarded.operator)
    response = client.get(reverse("desk:household_pdf", args=[household.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages, text = _pdf_text(tmp_path, response.content)
    assert pages == 1
    flat = "".join(text.split())
    assert household.name in flat
    assert "我的钱在哪里" in flat
    assert "¥500.00" in flat and "¥1,200.00" in flat and "¥1,000.00" in flat
    assert awarded.buyer.enterprise.name in flat  # who holds the land
    assert awarded.deal.listing.parcels.first().code in flat


def test_the_pdf_is_never_rendered_inside_a_transaction(awarded):
    household = awarded.deal.listing.transferor_household
    with pytest.raises(IOInTransaction), transaction.atomic():
        household_pdf(household, awarded.operator)


def test_only_the_household_its_operator_and_staff_in_scope_get_the_pdf(client, awarded):
    household = awarded.deal.listing.transferor_household
    url = reverse("desk:household_pdf", args=[household.pk])
    client.force_login(factories.UserFactory(role="household", household=household))
    assert client.get(url).status_code == 200
    other = factories.UserFactory(role="household", household=factories.HouseholdFactory())
    client.force_login(other)
    assert client.get(url).status_code == 403
    client.force_login(factories.OperatorFactory())
    assert client.get(url).status_code == 403


def test_the_households_own_dashboard_opens_on_its_money_and_its_page(client, awarded):
    # given: the household's own login, and a station operator's
    household = _money(awarded)
    own = factories.UserFactory(role="household", household=household)
    # when: each opens the dashboard
    client.force_login(own)
    page = client.get(reverse("dashboard")).content.decode()
    client.force_login(awarded.operator)
    operators = client.get(reverse("dashboard")).content.decode()
    # then: the household reads its money at once (¥ with thousands, UX.md) and the way to its
    # page and PDF; the operator's dashboard has no household panel
    assert 'data-testid="money-summary"' in page and "¥1,200.00" in page
    assert reverse("desk:household", args=[household.pk]) in page
    assert reverse("desk:household_pdf", args=[household.pk]) in page
    assert 'data-testid="household-panel"' not in operators
