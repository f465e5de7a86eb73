"""Result (成交公示) and failed-listing (流拍公告) announcement pages for deals.

Receivers of the deals app's signals (`contracts.signals`), connected when this module is
imported by `cms.apps.CmsConfig.ready`. Idempotent: one page per kind, listing and deal number.
"""

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from contracts import conf as contract_conf
from contracts.signals import deal_awarded, deal_failed
from listings import conf as listing_conf
from marketplace.labels import cn_date_text
from marketplace.models import mask_name
from marketplace.money import fen_to_yuan, format_yuan

from .models import AnnouncementPage
from .structure import announcement_index


def _price_text(deal) -> str:
    unit = "元/亩/年" if deal.price_unit == "per_mu_year" else "元（总价）"
    return f"{fen_to_yuan(deal.price_fen)} {unit}"


def _date(value) -> str:
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日"


def _public_name(party) -> str:
    """A natural person (family farm, large grower) is shown masked, "张**" (R-LIST-7)."""
    if party is None:
        return ""
    return mask_name(party.name) if party.is_natural_person else party.name


def result_body(deal) -> str:
    listing = deal.listing
    rows = [
        ("交易编号", deal.number),
        ("挂牌编号", listing.number),
        ("项目名称", listing.title),
        ("位置", f"{listing.county.name}{listing.township.name}{listing.village.name}"),
        ("面积", f"{listing.area_mu.normalize():f} 亩"),
        ("流转期限", f"{cn_date_text(listing.term_start)} 至 {cn_date_text(listing.term_end)}"),
        ("交易方式", deal.get_trading_mode_display()),
        ("受让方", _public_name(deal.transferee)),
        ("成交价格", _price_text(deal)),
        ("成交总价", format_yuan(fen_to_yuan(deal.total_value_fen))),
        ("成交时间", _date(deal.awarded_at)),
        ("公示截止", _date(deal.result_announcement_ends_at) + " 17:00"),
    ]
    table = "".join(f"<p><b>{escape(k)}：</b>{escape(v)}</p>" for k, v in rows)
    link = reverse("contracts:objection_create", args=[deal.pk])
    n = contract_conf.get("RESULT_ANNOUNCEMENT_WORKDAYS", county=listing.county_id)  # R-DEAL-1
    return (
        f'{table}<p>公示期内（{n}个工作日）对成交结果有异议的，可<a href="{link}">在线提交异议</a>，'
        "或到交易中心书面提出。</p>"
    )


def failed_body(deal) -> str:
    listing = deal.listing
    rows = [
        ("交易编号", deal.number),
        ("挂牌编号", listing.number),
        ("项目名称", listing.title),
        ("位置", f"{listing.county.name}{listing.township.name}{listing.village.name}"),
        ("挂牌价格", f"{fen_to_yuan(listing.listing_price_fen)} 元"),
        ("流拍原因", str(deal.get_failure_reason_display())),
        ("流拍时间", _date(deal.failed_at)),
    ]
    table = "".join(f"<p><b>{escape(k)}：</b>{escape(v)}</p>" for k, v in rows)
    cut = listing_conf.get(listing_conf.RELIST_MAX_CUT, county=listing.county_id)  # R-FAIL-1
    percent = f"{(cut * 100).normalize():f}"
    return (
        table + f"<p>该项目本次挂牌未能成交。出让方可申请重新挂牌（每次降价不超过{percent}%）。</p>"
    )


def _publish(*, deal, kind, title, body, period_ends_at=None):
    exists = AnnouncementPage.objects.filter(
        kind=kind, listing_id=deal.listing_id, deal_number=deal.number
    ).exists()
    if exists:
        return None
    index = announcement_index()
    page = AnnouncementPage(
        title=title[:255],
        slug=f"{kind}-{deal.number.lower()}",
        kind=kind,
        listing=deal.listing,
        deal_number=deal.number,
        period_ends_at=period_ends_at,
        body=body,
    )
    with transaction.atomic():
        index.add_child(instance=page)
    return page


@receiver(deal_awarded, dispatch_uid="cms.deal_result_page")
def publish_result(sender, deal, **kwargs):
    """成交公示 for the rulebook's working days with the winner's name and price (R-DEAL-1). A deal awarded
    again to the runner-up after a default (R-DEAL-5) has a new announcement period: its page
    is republished with the new transferee, price and period (one page per deal number)."""
    page = AnnouncementPage.objects.filter(
        kind=AnnouncementPage.Kind.RESULT, listing_id=deal.listing_id, deal_number=deal.number
    ).first()
    body = (
        "<p>原受让方未按期签订合同或支付价款，已按规则由次高出价人以其最后报价递补成交。</p>"
        + result_body(deal)
    )
    if page is not None and page.body != body and deal.defaulted_at is not None:
        page.title = f"成交公示（递补成交）：{deal.listing.title}"[:255]
        page.body = body
        page.period_ends_at = deal.result_announcement_ends_at
        with transaction.atomic():
            page.save_revision().publish()
        return page
    return _publish(
        deal=deal,
        kind=AnnouncementPage.Kind.RESULT,
        title=f"成交公示：{deal.listing.title}",
        body=result_body(deal),
        period_ends_at=deal.result_announcement_ends_at,
    )


@receiver(deal_failed, dispatch_uid="cms.deal_failed_page")
def publish_failed(sender, deal, **kwargs):
    """流拍公告 (R-FAIL-1)."""
    return _publish(
        deal=deal,
        kind=AnnouncementPage.Kind.FAILED,
        title=f"流拍公告：{deal.listing.title}",
        body=failed_body(deal),
    )
