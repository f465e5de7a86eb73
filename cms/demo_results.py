"""Demo: the public 成交公示 pages follow their deals after the demo moved an award back in time.

contracts.documents.demo moves a completed deal's award into the past so that its certificate
comes after the announcement period (R-DEAL-1); contracts may not import cms, so this seeder,
which runs after the deals, brings the result page's period, body and date in line.
"""

from django.db import transaction

from contracts.models import Deal

from .deal_pages import result_body
from .models import AnnouncementPage


def seed(log):
    fixed = 0
    pages = AnnouncementPage.objects.filter(kind=AnnouncementPage.Kind.RESULT).exclude(
        deal_number=""
    )
    deals = {d.number: d for d in Deal.objects.filter(number__in=pages.values("deal_number"))}
    for page in pages:
        deal = deals.get(page.deal_number)
        if deal is None or deal.result_announcement_ends_at is None:
            continue
        if page.period_ends_at == deal.result_announcement_ends_at:
            continue
        if deal.defaulted_at is None:
            page.body = result_body(deal)
        page.period_ends_at = deal.result_announcement_ends_at
        with transaction.atomic():
            page.save_revision().publish()
        type(page).objects.filter(pk=page.pk).update(
            first_published_at=deal.awarded_at, last_published_at=deal.awarded_at
        )
        fixed += 1
    if fixed:
        log(f"result announcements: {fixed} brought in line with their deals")
